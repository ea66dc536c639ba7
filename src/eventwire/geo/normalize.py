"""Place-name normalization: one function used by the gazetteer build, lookup and recognition.

`name_key` is the exact lookup key (accents, apostrophes/ayn, Arabic articles, hyphens, case removed);
`skeleton` is a looser transliteration key (data-driven rules in data/geo/transliteration.tsv) so that
"Aarsal", "Arsal" and "Ersal", or "al-Qarah", "Qara" and "Kara", retrieve the same candidates.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

# Apostrophes and the letters used for Arabic ayn/hamza in romanizations.
_QUOTES = dict.fromkeys(map(ord, "'`´’‘ʼʿʾʻ′\u02bc\u02bb\u2019\u2018\"“”"), None)
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_/.,;:()\[\]]+")
_NON_WORD = re.compile(r"[^a-z0-9 ]+")
# Articles that may prefix a name ("al-Karah", "ash-Sham", "ad-Dana", "el Hermel") — optional in lookup.
ARTICLES = frozenset({"al", "el", "ad", "as", "ash", "at", "az", "an", "ar", "ath", "adh", "ez", "es", "ed", "er",
                      "et", "en", "aj", "ul", "il"})
_LEADING_THE = re.compile(r"^the ")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower-case, strip accents and apostrophes, turn hyphens and punctuation into single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("ß", "ss").replace("ı", "i").replace("ø", "o").replace("đ", "d").replace("ł", "l")
    text = text.replace("æ", "ae").replace("Æ", "AE").replace("œ", "oe").replace("Ø", "O").replace("Đ", "D")
    text = text.translate(_QUOTES).lower()
    text = _SEPARATORS.sub(" ", text)
    text = _NON_WORD.sub("", text)
    return " ".join(text.split())


def strip_articles(folded: str) -> str:
    """Drop Arabic articles before a following word: "wadi al qariyah" -> "wadi qariyah"."""
    words = folded.split(" ")
    if len(words) < 2:
        return folded
    kept = [w for i, w in enumerate(words) if not (w in ARTICLES and i < len(words) - 1)]
    return " ".join(kept) if kept else folded


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """The exact lookup key of a place name ("" when nothing usable is left)."""
    key = _LEADING_THE.sub("", fold(name))
    return strip_articles(key)


def data_path(name: str) -> Path:
    """Path of a file in the package's data/geo folder."""
    return Path(__file__).resolve().parents[1] / "data" / "geo" / name


@lru_cache(maxsize=1)
def _translit_rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    rules = []
    text = data_path("transliteration.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pattern, _, repl = line.partition("\t")
        rules.append((re.compile(pattern), repl.strip()))
    return tuple(rules)


def _skeleton_word(word: str) -> str:
    for pattern, repl in _translit_rules():
        word = pattern.sub(repl, word)
    if not word:
        return word
    # Collapse doubled letters (Aarsal/Arsal, Hassakeh/Hasakeh), keep a leading vowel as "a",
    # then drop the other vowels: the consonant skeleton carries romanization-independent identity.
    word = re.sub(r"(.)\1+", r"\1", word)
    head, rest = word[0], word[1:]
    if head in "aeiouy":
        head = "a"
    rest = re.sub(r"[aeiouy]", "", rest)
    return re.sub(r"(.)\1+", r"\1", head + rest)


@lru_cache(maxsize=200_000)
def skeleton(name: str) -> str:
    """Loose transliteration key: "Ersal", "Aarsal" and "Arsal" all give "arsl"."""
    key = name_key(name)
    return " ".join(_skeleton_word(w) for w in key.split(" ") if w)


def is_latin_key(key: str) -> bool:
    """True when the folded key still has letters (non-Latin scripts fold to nothing)."""
    return bool(key) and any("a" <= ch <= "z" for ch in key)
