"""Cheap, rule-based sentence splitting on raw text (before any parsing).

The pipeline parses only the sentences that can hold an event, so it must find sentence boundaries
without the parser. Paragraph breaks always end a sentence; inside a paragraph a sentence ends at
. ! or ? (optionally followed by a closing quote/bracket) followed by white space and an upper-case
letter, a digit or an opening quote — unless the dot ends a known abbreviation or an initial.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


from eventwire.datafiles import load_yaml

_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_PARA = re.compile(r"\n\s*\n|\r\n\s*\r\n|\n(?=\s*[-•*]\s)")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    data = load_yaml(resources.files("eventwire.data").joinpath("abbreviations.yaml").read_text("utf-8"))
    return frozenset(a.lower() for a in data["abbreviations"])


def _ends_with_abbreviation(chunk: str) -> bool:
    word = chunk.rsplit(None, 1)[-1] if chunk.strip() else ""
    word = word.rstrip(".").lstrip("(\"“'")
    if not word:
        return False
    if len(word) == 1 and word.isalpha() and word.isupper():
        return True  # an initial: "John F. Kennedy"
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):
        return True  # "U.S", "U.N"
    return word.lower() in _abbreviations()


def split_sentences(text: str) -> list[Sentence]:
    """Split `text` into sentences with character offsets (text[s.start:s.end] == s.text)."""
    out: list[Sentence] = []
    para_starts = [0] + [m.end() for m in _PARA.finditer(text)]
    para_ends = [m.start() for m in _PARA.finditer(text)] + [len(text)]
    for pno, (p0, p1) in enumerate(zip(para_starts, para_ends)):
        start = p0
        for m in _END.finditer(text, p0, p1):
            if _ends_with_abbreviation(text[start:m.start() + 1]):
                continue
            _append(out, text, start, m.start() + len(m.group(0).rstrip()), pno)
            start = m.end()
        _append(out, text, start, p1, pno)
    return out


def _append(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, text[start:end], paragraph))
