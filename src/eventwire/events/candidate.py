"""Event candidates (one per clause x place) and the ACLED unit merge within one article.

ACLED's unit is one event per actor pair + location + day. Sentences that tell the same event again
are merged, keeping all their evidence and claims; the event type of the merged event follows ACLED's
precedence. Fatalities are counted once the units are known, over each unit's own sentences
(eventwire.pipeline).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from eventwire.model import ActorMention, Claim, PlaceMention

# ACLED precedence among event types when one unit is described as several: battles absorb
# the remote violence inside them; remote violence before violence against civilians; etc.
TYPE_PRECEDENCE = [
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Riots",
    "Protests",
    "Strategic developments",
]
SUBTYPE_PRECEDENCE = [
    # Battles: a change of territory outranks a clash without one.
    "Non-state actor overtakes territory", "Government regains territory", "Armed clash",
    # Remote violence: ACLED's order within the type.
    "Chemical weapon", "Suicide bomb", "Air/drone strike", "Shelling/artillery/missile attack",
    "Remote explosive/landmine/IED", "Grenade",
    "Sexual violence", "Abduction/forced disappearance", "Attack",
    "Mob violence", "Violent demonstration",
    "Excessive force against protesters", "Protest with intervention", "Peaceful protest",
    "Non-violent transfer of territory", "Headquarters or base established", "Agreement", "Arrests",
    "Disrupted weapons use", "Looting/property destruction", "Change to group/activity", "Other",
]


@dataclass
class Candidate:
    doc_id: str
    sentence_start: int
    sentence_end: int
    sentence: str
    paragraph: int
    event_type: str
    sub_event_type: str
    disorder_type: str | None
    score: float
    date: dt.date | None
    time_precision: int | None
    actor1: ActorMention | None
    actor2: ActorMention | None
    assoc1: list[ActorMention] = field(default_factory=list)
    assoc2: list[ActorMention] = field(default_factory=list)
    place: PlaceMention | None = None
    fatalities: int | None = None
    claims: list[Claim] = field(default_factory=list)
    evidence: list[tuple[str, int, int, str]] = field(default_factory=list)  # (doc_id, start, end, sentence)

    def __post_init__(self) -> None:
        if not self.evidence:
            self.evidence = [(self.doc_id, self.sentence_start, self.sentence_end, self.sentence)]

    # --- the unit --------------------------------------------------------------------------
    def place_key(self) -> tuple | None:
        p = self.place
        if p is None or p.place is None:
            return None
        return (p.place.geonameid, p.place.name, p.place.country)

    def same_unit(self, other: "Candidate") -> bool:
        """Same day, same place, compatible actor pair: ACLED would code them as one event."""
        if self.date != other.date or self.place_key() != other.place_key():
            return False
        if not _compatible(self.actor1, other.actor1) or not _compatible(self.actor2, other.actor2):
            return False
        return _family(self.event_type) == _family(other.event_type)

    def absorb(self, other: "Candidate") -> None:
        """Merge `other` (a retelling of the same event) into this candidate."""
        if _rank(other) < _rank(self):
            self.event_type, self.sub_event_type = other.event_type, other.sub_event_type
            self.disorder_type = other.disorder_type
        self.score = max(self.score, other.score)
        self.actor1 = _better(self.actor1, other.actor1)
        self.actor2 = _better(self.actor2, other.actor2)
        self.assoc1 = _merge_assoc(self.assoc1 + other.assoc1, self.actor1)
        self.assoc2 = _merge_assoc(self.assoc2 + other.assoc2, self.actor2)
        if (self.time_precision or 9) > (other.time_precision or 9):
            self.time_precision = other.time_precision
        if self.place and other.place and other.place.geo_precision < self.place.geo_precision:
            self.place = other.place
        for c in other.claims:
            if c not in self.claims:
                self.claims.append(c)
        for e in other.evidence:
            if e not in self.evidence:
                self.evidence.append(e)


def _family(event_type: str) -> str:
    # Violence of any kind can be one unit told in different words; demonstrations another;
    # strategic developments stay apart from violence.
    if event_type in ("Battles", "Explosions/Remote violence", "Violence against civilians"):
        return "violence"
    if event_type in ("Riots", "Protests"):
        return "demonstration"
    return "strategic"


def _rank(c: Candidate) -> tuple[int, int]:
    t = TYPE_PRECEDENCE.index(c.event_type) if c.event_type in TYPE_PRECEDENCE else 99
    s = SUBTYPE_PRECEDENCE.index(c.sub_event_type) if c.sub_event_type in SUBTYPE_PRECEDENCE else 99
    return (t, s)


def _compatible(a: ActorMention | None, b: ActorMention | None) -> bool:
    """Equal names, or one side unknown, or one side only a generic unnamed actor of the same kind."""
    if a is None or b is None or a.name == b.name:
        return True
    if is_generic(a) or is_generic(b):
        return (a.inter in (2, 3) and b.inter in (2, 3)) or a.inter == b.inter
    return False


def is_generic(a: ActorMention) -> bool:
    return a.kind == "generic" or a.name.startswith("Unidentified")


def _better(a: ActorMention | None, b: ActorMention | None) -> ActorMention | None:
    if a is None:
        return b
    if b is None:
        return a
    if is_generic(a) and not is_generic(b):
        return b
    return a


def _merge_assoc(assoc: list[ActorMention], main: ActorMention | None) -> list[ActorMention]:
    seen = {main.name} if main else set()
    out = []
    for a in assoc:
        if a.name not in seen and not is_generic(a):
            seen.add(a.name)
            out.append(a)
    return out


def merge_candidates(cands: list[Candidate]) -> list[Candidate]:
    """Greedy merge in reading order: each candidate joins the first earlier unit it matches."""
    units: list[Candidate] = []
    for c in cands:
        for u in units:
            if u.same_unit(c):
                u.absorb(c)
                break
        else:
            units.append(c)
    return units
