"""Run `extract` over whole real news collections and count crashes (record errors) by reason.

    python -m eventwire.evaluation.robustness [--limit N]

Uses ../shared/data/fa-kes-dev (CSV: article_title, article_content, source, date) and
../shared/data/gva-dev/documents.jsonl (title, dct, content). The files are read through the same
reader as `eventwire extract`, after renaming their columns to the article contract.
"""
from __future__ import annotations

import argparse
import collections
import csv
import json
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


def _fakes_rows(path: Path):
    csv.field_size_limit(10**8)
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            yield {"id": f"fakes-{r['unit_id']}", "title": r.get("article_title"), "text": r.get("article_content"),
                   "source": r.get("source"), "published": month_first_date(r.get("date"))}


def month_first_date(value: str | None) -> str | None:
    """FA-KES dates are M/D/YYYY."""
    import datetime as dt

    try:
        return dt.datetime.strptime((value or "").strip(), "%m/%d/%Y").date().isoformat()
    except ValueError:
        return None


def _gva_rows(path: Path):
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            yield {"id": f"gva-{d['id']}", "title": d.get("title"), "text": d.get("content"),
                   "published": d.get("dct"), "url": d.get("uri")}


def run(limit: int | None = None, pipe=None) -> dict:
    from eventwire.io.readers import read_articles
    from eventwire.pipeline import Pipeline

    sets = {"fa-kes-dev": (_fakes_rows, DATA / "fa-kes-dev" / "fa-kes-dev.csv"),
            "gva-dev": (_gva_rows, DATA / "gva-dev" / "documents.jsonl")}
    pipe = pipe or Pipeline()
    report = {}
    for name, (rows, path) in sets.items():
        if not path.exists():
            report[name] = {"skipped": f"{path} absent"}
            continue
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as tmp:
            for i, row in enumerate(rows(path)):
                if limit is not None and i >= limit:
                    break
                tmp.write(json.dumps(row, ensure_ascii=False) + "\n")
        t0 = time.perf_counter()
        reasons: collections.Counter[str] = collections.Counter()
        n = events = 0
        crashes = []
        for res in pipe.run(read_articles([tmp.name])):
            n += 1
            if res.error is not None:
                reasons[res.error.stage + ": " + res.error.reason.split(":")[0]] += 1
                if res.error.stage != "read":
                    crashes.append(str(res.error))
            else:
                events += len(res.events)
        Path(tmp.name).unlink()
        report[name] = {"articles": n, "events": events, "crashes": len(crashes), "errors_by_reason": dict(reasons),
                        "first_crashes": crashes[:5], "seconds": round(time.perf_counter() - t0, 1)}
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args(argv)
    print(json.dumps(run(args.limit), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
