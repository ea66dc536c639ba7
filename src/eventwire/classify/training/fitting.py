"""Fitting the event classifier on labelled rows, and stratified cross-validation of it.

The estimator is the default model's family (classify.model): TF-IDF word and character n-grams and a
linear SVM, with "balanced" class weights by default so rare sub-event types count; sentence-embedding
features are an optional extra. Everything random takes the seed, so the same data and seed give the
same model and the same predictions.

Cross-validation scores what `classify` and `extract` would say: each fold's model inside the full
EventClassifier (trigger rules, ACLED precedence), and also the model alone. Only the user's own rows
are scored; rows added from the project's examples always stay on the training side. A class with fewer
rows than folds cannot be spread over the folds: its rows are always trained on and never scored, and
the report names it.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import RANDOM_STATE, build_estimator, fit_estimator, tfidf_features
from ..taxonomy import NO_EVENT

FEATURES = ("tfidf", "embeddings", "tfidf+embeddings")


@dataclass(frozen=True)
class TrainingOptions:
    folds: int = 5                      # 0: no cross-validation
    seed: int = RANDOM_STATE
    class_weight: str | None = "balanced"
    features: str = "tfidf"
    embedding_model: str | None = None  # local sentence-transformers folder (features with embeddings)
    kind: str = "svm"


def make_estimator(opts: TrainingOptions, embedding_cache: dict | None = None) -> Any:
    if opts.features not in FEATURES:
        raise ValueError(f"unknown features {opts.features!r}: expected one of {', '.join(FEATURES)}")
    return build_estimator(opts.kind, random_state=opts.seed, class_weight=opts.class_weight,
                           features=_features(opts, embedding_cache))


def _features(opts: TrainingOptions, cache: dict | None) -> Any:
    if opts.features == "tfidf":
        return tfidf_features()
    from sklearn.pipeline import FeatureUnion

    from .embeddings import PACKAGED_MODEL, SentenceEmbeddings, resolve_encoder_path

    spec = opts.embedding_model or PACKAGED_MODEL
    encoder = spec if spec.startswith("package:") else str(resolve_encoder_path(spec))
    emb = SentenceEmbeddings(encoder, cache=cache)
    if opts.features == "embeddings":
        return emb
    return FeatureUnion([("tfidf", tfidf_features()), ("embeddings", emb)])


def train(texts: Sequence[str], labels: Sequence[str], opts: TrainingOptions,
          embedding_cache: dict | None = None) -> Any:
    return fit_estimator(make_estimator(opts, embedding_cache), texts, labels)


# -- cross-validation -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scores:
    accuracy: float
    weighted_f1: float
    macro_f1: float


@dataclass(frozen=True)
class ClassScores:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class CVResult:
    folds: int
    seed: int
    n_scored: int = 0
    classifier: Scores | None = None        # rules + model, as classify/extract use it
    model_only: Scores | None = None
    per_class: list[ClassScores] = field(default_factory=list)
    fold_weighted_f1: list[float] = field(default_factory=list)
    not_scored: dict[str, int] = field(default_factory=dict)   # label -> rows (fewer than folds)
    skipped_reason: str | None = None


def cross_validate(texts: Sequence[str], labels: Sequence[str], opts: TrainingOptions,
                   extra: Sequence[tuple[str, str]] = (), classifier_factory: Callable[[Any], Any] | None = None,
                   progress: Callable[[str], None] | None = None, embedding_cache: dict | None = None) -> CVResult:
    """Stratified `opts.folds`-fold cross-validation over (texts, labels); `extra` (label, text) rows
    are added to every fold's training side. `classifier_factory(model)` wraps a fold's model the way
    classify/extract do (default: EventClassifier with the shipped rules)."""
    from sklearn.model_selection import StratifiedKFold

    result = CVResult(opts.folds, opts.seed)
    counts = Counter(labels)
    result.not_scored = {lab: n for lab, n in sorted(counts.items()) if n < opts.folds}
    scored = [i for i, lab in enumerate(labels) if counts[lab] >= opts.folds]
    always = [i for i, lab in enumerate(labels) if counts[lab] < opts.folds]
    if len({labels[i] for i in scored}) < 2:
        result.skipped_reason = (f"fewer than two labels have at least {opts.folds} rows; "
                                 "cross-validation needs more data (or fewer --folds)")
        return result
    wrap = classifier_factory or _event_classifier
    splitter = StratifiedKFold(n_splits=opts.folds, shuffle=True, random_state=opts.seed)
    gold: list[str] = []
    pred_full: list[str] = []
    pred_model: list[str] = []
    y = [labels[i] for i in scored]
    for k, (train_idx, test_idx) in enumerate(splitter.split(scored, y), start=1):
        if progress:
            progress(f"cross-validation fold {k}/{opts.folds}")
        tr = [scored[j] for j in train_idx] + always
        te = [scored[j] for j in test_idx]
        model = train([texts[i] for i in tr] + [t for _, t in extra],
                      [labels[i] for i in tr] + [lab for lab, _ in extra], opts, embedding_cache)
        te_texts, te_gold = [texts[i] for i in te], [labels[i] for i in te]
        full = _classifier_labels(wrap(model), te_texts, NO_EVENT in counts)
        gold += te_gold
        pred_full += full
        pred_model += [str(p) for p in model.predict(te_texts)]
        result.fold_weighted_f1.append(_scores(te_gold, full).weighted_f1)
    result.n_scored = len(gold)
    result.classifier = _scores(gold, pred_full)
    result.model_only = _scores(gold, pred_model)
    result.per_class = _per_class(gold, pred_full)
    return result


def _event_classifier(model: Any) -> Any:
    from .. import EventClassifier, load_lexicon, load_taxonomy

    return EventClassifier(model, load_lexicon(), load_taxonomy())


def _classifier_labels(clf: Any, texts: list[str], scores_no_event: bool) -> list[str]:
    """What classify says for each text; "No event" when the data has that class and the classifier
    judges the text not to be an event."""
    out = []
    for c in clf.classify_many(texts):
        out.append(NO_EVENT if scores_no_event and not c.is_event else c.sub_event_type)
    return out


def _scores(gold: Sequence[str], pred: Sequence[str]) -> Scores:
    from sklearn.metrics import accuracy_score, f1_score

    labels = sorted(set(gold))
    return Scores(float(accuracy_score(gold, pred)),
                  float(f1_score(gold, pred, labels=labels, average="weighted", zero_division=0)),
                  float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)))


def _per_class(gold: Sequence[str], pred: Sequence[str]) -> list[ClassScores]:
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted(set(gold))
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    return [ClassScores(lab, float(a), float(b), float(c), int(d)) for lab, a, b, c, d in zip(labels, p, r, f, s)]
