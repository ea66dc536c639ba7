"""What every evaluation shares: problems found in gold files, reading them, and the measures.

Nothing here imports spaCy or scikit-learn at module import (the CLI imports it to build its help).
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, Iterable, Sequence

from eventwire.io.rows import json_objects

EARTH_HALF_CIRCUMFERENCE_KM = 20039.0  # the largest possible error (Gritta et al. 2018)
NO_PREDICTION = "(no event)"


@dataclass(frozen=True)
class Problem:
    """Something in a gold (or events) file that could not be used: where it is and why.

    `where` names the row inside the file the way a user finds it: the line number for CSV and JSON
    Lines (the line where the record starts), "article 3, toponym 2" for XML, "must[2]" for a
    reference item."""

    file: str
    where: str | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if not self.where:
            place = self.file
        else:
            place = f"{self.file}:{self.where}" if self.where.isdigit() else f"{self.file} ({self.where})"
        column = f" column {self.column!r}:" if self.column else ""
        return f"{place}:{column} {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "where": self.where, "column": self.column, "message": self.message}


class UnusableFile(ValueError):
    """The whole file cannot be evaluated (missing, unreadable, wrong layout): exit code 2."""

    def __init__(self, file: str | Path, message: str):
        super().__init__(f"{file}: {message}")
        self.file = str(file)
        self.message = message


def read_text_file(path: str | Path) -> str:
    """The text of a gold file (UTF-8, else a detected encoding), or UnusableFile."""
    from eventwire.io.readers import BinaryFileError, decode_bytes

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UnusableFile(path, f"cannot read file: {exc.strerror or exc}") from None
    try:
        return decode_bytes(data)
    except BinaryFileError as exc:
        raise UnusableFile(path, str(exc)) from None


# ------------------------------------------------------------------------------- simple measures
def number(raw: str) -> float:
    """A float from a text cell, with a message that names the value when it is not one."""
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"not a number: {raw!r}") from None


def ratio(hits: float, n: int) -> float | None:
    """hits / n rounded to 4 places; None when there is nothing to divide by."""
    return round(hits / n, 4) if n else None


def prf(true_pred: int, n_pred: int, true_gold: int, n_gold: int) -> dict[str, Any]:
    """Precision (share of predictions that are right), recall (share of gold found), F1."""
    p = true_pred / n_pred if n_pred else 0.0
    r = true_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "predicted": n_pred, "gold": n_gold}


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    from eventwire.geo.gazetteer import haversine_km

    return haversine_km(a[0], a[1], b[0], b[1])


def median_or_none(values: Sequence[float], digits: int = 1) -> float | None:
    return round(statistics.median(values), digits) if values else None


def mean_or_none(values: Sequence[float], digits: int = 1) -> float | None:
    return round(statistics.fmean(values), digits) if values else None


def error_curve_auc(errors_km: Iterable[float]) -> float | None:
    """Area under the curve of the sorted log errors, as the geoparsing literature reports it
    (Gritta et al. 2018, "What's missing in geographical parsing?"): each error becomes
    ln(1 + km); the sorted values are integrated with the trapezoidal rule over unit steps and
    divided by (n - 1) * ln(20039). 0 is perfect, 1 is every toponym at the antipode; lower is better."""
    logs = sorted(math.log1p(min(max(e, 0.0), EARTH_HALF_CIRCUMFERENCE_KM)) for e in errors_km)
    if len(logs) < 2:
        return None
    area = sum((a + b) / 2 for a, b in pairwise(logs))
    return round(area / ((len(logs) - 1) * math.log(EARTH_HALF_CIRCUMFERENCE_KM)), 4)


# ------------------------------------------------------------------------------- labels
def label_scores(gold: Sequence[str], pred: Sequence[str], top_confusions: int = 10) -> dict[str, Any]:
    """Accuracy, weighted and macro F1 (over the gold labels), per-class rows and the most frequent
    confusions of one labelling task. A missing prediction should be passed as NO_PREDICTION."""
    from collections import Counter

    from sklearn.metrics import f1_score, precision_recall_fscore_support

    n = len(gold)
    if not n:
        return {"n": 0, "accuracy": None, "weighted_f1": None, "macro_f1": None, "per_class": [],
                "confusions": []}
    labels = sorted(set(gold))
    p, r, f, support = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    per_class = [{"label": lab, "precision": round(float(pi), 4), "recall": round(float(ri), 4),
                  "f1": round(float(fi), 4), "support": int(si), "predicted": sum(1 for x in pred if x == lab)}
                 for lab, pi, ri, fi, si in zip(labels, p, r, f, support)]
    per_class.sort(key=lambda row: (-row["support"], row["label"]))
    confused = Counter((g, q) for g, q in zip(gold, pred) if g != q)
    return {
        "n": n,
        "accuracy": ratio(sum(g == q for g, q in zip(gold, pred)), n),
        "weighted_f1": round(float(f1_score(gold, pred, labels=labels, average="weighted", zero_division=0)), 4),
        "macro_f1": round(float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)), 4),
        "per_class": per_class,
        "confusions": [{"gold": g, "predicted": q, "count": c} for (g, q), c in confused.most_common(top_confusions)],
    }


def json_lines(path: Path, problems: list[Problem]) -> Iterable[tuple[int, dict[str, Any]]]:
    """(line number, object) per usable line; malformed lines become problems."""
    for lineno, obj in json_objects(read_text_file(path).splitlines()):
        if isinstance(obj, str):
            problems.append(Problem(str(path), str(lineno), None, obj))
            continue
        yield lineno, obj
