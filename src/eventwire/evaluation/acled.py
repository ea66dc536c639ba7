"""ACLED exports as gold data: reading both column layouts, and scoring `extract` on the notes.

    eventwire eval acled FILE.csv... [--limit N] [--published-column COL] [--model PATH]

Layouts: modern exports (lower-case columns with sub_event_type) and the old ones (upper-case
columns, or an unnamed first index column; no sub_event_type; old event types such as
"Battle-No change of territory", mapped to the current taxonomy by OLD_TYPES). The notes carry
their own dates: no publication date is passed unless a column is named for it. For each note
the first event we extract (reading order) is compared with ACLED's record.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from eventwire.classify.taxonomy import old_acled_types
from eventwire.io.rows import numbered_rows

from .common import NO_PREDICTION, Problem, UnusableFile, distance_km, label_scores, median_or_none, number, \
    ratio, read_text_file

# Old ACLED event types (2015/2016 exports) -> (accepted event types, sub_event_type or None when the
# old type does not determine it); the table lives in data/acled_old_types.yaml.
OLD_TYPES: dict[str, tuple[tuple[str, ...], str | None]] = {
    old.lower(): mapped for old, mapped in old_acled_types().items()}
PROTESTS_OR_RIOTS = "Protests or Riots"
DATE_FORMATS = ("%d %B %Y", "%d-%m-%y", "%d-%B-%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %b %Y",
                "%d-%b-%Y", "%d-%b-%y", "%d/%m/%y")
REQUIRED_COLUMNS = ("notes", "event_type")
# measure -> the columns it needs (a measure whose column is absent is not scored, with a warning)
MEASURE_COLUMNS = {
    "sub_event_type": ("sub_event_type",),
    "inter": ("inter1", "inter2"),
    "country": ("country",),
    "location": ("latitude", "longitude"),
    "event_date": ("event_date",),
    "fatalities": ("fatalities",),
}


@dataclass(frozen=True)
class GoldRow:
    """One ACLED record, its values checked (None where the file has no such column)."""

    where: str                      # the line of the file where the record starts
    notes: str
    event_types: tuple[str, ...]    # the accepted event types (two for old "Riots/Protests")
    sub_event_type: str | None      # None when the layout does not determine it
    inter1: int | None = None
    inter2: int | None = None
    country: str | None = None
    point: tuple[float, float] | None = None
    event_date: dt.date | None = None
    fatalities: int | None = None
    published: dt.date | None = None
    place_named: bool = False       # the note names ACLED's location (so the text can place it)

    @property
    def event_type_label(self) -> str:
        return PROTESTS_OR_RIOTS if len(self.event_types) > 1 else self.event_types[0]


@dataclass
class AcledGold:
    """The usable rows of one ACLED file and what was wrong with the others."""

    file: str
    layout: str                     # "modern" | "old"
    rows: list[GoldRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    without_notes: int = 0          # rows with empty notes: nothing to score, set aside
    unscored: list[str] = field(default_factory=list)   # measures whose columns the file lacks

    @property
    def warnings(self) -> list[str]:
        return [f"no {' or '.join(repr(c) for c in MEASURE_COLUMNS[m])} column: {m} not scored"
                for m in self.unscored]


def parse_acled_date(value: str) -> dt.date:
    """ACLED's date forms ("21 March 2020", "31-12-19", "01-January-2015", "2016-07-02"); day first."""
    text = " ".join(value.split())
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {value!r} (expected e.g. '21 March 2020', '31-12-19' or '2016-07-02')")


def _table_rows(path: str | Path) -> tuple[list[str], Iterable[tuple[int, list[str] | csv.Error]]]:
    """Header (lower-cased, the unnamed index column named '') and (line, cells or csv.Error) per record."""
    text = read_text_file(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise UnusableFile(path, "empty file") from None
    except csv.Error as exc:
        raise UnusableFile(path, f"malformed CSV header (line 1): {exc}") from None

    columns = [h.strip().lstrip("\ufeff").lower() for h in header]
    return columns, numbered_rows(reader, len(columns))


def layout_of(path: str | Path, columns: list[str]) -> str:
    """'modern' or 'old'; UnusableFile when the header is not an ACLED export's."""
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        shown = ", ".join(columns[:8]) + (", ..." if len(columns) > 8 else "")
        raise UnusableFile(path, f"not an ACLED export: no {' or '.join(repr(c) for c in missing)} column "
                                 f"(line 1 has: {shown})")
    return "modern" if "sub_event_type" in columns else "old"


def read_acled(path: str | Path, limit: int | None = None, published_column: str | None = None,
               measures: Iterable[str] = MEASURE_COLUMNS) -> AcledGold:
    """The checked rows of an ACLED export (at most `limit` usable rows); problems are collected, not raised.

    `measures` names what will be scored (keys of MEASURE_COLUMNS): only their columns are checked,
    so a bad latitude does not set a row aside when only event types are measured."""
    from eventwire.classify.taxonomy import load_taxonomy

    columns, records = _table_rows(path)
    gold = AcledGold(str(path), layout_of(path, columns))
    wanted = [m for m in measures if m in MEASURE_COLUMNS]
    if published_column is not None and published_column.lower() not in columns:
        raise UnusableFile(path, f"no column {published_column!r} for --published-column "
                                 f"(columns: {', '.join(c for c in columns if c)})")
    for m in wanted:
        if m == "sub_event_type" and gold.layout == "old":
            continue  # the old layout determines the sub-event type only through OLD_TYPES
        if any(c not in columns for c in MEASURE_COLUMNS[m]):
            gold.unscored.append(m)
    checks = [m for m in wanted if m not in gold.unscored]
    taxonomy = load_taxonomy()
    for line, cells in records:
        if limit is not None and len(gold.rows) >= limit:
            break
        where = str(line)
        if isinstance(cells, str):
            gold.problems.append(Problem(gold.file, where, None, cells))
            continue
        record = dict(zip(columns, (c.strip() for c in cells)))
        if not record["notes"]:
            gold.without_notes += 1
            continue
        try:
            gold.rows.append(_gold_row(record, where, gold.layout, checks, published_column, taxonomy))
        except _BadValue as bad:
            gold.problems.append(Problem(gold.file, where, bad.column, bad.message))
    return gold


class _BadValue(ValueError):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


def _value(record: dict[str, str], column: str, parse: Callable[[str], Any]) -> Any:
    raw = record.get(column, "")
    try:
        return parse(raw)
    except ValueError as exc:
        raise _BadValue(column, str(exc) or f"unreadable value {raw!r}") from None


def _gold_row(record: dict[str, str], where: str, layout: str, checks: list[str],
              published_column: str | None, taxonomy) -> GoldRow:
    event_types, sub = _types(record, layout, taxonomy)
    values: dict[str, Any] = {}
    if "inter" in checks:
        values["inter1"] = _value(record, "inter1", _inter)
        values["inter2"] = _value(record, "inter2", _inter)
    if "country" in checks:
        values["country"] = record["country"] or None
    if "location" in checks:
        values["point"] = (_value(record, "latitude", _latitude), _value(record, "longitude", _longitude))
        values["place_named"] = _names_location(record)
    if "event_date" in checks:
        values["event_date"] = _value(record, "event_date", parse_acled_date)
    if "fatalities" in checks:
        values["fatalities"] = _value(record, "fatalities", _count)
    if published_column:
        values["published"] = _value(record, published_column.lower(), parse_acled_date)
    return GoldRow(where, record["notes"], event_types, sub, **values)


def _names_location(record: dict[str, str]) -> bool:
    """Whether the note names ACLED's location ("Dabaso" in "... in Dabaso, Kilifi"); ACLED codes many
    notes to a place their text never names, which no reader of the note can find."""
    name = re.sub(r"\s*\(.*\)\s*$", "", record.get("location") or "").strip().lower()
    return bool(name) and re.search(r"\b" + re.escape(name) + r"\b", record["notes"].lower()) is not None


def _types(record: dict[str, str], layout: str, taxonomy) -> tuple[tuple[str, ...], str | None]:
    raw = record["event_type"]
    if layout == "old":
        mapped = OLD_TYPES.get(raw.lower())
        if mapped is None:
            known = sorted({v[0][0] if len(v[0]) == 1 else "Riots/Protests" for v in OLD_TYPES.values()})
            raise _BadValue("event_type", f"unknown old ACLED event type {raw!r} (known: {', '.join(known)})")
        return mapped
    sub = record.get("sub_event_type", "")
    if sub not in taxonomy.names:
        raise _BadValue("sub_event_type", f"unknown sub_event_type {sub!r}")
    if raw != taxonomy.event_type(sub):
        raise _BadValue("event_type", f"event_type {raw!r} does not hold sub_event_type {sub!r}")
    return (raw,), sub


def _inter(raw: str) -> int:
    if raw == "":
        return 0  # no such actor
    value = number(raw)
    if value != int(value) or not 0 <= value <= 8:
        raise ValueError(f"not an ACLED inter code 0-8: {raw!r}")
    return int(value)


def _count(raw: str) -> int:
    value = number(raw)
    if value < 0 or value != int(value):
        raise ValueError(f"not a count: {raw!r}")
    return int(value)


def _latitude(raw: str) -> float:
    value = number(raw)
    if not -90 <= value <= 90:
        raise ValueError(f"latitude out of range: {raw!r}")
    return value


def _longitude(raw: str) -> float:
    value = number(raw)
    if not -180 <= value <= 180:
        raise ValueError(f"longitude out of range: {raw!r}")
    return value


# ------------------------------------------------------------------------------- scoring extract
def event_type_prediction(row: GoldRow, predicted: str | None) -> str:
    """The predicted event type as a label comparable with row.event_type_label."""
    if predicted is None:
        return NO_PREDICTION
    if len(row.event_types) > 1 and predicted in row.event_types:
        return PROTESTS_OR_RIOTS
    return predicted


def extract_firsts(pipe, rows: list[GoldRow], file_stem: str, progress=None) -> tuple[list, int, float]:
    """The first event extracted from each note (None when none), crashes, and seconds taken."""
    firsts, crashes = [], 0
    t0 = time.perf_counter()
    for i, row in enumerate(rows):
        try:
            events = pipe.extract(row.notes, published=row.published, doc_id=f"{file_stem}:{i}")
        except Exception:  # counted and reported, never hidden
            crashes += 1
            events = []
        firsts.append(events[0] if events else None)
        if progress:
            progress(i + 1, len(rows))
    return firsts, crashes, time.perf_counter() - t0


def score_extract(rows: list[GoldRow], firsts: list, unscored: Iterable[str] = ()) -> dict[str, Any]:
    """ACLED's record against the first extracted event of each note (None: no event, which counts
    as wrong for every measure but fatalities, where it predicts 0)."""
    n = len(rows)
    skip = set(unscored)
    out: dict[str, Any] = {"records": n, "any_event": ratio(sum(e is not None for e in firsts), n)}
    out["event_type"] = label_scores([r.event_type_label for r in rows],
                                     [event_type_prediction(r, e.event_type if e else None)
                                      for r, e in zip(rows, firsts)])
    subs = [(r.sub_event_type, e.sub_event_type if e else NO_PREDICTION) for r, e in zip(rows, firsts)
            if r.sub_event_type]
    out["sub_event_type"] = label_scores([g for g, _ in subs], [p for _, p in subs]) if subs else None
    if "inter" not in skip:
        out["inter1"] = ratio(sum(e is not None and (e.inter1 or 0) == r.inter1 for r, e in zip(rows, firsts)), n)
        out["inter2"] = ratio(sum(e is not None and (e.inter2 or 0) == r.inter2 for r, e in zip(rows, firsts)), n)
        out["inter_pair"] = ratio(sum(e is not None and sorted((e.inter1 or 0, e.inter2 or 0)) ==
                                      sorted((r.inter1, r.inter2)) for r, e in zip(rows, firsts)), n)
    if "country" not in skip:
        out["country"] = ratio(sum(e is not None and (e.country or "").lower() == (r.country or "").lower()
                                   for r, e in zip(rows, firsts)), n)
    if "location" not in skip:
        out.update(_location_scores(rows, firsts))
    if "event_date" not in skip:
        out["event_date_exact"] = ratio(sum(e is not None and e.event_date == r.event_date.isoformat()
                                            for r, e in zip(rows, firsts)), n)
    if "fatalities" not in skip:
        predicted = [e.fatalities if e else 0 for e in firsts]
        out["fatalities_exact"] = ratio(sum(p == r.fatalities for p, r in zip(predicted, rows)), n)
        out["fatalities_within_1"] = ratio(sum(abs(p - r.fatalities) <= 1 for p, r in zip(predicted, rows)), n)
    return out


def _location_scores(rows: list[GoldRow], firsts: list) -> dict[str, Any]:
    errors = [distance_km(r.point, (e.latitude, e.longitude)) if e is not None and e.latitude is not None else None
              for r, e in zip(rows, firsts)]
    n = len(rows)
    known = [d for d in errors if d is not None]
    named = [d for d, r in zip(errors, rows) if r.place_named]
    return {"location_within_25km": ratio(sum(d is not None and d <= 25 for d in errors), n),
            "notes_naming_location": ratio(len(named), n),
            "location_within_25km_where_named": ratio(sum(d is not None and d <= 25 for d in named), len(named)),
            "location_within_100km": ratio(sum(d is not None and d <= 100 for d in errors), n),
            "median_km": median_or_none(known), "located": len(known)}


def evaluate_file(gold: AcledGold, pipes: dict[str, Any], progress=None) -> dict[str, Any]:
    """`extract` scored on one read file, once per pipeline (name -> Pipeline), side by side."""
    stem = Path(gold.file).stem
    result: dict[str, Any] = {"file": gold.file, "layout": gold.layout, "records": len(gold.rows),
                              "skipped": len(gold.problems), "without_notes": gold.without_notes,
                              "not_scored": gold.unscored, "systems": {}}
    for name, pipe in pipes.items():
        firsts, crashes, seconds = extract_firsts(pipe, gold.rows, stem,
                                                  (lambda i, n, name=name: progress(name, i, n)) if progress else None)
        scores = score_extract(gold.rows, firsts, gold.unscored)
        scores.update(crashes=crashes, seconds=round(seconds, 1),
                      records_per_second=round(len(gold.rows) / seconds, 2) if seconds > 0 else None)
        result["systems"][name] = scores
    return result
