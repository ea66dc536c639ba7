"""The user's gazetteer indexes (imported GeoNames features, the user's own places): one compact SQLite
schema, read by `ImportedIndex`, written by `IndexWriter`.

Layout (integer ids, no string stored twice):
- `place(gid INTEGER PRIMARY KEY, name, lat, lon, feat, adm, pop, src)`: gid is the GeoNames id (negative for
  the user's own places); lat/lon are integers in 1e-5 degrees (GeoNames' own precision); feat/adm point to
  the small `feature(id, code)` and `admin(id, cc, a1, a2, admin1, admin2)` tables.
- `term(text PRIMARY KEY, id) WITHOUT ROWID`: every normalised name key once;
  `name(kid, gid, kind) WITHOUT ROWID`: which places carry that key (kind 0 own name, 1 alias, 2 alternate);
  `skel(skel, kid) WITHOUT ROWID`: the transliteration skeleton of each key, so "Flitah" finds "Fleita".
- `admin_name(cc, a1, a2, name)`: names from admin1CodesASCII/admin2Codes; `stats(cc, fclass, n)`;
  `source(...)`: what was imported, with its checksum; `meta(k, v)`.

Writing never touches the live index: the writer fills a temporary copy (rows staged in a second temporary
database, then merged with set operations SQLite sorts on disk), and `commit()` swaps it in with
`os.replace`. A failed or interrupted import removes its temporary files and leaves the old index as it was.
Memory stays flat whatever the input size (rows stream through; only the small admin/feature tables are
held in Python).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from eventwire.model import Place

from .gazetteer import _admin_word_variants, _strip_admin_affixes, name_affix_words
from .normalize import is_latin_key, name_key, skeleton_of_key

SCHEMA_VERSION = "1"
COORD_SCALE = 100_000
PRIMARY, ALIAS, ALTERNATE = 0, 1, 2
# Candidate caps per lookup: a very common key in allCountries ("kara") must not flood the resolver.
# (at most MAX_LOOSE_KEYS distinct spellings per skeleton are followed).
MAX_EXACT, MAX_LOOSE, MAX_LOOSE_KEYS = 3000, 1500, 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS source (id INTEGER PRIMARY KEY, file TEXT, kind TEXT, country TEXT, rows INTEGER,
                                   skipped INTEGER, size INTEGER, sha256 TEXT, imported TEXT);
CREATE TABLE IF NOT EXISTS feature (id INTEGER PRIMARY KEY, code TEXT UNIQUE);
CREATE TABLE IF NOT EXISTS admin (id INTEGER PRIMARY KEY, cc TEXT, a1 TEXT, a2 TEXT, admin1 TEXT, admin2 TEXT);
CREATE TABLE IF NOT EXISTS admin_name (cc TEXT, a1 TEXT, a2 TEXT, name TEXT, PRIMARY KEY (cc, a1, a2)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS place (gid INTEGER PRIMARY KEY, name TEXT, lat INTEGER, lon INTEGER, feat INTEGER,
                                  adm INTEGER, pop INTEGER, src INTEGER);
CREATE TABLE IF NOT EXISTS term (text TEXT PRIMARY KEY, id INTEGER) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS name (kid INTEGER, gid INTEGER, kind INTEGER, PRIMARY KEY (kid, gid)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS skel (skel TEXT, kid INTEGER, PRIMARY KEY (skel, kid)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stats (cc TEXT, fclass TEXT, n INTEGER, PRIMARY KEY (cc, fclass)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS record (gid INTEGER PRIMARY KEY, data TEXT);
"""
_STAGE_SCHEMA = """
CREATE TABLE stage.splace (gid INTEGER PRIMARY KEY, name TEXT, lat INTEGER, lon INTEGER, feat INTEGER,
                           adm INTEGER, pop INTEGER, src INTEGER);
CREATE TABLE stage.sname (key TEXT, gid INTEGER, kind INTEGER, src INTEGER);
"""

_PLACE_SQL = ("SELECT p.gid, p.name, p.lat, p.lon, p.feat, a.cc, a.admin1, a.admin2, p.pop, {kind} "
              "FROM {source} JOIN place p ON p.gid = n.gid LEFT JOIN admin a ON a.id = p.adm WHERE {where}")


# ---------------------------------------------------------------- reading
@dataclass(frozen=True)
class LayerPlace(Place):
    """A place from one of the user's indexes: a Place that also says where it comes from."""

    origin: str = "geonames"   # "geonames" (imported) or "user" (the user's own places)


class ImportedIndex:
    """Read-only lookups in one of the user's indexes."""

    def __init__(self, path: str | Path, user: bool = False):
        self.path = Path(path)
        self.user = user
        self._conn = sqlite3.connect(_ro_uri(self.path), uri=True, check_same_thread=False)
        self._conn.execute("PRAGMA query_only = 1")
        # read through a memory map: pages come from the OS file cache without copies (shared, reclaimable)
        self._conn.execute(f"PRAGMA mmap_size = {min(self.path.stat().st_size, 1 << 32)}")
        self._features = dict(self._conn.execute("SELECT id, code FROM feature"))
        self._exact_sql = _PLACE_SQL.format(
            kind="n.kind", source="term t JOIN name n ON n.kid = t.id", where="t.text = ?") + f" LIMIT {MAX_EXACT}"
        self._loose_sql = _PLACE_SQL.format(
            kind="n.kind", source=f"(SELECT kid FROM skel WHERE skel = ? LIMIT {MAX_LOOSE_KEYS}) s "
                                  "JOIN name n ON n.kid = s.kid", where="1") + f" LIMIT {MAX_LOOSE}"

    def __reduce__(self):
        return (ImportedIndex, (self.path, self.user))

    def _place(self, row) -> LayerPlace:
        return LayerPlace(name=row[1], latitude=row[2] / COORD_SCALE, longitude=row[3] / COORD_SCALE,
                          country=row[5] or "", feature=self._features.get(row[4], "X."),
                          geonameid=None if self.user else row[0], admin1=row[6], admin2=row[7],
                          population=row[8] or 0, origin="user" if self.user else "geonames")

    def by_key(self, key: str) -> list[tuple[Place, int]]:
        """Places carrying the exact name key, with the kind of name (0 own, 1 alias, 2 alternate)."""
        return [(self._place(r), r[9]) for r in self._conn.execute(self._exact_sql, (key,))]

    def by_skeleton(self, skel: str) -> list[tuple[Place, int]]:
        """Places whose name has the transliteration skeleton `skel` (each once, with its best kind of name)."""
        best: dict[int, tuple] = {}
        for r in self._conn.execute(self._loose_sql, (skel,)):
            old = best.get(r[0])
            if old is None or r[9] < old[9]:
                best[r[0]] = r
        return [(self._place(r), r[9]) for r in best.values()]

    def meta(self) -> dict[str, str]:
        return dict(self._conn.execute("SELECT k, v FROM meta"))

    def counts(self) -> list[tuple[str, str, int]]:
        """(country, feature class, places) rows."""
        return list(self._conn.execute("SELECT cc, fclass, n FROM stats ORDER BY cc, fclass"))

    def sources(self) -> list[dict]:
        cols = ("file", "kind", "country", "rows", "skipped", "size", "sha256", "imported")
        return [dict(zip(cols, r)) for r in self._conn.execute(f"SELECT {', '.join(cols)} FROM source ORDER BY id")]

    def size(self) -> dict[str, int]:
        """Places, name keys and name rows."""
        q = self._conn.execute
        return {"places": q("SELECT COUNT(*) FROM place").fetchone()[0],
                "name_keys": q("SELECT COUNT(*) FROM term").fetchone()[0],
                "names": q("SELECT COUNT(*) FROM name").fetchone()[0]}

    def records(self) -> list[dict]:
        """The user's own place records as they were added (user index only)."""
        return [json.loads(d) for (d,) in self._conn.execute("SELECT data FROM record ORDER BY gid DESC")]

    def close(self) -> None:
        self._conn.close()


# ---------------------------------------------------------------- names of one feature
def names_of(name: str, asciiname: str, alternates: Iterable[str], feature: str,
             aliases: Iterable[str] = ()) -> dict[str, int]:
    """Name key -> best kind for one place: its name and ASCII name (0), aliases and the bare forms of
    admin names "Muhafazat Idlib" -> "Idlib" (1), alternate names (2). Non-Latin names and codes are left out."""
    out: dict[str, int] = {}
    key = name_key(name)
    if key and is_latin_key(key):
        out[key] = PRIMARY
    if asciiname and asciiname != name:
        key = name_key(asciiname)
        if key and is_latin_key(key):
            out[key] = PRIMARY
    extra = list(aliases)
    if feature[:2] == "A.":
        extra += [v for base in (name, asciiname) if base for v in _admin_word_variants(base)]
    elif feature[:2] == "P.":
        bare = _strip_admin_affixes(asciiname or name, name_affix_words())
        if bare:
            extra.append(bare)
    for text in extra:
        key = name_key(text)
        if key and key not in out and is_latin_key(key):
            out[key] = ALIAS
    for alt in alternates:
        if (alt.isupper() and len(alt) <= 4) or alt.startswith("http") or alt.isdigit():
            continue
        key = name_key(alt)
        if key and key not in out and is_latin_key(key):
            out[key] = ALTERNATE
    return out


# ---------------------------------------------------------------- writing
class IndexWriter:
    """Builds a new version of an index beside the live one and swaps it in on `commit()`.

    with IndexWriter(path) as w:
        src = w.add_source("SY.zip", "features", "SY", size, sha)
        w.add_feature(...) ...          # staged
        w.finish_source(src, rows, skipped)
        w.commit()                      # merge + atomic swap; without commit nothing changes
    """

    def __init__(self, path: str | Path, fresh: bool = False, embedded: Path | None = None,
                 classes: str | None = None):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tag = f"{os.getpid()}"
        self.tmp = self.path.with_name(f".{self.path.stem}.{tag}.building")
        self.stage_path = self.path.with_name(f".{self.path.stem}.{tag}.stage")
        for p in (self.tmp, self.stage_path):
            if p.exists():
                p.unlink()
        self.embedded = embedded
        self.fresh = fresh or not self.path.exists()
        if not self.fresh:
            shutil.copyfile(self.path, self.tmp)
        self.conn = sqlite3.connect(self.tmp.resolve().as_uri(), uri=True, isolation_level=None)
        self.conn.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
                                "PRAGMA cache_size = -200000; PRAGMA temp_store = FILE;")
        if self.path.exists() and fresh:  # keep what was learnt from admin code files and past sources
            self.conn.executescript(_SCHEMA)
            self._copy_small_tables()
        self.conn.executescript(_SCHEMA)
        self.conn.execute("ATTACH DATABASE ? AS stage", (self.stage_path.resolve().as_uri(),))
        self.has_embedded = embedded is not None and Path(embedded).exists()
        if self.has_embedded:
            self.conn.execute("ATTACH DATABASE ? AS emb", (_ro_uri(Path(embedded)),))
        self.conn.executescript("PRAGMA stage.journal_mode = OFF; PRAGMA stage.synchronous = OFF;")
        self.conn.executescript(_STAGE_SCHEMA)
        self.conn.execute("BEGIN")
        self._features = {code: i for i, code in self.conn.execute("SELECT id, code FROM feature")}
        self._admins = {(cc, a1, a2): i for i, cc, a1, a2 in self.conn.execute("SELECT id, cc, a1, a2 FROM admin")}
        self._new_admins: list[tuple] = []
        self._place_rows: list[tuple] = []
        self._name_rows: list[tuple] = []
        self.classes = classes
        self.replace_all = fresh
        self.replace_countries: set[str] = set()
        self.committed = False

    def _copy_small_tables(self) -> None:
        self.conn.execute("ATTACH DATABASE ? AS old", (_ro_uri(self.path),))
        for table in ("admin_name", "source"):
            self.conn.execute(f"INSERT OR REPLACE INTO main.{table} SELECT * FROM old.{table}")
        self.conn.execute("INSERT OR REPLACE INTO main.meta SELECT * FROM old.meta WHERE k = 'countries'")
        self.conn.execute("DETACH DATABASE old")

    # -- context manager: an exception (or no commit) discards everything
    def __enter__(self) -> "IndexWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.discard()

    def discard(self) -> None:
        try:
            self.conn.close()
        except sqlite3.Error:
            pass
        for p in (self.tmp, self.stage_path):
            if p.exists():
                p.unlink()

    # -- sources
    def add_source(self, file: str, kind: str, country: str | None, size: int, sha256: str | None) -> int:
        cur = self.conn.execute("INSERT INTO source (file, kind, country, rows, skipped, size, sha256, imported) "
                                "VALUES (?,?,?,?,?,?,?,?)",
                                (file, kind, country, 0, 0, size, sha256, dt.datetime.now(dt.timezone.utc)
                                 .isoformat(timespec="seconds")))
        return cur.lastrowid

    def finish_source(self, src: int, rows: int, skipped: int, replaces: str | None) -> None:
        """A source read to its end: its rows count, and whose old rows it replaces: a country code (a country
        file), "*" (allCountries: everything) or None (other files: rows are added or updated by id)."""
        self._flush()
        self.conn.execute("UPDATE source SET rows = ?, skipped = ? WHERE id = ?", (rows, skipped, src))
        if replaces == "*":
            self.replace_all = True
        elif replaces:
            self.replace_countries.add(replaces)

    def drop_source(self, src: int) -> None:
        """A source that failed half-way: forget its staged rows."""
        self._place_rows.clear()
        self._name_rows.clear()
        self.conn.execute("DELETE FROM stage.splace WHERE src = ?", (src,))
        self.conn.execute("DELETE FROM stage.sname WHERE src = ?", (src,))
        self.conn.execute("DELETE FROM source WHERE id = ?", (src,))

    # -- rows
    def _feature_id(self, code: str) -> int:
        fid = self._features.get(code)
        if fid is None:
            fid = self._features[code] = len(self._features) + 1
            self.conn.execute("INSERT INTO feature VALUES (?, ?)", (fid, code))
        return fid

    def _admin_id(self, cc: str, a1: str, a2: str) -> int:
        k = (cc, a1, a2)
        aid = self._admins.get(k)
        if aid is None:
            aid = self._admins[k] = len(self._admins) + 1
            self._new_admins.append((aid, cc, a1, a2))
        return aid

    def add_place(self, src: int, gid: int, name: str, lat: float, lon: float, feature: str, cc: str,
                  a1: str, a2: str, population: int, names: dict[str, int], record: dict | None = None) -> None:
        self._place_rows.append((gid, name, round(lat * COORD_SCALE), round(lon * COORD_SCALE),
                                 self._feature_id(feature), self._admin_id(cc, a1, a2), population or None, src))
        self._name_rows.extend((key, gid, kind, src) for key, kind in names.items())
        if record is not None:
            self.conn.execute("INSERT OR REPLACE INTO record VALUES (?, ?)", (gid, json.dumps(record)))
        if len(self._place_rows) >= 20_000:
            self._flush()

    def add_admin_name(self, cc: str, a1: str, a2: str | None, name: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO admin_name VALUES (?,?,?,?)", (cc, a1, a2 or "", name))

    def set_country_names(self, names: dict[str, str]) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('countries', ?)", (json.dumps(names, sort_keys=True),))

    def _flush(self) -> None:
        if self._place_rows:
            self.conn.executemany("INSERT OR REPLACE INTO stage.splace VALUES (?,?,?,?,?,?,?,?)", self._place_rows)
            self._place_rows.clear()
        if self._name_rows:
            self.conn.executemany("INSERT INTO stage.sname VALUES (?,?,?,?)", self._name_rows)
            self._name_rows.clear()
        if self._new_admins:
            self.conn.executemany("INSERT INTO admin (id, cc, a1, a2) VALUES (?,?,?,?)", self._new_admins)
            self._new_admins.clear()

    # -- merge and swap
    def commit(self, progress=lambda step: None, skeletons=None) -> None:
        """Merge the staged rows into the index copy and swap it in atomically. `skeletons(chunks of keys)`
        may compute the keys' skeletons elsewhere (worker processes), in order."""
        self._flush()
        q = self.conn.execute
        progress("replacing old rows")
        if self.replace_all:
            for table in ("place", "name", "term", "skel"):
                q(f"DELETE FROM {table}")
        else:
            self._delete_replaced()
        progress("writing places")
        q("INSERT OR REPLACE INTO place SELECT * FROM stage.splace")
        progress("writing names")
        self._merge_names(skeletons or (lambda chunks: map(skeleton_chunk, chunks)))
        progress("naming admin areas")
        self._name_admin_areas()
        progress("counting")
        q("DELETE FROM stats")
        q("INSERT INTO stats SELECT COALESCE(a.cc, ''), substr(f.code, 1, 1), COUNT(*) FROM place p "
          "LEFT JOIN admin a ON a.id = p.adm LEFT JOIN feature f ON f.id = p.feat GROUP BY 1, 2")
        q("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        q("INSERT OR REPLACE INTO meta VALUES ('built', ?)",
          (dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),))
        if self.classes:
            q("INSERT OR REPLACE INTO meta VALUES ('classes', ?)", (self.classes,))
        q("COMMIT")
        if self.has_embedded:
            q("DETACH DATABASE emb")
        q("DETACH DATABASE stage")
        self.stage_path.unlink(missing_ok=True)
        if self.replace_all and not self.fresh:
            progress("compacting")
            q("VACUUM")
        self.conn.close()
        fd = os.open(self.tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(self.tmp, self.path)
        self.committed = True

    def _delete_replaced(self) -> None:
        q = self.conn.execute
        q("CREATE TEMP TABLE gone (gid INTEGER PRIMARY KEY)")
        countries = sorted(self.replace_countries)
        if countries:
            marks = ",".join("?" * len(countries))
            q(f"INSERT OR IGNORE INTO gone SELECT p.gid FROM place p JOIN admin a ON a.id = p.adm "
              f"WHERE a.cc IN ({marks})", countries)
        q("INSERT OR IGNORE INTO gone SELECT s.gid FROM stage.splace s JOIN place p ON p.gid = s.gid")
        if q("SELECT EXISTS (SELECT 1 FROM gone)").fetchone()[0]:
            q("DELETE FROM place WHERE gid IN (SELECT gid FROM gone)")
            q("DELETE FROM name WHERE gid IN (SELECT gid FROM gone)")
            q("DELETE FROM record WHERE gid IN (SELECT gid FROM gone)")
        q("DROP TABLE gone")

    def _merge_names(self, skeletons) -> None:
        q = self.conn.execute
        first = (q("SELECT MAX(id) FROM term").fetchone()[0] or 0) + 1
        known = "" if first == 1 else " WHERE key NOT IN (SELECT text FROM main.term)"
        q("CREATE TABLE stage.newterm AS SELECT key AS text, ? - 1 + ROW_NUMBER() OVER (ORDER BY key) AS id "
          f"FROM (SELECT DISTINCT key FROM stage.sname{known})", (first,))
        q("INSERT INTO term SELECT text, id FROM stage.newterm ORDER BY text")
        q("CREATE TABLE stage.sskel (skel TEXT, kid INTEGER)")
        reader = self.conn.cursor()
        reader.execute("SELECT text, id FROM stage.newterm")
        chunks = iter(lambda: reader.fetchmany(50_000), [])
        pending: list[list[int]] = []

        def keys():
            for rows in chunks:
                pending.append([kid for _, kid in rows])
                yield [text for text, _ in rows]

        for skels in skeletons(keys()):
            self.conn.executemany("INSERT INTO stage.sskel VALUES (?, ?)", zip(skels, pending.pop(0)))
        q("INSERT OR IGNORE INTO skel SELECT skel, kid FROM stage.sskel WHERE skel != '' ORDER BY skel, kid")
        q("INSERT OR REPLACE INTO name SELECT t.id, s.gid, MIN(s.kind) FROM stage.sname s "
          "JOIN term t ON t.text = s.key GROUP BY t.id, s.gid ORDER BY t.id, s.gid")

    def _name_admin_areas(self) -> None:
        """admin1/admin2 names of every admin code: the admin code files first, else the embedded gazetteer's
        names of the same GeoNames places (so that containment tests compare like with like), else the names
        of the A.ADM1/A.ADM2 features themselves."""
        q = self.conn.execute
        a1_names: dict[tuple[str, str], str] = {}
        a2_names: dict[tuple[str, str, str], str] = {}
        for cc, a1, a2, name in q("SELECT cc, a1, a2, name FROM admin_name"):
            if a2:
                a2_names[(cc, a1, a2)] = name
            else:
                a1_names[(cc, a1)] = name
        emb1, emb2 = self._embedded_admin_names()
        feat1, feat2 = self._admin_feature_names()
        updates = []
        for aid, cc, a1, a2 in q("SELECT id, cc, a1, a2 FROM admin").fetchall():
            n1 = (a1_names.get((cc, a1)) or emb1.get((cc, a1)) or feat1.get((cc, a1))) if a1 else None
            n2 = (a2_names.get((cc, a1, a2)) or emb2.get((cc, a1, a2)) or feat2.get((cc, a1, a2))) if a2 else None
            updates.append((n1, n2, aid))
        self.conn.executemany("UPDATE admin SET admin1 = ?, admin2 = ? WHERE id = ?", updates)

    def _admin_feature_names(self) -> tuple[dict, dict]:
        feat1, feat2 = {}, {}
        for code, cc, a1, a2, name in self.conn.execute(
                "SELECT f.code, a.cc, a.a1, a.a2, p.name FROM place p JOIN feature f ON f.id = p.feat "
                "JOIN admin a ON a.id = p.adm WHERE f.code IN ('A.ADM1', 'A.ADM2') ORDER BY p.gid"):
            if code == "A.ADM1":
                feat1.setdefault((cc, a1), _bare_admin_name(name))
            else:
                feat2.setdefault((cc, a1, a2), _bare_admin_name(name))
        return feat1, feat2

    def _embedded_admin_names(self) -> tuple[dict, dict]:
        """Majority admin names the embedded gazetteer gives to the GeoNames places both indexes hold."""
        if not self.has_embedded:
            return {}, {}
        from collections import Counter, defaultdict

        votes1: dict = defaultdict(Counter)
        votes2: dict = defaultdict(Counter)
        for cc, a1, a2, n1, n2 in self.conn.execute(
                "SELECT a.cc, a.a1, a.a2, e.admin1, e.admin2 FROM emb.place e JOIN place p ON p.gid = e.geonameid "
                "JOIN admin a ON a.id = p.adm WHERE e.geonameid IS NOT NULL AND e.feature LIKE 'P.%'"):
            if a1 and n1:
                votes1[(cc, a1)][n1] += 1
            if a1 and a2 and n2:
                votes2[(cc, a1, a2)][n2] += 1
        return ({k: v.most_common(1)[0][0] for k, v in votes1.items()},
                {k: v.most_common(1)[0][0] for k, v in votes2.items()})


def _ro_uri(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro"


def _bare_admin_name(name: str) -> str:
    from .gazetteer import _admin_word_variants

    variants = list(_admin_word_variants(name))
    return variants[-1] if variants else name


def skeleton_chunk(keys: list[str]) -> list[str]:
    """Skeletons of name keys (keys are already normalised: the skeleton of the key is that of the name)."""
    return [skeleton_of_key(k) for k in keys]

