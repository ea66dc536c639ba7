"""Records of CSV and JSON Lines files, each with the line it starts on, as every reader of the project
(articles, gold files, training data) needs them: a bad record is reported, the others go on."""
from __future__ import annotations

import csv
import json
from typing import Any, Iterable, Iterator


def numbered_rows(reader, width: int, kind: str = "CSV") -> Iterator[tuple[int, list[str] | str]]:
    """(line where the row starts, its `width` cells) or (line, why the row is unusable) for each row
    of a csv.reader positioned after its header (`kind` names the format in messages: CSV, TSV). Blank rows are skipped; empty cells beyond `width`
    ("a,b,,") are dropped; a row of another width is refused rather than shifted."""
    last = reader.line_num
    while True:
        start = last + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            last = reader.line_num
            yield start, f"malformed {kind} line: {exc}"
            continue
        last = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > width and not any(c.strip() for c in row[width:]):
            row = row[:width]
        if len(row) != width:
            yield start, f"expected {width} fields, found {len(row)}"
            continue
        yield start, row


def json_objects(lines: Iterable[str], max_line: int | None = None) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, object) or (line number, why the line is unusable) for each non-blank line of a JSON
    Lines text: malformed JSON, a value that is not an object, or (with `max_line`) a line that long."""
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if max_line is not None and len(line) > max_line:
            yield lineno, f"too large: line of {len(line):,} characters"
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield lineno, f"malformed JSON: {exc.msg} (column {exc.colno})"
            continue
        if not isinstance(obj, dict):
            yield lineno, f"not a JSON object (got {type(obj).__name__})"
            continue
        yield lineno, obj
