"""Loading the language data files in ``eventwire/data/language`` (cached, read-only)."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any


from eventwire.datafiles import load_yaml

LANGUAGE_DIR = "data/language"


@lru_cache(maxsize=32)
def load_language(name: str, path: str | None = None) -> dict[str, Any]:
    """Return the parsed YAML file ``name`` (without ``.yaml``) from the package data.

    ``path`` points to a user-supplied replacement file instead (same schema).
    """
    if path is not None:
        text = Path(path).read_text(encoding="utf-8")
    else:
        text = (resources.files("eventwire") / LANGUAGE_DIR / f"{name}.yaml").read_text(encoding="utf-8")
    data = load_yaml(text)
    if not isinstance(data, dict):
        raise ValueError(f"language file {name!r} must hold a mapping")
    return data


def alternation(phrases: list[str] | tuple[str, ...]) -> str:
    """Regex alternation of literal phrases, longest first, spaces matching any whitespace."""
    import re

    parts = sorted({p for p in phrases if p}, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in parts)
