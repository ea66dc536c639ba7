"""Trigger lexicon: word patterns from data/triggers.yaml matched on raw text or on a spaCy sentence.

Pattern syntax (see triggers.yaml): words separated by spaces; `kill*` is a prefix; `...` a gap of
up to 3 words. Matching runs on a length-preserving normalisation of the text, so match offsets are
character offsets into the original string.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator


from eventwire.datafiles import load_yaml

from .taxonomy import data_path

_WORD_CHARS = r"[\w'\-=\[]"
_WORD_RE = re.compile(r"[\w'\-=\[]+")
_GAP = r"(?:(?!by\s)\S+\s+){0,3}"   # up to 3 words, never across "by" (keeps agent and patient apart)


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
                         "\u2010": "-", "\u2011": "-"})
_NON_WORD = re.compile(r"[^\w'\-=\[]|_")


def normalise(text: str) -> str:
    """Lower-case, curly quotes to ', punctuation to spaces; same length as `text`."""
    low = text.lower()
    if len(low) != len(text):   # rare letters whose lower case is longer (e.g. "İ")
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return _NON_WORD.sub(" ", low.translate(_QUOTES))


def _any_in(words: Iterable[str], text: str) -> bool:
    for w in words:
        if w in text:
            return True
    return False


def _alt_regex(tok: str) -> str:
    if tok.endswith("*"):
        return re.escape(tok[:-1]) + _WORD_CHARS + "*"
    return re.escape(tok) + r"(?:'s?)?"


def _token_regex(tok: str) -> str:
    """One pattern word; `a|b*|c` is an alternation of words."""
    alts = [a for a in tok.split("|") if a]
    if len(alts) == 1:
        return _alt_regex(alts[0])
    return "(?:" + "|".join(_alt_regex(a) for a in alts) + ")"


@dataclass(frozen=True)
class Pattern:
    """One trigger/cue pattern; its regular expression is compiled on first use (most patterns
    are never tried in a short run, and compiling all of them up front costs half a second)."""

    text: str                 # as written in the YAML file
    firsts: tuple[tuple[str, bool], ...]   # possible first words (without '*'), is-prefix flag
    source: str               # the regular expression
    keys: tuple[tuple[str, bool], ...] = ()  # alternatives of the first content word (pre-filter)

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.source)

    @cached_property
    def _anchors(self) -> tuple[str, ...]:
        """Every match starts with one of these strings (the first word's alternatives, without '*')."""
        return tuple(sorted({first for first, _ in self.firsts}))

    @cached_property
    def _others(self) -> tuple[tuple[str, ...], ...]:
        """The alternatives (without '*') of each later word: a match holds one of each."""
        words = [t for t in self.text.lower().split() if t != "..."][1:]
        return tuple(tuple(a.rstrip("*") for a in w.split("|") if a) for w in words)

    def may_occur(self, norm: str) -> bool:
        """False when the pattern cannot match `norm` (one of its words is nowhere in it)."""
        return _any_in(self._anchors, norm) and self._others_occur(norm)

    def _others_occur(self, norm: str) -> bool:
        for alternatives in self._others:
            if not _any_in(alternatives, norm):
                return False
        return True

    def finditer(self, norm: str) -> Iterator[re.Match[str]]:
        """The matches of `self.regex.finditer(norm)`, found faster: the regex starts with a
        look-behind, which keeps `re` from skipping ahead to its first word, so finditer would try
        it at every character. Here it is tried only where a first word occurs, left to right,
        never inside the previous match (as finditer); and not at all (nor compiled) when a later
        word is missing."""
        if not self._others_occur(norm):
            return
        if "" in self._anchors:   # a pattern that may match anywhere
            yield from self.regex.finditer(norm)
            return
        end = 0
        for pos in self._anchor_positions(norm):
            if pos >= end:
                m = self.regex.match(norm, pos)   # (the look-behind still sees the text before pos)
                if m:
                    end = m.end()
                    yield m

    def _anchor_positions(self, norm: str) -> list[int]:
        found: list[int] = []
        for anchor in self._anchors:
            i = norm.find(anchor)
            while i >= 0:
                found.append(i)
                i = norm.find(anchor, i + 1)
        return sorted(set(found)) if len(self._anchors) > 1 else found

    @classmethod
    def compile(cls, text: str) -> "Pattern":
        toks = text.lower().split()
        if not toks or toks[0] == "...":
            raise ValueError(f"bad pattern {text!r}")
        parts: list[str] = []
        gap = False
        for tok in toks:
            if tok == "...":
                gap = True
                continue
            if parts:
                parts.append(r"\s+" + (_GAP if gap else ""))
            parts.append(_token_regex(tok))
            gap = False
        rx = r"(?<![\w'\-=\[])" + "".join(parts) + r"(?![\w\-=])"
        def alts(tok: str) -> tuple[tuple[str, bool], ...]:
            return tuple((a.rstrip("*"), a.endswith("*")) for a in tok.split("|") if a)

        words = [t for t in toks if t != "..."]
        content = next((t for t in words if not set(t.split("|")) & _STOPWORDS), words[0])
        return cls(text, alts(toks[0]), rx, alts(content))


_RECENT_TEXTS = 2048   # texts whose normalised form and matches are remembered
_KNOWN_WORDS = 100_000  # words whose pattern-index hits are remembered


@dataclass(frozen=True)
class Match:
    """A pattern found in a text (character offsets into the text)."""

    start: int
    end: int
    pattern: str
    label: str        # sub-event type, or cue name
    weight: float


_STOPWORDS = frozenset("a an the in on of to by for with after at from and or was were is are has have "
                       "had its their his her it they he she".split())


class _Index:
    """Patterns grouped by their first word (or, with by_key, their first content word), for a cheap
    word pre-check before running the pattern's regex."""

    def __init__(self, items: Iterable[tuple[Pattern, str, float]], by_key: bool = False):
        self.exact: dict[str, list[tuple[Pattern, str, float]]] = {}
        self.prefix: dict[str, list[tuple[Pattern, str, float]]] = {}
        for item in items:
            for first, is_prefix in (item[0].keys if by_key else item[0].firsts):
                (self.prefix if is_prefix else self.exact).setdefault(first, []).append(item)
        self._min_pre = min((len(k) for k in self.prefix), default=1)
        self._max_pre = max((len(k) for k in self.prefix), default=0)
        # word -> (patterns it starts as an exact word, pattern prefixes it starts with): news text
        # repeats its words, and trying every prefix length of every word is the costly part.
        self._hits: dict[str, tuple[tuple[tuple[Pattern, str, float], ...], tuple[str, ...]]] = {}

    def candidates(self, words: set[str]) -> list[tuple[Pattern, str, float]]:
        out = self._candidates(words)
        seen: set[int] = set()
        uniq = []
        for item in out:   # a pattern with alternative first words may be listed more than once
            if id(item) not in seen:
                seen.add(id(item))
                uniq.append(item)
        return uniq

    def _candidates(self, words: set[str]) -> list[tuple[Pattern, str, float]]:
        out: list[tuple[Pattern, str, float]] = []
        hit_pre: set[str] = set()
        known = self._hits
        for w in words:
            exact, prefixes = known.get(w) or self._word_hits(w)
            out.extend(exact)
            hit_pre.update(prefixes)
        for pre in hit_pre:
            out.extend(self.prefix[pre])
        return out

    def _word_hits(self, w: str) -> tuple[tuple[tuple[Pattern, str, float], ...], tuple[str, ...]]:
        """(patterns `w` starts as an exact word, or as w's; the pattern prefixes `w` starts with)."""
        exact = list(self.exact.get(w, ()))
        if w.endswith("'s") and w[:-2] in self.exact:
            exact.extend(self.exact[w[:-2]])
        prefixes = tuple(w[:n] for n in range(self._min_pre, min(len(w), self._max_pre) + 1)
                         if w[:n] in self.prefix)
        if len(self._hits) >= _KNOWN_WORDS:
            self._hits.clear()
        hits = self._hits[w] = (tuple(exact), prefixes)
        return hits

    def any(self, words: set[str]) -> bool:
        known = self._hits
        return any(w in self.exact or (known.get(w) or self._word_hits(w))[1] for w in words)


def _words(norm: str) -> set[str]:
    return set(_WORD_RE.findall(norm))


@dataclass
class _Analysis:
    """What the lexicon knows of one text: its normalised form, its words, and (once asked) its
    trigger and cue matches."""

    norm: str
    words: set[str]
    triggers: tuple[Match, ...] | None = None
    cues: tuple[Match, ...] | None = None


class TriggerLexicon:
    """Trigger patterns per sub-event type plus named cue lists, from a triggers.yaml document."""

    def __init__(self, doc: dict[str, Any]):
        trig: list[tuple[Pattern, str, float]] = []
        for label, pats in (doc.get("triggers") or {}).items():
            for text, weight in (pats or {}).items():
                trig.append((Pattern.compile(str(text)), label, float(weight)))
        self.triggers = _Index(trig)
        self.cue_names: tuple[str, ...] = tuple((doc.get("cues") or {}).keys())
        cues: list[tuple[Pattern, str, float]] = []
        for name, pats in (doc.get("cues") or {}).items():
            for text in pats or []:
                cues.append((Pattern.compile(str(text)), name, 1.0))
        self.cues = _Index(cues)
        pre = [(Pattern.compile(str(t)), "prefilter", 1.0) for t in doc.get("prefilter") or []]
        self._prefilter = _Index(trig + pre, by_key=True)
        self._mask = [Pattern.compile(str(t)) for t in doc.get("mask") or []]
        # The pipeline asks about the same text several times (pre-filter and triggers of a
        # sentence, then its triggers in the parse; triggers and cues of a clause): recent texts
        # are normalised and matched once (Match is immutable).
        self._recent: dict[str, _Analysis] = {}

    @classmethod
    def from_file(cls, path: str | Path) -> "TriggerLexicon":
        with open(path, encoding="utf-8") as fh:
            return cls(load_yaml(fh))

    # -- matching -----------------------------------------------------------------------------
    def _normalise(self, text: str) -> str:
        """normalise() with the `mask` phrases (e.g. "riot police") blanked out."""
        norm = normalise(text)
        for p in self._mask:
            if p.may_occur(norm):
                norm = p.regex.sub(_blank, norm)
        return norm

    def _analysis(self, text: str) -> _Analysis:
        known = self._recent.get(text)
        if known is None:
            if len(self._recent) >= _RECENT_TEXTS:
                self._recent.clear()
            norm = self._normalise(text)
            known = self._recent[text] = _Analysis(norm, _words(norm))
        return known

    def _run(self, index: _Index, analysis: _Analysis) -> tuple[Match, ...]:
        found: list[Match] = []
        for p, label, w in index.candidates(analysis.words):
            for m in p.finditer(analysis.norm):
                found.append(Match(m.start(), m.end(), p.text, label, w))
        found.sort(key=lambda m: (m.start, -m.end))
        return tuple(found)

    def match_triggers(self, text: str) -> list[Match]:
        """All trigger matches in `text`, in text order."""
        analysis = self._analysis(text)
        if analysis.triggers is None:
            analysis.triggers = self._run(self.triggers, analysis)
        return list(analysis.triggers)

    def match_cues(self, text: str) -> list[Match]:
        """All cue matches (label = cue name) in `text`."""
        analysis = self._analysis(text)
        if analysis.cues is None:
            analysis.cues = self._run(self.cues, analysis)
        return list(analysis.cues)

    def analyse(self, text: str) -> tuple[list[Match], list[Match]]:
        """(trigger matches, cue matches) of `text`."""
        return self.match_triggers(text), self.match_cues(text)

    def may_hold_event(self, text: str) -> bool:
        """Cheap lexical pre-filter: False only when no trigger or event word occurs (high recall)."""
        return self._prefilter.any(self._analysis(text).words)


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group(0))


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> TriggerLexicon:
    """Load the trigger lexicon (the shipped data/triggers.yaml unless `path` is given)."""
    return TriggerLexicon.from_file(path or data_path("triggers.yaml"))


def rule_scores(matches: Iterable[Match]) -> dict[str, float]:
    """Sum of weights per sub-event type, each distinct pattern counted once."""
    seen: set[tuple[str, str]] = set()
    scores: dict[str, float] = {}
    for m in matches:
        key = (m.label, m.pattern)
        if key in seen:
            continue
        seen.add(key)
        scores[m.label] = scores.get(m.label, 0.0) + m.weight
    return scores
