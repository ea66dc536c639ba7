"""Typed records that flow through the pipeline, one direction:

Article -> (spaCy Doc) -> mentions (ActorMention, PlaceMention, DateMention, Claim, fatalities)
        -> EventCandidate (one per sentence/actor pair/place) -> Event (the ACLED-style record).

Every stage takes and returns these plain dataclasses so it can be tested on its own.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

# ACLED numeric actor types (inter codes).
INTER_NAMES = {
    0: "No actor",
    1: "State forces",
    2: "Rebel groups",
    3: "Political militias",
    4: "Identity militias",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}

# ACLED export column order, then our own columns (GUIDE.md "The event record").
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
]
OWN_COLUMNS = ["evidence", "claims", "confidence"]


@dataclass(frozen=True)
class Article:
    """One news report as read from disk. `text` is the cleaned body (boilerplate removed)."""

    doc_id: str
    text: str
    published: dt.date | None = None
    source: str | None = None          # outlet as given by the user/metadata
    title: str | None = None
    url: str | None = None
    dateline_place: str | None = None  # "DAMASCUS" from "DAMASCUS (Press Shia Agency) –"
    dateline_outlet: str | None = None  # "Press Shia Agency" from the same dateline


@dataclass(frozen=True)
class Span:
    """Character span into Article.text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ActorMention:
    """An actor named in the text, normalised to the ACLED-style name."""

    start: int
    end: int
    text: str
    name: str                  # "Military Forces of Syria", "Hezbollah", "Civilians (Lebanon)"
    inter: int                 # ACLED inter code 1-8
    country: str | None = None  # ISO 3166-1 alpha-2 of the actor's home country, when known
    kind: str = "lexicon"      # lexicon | nationality_rule | generic | user


@dataclass(frozen=True)
class Place:
    """A gazetteer entry (resolved point)."""

    name: str
    latitude: float
    longitude: float
    country: str               # ISO 3166-1 alpha-2
    feature: str               # GeoNames class.code, e.g. "P.PPL", "A.ADM1", "A.PCLI", "L.RGN"
    geonameid: int | None = None
    admin1: str | None = None  # admin1 NAME
    admin2: str | None = None  # admin2 NAME
    population: int = 0


@dataclass(frozen=True)
class PlaceMention:
    """A toponym in the text and what it resolved to (place is None when unresolved)."""

    start: int
    end: int
    text: str
    place: Place | None
    geo_precision: int = 1      # 1 the named place, 2 near/part of it, 3 only a larger region
    relation: str | None = None  # "near", "outskirts", "west of", "between", ... when spatial phrase
    why: str | None = None       # why this candidate won


@dataclass(frozen=True)
class DateMention:
    """A time expression resolved against the publication date."""

    start: int
    end: int
    text: str
    date: dt.date | None        # None: unresolvable
    time_precision: int = 1     # 1 day, 2 week, 3 month
    kind: str = "relative"      # explicit | relative | weekday | past_year | future


@dataclass(frozen=True)
class Claim:
    doc_id: str
    outlet: str | None
    attributed_to: str | None
    reporting_verb: str | None
    hedged: bool = False


@dataclass
class Event:
    """The event record of GUIDE.md. Missing knowledge is None, never invented."""

    event_id: str
    event_date: str | None
    year: int | None
    time_precision: int | None
    disorder_type: str | None
    event_type: str
    sub_event_type: str
    actor1: str | None = None
    assoc_actor_1: list[str] = field(default_factory=list)
    inter1: int | None = None
    actor2: str | None = None
    assoc_actor_2: list[str] = field(default_factory=list)
    inter2: int | None = None
    interaction: int | None = None
    civilian_targeting: str | None = None
    iso: int | None = None
    region: str | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    source: str | None = None
    source_scale: str | None = None
    notes: str | None = None
    fatalities: int = 0
    tags: str | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    confidence: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RecordError:
    """A per-record failure: reported on stderr, never stops the batch."""

    record: str   # "file.jsonl:12" or doc id
    reason: str
    stage: str = "read"

    def __str__(self) -> str:
        return f"{self.record}: {self.reason}"
