"""Importing GeoNames files and the user's own places into the user's data directory.

    import_files(["SY.zip", "LB.zip", "admin1CodesASCII.txt"])   # eventwire gazetteer import
    add_user_places("places.yaml")                              # eventwire gazetteer add

Every file is read to its end before anything is changed; a file that fails (damaged zip, not a GeoNames
table) is left out and named, the others are imported; the live index is swapped only at the end
(see index.IndexWriter), so an interrupted run changes nothing.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .datadir import imported_index_path, sha256_of, user_index_path
from .geonames import (
    DEFAULT_CLASSES,
    FEATURE_CLASSES,
    GazetteerError,
    ParsedChunk,
    RowProblem,
    TableCheck,
    country_of_file,
    file_kind,
    known_country_codes,
    line_chunks,
    open_geonames,
    parse_lines,
    read_admin_names,
    read_country_info,
    row_problem,
)
from .index import ALIAS, ImportedIndex, IndexWriter, names_of, skeleton_chunk

Progress = Callable[[str, int, int], None]   # (label, bytes done, bytes total)


@dataclass
class FileResult:
    file: str
    kind: str
    rows: int = 0
    skipped: int = 0
    error: str | None = None


@dataclass
class ImportResult:
    index: Path
    files: list[FileResult] = field(default_factory=list)
    committed: bool = False

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.error]

    @property
    def skipped_rows(self) -> int:
        return sum(f.skipped for f in self.files)


def check_classes(classes: str) -> str:
    """Normalise a feature-class filter ("P,A,T" or "PAT"); GazetteerError for unknown classes."""
    letters = "".join(ch for ch in classes.upper() if ch not in ", ")
    bad = sorted(set(letters) - FEATURE_CLASSES)
    if bad or not letters:
        raise GazetteerError(f"unknown feature class(es) {''.join(bad) or '(none given)'}: "
                             f"expected letters among {''.join(sorted(FEATURE_CLASSES))} (default {DEFAULT_CLASSES})")
    return "".join(sorted(set(letters), key=DEFAULT_CLASSES.find))


def _embedded_index() -> Path:
    """The embedded index (built on first use): imported admin codes are named as it names them."""
    from .gazetteer import build_index, default_index_path

    path = default_index_path()
    if not path.exists():
        build_index(path)
    return path


def import_files(paths: Iterable[str | Path], data_dir: str | Path | None = None, classes: str = DEFAULT_CLASSES,
                 progress: Progress | None = None, on_problem: Callable[[RowProblem], None] | None = None,
                 checksums: dict[str, str] | None = None, step: Callable[[str], None] | None = None,
                 workers: int | None = None) -> ImportResult:
    """Import GeoNames files into the user's index (see the module docstring). `workers`: processes for the
    parsing of a large file (default: one per CPU but one, at most 4; none on a 2-CPU machine)."""
    classes = check_classes(classes)
    paths = [Path(p) for p in paths]
    for p in paths:
        if not p.exists():
            raise GazetteerError(f"{p}: no such file")
    result = ImportResult(imported_index_path(data_dir))
    fresh = any(file_kind(p) == "features" and country_of_file(p) == "*" for p in paths)
    order = {"countryinfo": 0, "admin1": 1, "admin2": 2, "features": 3}
    pool = _Pool(workers)
    try:
        with IndexWriter(result.index, fresh=fresh, embedded=_embedded_index(), classes=classes) as writer:
            for path in sorted(paths, key=lambda p: order[file_kind(p)]):
                res = FileResult(str(path), file_kind(path))
                result.files.append(res)
                sha = (checksums or {}).get(str(path)) or sha256_of(path)
                src = writer.add_source(path.name, res.kind, country_of_file(path), path.stat().st_size, sha)
                try:
                    _stage_file(writer, src, path, res, classes, progress, on_problem, pool)
                except GazetteerError as exc:
                    writer.drop_source(src)
                    res.error = str(exc)
            if any(not f.error for f in result.files):
                big = sum(f.rows for f in result.files) >= PARALLEL_ROWS
                writer.commit(step or (lambda s: None),
                              skeletons=lambda keys: pool.map(skeleton_chunk, keys, parallel=big))
                result.committed = True
    finally:
        pool.close()
    return result


def _stage_file(writer: IndexWriter, src: int, path: Path, res: FileResult, classes: str,
                progress: Progress | None, on_problem: Callable[[RowProblem], None] | None,
                pool: "_Pool") -> None:
    def problem(p: RowProblem) -> None:
        res.skipped += 1
        if on_problem:
            on_problem(p)

    with open_geonames(path) as opened:
        if res.kind == "countryinfo":
            names = read_country_info(opened)
            writer.set_country_names(names)
            res.rows = len(names)
        elif res.kind in ("admin1", "admin2"):
            for a in read_admin_names(opened, 1 if res.kind == "admin1" else 2, problem):
                writer.add_admin_name(a.country, a.admin1_code, a.admin2_code, a.name)
                res.rows += 1
        else:
            check = TableCheck(opened.label)
            chunks = ((start, lines, classes) for start, lines in line_chunks(opened, CHUNK_LINES))
            for chunk in pool.map(prepare_chunk, chunks, parallel=opened.size >= PARALLEL_BYTES):
                check.add(chunk)
                for p in chunk.problems:
                    problem(row_problem(opened.label, *p))
                for row in chunk.features:
                    writer.add_place(src, *row)
                res.rows += len(chunk.features)
                if progress:
                    progress(opened.label, opened.position(), opened.size)
            check.done()
        if progress:
            progress(opened.label, opened.size, opened.size)
    country = country_of_file(path) if res.kind == "features" else None
    writer.finish_source(src, res.rows, res.skipped, country)


CHUNK_LINES = 10_000
PARALLEL_BYTES = 20_000_000   # files smaller than this are read in this process alone
PARALLEL_ROWS = 200_000       # imports smaller than this compute name skeletons in this process


def prepare_chunk(args: tuple[int, list[str], str]) -> ParsedChunk:
    """Parse main-table lines and compute each place's name keys (runs in worker processes)."""
    chunk = parse_lines(*args)
    chunk.features = [(f.geonameid, f.name, f.latitude, f.longitude, f.feature, f.country, f.admin1_code,
                       f.admin2_code, f.population, names_of(f.name, f.asciiname, f.alternates, f.feature))
                      for f in chunk.features]
    return chunk


class _Pool:
    """Worker processes for the CPU-bound parts of a large import (parsing, name keys, skeletons); a small
    import runs in this process. Results come back in order; at most `2 * workers` chunks are in flight so
    memory stays flat."""

    def __init__(self, workers: int | None):
        # one CPU stays with this process (reading, SQLite); on 2 CPUs or fewer everything runs here
        self.workers = workers if workers is not None else min(4, (os.cpu_count() or 1) - 1)
        self._executor = None

    def map(self, fn, items, parallel: bool = True):
        if not parallel or self.workers < 2:
            yield from map(fn, items)
            return
        from collections import deque

        executor = self._start()
        pending: deque = deque()
        for item in items:
            pending.append(executor.submit(fn, item))
            if len(pending) >= 2 * self.workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def _start(self):
        if self._executor is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
            self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(method))
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None


# ---------------------------------------------------------------- the user's own places
@dataclass(frozen=True)
class UserPlace:
    name: str
    latitude: float
    longitude: float
    country: str
    feature: str = "P.PPL"
    other_names: tuple[str, ...] = ()
    admin1: str | None = None
    admin2: str | None = None
    population: int = 0

    def as_record(self) -> dict:
        return {"name": self.name, "latitude": self.latitude, "longitude": self.longitude, "country": self.country,
                "feature": self.feature, "other_names": list(self.other_names), "admin1": self.admin1,
                "admin2": self.admin2, "population": self.population}


_USER_FIELDS = {"name", "latitude", "longitude", "lat", "lon", "country", "feature", "other_names", "aliases",
                "admin1", "admin2", "population"}


def read_user_places(path: str | Path, on_problem: Callable[[str], None] = lambda m: None) -> list[UserPlace]:
    """Places of a YAML file: a list (or `places:` list) of {name, latitude, longitude, country, feature?,
    other_names?, admin1?, admin2?, population?}. A bad entry is reported and skipped."""
    import yaml

    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except FileNotFoundError:
        raise GazetteerError(f"{path}: no such file")
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" (line {where.line + 1}, column {where.column + 1})" if where is not None else ""
        raise GazetteerError(f"{path}: not readable YAML{at}: {getattr(exc, 'problem', None) or exc}")
    if isinstance(raw, dict):
        raw = raw.get("places")
    if not isinstance(raw, list) or not raw:
        raise GazetteerError(f"{path}: expected a list of places (or 'places:' followed by a list)")
    out = []
    for i, item in enumerate(raw, 1):
        try:
            out.append(_user_place(item))
        except ValueError as exc:
            label = item.get("name") if isinstance(item, dict) else None
            on_problem(f"{path}: place {i}" + (f" ({label!r})" if label else "") + f": {exc}")
    return out


def _user_place(item) -> UserPlace:
    if not isinstance(item, dict):
        raise ValueError(f"expected a mapping with name, latitude, longitude, country; got {type(item).__name__}")
    unknown = sorted(set(map(str, item)) - _USER_FIELDS)
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}")
    name = str(item.get("name") or "").strip()
    if not name:
        raise ValueError("missing name")
    lat = _number(item, ("latitude", "lat"), 90)
    lon = _number(item, ("longitude", "lon"), 180)
    cc = str(item.get("country") or "").strip().upper()
    if cc not in known_country_codes():
        raise ValueError(f"country: '{cc}' is not an ISO 3166-1 alpha-2 code" if cc else "missing country (ISO code)")
    feature = str(item.get("feature") or "P.PPL").strip().upper()
    if "." not in feature:
        feature += "."
    if feature[0] not in FEATURE_CLASSES or feature[1] != ".":
        raise ValueError(f"feature: '{feature}' is not a GeoNames class.code such as P.PPL, T.HLL, S.CMP")
    others = item.get("other_names", item.get("aliases")) or []
    if isinstance(others, str):
        others = [o.strip() for o in others.split(";")]
    if not isinstance(others, list):
        raise ValueError("other_names: expected a list of names")
    try:
        population = int(item.get("population") or 0)
    except (TypeError, ValueError):
        raise ValueError(f"population: '{item.get('population')}' is not a number")
    return UserPlace(name, lat, lon, cc, feature, tuple(str(o).strip() for o in others if str(o).strip()),
                     (str(item["admin1"]).strip() if item.get("admin1") else None),
                     (str(item["admin2"]).strip() if item.get("admin2") else None), max(population, 0))


def _number(item: dict, keys: tuple[str, ...], limit: float) -> float:
    value = next((item[k] for k in keys if k in item), None)
    if value is None:
        raise ValueError(f"missing {keys[0]}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{keys[0]}: '{value}' is not a number")
    if not -limit <= number <= limit:
        raise ValueError(f"{keys[0]}: {number:g} is out of range (-{limit:g} to {limit:g})")
    return number


def add_user_places(path: str | Path, data_dir: str | Path | None = None,
                    on_problem: Callable[[str], None] = lambda m: None) -> tuple[int, int, Path]:
    """Add (or update: same name and country) the places of a YAML file to the user's own places.
    Returns (places added or updated, places now held, index path)."""
    from .normalize import name_key

    new = read_user_places(path, on_problem)
    if not new:
        raise GazetteerError(f"{path}: no usable place")
    index = user_index_path(data_dir)
    held: dict[tuple[str, str], UserPlace] = {}
    if index.exists():
        old = ImportedIndex(index, user=True)
        try:
            for rec in old.records():
                p = UserPlace(**{**rec, "other_names": tuple(rec.get("other_names") or ())})
                held[(name_key(p.name), p.country)] = p
        finally:
            old.close()
    for p in new:
        held[(name_key(p.name), p.country)] = p
    with IndexWriter(index, fresh=True) as writer:
        src = writer.add_source(Path(path).name, "places", None, Path(path).stat().st_size, sha256_of(Path(path)))
        for i, p in enumerate(held.values(), 1):
            a1, a2 = p.admin1 or "", p.admin2 or ""
            if a1:
                writer.add_admin_name(p.country, a1, None, a1)
            if a1 and a2:
                writer.add_admin_name(p.country, a1, a2, a2)
            writer.add_place(src, -i, p.name, p.latitude, p.longitude, p.feature, p.country, a1, a2, p.population,
                             names_of(p.name, "", (), p.feature, aliases=p.other_names), record=p.as_record())
        writer.finish_source(src, len(held), 0, None)
        writer.commit()
    return len(new), len(held), index


__all__ = ["ALIAS", "FileResult", "ImportResult", "UserPlace", "add_user_places", "check_classes", "import_files",
           "read_user_places"]
