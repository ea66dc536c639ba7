"""Score `extract` on ACLED notes: from the note alone, how close is our record to ACLED's?

    python -m eventwire.evaluation.acled FILE.csv [--limit N]

Reads modern and old ACLED column layouts (old upper-case columns, unnamed index column, old event
types mapped to the current taxonomy). The notes carry their own dates: no publication date is
passed. For each note the first event we extract (reading order) is compared with ACLED's record.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import statistics
import sys
import time
from pathlib import Path

# Old ACLED event types (2015/2016 files) -> (event_type, sub_event_type or None when undetermined)
OLD_TYPES = {
    "battle-no change of territory": ("Battles", "Armed clash"),
    "battle-government regains territory": ("Battles", "Government regains territory"),
    "battle-non-state actor overtakes territory": ("Battles", "Non-state actor overtakes territory"),
    "headquarters or base established": ("Strategic developments", "Headquarters or base established"),
    "non-violent transfer of territory": ("Strategic developments", "Non-violent transfer of territory"),
    "remote violence": ("Explosions/Remote violence", None),
    "violence against civilians": ("Violence against civilians", None),
    "strategic development": ("Strategic developments", None),
    "riots/protests": ("Riots/Protests", None),
}
DATE_FORMATS = ("%d %B %Y", "%d-%m-%y", "%d-%B-%Y", "%Y-%m-%d", "%d/%m/%Y")


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742.0 * math.asin(math.sqrt(min(1.0, h)))


def parse_gold_date(value: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def read_gold(path: Path) -> list[dict]:
    """Rows as dicts with lower-case keys; the old event types mapped (sub_event_type may be None)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = []
        for raw in csv.DictReader(fh):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
            if "sub_event_type" not in row:
                mapped = OLD_TYPES.get(row.get("event_type", "").lower())
                row["event_type"], row["sub_event_type"] = mapped if mapped else (row.get("event_type"), None)
            rows.append(row)
        return rows


def evaluate(path: Path, pipe, limit: int | None = None, gold_date_as_published: bool = False) -> dict:
    """Scores of `extract` on the notes of one ACLED file.

    gold_date_as_published: a diagnostic for files whose notes carry no full date (Kenya): the gold
    event date is passed as the publication date, so the other fields can be scored; the date score
    is then meaningless and reported as null."""
    from sklearn.metrics import f1_score

    rows = [r for r in read_gold(path) if r.get("notes")][:limit]
    n = len(rows)
    got = {"any_event": 0, "country": 0, "loc25": 0, "loc100": 0, "date": 0, "fat_exact": 0, "fat_pm1": 0,
           "event_type": 0}
    errs_km: list[float] = []
    y_true, y_pred = [], []
    crashes = 0
    t0 = time.perf_counter()
    for i, row in enumerate(rows):
        try:
            published = parse_gold_date(row.get("event_date", "")) if gold_date_as_published else None
            events = pipe.extract(row["notes"], published=published, doc_id=f"{path.stem}:{i}")
        except Exception:  # counted, never hidden
            crashes += 1
            events = []
        ev = events[0] if events else None
        gold_fat = int(float(row.get("fatalities") or 0))
        pred_fat = sum(e.fatalities for e in events[:1])
        got["fat_exact"] += pred_fat == gold_fat
        got["fat_pm1"] += abs(pred_fat - gold_fat) <= 1
        if row.get("sub_event_type"):
            y_true.append(row["sub_event_type"])
            y_pred.append(ev.sub_event_type if ev else "(none)")
        if ev is None:
            continue
        got["any_event"] += 1
        gold_type = row["event_type"]
        got["event_type"] += ev.event_type == gold_type or (
            gold_type == "Riots/Protests" and ev.event_type in ("Riots", "Protests"))
        got["country"] += (ev.country or "").lower() == row.get("country", "").lower()
        gold_date = parse_gold_date(row.get("event_date", ""))
        got["date"] += gold_date is not None and ev.event_date == gold_date.isoformat()
        try:
            gold_pt = (float(row["latitude"]), float(row["longitude"]))
        except (KeyError, ValueError):
            gold_pt = None
        if gold_pt and ev.latitude is not None:
            d = km(gold_pt, (ev.latitude, ev.longitude))
            errs_km.append(d)
            got["loc25"] += d <= 25
            got["loc100"] += d <= 100
    seconds = time.perf_counter() - t0
    result = {k: round(v / n, 4) if n else 0.0 for k, v in got.items()}
    if gold_date_as_published:
        result["date"] = None
    result.update(
        file=path.name, gold_date_as_published=gold_date_as_published, records=n, crashes=crashes, seconds=round(seconds, 1),
        records_per_second=round(n / seconds, 2) if seconds else None,
        median_km=round(statistics.median(errs_km), 1) if errs_km else None,
    )
    if y_true:
        result["sub_event_type_accuracy"] = round(sum(a == b for a, b in zip(y_true, y_pred)) / len(y_true), 4)
        result["sub_event_type_weighted_f1"] = round(
            f1_score(y_true, y_pred, average="weighted", labels=sorted(set(y_true)), zero_division=0), 4)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--limit", type=int, default=None, help="score only the first N notes of each file")
    ap.add_argument("--gold-date-as-published", action="store_true",
                    help="diagnostic: pass the gold date as publication date (scores all fields but the date)")
    args = ap.parse_args(argv)
    from eventwire.pipeline import Pipeline

    pipe = Pipeline()
    for f in args.files:
        print(json.dumps(evaluate(f, pipe, args.limit, args.gold_date_as_published)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
