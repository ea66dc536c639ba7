"""Who in the text asserts a sentence (claims are not facts).

Convention: ``attributed_to`` is the speaker the text names ("Syrian sources", "Hezbollah's Military
Media Center"), with a leading article dropped. When the speaker reached the article through another
outlet than the article's own ("Reuters quoted a Lebanese security source", "X told Reuters",
"Press TV, citing a military source"), the relay is appended: "Lebanese security source (via Reuters)".
``attributed_to`` is None when the outlet speaks in its own voice. ``reporting_verb`` is the lemma
("say", "tell", "quote", "announce", "report", "claim", "according_to", "cite").
Pronoun speakers ("he said") are kept as written; resolving them is not done here.
Offsets returned by :func:`attribution_spans` are relative to the sentence text (add
``span.start_char`` for a spaCy Span).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from eventwire.model import Claim
from eventwire.mentions.lexicon import alternation, load_language

__all__ = ["find_attribution", "attribution_span", "attribution_spans", "is_hedged", "Attribution"]

_NP_STOP = re.compile(r"[,;:.!?\"“”()]|\b(?:that|and|but|while|when|which|who|after|before|because)\b")


@dataclass(frozen=True)
class Attribution:
    """Speaker and relay found in a sentence (character offsets into the sentence text)."""

    speaker: tuple[int, int] | None
    via: tuple[int, int] | None
    verb: str | None
    pattern: str


@dataclass(frozen=True)
class _Lex:
    verbs: dict[str, str]
    verb_rx: re.Pattern[str]
    according_rx: re.Pattern[str]
    quoted_rx: re.Pattern[str]
    citing_rx: re.Pattern[str]
    hedge_rx: re.Pattern[str]
    heads: frozenset[str]
    pronouns: frozenset[str]
    boundary: frozenset[str]


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    rv = load_language("reporting_verbs")
    hedges = load_language("hedges")["hedges"]
    verbs = {k.lower(): v for k, v in rv["verbs"].items()}
    main_verbs = [v for v in verbs if v not in ("saying", "citing", "quoted", "quotes", "cited", "say", "tell")]
    return _Lex(
        verbs=verbs,
        verb_rx=re.compile(rf"\b(?P<verb>{alternation(main_verbs)})\b"),
        according_rx=re.compile(r"(?i)\b(?:according to|as reported by|reported by|as cited by)\s+(?P<np>[^,;:.!?\"“”()]+?)(?=\s*(?:[,;:.!?\"“”()]|\bthat\b|\bon\b|\bin a\b|$))"),
        quoted_rx=re.compile(r"\s(?:also\s+)?(?:quoted|cited)\s+(?P<np>.+?)\s+as\s+(?:saying|stating|telling|reporting)\b"),
        citing_rx=re.compile(r",?\s+(?:citing|quoting)\s+(?P<np>[^,;:.!?\"“”()]+?)(?=\s*(?:[,;:.!?\"“”()]|\bsaid\b|\breported\b|\bthat\b|$))"),
        hedge_rx=re.compile(rf"(?i)\b(?:{alternation(hedges)})\b"),
        heads=frozenset(w.lower() for w in rv["speaker_heads"]),
        pronouns=frozenset(w.lower() for w in rv["pronouns"]),
        boundary=frozenset(w.lower() for w in rv["boundary_words"]),
    )


def _strip_np(text: str, s: int, e: int) -> tuple[int, int]:
    """Trim whitespace, a leading article and a trailing "also"/"on Friday" from text[s:e]."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    m = re.match(r"(?i)(?:(?:the|a|an)\s+)?(?:(?:joint|official|written|brief)\s+)?(?:statements?|reports?|tweets?|posts?|communiqu[eé]s?|announcements?|messages?|videos?|press\s+releases?)\s+(?:by|from|of|issued\s+by)\s+", text[s:e])
    if m:
        s += m.end()
    m = re.match(r"(?i)(?:the|a|an)\s+", text[s:e])
    if m:
        s += m.end()
    return s, e


def _speaker_before(text: str, verb_start: int) -> tuple[int, int] | None:
    """The noun phrase ending right before a reporting verb, or None when it is not a speaker."""
    lex = _lex()
    left = text[:verb_start]
    rel = re.search(r",\s*(?:who|which|whose)\b[^,]{0,80},\s*$", left)
    if rel:
        left = left[:rel.start()]  # "Ahmed, who asked not to be named, said"
    words = list(re.finditer(r"[\w'’&.-]+|[,;:!?\"“”()]", left))
    if not words:
        return None
    picked: list[re.Match[str]] = []
    for m in reversed(words):
        w = m.group()
        wl = w.lower()
        if wl in ("also", "later", "reportedly", "had", "has", "have", "earlier", "previously") and not picked:
            continue
        if not re.match(r"[\w]", w) or wl in lex.boundary or len(picked) >= 8:
            break
        picked.append(m)
    if not picked:
        return None
    picked.reverse()
    # drop leading time phrases ("On Tuesday Lebanese PM ...") and lower-case lead words
    while picked and picked[0].group().lower() in ("on", "in", "at", "late", "early", "earlier", "meanwhile", "meantime"):
        picked = picked[1:]
    if not picked:
        return None
    s, e = picked[0].start(), picked[-1].end()
    phrase = text[s:e]
    lowered = [w.lower().strip("'’") for w in re.findall(r"[\w'’&.-]+", phrase)]
    if len(lowered) == 1 and lowered[0] in lex.pronouns:
        return s, e
    if not _plausible_speaker(phrase):
        return None
    return _strip_np(text, s, e)


def _plausible_speaker(phrase: str) -> bool:
    """A speaker names someone: a capitalised name or a speaker head noun ("sources", "official")."""
    lex = _lex()
    words = re.findall(r"[\w'’&.-]+", phrase)
    lowered = [w.lower().strip("'’") for w in words]
    has_head = any(w in lex.heads or w.rstrip("s") in lex.heads for w in lowered)
    has_name = any(w[:1].isupper() for w in words if w.lower() not in ("the", "a", "an"))
    return has_head or has_name


@lru_cache(maxsize=2048)
def _find(text: str) -> Attribution | None:
    """The attribution of one sentence (cached: the pipeline asks for the claim and for the speaker's
    span of the same sentence)."""
    lex = _lex()
    for m in lex.quoted_rx.finditer(text):
        via = _speaker_before(text, m.start())
        if via:
            return Attribution(_strip_np(text, *m.span("np")), via, "quote", "quoted")
    for m in lex.citing_rx.finditer(text):
        via = _speaker_before(text, m.start())
        if via and _plausible_speaker(m.group("np")):
            return Attribution(_strip_np(text, *m.span("np")), via, "cite", "citing")
    for m in lex.according_rx.finditer(text):
        if _plausible_speaker(m.group("np")):
            return Attribution(_strip_np(text, *m.span("np")), None, "according_to", "according_to")
    # "X told Y (that)", "sources told Y"
    for m in re.finditer(r"\b(?:told|tells)\s+(?P<y>(?:the\s+)?[A-Z][\w'’&.-]*(?:\s+[A-Z][\w'’&.-]*){0,5})", text):
        sp = _speaker_before(text, m.start())
        if sp:
            return Attribution(sp, _strip_np(text, *m.span("y")), "tell", "told")
    for m in re.finditer(r"\b(?:said|says|say|told|tells)\b", text):
        sp = _speaker_before(text, m.start())
        if sp:
            return Attribution(sp, None, lex.verbs[m.group().lower()], "said")
        # inverted: ", said the spokesman." / "“...,” said X"
        after = re.match(r"\s+(?P<np>(?:the\s+|a\s+|an\s+)?[\w'’&.-]+(?:\s+[\w'’&.-]+){0,7}?)\s*(?:[.,;]|$)", text[m.end():])
        if after and m.start() > 0 and text[:m.start()].rstrip()[-1:] in (",", "”", "\"", "’") and _plausible_speaker(after.group("np")):
            s0 = m.end() + after.start("np")
            return Attribution(_strip_np(text, s0, m.end() + after.end("np")), None, lex.verbs[m.group().lower()], "said_inverted")
    for m in lex.verb_rx.finditer(text):
        sp = _speaker_before(text, m.start())
        if sp:
            return Attribution(sp, None, lex.verbs[m.group().lower()], "verb")
    return None


def _text(sentence: Any) -> str:
    return sentence if isinstance(sentence, str) else sentence.text


def is_hedged(sentence: Any) -> bool:
    """True when the sentence carries a hedge ("reportedly", "allegedly", "is believed to" ...)."""
    return bool(_lex().hedge_rx.search(_text(sentence)))


def attribution_spans(sentence: Any) -> list[tuple[int, int]]:
    """Character spans (relative to the sentence) of the speaker and of any relaying outlet."""
    att = _find(_text(sentence))
    if att is None:
        return []
    return [sp for sp in (att.speaker, att.via) if sp is not None]


def attribution_span(sentence: Any) -> tuple[int, int] | None:
    """Character span of the speaker in the sentence, so the event stage can keep it out of the actors."""
    att = _find(_text(sentence))
    return att.speaker if att else None


def _same_outlet(a: str, b: str | None) -> bool:
    if not b:
        return False
    norm = lambda x: re.sub(r"[^a-z0-9]+", " ", x.lower()).strip()  # noqa: E731
    return norm(a) == norm(b) or norm(a).removeprefix("the ") == norm(b).removeprefix("the ")


def find_attribution(sentence: Any, outlet: str | None, doc_id: str) -> Claim:
    """Who asserts ``sentence`` (str or spaCy Span), as a :class:`~eventwire.model.Claim`."""
    text = _text(sentence)
    att = _find(text)
    hedged = is_hedged(text)
    if att is None or att.speaker is None:
        return Claim(doc_id=doc_id, outlet=outlet, attributed_to=None, reporting_verb=None, hedged=hedged)
    speaker = text[att.speaker[0]:att.speaker[1]].strip()
    if _same_outlet(speaker, outlet):
        # the outlet itself reports: its own voice
        return Claim(doc_id=doc_id, outlet=outlet, attributed_to=None, reporting_verb=att.verb, hedged=hedged)
    if att.via is not None:
        via = text[att.via[0]:att.via[1]].strip()
        if via and not _same_outlet(via, outlet):
            speaker = f"{speaker} (via {via})"
    if att.verb in ("claim", "allege"):
        hedged = True
    return Claim(doc_id=doc_id, outlet=outlet, attributed_to=speaker, reporting_verb=att.verb, hedged=hedged)
