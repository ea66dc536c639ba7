"""The statistical half of the classifier: TF-IDF word and character n-grams + logistic regression,
trained only on the project's own written example sentences (data/examples/*.tsv).

The model is fitted on first use (about a second) and cached in memory; when a cache directory is
available it is also stored there (EVENTWIRE_CACHE_DIR, else platformdirs' user cache dir) under a
key derived from the example files and the scikit-learn version, so a changed example set refits.

A user-trained model (`eventwire train events`) is written by `save_model` as one file: a magic line,
a one-line JSON header (scikit-learn version, labels, training size, seed, cross-validation scores,
creation time, a checksum of the payload) and the pickled estimator. `load_model` checks the header
before it unpickles anything, so a file from an incompatible scikit-learn or a corrupt file gives a
clear `ModelFileError` instead of a crash deep inside pickle. Pickles run code when loaded: load only
model files you trust.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
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


def tfidf_features() -> Any:
    """Word 1-2-grams and character 3-5-grams (within words), both TF-IDF weighted."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion([
        ("words", TfidfVectorizer(preprocessor=preprocess, ngram_range=(1, 2), sublinear_tf=True,
                                  min_df=1, token_pattern=r"(?u)\b[\w'-]+\b")),
        ("chars", TfidfVectorizer(preprocessor=preprocess, analyzer="char_wb", ngram_range=(3, 5),
                                  sublinear_tf=True, min_df=2, max_features=60000)),
    ])


def linear_classifier(kind: str = "svm", random_state: int | None = RANDOM_STATE,
                      class_weight: Any = "balanced") -> Any:
    """The linear model on top of the features: "svm" (fast) or "logreg" (several times slower)."""
    from sklearn.linear_model import LogisticRegression

    if kind == "logreg":
        return LogisticRegression(C=8.0, class_weight=class_weight, max_iter=3000, random_state=random_state)
    if kind != "svm":
        raise ValueError(f"unknown classifier kind {kind!r}: expected 'svm' or 'logreg'")
    return SoftmaxLinearSVC(class_weight=class_weight, random_state=random_state)


def build_estimator(kind: str = "svm", random_state: int | None = RANDOM_STATE,
                    class_weight: Any = "balanced", features: Any = None) -> Any:
    """An unfitted scikit-learn pipeline (text in, class probabilities out).

    kind "svm" (default, fast) or "logreg" (LogisticRegression, several times slower to fit);
    `features`: a transformer from texts to a matrix (default: `tfidf_features()`)."""
    from sklearn.pipeline import Pipeline

    feats = features if features is not None else tfidf_features()
    return Pipeline([("features", feats), ("clf", linear_classifier(kind, random_state, class_weight))])


def fit(rows: Sequence[tuple[str, str]], kind: str = "svm", random_state: int | None = RANDOM_STATE,
        class_weight: Any = "balanced", features: Any = None) -> Any:
    """Fit a fresh estimator on (label, text) rows."""
    est = build_estimator(kind, random_state, class_weight, features)
    return fit_estimator(est, [t for _, t in rows], [lab for lab, _ in rows])


def fit_estimator(est: Any, texts: Sequence[str], labels: Sequence[str]) -> Any:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):   # multi-threaded BLAS makes this small fit many times slower
        est.fit(list(texts), list(labels))
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


# -- model files ----------------------------------------------------------------------------------
MAGIC = b"EVENTWIRE-MODEL\n"
FORMAT_VERSION = 1
_MAX_HEADER = 1 << 20


class ModelFileError(ValueError):
    """A model file that cannot be used: not a model, corrupt, or made by an incompatible library."""


class NotAClassifierError(ModelFileError, TypeError):
    """The file holds a Python object, but not a classifier with predict_proba and classes_."""


class TrainedModel:
    """A loaded user model: the fitted estimator plus the metadata of its file header.

    Has what EventClassifier needs of a model (`classes_`, `predict_proba`)."""

    def __init__(self, estimator: Any, metadata: dict[str, Any] | None = None):
        self.estimator = estimator
        self.metadata = dict(metadata or {})

    @property
    def classes_(self) -> Any:
        return self.estimator.classes_

    def predict_proba(self, texts: Sequence[str]) -> Any:
        return self.estimator.predict_proba(texts)

    def predict(self, texts: Sequence[str]) -> Any:
        return self.estimator.predict(texts)

    def __repr__(self) -> str:
        m = self.metadata
        return (f"TrainedModel({len(self.classes_)} labels, n_train={m.get('n_train')}, "
                f"seed={m.get('seed')}, sklearn={m.get('sklearn_version')})")


def library_versions() -> dict[str, str]:
    import numpy
    import sklearn

    from eventwire import __version__

    return {"eventwire_version": __version__, "sklearn_version": sklearn.__version__,
            "numpy_version": numpy.__version__, "python_version": sys.version.split()[0]}


def save_model(est: Any, path: str | Path, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write `est` with a header (library versions, labels, creation time, `metadata`); return the header.

    The file is written to a temporary name first, so a failed write leaves no half model behind."""
    if isinstance(est, TrainedModel):
        metadata = {**est.metadata, **(metadata or {})}
        est = est.estimator
    payload = pickle.dumps(est, protocol=pickle.HIGHEST_PROTOCOL)
    header: dict[str, Any] = {"format": "eventwire-event-model", "format_version": FORMAT_VERSION}
    header.update(library_versions())
    header["created"] = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    classes = getattr(est, "classes_", None)
    if classes is not None:
        header["labels"] = [str(c) for c in classes]
    header.update(metadata or {})
    header["payload_sha256"] = hashlib.sha256(payload).hexdigest()
    header["payload_bytes"] = len(payload)
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(MAGIC)
            fh.write(json.dumps(header, ensure_ascii=True, sort_keys=True).encode("ascii") + b"\n")
            fh.write(payload)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return header


def read_model_header(path: str | Path) -> dict[str, Any] | None:
    """The JSON header of a model file written by `save_model`; None for a bare pickle (older files).

    Raises ModelFileError when the header is there but unreadable."""
    with open(path, "rb") as fh:
        if fh.read(len(MAGIC)) != MAGIC:
            return None
        line = fh.readline(_MAX_HEADER)
    try:
        header = json.loads(line.decode("ascii"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{path}: corrupt model file (unreadable header: {exc})") from None
    if not isinstance(header, dict):
        raise ModelFileError(f"{path}: corrupt model file (header is not a JSON object)")
    return header


def check_compatible(header: dict[str, Any], path: str | Path) -> None:
    """Raise ModelFileError when this installation cannot use a model with this header."""
    import sklearn

    if header.get("format_version", 0) > FORMAT_VERSION:
        raise ModelFileError(f"{path}: model file format {header.get('format_version')} is newer than this "
                             f"eventwire reads ({FORMAT_VERSION}); upgrade eventwire")
    made_with = str(header.get("sklearn_version", ""))
    if _minor(made_with) != _minor(sklearn.__version__):
        raise ModelFileError(
            f"{path}: model was trained with scikit-learn {made_with or '(unknown)'}, this installation has "
            f"{sklearn.__version__}; retrain it with `eventwire train events` (or install "
            f"scikit-learn=={made_with})")
    if "embeddings" in str(header.get("features", "")):
        from importlib.util import find_spec

        if find_spec("sentence_transformers") is None:
            raise ModelFileError(f"{path}: this model uses sentence-embedding features, which need the "
                                 "optional extra: pip install 'eventwire[embeddings]'")


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def _read_payload(path: Path, header: dict[str, Any] | None) -> bytes:
    data = path.read_bytes()
    if header is None:
        return data
    start = data.index(b"\n", len(MAGIC)) + 1
    payload = data[start:]
    if len(payload) != header.get("payload_bytes") or \
            hashlib.sha256(payload).hexdigest() != header.get("payload_sha256"):
        raise ModelFileError(f"{path}: corrupt or truncated model file (checksum does not match); "
                             "train it again or copy it anew")
    return payload


def load_model(path: str | Path) -> TrainedModel:
    """Load a user-trained model: a file of `save_model` (or a bare pickled estimator) holding a
    classifier with predict_proba and classes_ (sub-event type names, optionally plus "No event").

    Raises ModelFileError (NotAClassifierError, also a TypeError, for a pickle of something else)."""
    path = Path(path)
    try:
        header = read_model_header(path)
        if header is not None:
            check_compatible(header, path)
        payload = _read_payload(path, header)
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot read model file: {exc.strerror or exc}") from None
    est = _unpickle(payload, path)
    if not hasattr(est, "predict_proba") or not hasattr(est, "classes_"):
        raise NotAClassifierError(f"{path}: not a classifier with predict_proba/classes_ "
                                  f"(holds a {type(est).__name__})")
    return TrainedModel(est, header)


def _unpickle(payload: bytes, path: Path) -> Any:
    import warnings

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            est = pickle.loads(payload)
    except Exception as exc:  # anything a foreign or damaged pickle may raise
        raise ModelFileError(f"{path}: not an eventwire model file, or one made by an incompatible "
                             f"version ({type(exc).__name__}: {exc})") from None
    for w in caught:   # a bare pickle has no header: scikit-learn tells its version while unpickling
        made_with = getattr(w.message, "original_sklearn_version", None)
        now = getattr(w.message, "current_sklearn_version", "")
        if made_with and _minor(str(made_with)) != _minor(str(now)):
            raise ModelFileError(f"{path}: model was trained with scikit-learn {made_with}, this installation "
                                 f"has {now}; retrain it with `eventwire train events`")
    return est


__all__ = ["NO_EVENT", "ModelFileError", "NotAClassifierError", "TrainedModel", "build_estimator",
           "default_model", "example_files", "fit", "fit_estimator", "linear_classifier", "load_model",
           "preprocess", "read_examples", "read_model_header", "save_model", "tfidf_features"]
