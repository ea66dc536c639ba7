"""Which parsed sentences need spaCy's statistical NER?

spaCy's NER costs about as much as its tagger and parser together (it has its own token encoder).
Its labels matter to us only on capitalized names: places the gazetteer lacks, and people or
organisations whose names are also places ("Hassan", "Jordan"). In a sentence whose every
capitalized word is already settled by our own knowledge, NER can change nothing we use, so the
extract pipeline runs it only on the other sentences. Settled words are:
- words inside an actor name that the actor lexicon found ("US-led coalition", "Hezbollah") or inside
  the name of a news organisation or monitor (data/entities/reporters.yaml: "Syrian Observatory for
  Human Rights", "Reuters");
- nationality, ethnic and religious words (data/entities/nationalities.yaml, the gazetteer's
  demonyms), month and weekday names, and the stop words of the place cues ("The", titles, ...);
- the first word of the sentence when the tagger does not take it for a proper noun ("Dozens",
  "Clashes", "Activists");
- a name the gazetteer holds as a country, a first-level region or a city of 100,000 people or more,
  which needs no label to be taken as a place.
Nationality words in a sentence that skips NER get the NORP label NER gives them, since place
resolution counts them as evidence of the story's country.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

from eventwire.geo.gazetteer import demonyms
from eventwire.geo.normalize import fold, name_key
from eventwire.geo.recognize import _strong, load_cues, name_runs
from eventwire.mentions.reporters import reporter_spans

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

    from eventwire.geo.gazetteer import Gazetteer

BIG_CITY = 100_000


@dataclass(frozen=True)
class _Known:
    nationality_words: frozenset[str]   # as written ("Kurdish", "Sunni", "Syrians")
    time_words: frozenset[str]          # lower case ("jul", "monday")


@lru_cache(maxsize=1)
def _known() -> _Known:
    from eventwire.mentions.entities import load_entity_lexicon
    from eventwire.mentions.lexicon import load_language

    times = load_language("time_words")
    return _Known(
        nationality_words=load_entity_lexicon().nationality_words,
        time_words=frozenset(str(w).lower() for key in ("months", "weekdays") for w in times[key]),
    )


def needs_ner(doc: "Doc", covered: Iterable[tuple[int, int]], gazetteer: "Gazetteer",
              text: str | None = None) -> bool:
    """True when `doc` (one parsed sentence) holds a capitalized name that our lexicons leave open.

    `covered`: character spans of `doc.text` taken by actor or source mentions; `text`: `doc.text` when
    the caller holds it (spaCy rebuilds it on each access)."""
    spans = list(covered) + reporter_spans(doc.text if text is None else text)
    for start, end in name_runs(doc):
        while start < end and doc[start].lower_ in ("the", "a", "an"):
            start += 1
        words = [doc[t] for t in range(start, end) if doc[t].text != "-" and not doc[t].is_lower]
        open_words = [w for w in words if not _settled_word(w, spans)]
        if open_words and not _known_place(doc[start:end].text, gazetteer):
            return True
    return False


def label_nationalities(doc: "Doc") -> None:
    """Give nationality words ("Syrian", "Afghan", "Kurdish") of a sentence that skipped NER the NORP
    label."""
    from spacy.tokens import Span

    doc.ents = [Span(doc, t.i, t.i + 1, label="NORP") for t in doc if not t.is_lower and _nationality(t.text)]


def _nationality(text: str) -> bool:
    return text in _known().nationality_words or fold(text) in demonyms()


def _settled_word(tok, covered: list[tuple[int, int]]) -> bool:
    if any(start <= tok.idx < end for start, end in covered):
        return True
    if tok.i == 0 and (tok.is_stop or tok.pos_ != "PROPN"):
        return True  # "The", "In", "Dozens", "Clashes" opening the sentence
    folded = fold(tok.text)
    stop = load_cues().stop_words
    return (folded in stop or name_key(tok.text) in stop or _nationality(tok.text)
            or tok.lower_ in _known().time_words or not any(ch.isalpha() for ch in folded))


def _known_place(text: str, gazetteer: "Gazetteer") -> bool:
    return any(_strong(gazetteer, place, kind) or (kind == 0 and place.population >= BIG_CITY)
               for place, kind, _ in gazetteer.lookup(text, loose=False))
