"""Class probabilities for many short texts at once, without scikit-learn's per-call overhead.

The pipeline types the clauses of each article chunk in one call: a few to a few dozen texts. For
batches that small, scikit-learn's generic machinery (input validation and data-frame detection in
every step, FeatureUnion's job dispatch, parameter validation of `normalize`) costs about as much as
the features themselves. For a model of the default structure — a Pipeline of a FeatureUnion of
TF-IDF vectorizers followed by a classifier — `batch_predictor` returns a function that computes the
same TF-IDF features directly and hands them to the classifier. It is used only after it has given
bit-identical probabilities to the model's own `predict_proba` on sample texts; any other model (a
user's, or one with embedding features) is called as it is.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

Predictor = Callable[[Sequence[str]], Any]

# Varied texts (digits, ACLED size tag, punctuation, non-ASCII, empty) for the equality check.
_CHECK_TEXTS = (
    "Gunmen killed three villagers near Kidal on Sunday, residents said.",
    "Warplanes struck 12 targets; dozens were wounded [size=no report].",
    "Protesters marched in Harare \u2014 police fired tear gas at the crowd.",
    "",
    "The minister's visit to Bamako was postponed until next year.",
)


def batch_predictor(model: Any) -> Predictor:
    """`model.predict_proba`, or an equivalent faster function when `model` has the default
    structure (checked to give identical output)."""
    fast = TfidfLinearPredictor.of(model)
    if fast is not None and _same_output(fast, model.predict_proba):
        return fast
    return model.predict_proba


class TfidfLinearPredictor:
    """predict_proba of Pipeline([FeatureUnion([TfidfVectorizer, ...]), classifier]), computed
    as the Pipeline does but without its per-call checks."""

    def __init__(self, vectorizers: Sequence[Any], classifier: Any):
        self.vectorizers = list(vectorizers)
        self.classifier = classifier

    @classmethod
    def of(cls, model: Any) -> "TfidfLinearPredictor | None":
        """The predictor for `model` (a fitted estimator or a TrainedModel), None when the model
        does not have exactly the structure this class computes."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion, Pipeline

        from .model import TrainedModel

        est = model.estimator if isinstance(model, TrainedModel) else model
        if type(est) is not Pipeline or len(est.steps) != 2:
            return None
        union, classifier = est.steps[0][1], est.steps[1][1]
        if type(union) is not FeatureUnion or union.transformer_weights or not hasattr(classifier, "predict_proba"):
            return None
        vectorizers = [t for _, t in union.transformer_list]
        if not vectorizers or not all(type(v) is TfidfVectorizer and v.use_idf and v.dtype is np.float64
                                      and hasattr(v, "vocabulary_") for v in vectorizers):
            return None
        return cls(vectorizers, classifier)

    def __call__(self, texts: Sequence[str]) -> Any:
        from scipy import sparse
        from sklearn import config_context

        with config_context(assume_finite=True, skip_parameter_validation=True):
            features = sparse.hstack([_tfidf(v, texts) for v in self.vectorizers]).tocsr()
            return self.classifier.predict_proba(features)


def _tfidf(vectorizer: Any, texts: Sequence[str]) -> Any:
    """TfidfVectorizer.transform: the term counts, weighted as its TfidfTransformer does."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    counts = CountVectorizer.transform(vectorizer, texts)   # float64 CSR with sorted indices
    if vectorizer.sublinear_tf:
        np.log(counts.data, counts.data)
        counts.data += 1.0
    counts.data *= vectorizer.idf_[counts.indices]
    return normalize(counts, norm=vectorizer.norm, copy=False) if vectorizer.norm else counts


def _same_output(fast: Predictor, reference: Predictor) -> bool:
    try:
        ours, theirs = np.asarray(fast(list(_CHECK_TEXTS))), np.asarray(reference(list(_CHECK_TEXTS)))
    except Exception:  # a model this class does not understand after all
        return False
    return ours.shape == theirs.shape and bool(np.array_equal(ours, theirs))
