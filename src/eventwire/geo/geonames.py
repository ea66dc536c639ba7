"""Reading GeoNames export files (https://download.geonames.org/export/dump/), streaming, with checks.

Files understood:
- the main table: a country file (`SY.zip` / `SY.txt`), `allCountries.zip`, `cities500.zip`...:
  19 tab-separated columns (geonameid, name, asciiname, alternatenames, latitude, longitude, feature class,
  feature code, country code, cc2, admin1 code, admin2 code, admin3 code, admin4 code, population,
  elevation, dem, timezone, modification date);
- `admin1CodesASCII.txt` (`SY.08<TAB>name<TAB>asciiname<TAB>geonameid`) and `admin2Codes.txt`
  (`SY.08.1234<TAB>...`);
- `countryInfo.txt` (comment lines start with `#`; ISO, ISO3, ISO-Numeric, fips, Country, ...).

A row that cannot be used is reported (file, line, column, reason) and skipped; a file in which none of the
first lines is usable is refused as a whole. Rows are read one at a time: memory does not grow with the file.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

MAIN_COLUMNS = ("geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude", "feature class",
                "feature code", "country code", "cc2", "admin1 code", "admin2 code", "admin3 code", "admin4 code",
                "population", "elevation", "dem", "timezone", "modification date")
FEATURE_CLASSES = frozenset("AHLPRSTUV")
# Feature classes kept by default: populated places, admin areas, terrain, water, areas, spots.
DEFAULT_CLASSES = "PATHLS"
# How many lines may go by without one usable row before a file is refused as "not a GeoNames table".
PROBE_LINES = 100


class GazetteerError(Exception):
    """A gazetteer file or download that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class RowProblem:
    """A row that was skipped: where it is and why."""

    file: str
    line: int
    message: str
    column: int | None = None   # 1-based column number
    column_name: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        if self.column is not None:
            where += f": column {self.column} ({self.column_name})"
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Feature:
    """One row of the GeoNames main table (the fields eventwire keeps)."""

    geonameid: int
    name: str
    asciiname: str
    alternates: tuple[str, ...]
    latitude: float
    longitude: float
    feature_class: str
    feature_code: str
    country: str
    admin1_code: str
    admin2_code: str
    population: int

    @property
    def feature(self) -> str:
        return f"{self.feature_class}.{self.feature_code}"


@dataclass(frozen=True)
class AdminName:
    """A row of admin1CodesASCII.txt / admin2Codes.txt."""

    country: str
    admin1_code: str
    admin2_code: str | None
    name: str


class _BadRow(ValueError):
    def __init__(self, column: int | None, message: str):
        super().__init__(message)
        self.column, self.message = column, message


@lru_cache(maxsize=1)
def known_country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (pycountry) plus the codes GeoNames uses beyond it (XK Kosovo...)."""
    import pycountry

    from .normalize import data_path

    codes = {c.alpha_2 for c in pycountry.countries}
    for line in data_path("countries.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            codes.add(line.split("\t")[0])
    return frozenset(codes)


# ---------------------------------------------------------------- opening files
@dataclass
class OpenedFile:
    label: str                      # what messages call it: "SY.zip:SY.txt" or "SY.txt"
    stream: io.TextIOBase
    size: int                       # uncompressed bytes (for progress)
    position: Callable[[], int]     # uncompressed bytes read so far (approximate)


@contextmanager
def open_geonames(path: str | Path) -> Iterator[OpenedFile]:
    """Open a GeoNames .txt file, or the data member of a GeoNames .zip, as a text stream."""
    path = Path(path)
    if not path.exists():
        raise GazetteerError(f"{path}: no such file")
    if path.suffix.lower() == ".zip":
        try:
            zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise GazetteerError(f"{path}: not a readable zip file (truncated or damaged download?): {exc}")
        with zf:
            member = _data_member(zf, path)
            raw = zf.open(member)
            counter = _CountingReader(raw)
            text = io.TextIOWrapper(counter, encoding="utf-8", errors="replace", newline="")
            try:
                yield OpenedFile(f"{path.name}:{member.filename}", text, member.file_size, lambda: counter.count)
            except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
                raise GazetteerError(f"{path}: the zip file is damaged or truncated ({exc})") from exc
        return
    raw_file = open(path, "rb")
    counter = _CountingReader(raw_file)
    text = io.TextIOWrapper(counter, encoding="utf-8", errors="replace", newline="")
    try:
        yield OpenedFile(path.name, text, path.stat().st_size, lambda: counter.count)
    finally:
        raw_file.close()


def _data_member(zf: zipfile.ZipFile, path: Path) -> zipfile.ZipInfo:
    members = [m for m in zf.infolist() if not m.is_dir() and m.filename.lower().endswith(".txt")
               and not m.filename.lower().startswith("readme")]
    if not members:
        raise GazetteerError(f"{path}: the zip file holds no GeoNames .txt table")
    stem = path.stem.lower()
    for m in members:
        if Path(m.filename).stem.lower() == stem:
            return m
    return max(members, key=lambda m: m.file_size)


class _CountingReader(io.RawIOBase):
    """A binary stream wrapper that counts the bytes read (for progress bars)."""

    def __init__(self, raw):
        self.raw, self.count = raw, 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        data = self.raw.read(len(b))
        n = len(data)
        b[:n] = data
        self.count += n
        return n


# ---------------------------------------------------------------- what a file is
def file_kind(path: str | Path) -> str:
    """"features", "admin1", "admin2" or "countryinfo", from the file name (content is checked when read)."""
    name = Path(path).name.lower()
    if name.startswith("admin1codes"):
        return "admin1"
    if name.startswith("admin2codes"):
        return "admin2"
    if name.startswith("countryinfo"):
        return "countryinfo"
    return "features"


def country_of_file(path: str | Path) -> str | None:
    """"SY" for SY.zip / SY.txt, "*" for allCountries, None for other main-table files."""
    stem = Path(path).stem
    if stem.lower() == "allcountries":
        return "*"
    if len(stem) == 2 and stem.isalpha() and stem.isupper():
        return stem
    return None


# ---------------------------------------------------------------- the main table
def parse_feature(fields: list[str], countries: frozenset[str]) -> Feature:
    """One main-table row; raises _BadRow naming the column."""
    if len(fields) != len(MAIN_COLUMNS):
        raise _BadRow(None, f"expected {len(MAIN_COLUMNS)} tab-separated columns, found {len(fields)}")
    try:
        gid = int(fields[0])
    except ValueError:
        raise _BadRow(1, f"'{fields[0][:30]}' is not a number")
    if gid <= 0:
        raise _BadRow(1, f"'{fields[0]}' is not a positive id")
    name = fields[1].strip()
    if not name:
        raise _BadRow(2, "empty name")
    lat = _coordinate(fields[4], 5, 90.0)
    lon = _coordinate(fields[5], 6, 180.0)
    fclass = fields[6]
    if fclass not in FEATURE_CLASSES:
        raise _BadRow(7, f"unknown feature class '{fclass[:10]}' (expected one of {''.join(sorted(FEATURE_CLASSES))})")
    cc = fields[8]
    if cc and cc not in countries:
        raise _BadRow(9, f"unknown country code '{cc[:10]}'")
    pop_text = fields[14].strip()
    try:
        pop = int(pop_text) if pop_text else 0
    except ValueError:
        raise _BadRow(15, f"'{pop_text[:30]}' is not a population")
    alternates = tuple(a for a in fields[3].split(",") if a) if fields[3] else ()
    return Feature(gid, name, fields[2], alternates, lat, lon, fclass, fields[7], cc, fields[10], fields[11],
                   max(pop, 0))


def _coordinate(text: str, column: int, limit: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _BadRow(column, f"'{text[:30]}' is not a number")
    if not -limit <= value <= limit or value != value:
        raise _BadRow(column, f"{text} is out of range (-{limit:g} to {limit:g})")
    return value


def line_chunks(opened: OpenedFile, size: int = 20_000) -> Iterator[tuple[int, list[str]]]:
    """(number of the first line, lines) in chunks of `size` lines, streamed."""
    chunk: list[str] = []
    start = 1
    for line_no, line in enumerate(opened.stream, 1):
        if not chunk:
            start = line_no
        chunk.append(line)
        if len(chunk) >= size:
            yield start, chunk
            chunk = []
    if chunk:
        yield start, chunk


def parse_lines(start: int, lines: list[str], classes: str = DEFAULT_CLASSES) -> "ParsedChunk":
    """Main-table lines -> features of the `classes`, problems as (line, column, message), usable rows."""
    countries = known_country_codes()
    keep = frozenset(classes)
    out = ParsedChunk([], [], 0, None, start + len(lines) - 1)
    for line_no, line in enumerate(lines, start):
        line = line.rstrip("\r\n")
        if not line or line.startswith("#"):
            continue
        try:
            feature = parse_feature(line.split("\t"), countries)
        except _BadRow as bad:
            out.problems.append((line_no, bad.column, bad.message))
            continue
        out.good += 1
        if out.first_good is None:
            out.first_good = line_no
        if feature.feature_class in keep:
            out.features.append(feature)
    return out


@dataclass
class ParsedChunk:
    features: list            # Feature, or what a caller made of them
    problems: list[tuple[int, int | None, str]]
    good: int                 # usable rows (of any feature class)
    first_good: int | None    # line of the first usable row
    last_line: int


def row_problem(label: str, line: int, column: int | None, message: str) -> RowProblem:
    return RowProblem(label, line, message, column, MAIN_COLUMNS[column - 1] if column else None)


class TableCheck:
    """Refuses a file that is not a GeoNames main table: no usable row within its first PROBE_LINES lines,
    or none at all. Fed chunk by chunk, in order."""

    def __init__(self, label: str):
        self.label, self.good, self.first = label, 0, None

    def add(self, chunk: ParsedChunk) -> None:
        if self.good == 0:
            if chunk.problems and self.first is None:
                self.first = row_problem(self.label, *chunk.problems[0])
            seen = chunk.first_good if chunk.first_good is not None else chunk.last_line
            if seen > PROBE_LINES:
                raise GazetteerError(f"{self.label}: does not look like a GeoNames table (no usable row in "
                                     f"the first {PROBE_LINES} lines; first problem: {self.first})")
        self.good += chunk.good

    def done(self) -> None:
        if self.good == 0:
            detail = f"; first problem: {self.first}" if self.first else ""
            raise GazetteerError(f"{self.label}: no usable GeoNames row{detail}")


# ---------------------------------------------------------------- admin code files, countryInfo
def read_admin_names(opened: OpenedFile, level: int,
                     on_problem: Callable[[RowProblem], None] = lambda p: None) -> Iterator[AdminName]:
    """Rows of admin1CodesASCII.txt (level 1) or admin2Codes.txt (level 2)."""
    countries = known_country_codes()
    good = 0
    first_problem = None
    cols = ("code", "name", "asciiname", "geonameid")
    for line_no, line in enumerate(opened.stream, 1):
        line = line.rstrip("\r\n")
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        problem = None
        parts = fields[0].split(".")
        if len(fields) != 4:
            problem = RowProblem(opened.label, line_no, f"expected 4 tab-separated columns, found {len(fields)}")
        elif len(parts) != level + 1 or not all(parts):
            expect = "CC.ADMIN1" if level == 1 else "CC.ADMIN1.ADMIN2"
            problem = RowProblem(opened.label, line_no, f"'{fields[0][:30]}' is not a code like {expect}", 1, cols[0])
        elif parts[0] not in countries:
            problem = RowProblem(opened.label, line_no, f"unknown country code '{parts[0][:10]}'", 1, cols[0])
        elif not (fields[2].strip() or fields[1].strip()):
            problem = RowProblem(opened.label, line_no, "empty name", 3, cols[2])
        if problem is not None:
            if good == 0:
                first_problem = first_problem or problem
                if line_no >= PROBE_LINES:
                    raise GazetteerError(f"{opened.label}: does not look like a GeoNames admin code file "
                                         f"(first problem: {first_problem})")
            on_problem(problem)
            continue
        good += 1
        yield AdminName(parts[0], parts[1], parts[2] if level == 2 else None, fields[2].strip() or fields[1].strip())
    if good == 0:
        detail = f"; first problem: {first_problem}" if first_problem else ""
        raise GazetteerError(f"{opened.label}: no usable admin code row{detail}")


def read_country_info(opened: OpenedFile) -> dict[str, str]:
    """ISO2 -> country name from countryInfo.txt."""
    out: dict[str, str] = {}
    for line in opened.stream:
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.rstrip("\r\n").split("\t")
        if len(fields) >= 5 and len(fields[0]) == 2 and fields[0].isupper():
            out[fields[0]] = fields[4]
    if not out:
        raise GazetteerError(f"{opened.label}: no country row (is it GeoNames' countryInfo.txt?)")
    return out


# ---------------------------------------------------------------- writing (tests, benchmarks, user extracts)
def format_feature(geonameid: int, name: str, latitude: float, longitude: float, feature: str, country: str,
                   admin1: str = "", admin2: str = "", population: int = 0, alternates: tuple[str, ...] = (),
                   asciiname: str | None = None) -> str:
    """One main-table line in GeoNames' export layout (19 tab-separated columns, newline-terminated)."""
    fclass, _, fcode = feature.partition(".")
    fields = [str(geonameid), name, asciiname if asciiname is not None else name, ",".join(alternates),
              f"{latitude:.5f}", f"{longitude:.5f}", fclass, fcode, country, "", admin1, admin2, "", "",
              str(population), "", "", "", "2024-01-01"]
    return "\t".join(fields) + "\n"
