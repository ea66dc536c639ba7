"""Measure find_actors on ACLED notes: does it find the gold actor1/actor2 and their inter codes?

Run: ``python -m eventwire.actors.evaluate [--data DIR] [--limit N] [--no-hint] [--misses K]``.
Reads the modern-column ACLED dev files (Kenya, Afghanistan) in place; nothing is copied or learned.
A gold actor counts as found when some mention's name equals it, or one contains the other, after
removing ACLED period suffixes ("(2013-)") and case. Inter agreement is measured on found actors.
"""
from __future__ import annotations

import argparse
import collections
import csv
import sys
import time
from pathlib import Path

from eventwire.actors.lexicon import ActorLexicon, strip_period
from eventwire.actors.matcher import find_actors

DEFAULT_FILES = ("kenya_carol0128.csv", "2020_afghanistan_dkoban.csv")
# Older exports (other column names); not used while writing the rules, so a fairer check of transfer.
HELDOUT_FILES = ("2016_africa_aschharwood.csv", "2015_asia_katehara.csv")


def default_data_dir() -> Path:
    """../shared/data/acled-dev from the project root."""
    return Path(__file__).resolve().parents[3].parent / "shared" / "data" / "acled-dev"


def _norm(name: str) -> str:
    return strip_period(name).lower().strip()


def name_matches(found: str, gold: str) -> bool:
    """Equal, or one contains the other, ignoring case and ACLED period suffixes."""
    f, g = _norm(found), _norm(gold)
    if not f or not g:
        return False
    if f == g:
        return True
    if g.startswith(f) and g[len(f):].strip().startswith("("):
        return False  # a bare generic ("Civilians") does not match "Civilians (Kenya)": country unknown
    return f in g or g in f


def read_rows(path: Path, limit: int | None = None) -> list[dict[str, str]]:
    """Rows with lower-case keys; old exports' ally_actor_N become assoc_actor_N."""
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for raw in csv.DictReader(fh):
            row = {(k or "").strip().lower(): (v or "") for k, v in raw.items()}
            for n in ("1", "2"):
                if "ally_actor_" + n in row and "assoc_actor_" + n not in row:
                    row["assoc_actor_" + n] = row["ally_actor_" + n]
            if row.get("notes", "").strip():
                rows.append(row)
            if limit and len(rows) >= limit:
                break
    return rows


def evaluate(rows, nlp, lexicon: ActorLexicon, use_hint: bool = True) -> dict:
    """Scores for one set of ACLED rows (dicts with notes, actor1/2, inter1/2, iso/country)."""
    stats = collections.Counter()
    misses = collections.Counter()
    inter_confusion = collections.Counter()
    docs = nlp.pipe((r["notes"] for r in rows), batch_size=64)
    started = time.perf_counter()
    for row, doc in zip(rows, docs):
        hint = lexicon.country_of(row.get("country", "")) if use_hint else None
        mentions = find_actors(doc, lexicon, country_hint=hint)
        stats["notes"] += 1
        stats["mentions"] += len(mentions)
        gold_names = [row.get("actor1") or "", row.get("actor2") or ""]
        for field in ("assoc_actor_1", "assoc_actor_2"):
            gold_names += [a.strip() for a in (row.get(field) or "").split(";")]
        gold_names = [g for g in gold_names if g]
        stats["mentions_in_gold"] += sum(1 for m in mentions if any(name_matches(m.name, g) for g in gold_names))
        for slot in ("1", "2"):
            gold = (row.get("actor" + slot) or "").strip()
            if not gold:
                continue
            gold_inter = int(row.get("inter" + slot) or 0)
            stats[f"gold{slot}"] += 1
            hits = [m for m in mentions if name_matches(m.name, gold)]
            if hits:
                stats[f"found{slot}"] += 1
                if any(m.inter == gold_inter for m in hits):
                    stats[f"inter_ok{slot}"] += 1
                else:
                    inter_confusion[(gold_inter, hits[0].inter)] += 1
            else:
                misses[strip_period(gold)] += 1
            if any(m.inter == gold_inter for m in mentions):
                stats[f"inter_any{slot}"] += 1
    stats["seconds"] = round(time.perf_counter() - started, 2)
    return {"stats": stats, "misses": misses, "inter_confusion": inter_confusion}


def _pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:5.1f}% ({a}/{b})" if b else "n/a"


def report(name: str, result: dict, n_misses: int, out=sys.stdout) -> None:
    s = result["stats"]
    print(f"== {name}: {s['notes']} notes, {s['mentions']} mentions, {s['seconds']} s (matching + parsing)", file=out)
    print(f"  mentions naming a gold actor/assoc actor (precision proxy): {_pct(s['mentions_in_gold'], s['mentions'])}",
          file=out)
    for slot in ("1", "2"):
        g = s[f"gold{slot}"]
        print(f"  actor{slot}: found {_pct(s[f'found{slot}'], g)}; inter agrees when found "
              f"{_pct(s[f'inter_ok{slot}'], s[f'found{slot}'])}; some mention has gold inter{slot} "
              f"{_pct(s[f'inter_any{slot}'], g)}", file=out)
    if n_misses:
        print("  most missed gold actors:", file=out)
        for gold, count in result["misses"].most_common(n_misses):
            print(f"    {count:5d}  {gold}", file=out)
        print("  inter confusions (gold -> found):", dict(result["inter_confusion"].most_common(8)), file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--files", nargs="*", default=list(DEFAULT_FILES))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--heldout", action="store_true",
                        help="also score the older Africa 2016 / Asia 2015 exports (not used for tuning)")
    parser.add_argument("--no-hint", action="store_true", help="do not pass the gold country as country_hint")
    parser.add_argument("--misses", type=int, default=15, help="list the K most missed gold actors")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"ACLED dev data not found at {args.data}", file=sys.stderr)
        return 2
    from eventwire.nlp import load_nlp

    nlp = load_nlp()
    lexicon = ActorLexicon.load()
    files = list(args.files) + (list(HELDOUT_FILES) if args.heldout else [])
    for fname in files:
        rows = read_rows(args.data / fname, args.limit)
        report(f"{fname} (country_hint={'off' if args.no_hint else 'gold country'})",
               evaluate(rows, nlp, lexicon, use_hint=not args.no_hint), args.misses)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
