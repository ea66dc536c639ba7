"""Names of organisations that report on conflicts (data/entities/reporters.yaml): news agencies and
outlets, monitors, rights and humanitarian organisations. In a story they are sources of claims, never
places ("SANA" is not Sanaa, "Libya Herald" does not put an event in Libya) and never parties."""
from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    from importlib import resources

    from eventwire.datafiles import load_yaml

    raw = load_yaml((resources.files("eventwire.data") / "entities" / "reporters.yaml").read_text("utf-8"))
    names = sorted({str(n) for group in raw.values() for n in group}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")


def reporter_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of reporting organisations' names in `text` (case-sensitive, whole words)."""
    return [m.span() for m in _pattern().finditer(text)]
