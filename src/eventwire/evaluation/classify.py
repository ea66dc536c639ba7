"""Event typing alone (the classifier, no extraction) on the notes of ACLED exports.

    eventwire eval classify FILE.csv... [--model PATH] [--inter] [--limit N]

Modern files: sub_event_type accuracy, weighted and macro F1 with per-class rows, and event_type
accuracy. Old files: the old type is mapped to today's taxonomy (evaluation.acled.OLD_TYPES);
event_type is scored on every row ("Riots/Protests" accepts Protests or Riots) and sub_event_type on
the rows whose old type determines it. `--inter` also passes ACLED's own inter1/inter2 codes, as the
pipeline passes the actor stage's codes. ACLED data is used to measure only; nothing here trains.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import acled
from .acled import AcledGold, GoldRow, event_type_prediction
from .common import label_scores

MEASURES = ("sub_event_type",)
MEASURES_WITH_INTER = ("sub_event_type", "inter")


def classify_rows(clf, rows: list[GoldRow], use_inter: bool = False) -> list:
    """One Classification per note (in one batched call)."""
    inter1 = [r.inter1 for r in rows] if use_inter else None
    inter2 = [r.inter2 for r in rows] if use_inter else None
    return clf.classify_many([r.notes for r in rows], inter1, inter2)


def score_classifications(rows: list[GoldRow], preds: list) -> dict[str, Any]:
    """event_type over every row; sub_event_type over the rows whose gold determines it."""
    out: dict[str, Any] = {"records": len(rows)}
    out["event_type"] = label_scores([r.event_type_label for r in rows],
                                     [event_type_prediction(r, p.event_type) for r, p in zip(rows, preds)])
    subs = [(r.sub_event_type, p.sub_event_type) for r, p in zip(rows, preds) if r.sub_event_type]
    out["sub_event_type"] = label_scores([g for g, _ in subs], [p for _, p in subs]) if subs else None
    return out


def evaluate_file(gold: AcledGold, classifiers: dict[str, Any], use_inter: bool = False) -> dict[str, Any]:
    """Each classifier (name -> EventClassifier) scored on one read file, side by side."""
    result: dict[str, Any] = {"file": gold.file, "layout": gold.layout, "records": len(gold.rows),
                              "skipped": len(gold.problems), "without_notes": gold.without_notes,
                              "inter_given": use_inter, "systems": {}}
    for name, clf in classifiers.items():
        t0 = time.perf_counter()
        preds = classify_rows(clf, gold.rows, use_inter)
        seconds = time.perf_counter() - t0
        scores = score_classifications(gold.rows, preds)
        scores.update(seconds=round(seconds, 1),
                      records_per_second=round(len(gold.rows) / seconds, 1) if seconds > 0 else None)
        result["systems"][name] = scores
    return result


# ------------------------------------------------------------------ the earlier library interface
@dataclass(frozen=True)
class Scores:
    n: int
    accuracy: float
    weighted_f1: float
    macro_f1: float
    event_type_accuracy: float


def read_acled(path: str | Path) -> list[GoldRow]:
    """The usable rows of an ACLED file for typing (only event types and inter codes are checked)."""
    return acled.read_acled(path, measures=MEASURES_WITH_INTER).rows


def evaluate(clf, rows: list[GoldRow], use_inter: bool = False) -> tuple[Scores, list[tuple[str, str, str]]]:
    """Sub-event type scores of `clf` on rows that have a gold sub_event_type, and its errors
    as (gold, predicted, note)."""
    rows = [r for r in rows if r.sub_event_type]
    preds = classify_rows(clf, rows, use_inter)
    s = score_classifications(rows, preds)
    sub, et = s["sub_event_type"], s["event_type"]
    scores = Scores(len(rows), sub["accuracy"], sub["weighted_f1"], sub["macro_f1"], et["accuracy"])
    errors = [(r.sub_event_type, p.sub_event_type, r.notes) for r, p in zip(rows, preds)
              if r.sub_event_type != p.sub_event_type]
    return scores, errors

