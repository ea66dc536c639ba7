"""Choosing where an event happened: the place of a given event verb, scored by tokens.

    eventwire eval event-location FILE.jsonl [--limit N]

Layout (one JSON object per line, as ../shared/data/event-location-dev/labeled_sentences.jsonl):
"text"; "tokens" [{"start", "end"}] (character offsets into text); "spans" [{"token_start",
"token_end", "label"}] with one "VERB" span (the event) and zero or more "LOCATION" spans (where THAT
event happened). Token indices are inclusive and are what is scored (some files' span character
offsets are unreliable). A line with "answer" other than "accept" is set aside; when a line has two
VERB spans the first is the event.

For each sentence the place is chosen as the pipeline chooses it for an event: the toponyms that
eventwire recognises and resolves (geo.resolve_places), the clause that the verb governs
(events.roles.clauses), the places inside that clause (all places of the sentence when the clause
has none), then the pipeline's rule for one event per distinct resolved place. The chosen places'
tokens are compared with the gold LOCATION tokens: token precision, recall and F1 over the whole
file, exact agreement per sentence, and how often "no place" is right. In the same run, a baseline
takes every place eventwire recognises in the sentence.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .common import Problem, prf, ratio, read_text_file


@dataclass(frozen=True)
class LocatedSentence:
    where: str
    text: str
    tokens: tuple[tuple[int, int], ...]     # character span of each gold token
    verb: tuple[int, int]                   # first and last token of the event verb
    gold: frozenset[int]                    # tokens of the event's place(s); empty: no place


@dataclass
class EventLocationGold:
    file: str
    sentences: list[LocatedSentence] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    set_aside: int = 0                      # lines whose annotation was not accepted


class _Bad(ValueError):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


def _tokens(record: dict[str, Any], text: str) -> tuple[tuple[int, int], ...]:
    tokens = record.get("tokens")
    if not isinstance(tokens, list) or not tokens:
        raise _Bad("tokens", "missing or empty token list")
    out = []
    for k, t in enumerate(tokens):
        try:
            start, end = int(t["start"]), int(t["end"])
        except (KeyError, TypeError, ValueError):
            raise _Bad("tokens", f"token {k} has no integer start/end") from None
        if not 0 <= start <= end <= len(text):
            raise _Bad("tokens", f"token {k} ({start}-{end}) outside the text")
        out.append((start, end))
    return tuple(out)


def _span_tokens(span: Any, n_tokens: int) -> tuple[int, int]:
    try:
        first, last = int(span["token_start"]), int(span["token_end"])
    except (KeyError, TypeError, ValueError):
        raise _Bad("spans", "a span without integer token_start/token_end") from None
    if not 0 <= first <= last < n_tokens:
        raise _Bad("spans", f"{span.get('label')} span tokens {first}-{last} outside the {n_tokens} tokens")
    return first, last


def parse_sentence(record: Any, where: str) -> LocatedSentence:
    """One annotated line; _Bad(column, message) when it cannot be used."""
    if not isinstance(record, dict):
        raise _Bad("", f"not a JSON object (got {type(record).__name__})")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _Bad("text", "missing or empty text")
    tokens = _tokens(record, text)
    spans = record.get("spans")
    if not isinstance(spans, list):
        raise _Bad("spans", "missing span list")
    verbs = [_span_tokens(s, len(tokens)) for s in spans if isinstance(s, dict) and s.get("label") == "VERB"]
    if not verbs:
        raise _Bad("spans", "no VERB span (the event)")
    gold: set[int] = set()
    for s in spans:
        if isinstance(s, dict) and s.get("label") == "LOCATION":
            first, last = _span_tokens(s, len(tokens))
            gold.update(range(first, last + 1))
    return LocatedSentence(where, text, tokens, verbs[0], frozenset(gold))


def read_event_locations(path: str | Path, limit: int | None = None) -> EventLocationGold:
    gold = EventLocationGold(str(path))
    for lineno, line in enumerate(read_text_file(path).splitlines(), start=1):
        if limit is not None and len(gold.sentences) >= limit:
            break
        if not line.strip():
            continue
        where = str(lineno)
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            gold.problems.append(Problem(gold.file, where, None, f"malformed JSON: {exc.msg} (column {exc.colno})"))
            continue
        if isinstance(record, dict) and record.get("answer") not in (None, "accept"):
            gold.set_aside += 1
            continue
        try:
            gold.sentences.append(parse_sentence(record, where))
        except _Bad as bad:
            gold.problems.append(Problem(gold.file, where, bad.column or None, bad.message))
    return gold


# ------------------------------------------------------------------------------- choosing the place
def clause_places(doc, places: list, verb_token: int) -> list:
    """The places of the clause that `verb_token` governs, as the pipeline reads a clause: the places
    inside it, or every place of the sentence when it holds none."""
    from eventwire.events.roles import clauses
    from eventwire.pipeline import _reporting_lemmas

    for clause in clauses(doc, [verb_token], _reporting_lemmas()):
        if verb_token in clause.triggers:
            inside = [p for p in places if clause.start_char <= p.start < clause.end_char]
            return inside or places
    return places


def event_places(doc, places: list, verb_token: int) -> list:
    """The places the pipeline would code an event of this verb at (one event per place)."""
    from eventwire.pipeline import _event_places

    return _event_places(clause_places(doc, places, verb_token))


def _doc_token_at(doc, char: int) -> int | None:
    for tok in doc:
        if tok.idx <= char < tok.idx + max(1, len(tok.text)):
            return tok.i
    return None


def tokens_of(sentence: LocatedSentence, mentions: list) -> frozenset[int]:
    """Gold-tokenisation indices that the character spans of `mentions` overlap."""
    return frozenset(k for k, (s, e) in enumerate(sentence.tokens)
                     for m in mentions if s < m.end and m.start < e)


def choose(sentence: LocatedSentence, doc, places: list) -> dict[str, frozenset[int]]:
    """Predicted place tokens of each system for one parsed sentence."""
    verb_char = sentence.tokens[sentence.verb[0]][0]
    verb_token = _doc_token_at(doc, verb_char)
    chosen = event_places(doc, places, verb_token) if verb_token is not None else []
    return {"eventwire": tokens_of(sentence, chosen), "every place in the sentence": tokens_of(sentence, places)}


# ------------------------------------------------------------------------------- scoring
def score(sentences: list[LocatedSentence], predicted: list[frozenset[int]]) -> dict[str, Any]:
    tp = sum(len(s.gold & p) for s, p in zip(sentences, predicted))
    n_pred = sum(len(p) for p in predicted)
    n_gold = sum(len(s.gold) for s in sentences)
    no_place = [p for s, p in zip(sentences, predicted) if not s.gold]
    with_place = [(s, p) for s, p in zip(sentences, predicted) if s.gold]
    out = {"tokens": prf(tp, n_pred, tp, n_gold)}
    out.update(
        sentences=len(sentences),
        exact=ratio(sum(s.gold == p for s, p in zip(sentences, predicted)), len(sentences)),
        gold_no_place=len(no_place),
        no_place_right=ratio(sum(not p for p in no_place), len(no_place)),
        gold_with_place=len(with_place),
        place_missed=ratio(sum(not p for _, p in with_place), len(with_place)),
        place_overlaps=ratio(sum(bool(s.gold & p) for s, p in with_place), len(with_place)),
    )
    return out


def evaluate_gold(gold: EventLocationGold, nlp, gaz, progress: Callable[[int, int], None] | None = None
                  ) -> dict[str, Any]:
    """Parse each sentence, recognise and resolve its places, choose the event's place; score."""
    from eventwire.geo import resolve_places

    t0 = time.perf_counter()
    predicted: dict[str, list[frozenset[int]]] = {}
    texts = (s.text for s in gold.sentences)
    for k, (sentence, doc) in enumerate(zip(gold.sentences, nlp.pipe(texts, batch_size=64)), start=1):
        for name, tokens in choose(sentence, doc, resolve_places(doc, gaz)).items():
            predicted.setdefault(name, []).append(tokens)
        if progress:
            progress(k, len(gold.sentences))
    seconds = time.perf_counter() - t0
    result: dict[str, Any] = {"file": gold.file, "sentences": len(gold.sentences), "skipped": len(gold.problems),
                              "set_aside": gold.set_aside, "seconds": round(seconds, 1), "systems": {}}
    for name, preds in predicted.items():
        result["systems"][name] = score(gold.sentences, preds)
    return result
