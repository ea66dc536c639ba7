"""Article identity: the content hash (outlet + text) that makes ingest idempotent, and the body hash
(text alone) that tells a wire story reprinted by several outlets.

Texts are compared after normalisation (case, punctuation, white space, and a leading dateline such as
"BEIRUT (Reuters) -" removed), so that a reprint with another dateline or line wrapping is the same body.
"""
from __future__ import annotations

import hashlib
import re

_WORD = re.compile(r"\w+", re.UNICODE)
# "BEIRUT, July 21 (Reuters) -" / "DAMASCUS (SANA) –": up to the first dash after a closing parenthesis
_DATELINE = re.compile(r"^\s*[^\n]{0,80}?\)\s*[-–—:]\s*")


def normalise_text(text: str) -> str:
    """Lower-cased words joined by single spaces, the dateline left out."""
    head = _DATELINE.match(text)
    body = text[head.end():] if head else text
    return " ".join(_WORD.findall(body.casefold()))


def body_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def content_hash(text: str, outlet: str | None) -> str:
    """The article's identity: the same outlet's same text (also from another file) is the same article."""
    key = f"{(outlet or '').strip().casefold()}\n{normalise_text(text)}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
