"""The statistical half of the classifier: TF-IDF word and character n-grams + logistic regression,
trained only on the project's own written example sentences (data/examples/*.tsv).

The model is fitted on first use (about a second) and cached in memory; when a cache directory is
available it is also stored there (EVENTWIRE_CACHE_DIR, else platformdirs' user cache dir) under a
key derived from the example files and the scikit-learn version, so a changed example set refits.
"""
from __future__ import annotations

import csv
import hashlib
import os
import pickle
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from .taxonomy import NO_EVENT, data_path

RANDOM_STATE = 13
_DIGITS = re.compile(r"\d")
_TAG = re.compile(r"\[size=[^\]]*\]", re.I)


def preprocess(text: str) -> str:
    """What the model sees: lower-case, digits folded to 0, ACLED size tags reduced to one token."""
    text = _TAG.sub(" sizetag ", text)
    return _DIGITS.sub("0", text.lower())


def example_files(directory: Path | None = None) -> list[Path]:
    d = directory or data_path("examples")
    return sorted(Path(d).glob("*.tsv"))


def read_examples(paths: Iterable[Path]) -> list[tuple[str, str]]:
    """(label, text) rows of TSV files with columns sub_event_type<TAB>text."""
    rows: list[tuple[str, str]] = []
    for p in paths:
        with open(p, encoding="utf-8", newline="") as fh:
            for rec in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                label, text = (rec.get("sub_event_type") or "").strip(), (rec.get("text") or "").strip()
                if label and text:
                    rows.append((label, text))
    return rows


try:
    from sklearn.svm import LinearSVC as _LinearSVC
except ImportError:  # pragma: no cover
    _LinearSVC = object  # type: ignore[assignment,misc]


class SoftmaxLinearSVC(_LinearSVC):  # type: ignore[misc,valid-type]
    """A linear SVM (liblinear: fits in a fraction of a second) whose decision values are turned
    into class probabilities with a softmax, so it can be mixed with rule scores."""

    def __init__(self, C: float = 0.5, temperature: float = 3.0, class_weight: Any = "balanced",
                 random_state: int | None = RANDOM_STATE, max_iter: int = 5000):
        super().__init__(C=C, class_weight=class_weight, random_state=random_state, max_iter=max_iter)
        self.temperature = temperature

    def predict_proba(self, X: Any) -> Any:
        import numpy as np

        d = np.asarray(self.decision_function(X), dtype=float) * self.temperature
        d -= d.max(axis=1, keepdims=True)
        e = np.exp(d)
        return e / e.sum(axis=1, keepdims=True)


def build_estimator(kind: str = "svm") -> Any:
    """An unfitted scikit-learn pipeline (text in, class probabilities out).

    kind "svm" (default, fast) or "logreg" (LogisticRegression, several times slower to fit)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion([
        ("words", TfidfVectorizer(preprocessor=preprocess, ngram_range=(1, 2), sublinear_tf=True,
                                  min_df=1, token_pattern=r"(?u)\b[\w'-]+\b")),
        ("chars", TfidfVectorizer(preprocessor=preprocess, analyzer="char_wb", ngram_range=(3, 5),
                                  sublinear_tf=True, min_df=2, max_features=60000)),
    ])
    if kind == "logreg":
        clf: Any = LogisticRegression(C=8.0, class_weight="balanced", max_iter=3000, random_state=RANDOM_STATE)
    else:
        clf = SoftmaxLinearSVC()
    return Pipeline([("features", features), ("clf", clf)])


def fit(rows: Sequence[tuple[str, str]], kind: str = "svm") -> Any:
    """Fit a fresh estimator on (label, text) rows."""
    from threadpoolctl import threadpool_limits

    est = build_estimator(kind)
    with threadpool_limits(1):   # multi-threaded BLAS makes this small fit many times slower
        est.fit([t for _, t in rows], [lab for lab, _ in rows])
    return est


def _cache_dir() -> Path | None:
    env = os.environ.get("EVENTWIRE_CACHE_DIR")
    if env:
        return Path(env)
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # pragma: no cover
        return None
    return Path(user_cache_dir("eventwire"))


def _fingerprint(paths: Sequence[Path]) -> str:
    import sklearn

    h = hashlib.sha256(sklearn.__version__.encode())
    h.update(str(RANDOM_STATE).encode())
    h.update(Path(__file__).read_bytes())
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=2)
def default_model(examples_dir: str | None = None, use_disk_cache: bool = True) -> Any:
    """The default model, fitted on the shipped examples (memory- and disk-cached)."""
    paths = example_files(Path(examples_dir) if examples_dir else None)
    if not paths:
        raise FileNotFoundError("no example TSV files found for the event classifier")
    key = _fingerprint(paths)
    cdir = _cache_dir() if use_disk_cache else None
    cfile = cdir / f"classifier-{key}.pkl" if cdir else None
    if cfile and cfile.exists():
        try:
            with open(cfile, "rb") as fh:
                return pickle.load(fh)
        except Exception:  # corrupt cache: refit
            pass
    est = fit(read_examples(paths))
    if cfile:
        try:
            cfile.parent.mkdir(parents=True, exist_ok=True)
            tmp = cfile.with_suffix(f".{os.getpid()}.tmp")  # concurrent first runs do not collide
            with open(tmp, "wb") as fh:
                pickle.dump(est, fh)
            tmp.replace(cfile)
            for old in cfile.parent.glob("classifier-*.pkl"):   # models of older example sets
                if old != cfile:
                    old.unlink(missing_ok=True)
            print(f"eventwire: cached event classifier in {cfile}", file=sys.stderr)
        except OSError:
            pass
    return est


def load_model(path: str | Path) -> Any:
    """Load a user-trained model: a pickled estimator with predict_proba and classes_ (sub-event
    type names, optionally plus "No event")."""
    with open(path, "rb") as fh:
        est = pickle.load(fh)
    if not hasattr(est, "predict_proba") or not hasattr(est, "classes_"):
        raise TypeError(f"{path}: not a classifier with predict_proba/classes_")
    return est


def save_model(est: Any, path: str | Path) -> None:
    with open(path, "wb") as fh:
        pickle.dump(est, fh)


__all__ = ["NO_EVENT", "build_estimator", "default_model", "fit", "load_model", "read_examples",
           "save_model", "preprocess", "example_files"]
