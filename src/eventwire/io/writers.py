"""Writing events (and other per-record results) as JSON Lines, ACLED CSV, GeoJSON or a rich table.

Results go to the given stream (stdout in the CLI); errors never do. jsonl and csv are written as
the events come, so a generator of events is streamed; geojson and table collect first.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TextIO

from eventwire.model import ACLED_COLUMNS, OWN_COLUMNS, Event

__all__ = [
    "EVENT_FORMATS", "RECORD_FORMATS", "CSV_COLUMNS", "default_format", "event_to_row",
    "write_events", "write_records",
]

EVENT_FORMATS = ("jsonl", "csv", "geojson", "table")
RECORD_FORMATS = ("jsonl", "csv", "table")
CSV_COLUMNS = ACLED_COLUMNS + OWN_COLUMNS

# date and fatalities never wrap; the other columns share the rest of the width by these ratios
_FIXED_WIDTH = {"date": 10, "fatalities": 10}
_RATIO = {"type / sub-type": 3}
TABLE_COLUMNS = ("date", "type / sub-type", "actor1", "actor2", "location", "country", "fatalities", "source")


def default_format(stream: TextIO) -> str:
    """"table" when the stream is a terminal, "jsonl" otherwise (pipes, files)."""
    isatty = getattr(stream, "isatty", None)
    try:
        return "table" if isatty and isatty() else "jsonl"
    except (ValueError, OSError):  # closed or odd streams
        return "jsonl"


def _as_dict(event: Event | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(event, Event):
        return event.to_dict()
    if isinstance(event, Mapping):
        return dict(event)
    to_dict = getattr(event, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    raise TypeError(f"cannot write {type(event).__name__} as an event")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def event_to_row(event: Event | Mapping[str, Any], timestamp: int | None = None) -> list[str]:
    """One event as a CSV row in CSV_COLUMNS order (ACLED columns, then evidence, claims, confidence).

    event_id_cnty is our event_id; assoc_actor_1/2 lists are "; "-joined; evidence and claims are
    JSON text; missing values are empty cells; `timestamp` is the value of the timestamp column
    (None: empty, so that the same input gives byte-identical output).
    """
    d = _as_dict(event)
    row: list[str] = []
    for column in CSV_COLUMNS:
        if column == "event_id_cnty":
            value = d.get("event_id_cnty", d.get("event_id"))
        elif column == "timestamp":
            value = d.get("timestamp", timestamp)
        else:
            value = d.get(column)
        if column in ("assoc_actor_1", "assoc_actor_2") and isinstance(value, (list, tuple)):
            value = "; ".join(str(v) for v in value if v)
        elif column in ("evidence", "claims"):
            value = _json(value if value is not None else [])
        elif column == "tags" and isinstance(value, (list, tuple)):
            value = "; ".join(str(v) for v in value)
        row.append(_cell(value))
    return row


def _feature(d: dict[str, Any]) -> dict[str, Any]:
    lat, lon = d.get("latitude"), d.get("longitude")
    geometry = None
    if lat is not None and lon is not None:
        geometry = {"type": "Point", "coordinates": [float(lon), float(lat)]}
    return {"type": "Feature", "id": d.get("event_id"), "geometry": geometry, "properties": d}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _event_table(events: Iterable[dict[str, Any]]):
    from rich.table import Table

    table = Table(show_lines=False, header_style="bold", expand=True)
    for name in TABLE_COLUMNS:
        fixed = _FIXED_WIDTH.get(name)
        table.add_column(name, justify="right" if name == "fatalities" else "left", overflow="fold",
                         width=fixed, no_wrap=fixed is not None, ratio=None if fixed else _RATIO.get(name, 2))
    count = 0
    for d in events:
        count += 1
        # type and sub-type on their own lines: rich wraps at spaces, and "Explosions/Remote
        # violence" would otherwise be cut mid-word
        kind = " /\n".join(x for x in (_text(d.get("event_type")), _text(d.get("sub_event_type"))) if x)
        table.add_row(
            _text(d.get("event_date")), kind, _text(d.get("actor1")), _text(d.get("actor2")),
            _text(d.get("location")), _text(d.get("country")), _text(d.get("fatalities")),
            _text(d.get("source")),
        )
    table.caption = f"{count} event{'s' if count != 1 else ''}"
    return table


def _console(stream: TextIO, width: int | None):
    from rich.console import Console

    return Console(file=stream, width=width, soft_wrap=False, highlight=False)


def write_events(
    events: Iterable[Event | Mapping[str, Any]],
    fmt: str,
    stream: TextIO,
    *,
    timestamp: int | None = None,
    width: int | None = None,
) -> int:
    """Write events to `stream` as jsonl | csv | geojson | table; return how many were written.

    jsonl: one Event.to_dict() object per line. csv: header + rows in ACLED column order then
    evidence, claims, confidence (see `event_to_row`; `timestamp` fills the timestamp column, empty
    by default). geojson: one FeatureCollection; events without coordinates get geometry null.
    table: a rich table on a Console writing to `stream` (`width` overrides the detected width).
    """
    if fmt == "jsonl":
        return _write_jsonl((_as_dict(e) for e in events), stream)
    if fmt == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        n = 0
        for event in events:
            writer.writerow(event_to_row(event, timestamp))
            n += 1
        return n
    if fmt == "geojson":
        features = [_feature(_as_dict(e)) for e in events]
        json.dump({"type": "FeatureCollection", "features": features}, stream,
                  ensure_ascii=False, default=str, allow_nan=False)
        stream.write("\n")
        return len(features)
    if fmt == "table":
        rows = [_as_dict(e) for e in events]
        _console(stream, width).print(_event_table(rows))
        return len(rows)
    raise ValueError(f"unknown format {fmt!r} (expected one of: {', '.join(EVENT_FORMATS)})")


def _columns_of(records: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for r in records:
        for key in r:
            seen.setdefault(key, None)
    return list(seen)


def _short(value: Any, limit: int = 200) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else _json(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def write_records(
    records: Iterable[Mapping[str, Any]],
    fmt: str,
    stream: TextIO,
    columns: list[str] | None = None,
    *,
    width: int | None = None,
) -> int:
    """Write generic result records (classify / geoparse / entities output); return the count.

    jsonl: one object per line, streamed. csv: one column per key (`columns`, else the keys in
    order of first appearance; nested values as JSON text). table: a rich table with `columns`
    (default: all keys), nested values as compact JSON.
    """
    if fmt == "jsonl":
        return _write_jsonl((dict(r) for r in records), stream)
    if fmt in ("csv", "table"):
        rows = [dict(r) for r in records] if columns is None or fmt == "table" else None
        cols = list(columns) if columns is not None else _columns_of(rows or [])
        if fmt == "csv":
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(cols)
            n = 0
            source: Iterator[Mapping[str, Any]] | list[dict[str, Any]] = rows if rows is not None else iter(records)
            for record in source:
                writer.writerow([
                    _cell(v) if not isinstance(v, (list, dict, tuple)) else _json(v)
                    for v in (record.get(c) for c in cols)
                ])
                n += 1
            return n
        from rich.table import Table

        table = Table(header_style="bold")
        for c in cols:
            table.add_column(c, overflow="fold")
        for r in rows or []:
            table.add_row(*(_short(r.get(c)) for c in cols))
        count = len(rows or [])
        table.caption = f"{count} record{'s' if count != 1 else ''}"
        _console(stream, width).print(table)
        return count
    raise ValueError(f"unknown format {fmt!r} (expected one of: {', '.join(RECORD_FORMATS)})")


def _write_jsonl(objects: Iterable[dict], stream: TextIO) -> int:
    """One JSON object per line, streamed as they come; returns the count."""
    n = 0
    for obj in objects:
        stream.write(_json(obj) + "\n")
        n += 1
    return n
