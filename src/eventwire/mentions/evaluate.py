"""Measure date and fatality extraction on ACLED notes (dev data, read in place).

    python -m eventwire.mentions.evaluate [--data DIR] [--errors N]

Dates: ``resolve_event_date(note, published=None)`` against the gold ``event_date`` (the gold date is
never passed in: notes carry their own dates, "On 9 May 2020, ..."). A note with no resolvable
date counts as wrong. Fatalities: ``count_fatalities(note)`` (None -> 0) against gold ``fatalities``.
Dates and fatalities are measured on the modern-column files (Afghanistan 2020, Kenya), which the
rules were tuned on; fatalities are also measured on the two old-column files, never used for tuning,
and (news transfer) on the gva-dev gun-violence articles (a few general news phrasings such as
"fatally shot" and "bringing the death toll to" were added after looking at them).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import sys
from pathlib import Path

from eventwire.mentions.dates import resolve_event_date
from eventwire.mentions.fatalities import count_fatalities

FILES = ("2020_afghanistan_dkoban.csv", "kenya_carol0128.csv")
# Old-column files: not used while tuning the rules; fatalities only (a transfer check).
HELD_OUT = ("2016_africa_aschharwood.csv", "2015_asia_katehara.csv")
_MONTH_WORD = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b")
_M = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_FULL_DATE = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_M},?\s+(?:19|20)\d\d\b|\b{_M}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d\b")
_CODING_NOTE = re.compile(r"(?i)fatalities (?:are |were )?(?:coded as|split across)")


def default_data_dir() -> Path:
    """../shared/data/acled-dev relative to the project root (src/eventwire/mentions/evaluate.py)."""
    return Path(__file__).resolve().parents[3].parent / "shared" / "data" / "acled-dev"


def parse_gold_date(value: str) -> dt.date:
    for fmt in ("%d %B %Y", "%d-%m-%y", "%d-%B-%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(f"unknown gold date format: {value!r}")


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f} ({a}/{b})" if b else "n/a"


def evaluate(data_dir: Path, show_errors: int = 0) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    for name in FILES:
        path = data_dir / name
        if not path.exists():
            print(f"skip {name}: not found in {data_dir}", file=sys.stderr)
            continue
        with path.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        d_ok = d_prec_ok = d_found = d_year_ok = 0
        sub_n = sub_ok = full_n = full_ok = 0
        f_ok = f_near = 0
        nc_n = nc_ok = 0
        date_errors, fat_errors = [], []
        for row in rows:
            note = row["notes"]
            gold = parse_gold_date(row["event_date"])
            got = resolve_event_date(note, None)
            ok = got is not None and got.date == gold
            d_found += got is not None and got.date is not None
            d_ok += ok
            d_prec_ok += ok and str(got.time_precision) == row["time_precision"].strip()
            # diagnostic only: the note's year is known (as a publication date would give it)
            hinted = resolve_event_date(note, dt.date(gold.year, 12, 31))
            d_year_ok += hinted is not None and hinted.date == gold
            if _FULL_DATE.search(note):
                full_n += 1
                full_ok += ok
            if _MONTH_WORD.search(note):
                sub_n += 1
                sub_ok += ok
                if not ok:
                    date_errors.append((gold, got and got.date, note[:160]))
            gold_f = int(row["fatalities"])
            pred = count_fatalities(note)
            pred = 0 if pred is None else pred
            f_ok += pred == gold_f
            f_near += abs(pred - gold_f) <= 1
            if not _CODING_NOTE.search(note):
                nc_n += 1
                nc_ok += pred == gold_f
            if pred != gold_f:
                fat_errors.append((gold_f, pred, note[:220]))
        n = len(rows)
        results[name] = {
            "records": n,
            "date_exact": d_ok / n,
            "date_exact_and_precision": d_prec_ok / n,
            "date_exact_year_known": d_year_ok / n,
            "date_exact_notes_with_full_date": full_ok / full_n if full_n else 0.0,
            "date_exact_notes_with_month": sub_ok / sub_n if sub_n else 0.0,
            "fatalities_exact": f_ok / n,
            "fatalities_within_1": f_near / n,
            "fatalities_exact_without_coding_statement": nc_ok / nc_n if nc_n else 0.0,
        }
        print(f"== {name} ({n} notes)")
        print(f"  date exact (all notes)           {_ratio(d_ok, n)}   resolved {_ratio(d_found, n)}")
        print(f"  date exact + time_precision      {_ratio(d_prec_ok, n)}")
        print(f"  date exact (notes naming a month) {_ratio(sub_ok, sub_n)}")
        print(f"  date exact (notes with day, month and year) {_ratio(full_ok, full_n)}")
        print(f"  date exact if the year is known  {_ratio(d_year_ok, n)}   (diagnostic: published = 31 Dec of the gold year)")
        print(f"  fatalities exact                 {_ratio(f_ok, n)}")
        print(f"  fatalities within +-1            {_ratio(f_near, n)}")
        print(f"  fatalities exact, notes without an ACLED coding statement {_ratio(nc_ok, nc_n)}")
        for g, p, t in date_errors[:show_errors]:
            print(f"    DATE gold={g} got={p} | {t}")
        for g, p, t in fat_errors[:show_errors]:
            print(f"    FAT gold={g} got={p} | {t}")
    for name in HELD_OUT:
        path = data_dir / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8", errors="replace") as fh:
            rows = list(csv.DictReader(fh))
        if not rows:
            continue
        keys = {k.lower(): k for k in rows[0] if k}
        n = ok = near = 0
        for row in rows:
            try:
                gold_f = int(row[keys["fatalities"]])
            except (KeyError, ValueError):
                continue
            pred = count_fatalities(row[keys["notes"]] or "")
            pred = 0 if pred is None else pred
            n += 1
            ok += pred == gold_f
            near += abs(pred - gold_f) <= 1
        results[name] = {"records": n, "fatalities_exact": ok / n if n else 0.0, "fatalities_within_1": near / n if n else 0.0}
        print(f"== {name} ({n} notes; held out from tuning, fatalities only)")
        print(f"  fatalities exact                 {_ratio(ok, n)}")
        print(f"  fatalities within +-1            {_ratio(near, n)}")
    return results


def evaluate_gva(gva_dir: Path) -> dict[str, float]:
    """News transfer check: US gun-violence articles (title + first 600 characters) vs num_killed,
    and the article's first date phrase (first 400 characters, against its publication date) vs
    the incident date."""
    import json

    from eventwire.io.readers import parse_published

    docs_path, inc_path = gva_dir / "documents.jsonl", gva_dir / "incidents.jsonl"
    if not docs_path.exists() or not inc_path.exists():
        return {}
    incidents = {}
    with inc_path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            incidents[str(rec["incident_uri"])] = rec
    n = ok = near = d_ok = 0
    with docs_path.open(encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            inc = incidents.get(str(doc.get("gva_incident_id")))
            if not doc.get("content") or inc is None:
                continue
            lede = f"{doc.get('title') or ''}. {doc['content'][:600]}"
            pred = count_fatalities(lede) or 0
            n += 1
            ok += pred == inc["num_killed"]
            near += abs(pred - inc["num_killed"]) <= 1
            try:
                got = resolve_event_date(doc["content"][:400], parse_published(doc["dct"]))
                d_ok += got is not None and got.date == parse_published(inc["date"])
            except ValueError:
                pass
    if not n:
        return {}
    print(f"== gva-dev ({n} news articles; a transfer check, looked at once)")
    print(f"  fatalities exact (title + lede)  {_ratio(ok, n)}")
    print(f"  fatalities within +-1            {_ratio(near, n)}")
    print(f"  incident date exact (first date phrase of the lede) {_ratio(d_ok, n)}")
    return {"records": n, "fatalities_exact": ok / n, "fatalities_within_1": near / n, "date_exact": d_ok / n}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=default_data_dir(), help="folder holding the ACLED dev CSVs")
    ap.add_argument("--errors", type=int, default=0, help="print up to N errors per file")
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"ACLED dev data not found at {args.data}", file=sys.stderr)
        return 2
    evaluate(args.data, args.errors)
    evaluate_gva(args.data.parent / "gva-dev")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
