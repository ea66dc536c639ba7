"""Merging reports of the same event from different articles: pure functions, no database.

A report is one event as extracted from one article. `match` tells whether a report belongs to an
existing event and why (the reasons are stored and shown by `eventwire events show`); `aggregate` makes
the event's record from all its reports with ACLED's rules for the chosen values, and lists where the
outlets disagree (`contested`). Merging is incremental: a new report is compared with the events near it
in time, never by re-clustering the store. The thresholds are data (merge_rules.yaml).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Sequence

_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")
_WORD = re.compile(r"[^\W\d_]{3,}|\d+", re.UNICODE)
_NAME = re.compile(r"\b(?:[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?|[A-Z]{3,})\b|\b\d{3,}\b")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_STATE_FORCES = re.compile(r"^((?:military|police) forces) of .*$")
_GENERIC_PREFIXES = ("unidentified", "civilians", "protesters", "rioters")
PRECISION_WORDS = {1: "exact day", 2: "within a week", 3: "within a month"}


@dataclass(frozen=True)
class MergeRules:
    compatible: frozenset[frozenset[str]]
    neighbours: frozenset[frozenset[str]]
    max_distance_km: dict[int, float]
    week_half_days: int
    min_text_similarity: float
    stopwords: frozenset[str]


@lru_cache(maxsize=1)
def load_rules() -> MergeRules:
    from eventwire.datafiles import load_yaml

    raw = load_yaml(resources.files("eventwire.store").joinpath("merge_rules.yaml").read_text("utf-8"))
    return MergeRules(
        compatible=frozenset(frozenset(group) for group in raw.get("compatible_event_types", [])),
        neighbours=frozenset(frozenset(group) for group in raw.get("neighbouring_event_types", [])),
        max_distance_km={int(k): float(v) for k, v in raw["max_distance_km"].items()},
        week_half_days=int(raw["week_half_days"]),
        min_text_similarity=float(raw["min_text_similarity"]),
        stopwords=frozenset(w.casefold() for w in raw.get("signature_stopwords", [])),
    )


@dataclass
class Report:
    """What merging needs of one report (an Event record of one article) and of its article."""

    record: dict[str, Any]
    doc_id: str
    outlet: str | None
    body_hash: str
    published: dt.date | None
    report_id: int | None = None
    article_id: int | None = None
    signature: frozenset[str] = frozenset()

    @property
    def date(self) -> dt.date | None:
        return _as_date(self.record.get("event_date"))

    def get(self, key: str) -> Any:
        return self.record.get(key)

    @property
    def source_key(self) -> str:
        """Who reports it: the outlet, else the article (an article without outlet is its own source)."""
        return (self.outlet or f"doc:{self.doc_id}").strip()

    @property
    def hedged(self) -> bool:
        claims = self.record.get("claims") or []
        return bool(claims) and all(c.get("hedged") for c in claims)


@dataclass
class EventState:
    """An existing event as merging sees it: its chosen values, its articles and its text signature."""

    key: int | None
    record: dict[str, Any]
    article_ids: frozenset[int]
    signature: frozenset[str]

    @property
    def date(self) -> dt.date | None:
        return _as_date(self.record.get("event_date"))


@dataclass
class Match:
    """The verdict of one report against one event: `ok`, a score to rank events, and the reasons."""

    ok: bool
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ signatures and small measures

def signature(sentences: Iterable[str], rules: MergeRules | None = None) -> frozenset[str]:
    """The content words (and numbers) of evidence sentences, lower-cased."""
    rules = rules or load_rules()
    words = (w.casefold() for s in sentences for w in _WORD.findall(s or ""))
    return frozenset(w for w in words if w not in rules.stopwords)


def report_signature(record: dict[str, Any], rules: MergeRules | None = None) -> frozenset[str]:
    return signature((e.get("sentence", "") for e in record.get("evidence") or []), rules)


def article_names(text: str, title: str | None = None, rules: MergeRules | None = None,
                  max_chars: int = 4000) -> frozenset[str]:
    """Names and long numbers of an article's title and opening (people, streets, towns, addresses): what
    two reports of one event share even when their sentences are worded differently. Years are left out."""
    rules = rules or load_rules()
    head = f"{title or ''}\n{text[:max_chars]}"
    words = (w.casefold() for w in _NAME.findall(head))
    return frozenset(w for w in words if w not in rules.stopwords and not _YEAR.match(w))


def text_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap coefficient |A∩B| / min(|A|,|B|): an event's signature grows with its reports, a report's does not."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def date_interval(date: dt.date, precision: int | None, rules: MergeRules | None = None) -> tuple[dt.date, dt.date]:
    """The days a coded date stands for."""
    rules = rules or load_rules()
    if precision == 3:
        first = date.replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        return first, nxt - dt.timedelta(days=1)
    if precision == 2:
        half = dt.timedelta(days=rules.week_half_days)
        return date - half, date + half
    return date, date


def actor_key(name: str) -> str:
    """'Civilians (Syria)', 'Hezbollah (1982-)', 'Police Forces of Kenya' -> 'civilians', 'hezbollah',
    'police forces' (the country is compared with the place, not with the actor's name)."""
    key = _SUFFIX.sub("", name or "").strip().casefold()
    return _STATE_FORCES.sub(r"\1", key)


def is_generic_actor(name: str) -> bool:
    """Actors that name a kind of party, not a party: unidentified groups, civilians, crowds, 'police'."""
    key = actor_key(name)
    return key.startswith(_GENERIC_PREFIXES)


def actor_names(record: dict[str, Any]) -> list[str]:
    names = [record.get("actor1"), record.get("actor2")]
    names += list(record.get("assoc_actor_1") or []) + list(record.get("assoc_actor_2") or [])
    return [n for n in names if n]


# ------------------------------------------------------------------ the match

def types_compatible(a: dict[str, Any], b: dict[str, Any], rules: MergeRules | None = None) -> bool:
    rules = rules or load_rules()
    ta, tb = a.get("event_type"), b.get("event_type")
    return ta == tb or frozenset((ta, tb)) in rules.compatible


def types_neighbouring(a: dict[str, Any], b: dict[str, Any], rules: MergeRules | None = None) -> bool:
    rules = rules or load_rules()
    return frozenset((a.get("event_type"), b.get("event_type"))) in rules.neighbours


def candidate_types(event_type: str, rules: MergeRules | None = None) -> set[str]:
    """The event types an event may have to take a report of `event_type`."""
    rules = rules or load_rules()
    groups = rules.compatible | rules.neighbours
    return {event_type} | {t for g in groups if event_type in g for t in g}


def _date_check(r: dict[str, Any], e: dict[str, Any], rules: MergeRules) -> tuple[bool | None, str]:
    da, db = _as_date(r.get("event_date")), _as_date(e.get("event_date"))
    if da is None or db is None:
        return None, "a date is unknown"
    lo1, hi1 = date_interval(da, r.get("time_precision"), rules)
    lo2, hi2 = date_interval(db, e.get("time_precision"), rules)
    text = (f"{da} ({PRECISION_WORDS.get(r.get('time_precision'), '?')}) ~ "
            f"{db} ({PRECISION_WORDS.get(e.get('time_precision'), '?')})")
    if hi1 < lo2 or hi2 < lo1:
        return False, f"dates differ: {text}"
    return True, f"dates agree: {text}"


def _place_check(r: dict[str, Any], e: dict[str, Any], rules: MergeRules) -> tuple[str, str]:
    """'strong' | 'weak' | 'unknown' | 'conflict', and why."""
    ca, cb = r.get("country"), e.get("country")
    if ca and cb and ca != cb:
        return "conflict", f"countries differ: {ca} ~ {cb}"
    la, lb = r.get("location"), e.get("location")
    if not la or not lb or r.get("latitude") is None or e.get("latitude") is None:
        return "unknown", "a place is unknown"
    pa, pb = r.get("geo_precision") or 3, e.get("geo_precision") or 3
    worst = max(pa, pb)
    km = haversine_km(r["latitude"], r["longitude"], e["latitude"], e["longitude"])
    limit = rules.max_distance_km.get(worst, max(rules.max_distance_km.values()))
    a2a, a2b = r.get("admin2"), e.get("admin2")
    same_admin2 = bool(a2a and a2b and a2a == a2b and r.get("admin1") == e.get("admin1"))
    where = f"{la} ~ {lb}, {km:.1f} km apart"
    if worst == 3:
        # a place known only as a region: its point is the region's centre, so only the region can agree
        if la == lb or (r.get("admin1") and r.get("admin1") == e.get("admin1")):
            return "weak", f"places agree at region level: {where} (geo_precision 3)"
        return "conflict", f"places differ: {where} (geo_precision 3, different regions)"
    if km <= limit:
        return "strong", f"places agree: {where} (limit {limit:g} km at geo_precision {worst})"
    if same_admin2:
        return "strong", f"places agree: {where}, same admin2 {a2a}"
    return "conflict", f"places differ: {where} (limit {limit:g} km at geo_precision {worst}, admin2 {a2a} ~ {a2b})"


def _actor_check(r: dict[str, Any], e_actors: Sequence[str]) -> tuple[str, str]:
    """'named' (a named party in common) | 'generic' (only kinds of party in common) | 'unknown' | 'conflict'."""
    ra = {actor_key(n): n for n in actor_names(r)}
    ea = {actor_key(n): n for n in e_actors if n}
    shared = [ra[k] for k in ra if k in ea]
    named_r = {k for k, n in ra.items() if not is_generic_actor(n)}
    named_e = {k for k, n in ea.items() if not is_generic_actor(n)}
    if named_r & named_e:
        return "named", "actors overlap: " + ", ".join(ra[k] for k in named_r & named_e)
    if named_r and named_e:
        return "conflict", (f"different actors: {', '.join(sorted(ra[k] for k in named_r))} ~ "
                            f"{', '.join(sorted(ea[k] for k in named_e))}")
    if shared:
        return "generic", "actors overlap: " + ", ".join(shared)
    return "unknown", "no actor in common is known"


def contradiction(report: Report, event: EventState, event_actors: Sequence[str],
                  rules: MergeRules | None = None) -> Match | None:
    """Why `report` cannot tell `event` (type, date, place, named actors, same article), or None.
    Needs no text signature: the store checks this first and reads signatures only for what passes."""
    rules = rules or load_rules()
    r, e = report.record, event.record
    if report.article_id is not None and report.article_id in event.article_ids:
        return Match(False, reasons=["the article already has another event here (an article's events are distinct)"])
    if not types_compatible(r, e, rules) and not types_neighbouring(r, e, rules):
        return Match(False, reasons=[f"event types differ: {r.get('event_type')} ~ {e.get('event_type')}"])
    date_ok, date_why = _date_check(r, e, rules)
    if date_ok is False:
        return Match(False, reasons=[date_why])
    place, place_why = _place_check(r, e, rules)
    if place == "conflict":
        return Match(False, reasons=[place_why])
    actors, actors_why = _actor_check(r, event_actors)
    if actors == "conflict":
        return Match(False, reasons=[actors_why])
    return None


def match(report: Report, event: EventState, event_actors: Sequence[str], rules: MergeRules | None = None) -> Match:
    """Does `report` tell `event`? Hard conditions first (any contradiction: no), then evidence."""
    rules = rules or load_rules()
    refused = contradiction(report, event, event_actors, rules)
    if refused is not None:
        return refused
    r, e = report.record, event.record
    neighbours = not types_compatible(r, e, rules)
    _, date_why = _date_check(r, e, rules)
    place, place_why = _place_check(r, e, rules)
    actors, actors_why = _actor_check(r, event_actors)
    sim = text_similarity(report.signature, event.signature)
    sub = f"{r.get('sub_event_type')} ~ {e.get('sub_event_type')}"
    kind = "neighbouring types (texts must agree)" if neighbours else "compatible types"
    reasons = [f"{kind}: {r.get('event_type')} ~ {e.get('event_type')} ({sub})", date_why, place_why,
               actors_why, f"text similarity {sim:.2f} (needed without a precise place: "
                           f"{rules.min_text_similarity:.2f})"]
    score = {"strong": 1.0, "weak": 0.4, "unknown": 0.0}[place] + {"named": 0.5, "generic": 0.2}.get(actors, 0.0) + sim
    texts_agree = sim >= rules.min_text_similarity
    ok = texts_agree if neighbours else (place == "strong" or texts_agree)
    return Match(ok, score, reasons)


def best_match(report: Report, events: Iterable[tuple[EventState, Sequence[str]]],
               rules: MergeRules | None = None) -> tuple[EventState | None, Match | None]:
    """The event `report` joins (the highest-scoring acceptable one), or (None, None)."""
    best: tuple[EventState | None, Match | None] = (None, None)
    for state, actors in events:
        m = match(report, state, actors, rules)
        if m.ok and (best[1] is None or m.score > best[1].score):
            best = (state, m)
    return best


# ------------------------------------------------------------------ the event made of its reports

def aggregate(reports: Sequence[Report], event_id: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(event record, contested facts, corroboration) of one event from all its reports, in arrival order.

    Chosen values follow ACLED: the most precise date and place reported; the lowest credible fatality
    count (a count given in an outlet's own voice or an unhedged claim, else any; reports that give no
    count are not a claim of zero); the most reported type and actors.
    """
    if not reports:
        raise ValueError("an event needs at least one report")
    recs = [r.record for r in reports]
    base = dict(recs[0])
    base["event_id"] = event_id
    sub = _most_common([r.get("sub_event_type") for r in recs], weights=[r.get("confidence") or 0 for r in recs])
    typed = next(r for r in recs if r.get("sub_event_type") == sub)
    for key in ("event_type", "sub_event_type", "disorder_type", "civilian_targeting"):
        base[key] = typed.get(key)
    base.update(_chosen_date(recs))
    base.update(_chosen_place(recs))
    base.update(_chosen_actors(recs))
    base["fatalities"] = chosen_fatalities(reports)
    base["source"] = "; ".join(dict.fromkeys(r.outlet for r in reports if r.outlet)) or base.get("source")
    base["evidence"] = [ev for r in recs for ev in r.get("evidence") or []]
    cited = {ev.get("doc_id") for ev in base["evidence"]}
    for r in reports:  # every merged report's article is listed in the evidence
        if r.doc_id not in cited:
            base["evidence"].append({"doc_id": r.doc_id, "sentence": None, "start": None, "end": None})
            cited.add(r.doc_id)
    base["claims"] = [cl for r in recs for cl in r.get("claims") or []]
    base["confidence"] = max(float(r.get("confidence") or 0) for r in recs)
    base["notes"] = _notes(base)
    contested = contested_facts(reports)
    published = [r.published for r in reports if r.published]
    corroboration = {
        "n_reports": len(reports),
        "n_outlets": independent_sources(reports),
        "first_report_at": min(published) if published else None,
        "last_report_at": max(published) if published else None,
    }
    return base, contested, corroboration


def chosen_fatalities(reports: Sequence[Report]) -> int:
    counts = [(int(r.get("fatalities") or 0), r.hedged) for r in reports]
    credible = [n for n, hedged in counts if n > 0 and not hedged]
    any_count = [n for n, _ in counts if n > 0]
    return min(credible or any_count or [0])


def independent_sources(reports: Sequence[Report]) -> int:
    """Outlets that reported independently: outlets that printed the same text (a wire story) are one."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    first_source: dict[str, str] = {}
    for r in reports:
        src = r.source_key
        other = first_source.setdefault(r.body_hash, src)
        a, b = find(other), find(src)
        if a != b:
            parent[a] = b
    return len({find(r.source_key) for r in reports})


def contested_facts(reports: Sequence[Report]) -> dict[str, Any]:
    """Where outlets disagree: {fact: {outlet: value(s)}}, only for facts with more than one value."""
    out: dict[str, Any] = {}
    facts = {
        "fatalities": lambda r: int(r.get("fatalities") or 0) or None,
        "actors": lambda r: " / ".join(x for x in (r.get("actor1"), r.get("actor2")) if x) or None,
        "location": lambda r: r.get("location"),
        "event_date": lambda r: r.get("event_date"),
        "sub_event_type": lambda r: r.get("sub_event_type"),
    }
    for fact, value_of in facts.items():
        by_source: dict[str, list[Any]] = {}
        for r in reports:
            v = value_of(r)
            if v is not None and v not in by_source.setdefault(r.source_key, []):
                by_source[r.source_key].append(v)
        values = {v for vs in by_source.values() for v in vs}
        if len(values) > 1:
            out[fact] = {src: vs[0] if len(vs) == 1 else vs for src, vs in by_source.items() if vs}
    return out


def _chosen_date(recs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    dated = [r for r in recs if r.get("event_date")]
    if not dated:
        return {}
    best_p = min(r.get("time_precision") or 3 for r in dated)
    candidates = [r.get("event_date") for r in dated if (r.get("time_precision") or 3) == best_p]
    counts = Counter(candidates)
    top = max(counts.values())
    date = min(d for d, n in counts.items() if n == top)
    return {"event_date": date, "year": int(str(date)[:4]), "time_precision": best_p}


_PLACE_KEYS = ("location", "latitude", "longitude", "geo_precision", "admin1", "admin2", "admin3",
               "country", "iso", "region")


def _chosen_place(recs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    placed = [r for r in recs if r.get("location") and r.get("latitude") is not None]
    if not placed:
        countries = [r.get("country") for r in recs if r.get("country")]
        if not countries:
            return {}
        c = _most_common(countries)
        src = next(r for r in recs if r.get("country") == c)
        return {k: src.get(k) for k in ("country", "iso", "region")}
    best_p = min(r.get("geo_precision") or 3 for r in placed)
    precise = [r for r in placed if (r.get("geo_precision") or 3) == best_p]
    loc = _most_common([r.get("location") for r in precise], weights=[r.get("confidence") or 0 for r in precise])
    src = next(r for r in precise if r.get("location") == loc)
    return {k: src.get(k) for k in _PLACE_KEYS}


def _chosen_actors(recs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    def pick(key: str, exclude: str | None) -> tuple[str | None, int | None]:
        names = [r.get(key) for r in recs if r.get(key) and r.get(key) != exclude]
        if not names:
            return None, None
        named = [n for n in names if not is_generic_actor(n)] or names
        name = _most_common(named)
        inter = next(r.get(key.replace("actor", "inter")) for r in recs if r.get(key) == name)
        return name, inter

    a1, i1 = pick("actor1", None)
    a2, i2 = pick("actor2", a1)
    chosen = {a1, a2}
    assoc1 = list(dict.fromkeys(n for r in recs for n in [r.get("actor1")] + list(r.get("assoc_actor_1") or [])
                                if n and n not in chosen))
    assoc2 = list(dict.fromkeys(n for r in recs for n in [r.get("actor2")] + list(r.get("assoc_actor_2") or [])
                                if n and n not in chosen and n not in assoc1))
    from eventwire.events.record import interaction_code

    return {"actor1": a1, "inter1": i1, "actor2": a2, "inter2": i2, "assoc_actor_1": assoc1,
            "assoc_actor_2": assoc2, "interaction": interaction_code(i1, i2)}


def _notes(record: dict[str, Any]) -> str | None:
    from eventwire.events.record import notes
    from eventwire.model import Event

    fields = {k: record.get(k) for k in Event.__dataclass_fields__}
    fields["assoc_actor_1"] = fields.get("assoc_actor_1") or []
    fields["assoc_actor_2"] = fields.get("assoc_actor_2") or []
    fields["evidence"] = fields.get("evidence") or []
    fields["claims"] = fields.get("claims") or []
    fields["fatalities"] = fields.get("fatalities") or 0
    try:
        return notes(Event(**fields))
    except (TypeError, ValueError):  # notes are a convenience: never fail a merge on them
        return record.get("notes")


def _most_common(values: Sequence[Any], weights: Sequence[float] | None = None) -> Any:
    """The most frequent value; ties go to the higher total weight, then to the first seen."""
    counts: Counter = Counter(values)
    w: dict[Any, float] = {}
    for i, v in enumerate(values):
        w[v] = w.get(v, 0.0) + (weights[i] if weights else 0.0)
    order = {v: i for i, v in reversed(list(enumerate(values)))}
    return max(counts, key=lambda v: (counts[v], w[v], -order[v]))


def _as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
