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


def data_path(name: str) -> Path:
    """Path of a file in the package's data/geo folder."""
    return Path(__file__).resolve().parents[1] / "data" / "geo" / name


def _read_words(name: str) -> frozenset[str]:
    lines = data_path(name).read_text("utf-8").splitlines()
    words = [ln.split("\t")[0].strip().lower() for ln in lines if ln.strip() and not ln.startswith("#")]
    return frozenset(words[1:])  # the first line is the header


# Articles that may prefix a name ("al-Karah", "ash-Sham", "ad-Dana", "el Hermel") — optional in lookup
# (data/geo/articles.tsv).
ARTICLES = _read_words("articles.tsv")
# A "sun letter" article fused into a later word: "Deir Ezzor" (ez-Zor), "Ras Ennaqoura" (en-Naqoura).
_FUSED_ARTICLE = re.compile(r"^[ae]([tdrzsln])(?=\1[a-z]{2})")
_LEADING_THE = re.compile(r"^the ")


# ASCII text folds with one table: letters and digits kept (after lower()), separators to spaces, the rest
# (apostrophes, quotes, other punctuation) removed - the same result as the general path, much faster.
_ASCII_FOLD = {i: (None if not (chr(i).isalnum() or chr(i) == " ") else chr(i)) for i in range(128)}
_ASCII_FOLD.update({ord(c): " " for c in " \t\n\r\x0b\x0c-_/.,;:()[]"})
_ASCII_FOLD.update({ord(c): None for c in "'`\""})


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower-case, strip accents and apostrophes, turn hyphens and punctuation into single spaces."""
    if text.isascii():
        return " ".join(text.lower().translate(_ASCII_FOLD).split())
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


@lru_cache(maxsize=1)
def _translit_rules() -> tuple[tuple[re.Pattern[str] | str, str], ...]:
    """data/geo/transliteration.tsv as (pattern, replacement); a plain-letters pattern stays a string
    (replaced with str.replace: same result, faster)."""
    rules: list[tuple[re.Pattern[str] | str, str]] = []
    text = data_path("transliteration.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pattern, _, repl = line.partition("\t")
        rules.append((pattern if pattern.isalpha() else re.compile(pattern), repl.strip()))
    return tuple(rules)


_DOUBLED = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aeiouy]")


@lru_cache(maxsize=300_000)
def _skeleton_word(word: str) -> str:
    for pattern, repl in _translit_rules():
        word = word.replace(pattern, repl) if isinstance(pattern, str) else pattern.sub(repl, word)
    if not word:
        return word
    # Collapse doubled letters (Aarsal/Arsal, Hassakeh/Hasakeh), keep a leading vowel as "a",
    # then drop the other vowels: the consonant skeleton carries romanization-independent identity.
    word = _DOUBLED.sub(r"\1", word)
    head, rest = word[0], word[1:]
    if head in "aeiouy":
        head = "a"
    rest = _VOWELS.sub("", rest)
    return _DOUBLED.sub(r"\1", head + rest)


def skeleton_of_key(key: str) -> str:
    """The skeleton of a name key (see `name_key`)."""
    words = [w for w in key.split(" ") if w]
    words = words[:1] + [_FUSED_ARTICLE.sub("", w) for w in words[1:]]
    return " ".join(_skeleton_word(w) for w in words)


@lru_cache(maxsize=200_000)
def skeleton(name: str) -> str:
    """Loose transliteration key: "Ersal", "Aarsal" and "Arsal" all give "arsl"."""
    return skeleton_of_key(name_key(name))


def is_latin_key(key: str) -> bool:
    """True when the folded key still has letters (non-Latin scripts fold to nothing)."""
    return bool(key.strip("0123456789 ")) if key.isascii() else any("a" <= ch <= "z" for ch in key)
