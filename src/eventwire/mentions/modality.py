"""Does a sentence assert an event that happened? (GUIDE: history and future are not today's events.)

Labels: "asserted", "negated", "future", "conditional", "hypothetical", "background", "reported_plan".
Precedence when several cues fire: background > negated > conditional > reported_plan > future >
hypothetical > asserted. Cues are regular expressions in ``data/language/modality_cues.yaml``.

"No one was killed" / "no casualties" do not negate the event (its fatalities are 0); "There is no
time limit for the operation" is negated (no event is asserted). A sentence whose only date is an
earlier year ("in 2014, when the militants overran the town") is background.

With a parsed spaCy Span, :func:`modality` reads the trigger verb's auxiliaries, negation and
governing verbs (:func:`modality_of_verb`) instead of scanning the whole sentence for cues.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from eventwire.mentions.dates import find_dates
from eventwire.mentions.lexicon import load_language

__all__ = ["modality", "modality_of_verb", "LABELS"]

LABELS = ("asserted", "negated", "future", "conditional", "hypothetical", "background", "reported_plan")
_ORDER = ("background", "negated", "conditional", "reported_plan", "future", "hypothetical")
_TEXT_LABELS_WITH_PARSE = ("background", "negated", "conditional", "reported_plan")
_PLAN_LEMMAS = {"plan", "threaten", "vow", "pledge", "promise", "intend", "prepare", "seek", "aim", "want", "swear"}
_FUTURE_HEADS = {"expect", "set", "go", "due", "schedule", "slate", "poise", "about"}
_HYPO_AUX = {"could", "might", "may", "can", "should", "must"}
_REPORTING = {"say", "tell", "report", "announce", "claim", "state", "add", "confirm", "quote"}
_STATIVE = {"live", "reside", "remain", "stay", "host", "hold", "control", "operate", "base", "use"}


@dataclass(frozen=True)
class _Cues:
    by_label: dict[str, re.Pattern[str]]   # each label's cues as one alternation
    negation_exceptions: list[re.Pattern[str]]
    conditional_exceptions: list[re.Pattern[str]]
    past_year: re.Pattern[str]
    subordinate: re.Pattern[str]


def _compile(p: str) -> re.Pattern[str]:
    return re.compile(p) if p.startswith("(?-i") else re.compile(p, re.IGNORECASE)


def _any_of(patterns: list[str]) -> re.Pattern[str]:
    """One regex that matches where any of `patterns` does (case-sensitive parts keep their own
    "(?-i:...)" group); a label's cues are then one scan of the text instead of one per cue."""
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!x)x", re.IGNORECASE)


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    data = load_language("modality_cues")
    return _Cues(
        by_label={label: _any_of(data.get(label, [])) for label in _ORDER},
        negation_exceptions=[_compile(p) for p in data.get("negation_exceptions", [])],
        conditional_exceptions=[_compile(p) for p in data.get("conditional_exceptions", [])],
        past_year=re.compile(data["past_year_when"], re.IGNORECASE),
        subordinate=re.compile(data["subordinate_clause"], re.IGNORECASE),
    )


def _mask(text: str, patterns: list[re.Pattern[str]]) -> str:
    for rx in patterns:
        text = rx.sub(lambda m: " " * len(m.group()), text)
    return text


def _is_history(text: str, published: dt.date | None) -> bool:
    """True when the sentence's only dates are earlier years."""
    mentions = find_dates(text, published)
    if published is not None:
        current = [d for d in mentions if d.date is not None and d.kind not in ("past_year", "future")]
        return any(d.kind == "past_year" for d in mentions) and not current
    if any(d.kind in ("explicit", "weekday", "relative") for d in mentions):
        return False
    return bool(_cues().past_year.search(text))


def _main_clause(text: str) -> str:
    """The sentence up to its first relative/adverbial clause, where cues describe other events.

    Cues inside "..., who were planning to ...", "... over fears they would not be paid" or
    "... which will be carried out ..." do not make the sentence's own event unreal.
    """
    m = _cues().subordinate.search(text, 12)
    return text[:m.start()] if m else text


def _label_from_text(text: str, published: dt.date | None, labels: tuple[str, ...] = _ORDER,
                     history_checked: bool = False) -> str:
    """The first of `labels` (in precedence order) whose cues fire, else "asserted"."""
    cues = _cues()
    if not history_checked and _is_history(text, published):
        return "background"
    main = _main_clause(text)
    for label in labels:
        scan = text if label == "background" else main
        if label == "negated":
            scan = _mask(scan, cues.negation_exceptions)
        elif label == "conditional":
            scan = _mask(scan, cues.conditional_exceptions)
        if cues.by_label[label].search(scan):
            return label
    return "asserted"


def modality_of_verb(token: Any) -> str:
    """Modality of one trigger verb (a spaCy Token) from its auxiliaries, negation and governors."""
    children = list(token.children)
    aux = {c.lower_ for c in children if c.dep_ in ("aux", "auxpass")}
    if any(c.dep_ == "neg" for c in children):
        return "negated"
    head = token
    steps = 0
    while head.dep_ in ("xcomp", "ccomp", "advcl", "conj", "acomp") and head.head is not head and steps < 4:
        if head.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in head.children):
            return "conditional"
        if head.dep_ == "xcomp" and head.head.lemma_ in _PLAN_LEMMAS:
            return "reported_plan"
        if head.dep_ == "xcomp" and head.head.lemma_ in _FUTURE_HEADS:
            return "future"
        if head.dep_ == "conj":
            aux |= {c.lower_ for c in head.head.children if c.dep_ in ("aux", "auxpass")}
        head = head.head
        steps += 1
    if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in children) or any(
        c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ in ("if", "unless") for g in c.children)
        for c in children
    ):
        return "conditional"
    if "would" in aux and "have" in aux:
        return "hypothetical"
    if aux & {"will", "shall", "'ll", "would", "wo"}:
        return "future"
    if aux & _HYPO_AUX:
        return "hypothetical"
    if "been" in aux and token.tag_ == "VBG" and aux & {"have", "has", "had"}:
        return "background"
    if token.lemma_ in _STATIVE and token.tag_ in ("VBP", "VBZ"):
        return "background"
    return "asserted"


def _trigger(span: Any) -> Any:
    root = span.root
    if root.lemma_ in _REPORTING:
        for c in root.children:
            if c.dep_ in ("ccomp", "xcomp") and c.pos_ in ("VERB", "AUX"):
                return c
    return root


def modality(sentence: Any, published: dt.date | None = None, text: str | None = None) -> str:
    """Modality label of a sentence (str, or spaCy Span whose parse is then used for the trigger verb).

    ``published`` lets earlier years be recognised as history ("in 2014" in a 2017 article).
    ``text``: the Span's text when the caller holds it already (spaCy rebuilds it on each access).
    """
    if isinstance(sentence, str):
        return _label_from_text(sentence, published)
    text = sentence.text if text is None else text
    if _is_history(text, published):
        return "background"
    has_parse = bool(getattr(sentence, "doc", None) is not None and sentence.doc.has_annotation("DEP"))
    if not has_parse:
        return _label_from_text(text, published)
    verb_label = modality_of_verb(_trigger(sentence))
    if verb_label != "asserted":
        return verb_label
    # sentence-level cues the verb cannot show ("there is no", "denied", plan nouns); history was
    # ruled out above, and the labels after "reported_plan" in precedence would be ignored here
    text_label = _label_from_text(text, published, labels=_TEXT_LABELS_WITH_PARSE, history_checked=True)
    return text_label if text_label in ("negated", "background", "reported_plan") else "asserted"
