"""Reading a user's labelled examples for `eventwire train events`: CSV, TSV or JSON Lines files with a
text column and a label column.

Each file yields `Example`s (text, label as written, where it came from) and `RowProblem`s for rows that
cannot be used (empty text or label, a malformed line, a short row), so one bad row never stops training
and every skipped row is named ("FILE:LINE"). A file-level problem (no such column, binary data, an
unknown file type) raises `DataError`: nothing sensible can be trained from that file.
"""
from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventwire.io.rows import json_objects, numbered_rows

FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}

csv.field_size_limit(1 << 30)


class DataError(ValueError):
    """A labelled file that cannot be used at all (the message names the file and, where it applies,
    the column)."""


@dataclass(frozen=True)
class Example:
    text: str
    label: str          # as written in the file
    where: str          # "FILE:LINE"


@dataclass(frozen=True)
class RowProblem:
    where: str
    reason: str


@dataclass(frozen=True)
class Columns:
    """Which columns to read. Each of `text` and `label` lists names to try, first present wins (exact
    name first, then ignoring case), so one command can read files of different layouts."""

    text: tuple[str, ...] = ("text", "notes")
    label: tuple[str, ...] = ("sub_event_type", "label")
    filter_column: str | None = None
    filter_values: tuple[str, ...] = ()


@dataclass
class FileRows:
    path: str
    examples: list[Example] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    filtered_out: int = 0
    text_column: str | None = None
    label_column: str | None = None


def pick_column(available: Sequence[str], wanted: Sequence[str]) -> str | None:
    """The first of `wanted` among `available` (exact, then case- and space-insensitive)."""
    for name in wanted:
        if name in available:
            return name
    folded = {a.strip().lower(): a for a in available}
    for name in wanted:
        hit = folded.get(name.strip().lower())
        if hit is not None:
            return hit
    return None


def format_of(path: str | Path, stdin_format: str | None = None) -> str:
    if str(path) == "-":
        return stdin_format or "csv"
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise DataError(f"{path}: unknown file type {Path(path).suffix or '(none)'}: expected .csv, .tsv or .jsonl")
    return fmt


def read_labelled(path: str | Path, columns: Columns = Columns(), stdin_format: str | None = None) -> FileRows:
    """All examples and row problems of one labelled file ("-": standard input, `stdin_format`
    csv, tsv or jsonl)."""
    name = str(path)
    fmt = format_of(name, stdin_format)
    text = _decode(Path(path))
    out = FileRows(name)
    records = _jsonl_records(name, text) if fmt == "jsonl" else _table_records(name, text, fmt, columns, out)
    for item in records:
        if isinstance(item, RowProblem):
            out.problems.append(item)
        else:
            _add_record(out, *item, columns)
    return out


def _decode(path: Path) -> str:
    from eventwire.io.readers import BinaryFileError, decode_bytes

    try:
        data = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read file: {exc.strerror or exc}") from None
    try:
        return decode_bytes(data)
    except BinaryFileError as exc:
        raise DataError(f"{path}: {exc}") from None


def _table_records(name: str, text: str, fmt: str, columns: Columns,
                   out: FileRows) -> Iterator[tuple[str, dict[str, Any]] | RowProblem]:
    """(where, record) of a CSV/TSV file; the header decides the columns (DataError when one is missing)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t" if fmt == "tsv" else ",")
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        raise DataError(f"{name}: empty file (no header line)") from None
    except csv.Error as exc:
        raise DataError(f"{name}:1: malformed header: {exc}") from None
    _check_header(name, header, columns)
    for start, row in numbered_rows(reader, len(header), fmt.upper()):
        if isinstance(row, str):
            yield RowProblem(f"{name}:{start}", row)
            continue
        yield f"{name}:{start}", dict(zip(header, row))


def _check_header(name: str, header: list[str], columns: Columns) -> None:
    shown = ", ".join(h or "(unnamed)" for h in header[:40])
    for what, wanted in (("text", columns.text), ("label", columns.label)):
        if pick_column(header, wanted) is None:
            raise DataError(f"{name}: no {what} column {_names(wanted)} in the header (columns: {shown}); "
                            f"name it with --{what}-column")
    if columns.filter_column and pick_column(header, [columns.filter_column]) is None:
        raise DataError(f"{name}: no column '{columns.filter_column}' for --filter-column (columns: {shown})")


def _names(wanted: Sequence[str]) -> str:
    return " or ".join(f"'{w}'" for w in wanted)


def _jsonl_records(name: str, text: str) -> Iterator[tuple[str, dict[str, Any]] | RowProblem]:
    for i, rec in json_objects(text.splitlines()):
        if isinstance(rec, str):
            yield RowProblem(f"{name}:{i}", rec)
            continue
        yield f"{name}:{i}", rec


def _add_record(out: FileRows, where: str, rec: dict[str, Any], columns: Columns) -> None:
    keys = list(rec)
    text_col, label_col = pick_column(keys, columns.text), pick_column(keys, columns.label)
    if text_col is None or label_col is None:
        missing = columns.text if text_col is None else columns.label
        out.problems.append(RowProblem(where, f"no field {_names(missing)}"))
        return
    out.text_column, out.label_column = out.text_column or text_col, out.label_column or label_col
    if columns.filter_column and not _passes_filter(rec, columns):
        out.filtered_out += 1
        return
    text, label = _cell(rec[text_col]), _cell(rec[label_col])
    problem = _cell_problem(text, text_col, "text") or _cell_problem(label, label_col, "label")
    if problem:
        out.problems.append(RowProblem(where, problem))
        return
    out.examples.append(Example(" ".join(str(text).split()), " ".join(str(label).split()), where))


def _passes_filter(rec: dict[str, Any], columns: Columns) -> bool:
    col = pick_column(list(rec), [columns.filter_column or ""])
    value = _cell(rec.get(col)) if col else None
    return isinstance(value, str) and value.strip() in columns.filter_values


def _cell(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _cell_problem(value: Any, column: str, what: str) -> str | None:
    if value is None:
        return f"empty {what} in column '{column}'"
    if not isinstance(value, str):
        return f"{what} in column '{column}' is not a string ({type(value).__name__})"
    if not value.strip():
        return f"empty {what} in column '{column}'"
    return None
