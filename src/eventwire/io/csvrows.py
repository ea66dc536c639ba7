"""CSV rows after the header, each with the line it starts on, as every CSV reader of the project
(articles, ACLED gold files, training data) needs them: a bad row is reported, the others go on."""
from __future__ import annotations

import csv
from typing import Iterator


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
