"""Measure event typing on ACLED exports.

    python -m eventwire.evaluation.classify FILE.csv [FILE.csv ...] [--inter] [--model PATH] [--errors N]

Modern files (columns event_type, sub_event_type, notes): sub_event_type accuracy, weighted F1 and
macro F1 (scikit-learn), event_type accuracy, and a per-class table. Old files (EVENT_TYPE like
"Battle-No change of territory", no sub-event type): the old type is mapped to the current taxonomy
(../shared/data/DATA.md) and event_type accuracy is reported ("Riots/Protests" accepts Protests or
Riots), plus sub_event_type accuracy on the rows where the old type determines it.
`--inter` also passes the gold inter1/inter2 actor codes (as the pipeline would pass the actor
stage's codes). ACLED data is used to measure only; nothing here trains on it.
"""
from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from eventwire.classify import EventClassifier


@dataclass(frozen=True)
class Scores:
    n: int
    accuracy: float
    weighted_f1: float
    macro_f1: float
    event_type_accuracy: float
    report: str


OLD_TYPES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "battle-no change of territory": (("Battles",), "Armed clash"),
    "battle-government regains territory": (("Battles",), "Government regains territory"),
    "battle-non-state actor overtakes territory": (("Battles",), "Non-state actor overtakes territory"),
    "battle-non-state actors overtake territory": (("Battles",), "Non-state actor overtakes territory"),
    "headquarters or base established": (("Strategic developments",), "Headquarters or base established"),
    "non-violent transfer of territory": (("Strategic developments",), "Non-violent transfer of territory"),
    "remote violence": (("Explosions/Remote violence",), None),
    "violence against civilians": (("Violence against civilians",), None),
    "strategic development": (("Strategic developments",), None),
    "riots/protests": (("Protests", "Riots"), None),
}


def read_old_acled(path: str | Path) -> list[dict[str, str]]:
    """Old-layout rows (keys lower-cased) whose EVENT_TYPE maps to the current taxonomy."""
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        rows = [{(k or "").lower(): (v or "") for k, v in r.items()} for r in csv.DictReader(fh)]
    return [r for r in rows if r.get("notes", "").strip() and r.get("event_type", "").strip().lower() in OLD_TYPES]


def evaluate_old(clf: EventClassifier, rows: list[dict[str, str]], use_inter: bool = False) -> str:
    texts = [r["notes"] for r in rows]
    i1 = [_int(r.get("inter1")) for r in rows] if use_inter else None
    i2 = [_int(r.get("inter2")) for r in rows] if use_inter else None
    preds = clf.classify_many(texts, i1, i2)
    ok_et = 0
    n_sub = ok_sub = 0
    per: Counter[str] = Counter()
    per_ok: Counter[str] = Counter()
    for r, p in zip(rows, preds):
        ets, sub = OLD_TYPES[r["event_type"].strip().lower()]
        hit = p.event_type in ets
        ok_et += hit
        per["/".join(ets)] += 1
        per_ok["/".join(ets)] += hit
        if sub:
            n_sub += 1
            ok_sub += p.sub_event_type == sub
    lines = [f"n={len(rows)} event_type accuracy={ok_et / max(1, len(rows)):.3f} "
             f"sub_event_type accuracy where determined={ok_sub / max(1, n_sub):.3f} (n={n_sub})"]
    for k in sorted(per):
        lines.append(f"    {k:45s} {per_ok[k] / per[k]:.3f}  (n={per[k]})")
    return "\n".join(lines)


def read_acled(path: str | Path) -> list[dict[str, str]]:
    """Rows with non-empty notes and sub_event_type (file read as UTF-8, bad bytes replaced)."""
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if rows and "sub_event_type" not in rows[0]:
        raise ValueError(f"{path}: no sub_event_type column (old ACLED layout?)")
    return [r for r in rows if (r.get("notes") or "").strip() and (r.get("sub_event_type") or "").strip()]


def _int(v: str | None) -> int | None:
    try:
        return int(float(v)) if v not in (None, "") else None
    except ValueError:
        return None


def evaluate(clf: EventClassifier, rows: list[dict[str, str]], use_inter: bool = False) -> tuple[Scores, list]:
    from sklearn.metrics import accuracy_score, classification_report, f1_score

    texts = [r["notes"] for r in rows]
    i1 = [_int(r.get("inter1")) for r in rows] if use_inter else None
    i2 = [_int(r.get("inter2")) for r in rows] if use_inter else None
    preds = clf.classify_many(texts, i1, i2)
    gold = [r["sub_event_type"] for r in rows]
    pred = [p.sub_event_type for p in preds]
    gold_et = [r["event_type"] for r in rows]
    pred_et = [p.event_type for p in preds]
    labels = sorted(set(gold))
    report = classification_report(gold, pred, labels=labels, zero_division=0, digits=3)
    s = Scores(len(rows), accuracy_score(gold, pred), f1_score(gold, pred, average="weighted", zero_division=0),
               f1_score(gold, pred, labels=labels, average="macro", zero_division=0),
               accuracy_score(gold_et, pred_et), report)
    errors = [(g, p, t) for g, p, t in zip(gold, pred, texts) if g != p]
    return s, errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--inter", action="store_true", help="also pass gold inter1/inter2")
    ap.add_argument("--model", default=None, help="a user-trained model file")
    ap.add_argument("--errors", type=int, default=0, help="print N confusions per file (stderr)")
    ap.add_argument("--no-report", action="store_true", help="omit the per-class table")
    args = ap.parse_args(argv)
    clf = EventClassifier.load(model_path=args.model)
    status = 0
    for f in args.files:
        modes = [False, True] if args.inter else [False]
        try:
            rows = read_acled(f)
        except ValueError:
            old = read_old_acled(f)
            for use_inter in modes:
                tag = "text+inter" if use_inter else "text only"
                print(f"{Path(f).name} [old layout, {tag}] {evaluate_old(clf, old, use_inter)}")
            continue
        except OSError as exc:
            print(f"{f}: {exc}", file=sys.stderr)
            status = 1
            continue
        for use_inter in modes:
            s, errors = evaluate(clf, rows, use_inter)
            tag = "text+inter" if use_inter else "text only"
            print(f"{Path(f).name} [{tag}] n={s.n} sub_event_type accuracy={s.accuracy:.3f} "
                  f"weighted_F1={s.weighted_f1:.3f} macro_F1={s.macro_f1:.3f} "
                  f"event_type accuracy={s.event_type_accuracy:.3f}")
            if not args.no_report:
                print(s.report)
            if args.errors:
                for (g, p), c in Counter((g, p) for g, p, _ in errors).most_common(args.errors):
                    print(f"  {c:4d}  gold={g!r} pred={p!r}", file=sys.stderr)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
