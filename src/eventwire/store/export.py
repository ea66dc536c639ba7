"""Writing stored events: jsonl, csv (the guide's ACLED layout, eventwire.io.writers), geojson, parquet.

Every exported event carries the store's columns after the event record: n_reports, n_outlets,
first_report_at, last_report_at, contested (where outlets disagree) and reports (the doc_id of every
merged report's article; each is also in the evidence).
"""
from __future__ import annotations

import json
from typing import Any, BinaryIO, Iterable, TextIO

EXPORT_FORMATS = ("csv", "jsonl", "geojson", "parquet")
STORE_COLUMNS = ["n_reports", "n_outlets", "first_report_at", "last_report_at", "contested", "reports"]


def write_text(events: Iterable[dict[str, Any]], fmt: str, stream: TextIO) -> int:
    """jsonl | csv | geojson to a text stream; returns the number of events."""
    from eventwire.io.writers import write_events

    if fmt == "csv":
        return _write_csv(events, stream)
    return write_events(events, fmt, stream)


def _write_csv(events: Iterable[dict[str, Any]], stream: TextIO) -> int:
    import csv

    from eventwire.io.writers import CSV_COLUMNS, event_to_row

    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_COLUMNS + STORE_COLUMNS)
    n = 0
    for e in events:
        extra = [e.get(c) for c in STORE_COLUMNS]
        extra = [json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else ("" if v is None else str(v))
                 for v in extra]
        writer.writerow(event_to_row(e) + extra)
        n += 1
    return n


def parquet_schema():
    import pyarrow as pa

    from eventwire.model import ACLED_COLUMNS

    evidence = pa.list_(pa.struct([("doc_id", pa.string()), ("sentence", pa.string()),
                                   ("start", pa.int64()), ("end", pa.int64())]))
    claims = pa.list_(pa.struct([("doc_id", pa.string()), ("outlet", pa.string()), ("attributed_to", pa.string()),
                                 ("reporting_verb", pa.string()), ("hedged", pa.bool_())]))
    ints = {"year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision", "fatalities",
            "timestamp", "n_reports", "n_outlets"}
    floats = {"latitude", "longitude", "confidence"}
    lists = {"assoc_actor_1", "assoc_actor_2", "reports"}
    fields = []
    for name in ["event_id"] + [c for c in ACLED_COLUMNS if c != "event_id_cnty"] + \
            ["evidence", "claims", "confidence"] + STORE_COLUMNS:
        if name in ints:
            t = pa.int64()
        elif name in floats:
            t = pa.float64()
        elif name in lists:
            t = pa.list_(pa.string())
        elif name == "evidence":
            t = evidence
        elif name == "claims":
            t = claims
        else:
            t = pa.string()
        fields.append(pa.field(name, t))
    return pa.schema(fields)


def write_parquet(events: Iterable[dict[str, Any]], sink: str | BinaryIO, chunk: int = 2000) -> int:
    """Parquet with typed columns (evidence and claims as lists of structs; contested as JSON text)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    names = schema.names
    n = 0
    with pq.ParquetWriter(sink, schema) as writer:
        rows: list[dict[str, Any]] = []
        for e in events:
            rows.append(_parquet_row(e, names))
            if len(rows) >= chunk:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                n += len(rows)
                rows = []
        if rows or n == 0:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            n += len(rows)
    return n


def _parquet_row(e: dict[str, Any], names: list[str]) -> dict[str, Any]:
    row = {k: e.get(k) for k in names}
    row["contested"] = json.dumps(e.get("contested") or {}, ensure_ascii=False)
    if isinstance(row.get("tags"), list):
        row["tags"] = "; ".join(row["tags"])
    for k in ("assoc_actor_1", "assoc_actor_2", "reports", "evidence", "claims"):
        row[k] = row.get(k) or []
    return row
