"""Event typing: rules (trigger lexicon + ACLED precedence + actor types) combined with a small
scikit-learn model trained on the project's own example sentences.

    clf = EventClassifier.load()
    clf.classify("Gunmen killed three villagers in ...", inter1=3, inter2=7)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from .lexicon import Match, TriggerLexicon, load_lexicon, rule_scores
from .model import default_model, load_model
from .precedence import Cues, apply_precedence
from .predict import batch_predictor
from .taxonomy import NO_EVENT, Taxonomy, load_taxonomy

RULE_WEIGHT = 0.5      # how much the (normalised) trigger score adds to the model probability
NO_TRIGGER_PENALTY = 0.3   # added to the no-event score when no trigger word occurs
FUTURE_CUE = 0.6     # per forecast cue ("would launch"), added to the no-event score (max 2)
BACKGROUND_CUE = 0.2  # per background/statement cue ("since 2014", "percent"), (max 2)


@dataclass(frozen=True)
class Classification:
    """The event type of one text. When is_event is False the type fields hold the best guess
    among event types, which should not be coded as an event."""

    event_type: str
    sub_event_type: str
    disorder_type: str
    score: float
    trigger: str | None
    is_event: bool


@dataclass(frozen=True)
class Trigger:
    """A trigger word/phrase in a spaCy sentence."""

    token_start: int          # doc token index of the first token
    token_end: int            # doc token index after the last token
    start_char: int           # character offsets into doc.text
    end_char: int
    text: str
    lemma: str                # lemma of the head token of the matched words
    sub_event_types: tuple[str, ...]   # candidates, strongest first
    weight: float
    token_index: int = -1     # doc token index of the head token (the event word to attach roles to)


class EventClassifier:
    """Rules + model. Construct with `EventClassifier.load()`; the object is immutable after that."""

    def __init__(self, model: Any, lexicon: TriggerLexicon, taxonomy: Taxonomy,
                 rule_weight: float = RULE_WEIGHT):
        self.model = model
        self.lexicon = lexicon
        self.taxonomy = taxonomy
        self.rule_weight = rule_weight
        classes = [str(c) for c in model.classes_]
        unknown = [c for c in classes if c != NO_EVENT and c not in taxonomy.names]
        if unknown:
            raise ValueError(f"model classes not in the taxonomy: {unknown}")
        self._classes = classes
        self._predict_proba = batch_predictor(model)   # model.predict_proba, or a faster equivalent
        self._names = taxonomy.names
        self._rank = {name: taxonomy.rank(name) for name in self._names}
        self._types = {name: (taxonomy.event_type(name), taxonomy.disorder_type(name)) for name in self._names}

    @classmethod
    def load(cls, model_path: str | Path | None = None, triggers_path: str | Path | None = None,
             taxonomy_path: str | Path | None = None) -> "EventClassifier":
        """Default: the model fitted on the shipped examples; `model_path`: a user-trained model."""
        model = load_model(model_path) if model_path else default_model()
        return cls(model, load_lexicon(str(triggers_path) if triggers_path else None),
                   load_taxonomy(str(taxonomy_path) if taxonomy_path else None))

    # -- public API ---------------------------------------------------------------------------
    def may_hold_event(self, text: str) -> bool:
        return self.lexicon.may_hold_event(text)

    def has_trigger(self, text: str) -> bool:
        """True when `find_triggers` would find a trigger in this sentence (lexical, before parsing)."""
        return self.lexicon.may_hold_event(text) and bool(self.lexicon.match_triggers(text))

    def classify(self, text: str, inter1: int | None = None, inter2: int | None = None) -> Classification:
        return self.classify_many([text], [inter1], [inter2])[0]

    def classify_many(self, texts: Sequence[str], inter1: Sequence[int | None] | None = None,
                      inter2: Sequence[int | None] | None = None,
                      asserted: bool = False) -> list[Classification]:
        """Classify many texts at once (one model call).

        asserted=True: the caller has already established (with the parse) that the text asserts an
        event of its own, so future and background wording in it (a relative clause such as "where the
        minister was going to speak") does not count against it being an event."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        if not texts:
            return []
        i1s = list(inter1) if inter1 is not None else [None] * len(texts)
        i2s = list(inter2) if inter2 is not None else [None] * len(texts)
        probs = self._predict_proba(texts)
        return [self._decide(t, p, a, b, asserted) for t, p, a, b in zip(texts, probs, i1s, i2s)]

    # -- internals ----------------------------------------------------------------------------
    def _decide(self, text: str, proba: np.ndarray, inter1: int | None, inter2: int | None,
                asserted: bool = False) -> Classification:
        matches, cue_matches = self.lexicon.analyse(text)
        rules = rule_scores(matches)
        top_rule = max(rules.values(), default=0.0)
        scores: dict[str, float] = {}
        for label, p in zip(self._classes, proba):
            scores[label] = float(p)
        for name in self._names:
            scores.setdefault(name, 0.0)
            if top_rule > 0:
                scores[name] += self.rule_weight * rules.get(name, 0.0) / top_rule
        none_score = scores.pop(NO_EVENT, 0.0)
        if not matches:
            none_score += NO_TRIGGER_PENALTY
        n_future = len({m.pattern for m in cue_matches if m.label == "future"})
        n_bg = len({m.pattern for m in cue_matches if m.label == "background"})
        if not asserted:
            none_score += FUTURE_CUE * min(n_future, 2) + BACKGROUND_CUE * min(n_bg, 2)

        rank = self._rank
        best = max(scores, key=lambda k: (scores[k], -rank[k]))
        trig = _best_trigger(matches, best)
        cues = Cues(tuple(cue_matches))
        final, _why = apply_precedence(best, cues, inter1, inter2, trig.start if trig else None, scores)
        if final != best:
            same_type = self.taxonomy.of_event_type(self.taxonomy.event_type(final))
            trig = (_best_trigger(matches, final)
                    or max((m for m in matches if m.label in same_type), key=lambda m: m.weight, default=None)
                    or trig)
        is_event = scores[best] > none_score
        total = sum(scores.values()) + none_score
        score = max(scores[final], scores[best]) / total if total > 0 else 0.0
        event_type, disorder_type = self._types[final]
        return Classification(
            event_type=event_type,
            sub_event_type=final,
            disorder_type=disorder_type,
            score=round(min(1.0, score), 4),
            trigger=text[trig.start:trig.end] if trig else None,
            is_event=bool(is_event),
        )


def _best_trigger(matches: Iterable[Match], label: str) -> Match | None:
    best: Match | None = None
    for m in matches:
        if m.label == label and (best is None or m.weight > best.weight):
            best = m
    return best


def find_triggers(sent_span: Any, lexicon: TriggerLexicon | None = None, text: str | None = None) -> list[Trigger]:
    """Trigger words in a spaCy Span (a sentence): where an event verb/noun is and what it may mean.
    `text`: the span's text when the caller holds it already (spaCy rebuilds it on each access).

    Overlapping matches at the same place are merged; candidates are ordered by weight."""
    lex = lexicon or load_lexicon()
    doc = sent_span.doc
    base = sent_span.start_char
    grouped: dict[tuple[int, int], list[Match]] = {}
    for m in lex.match_triggers(sent_span.text if text is None else text):
        grouped.setdefault((m.start, m.end), []).append(m)
    out: list[Trigger] = []
    for (s, e), ms in sorted(grouped.items()):
        span = doc.char_span(base + s, base + e, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        ranked: dict[str, float] = {}
        for m in sorted(ms, key=lambda m: -m.weight):
            ranked[m.label] = max(ranked.get(m.label, 0.0), m.weight)
        labels = tuple(sorted(ranked, key=lambda k: -ranked[k]))
        head = span.root
        out.append(Trigger(span.start, span.end, span.start_char, span.end_char, span.text,
                           head.lemma_.lower() or head.lower_, labels, max(ranked.values()), head.i))
    return out


def may_hold_event(text: str, lexicon: TriggerLexicon | None = None) -> bool:
    """Cheap pre-filter before parsing: False only when no event word at all occurs."""
    return (lexicon or load_lexicon()).may_hold_event(text)
