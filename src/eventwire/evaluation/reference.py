"""Extraction scored against a hand-coded reference of one story (docs/REFERENCE_FORMAT.md).

    eventwire eval reference REFERENCE.json [EVENTS.jsonl]

Without EVENTS the article(s) the reference names are extracted first (found next to the reference
file, as NAME or NAME.txt with its NAME.meta.json). The report says which required and optional
reference events were found (one extracted event per reference event, a maximum matching), which
must-not rules were broken, whether the number of events is in the expected range, and, for every
reference event, which of its fields the closest extracted event agrees with.
"""
from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .common import Problem, UnusableFile, distance_km, json_lines, read_text_file

VIOLENT = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
RULES = ("not_alone", "year", "not_violent")
COARSE_PRECISION_KM = 100.0   # a point coded at geo_precision 3 may lie this far from the reference point
ITEM_KEYS = {"id", "evidence_contains", "event_type", "event_type_any", "sub_event_type_any", "event_date",
             "event_date_prefix", "country", "max_km_from", "actors_any", "opponent_any", "claimed_by_any",
             "location_any", "note"}
LIST_KEYS = ("evidence_contains", "event_type_any", "sub_event_type_any", "actors_any", "opponent_any",
             "claimed_by_any", "location_any")


# ------------------------------------------------------------------------------- the reference
@dataclass(frozen=True)
class RefEvent:
    """One reference event ('must' or 'optional')."""

    id: str
    required: bool
    spec: dict[str, Any]


@dataclass(frozen=True)
class MustNot:
    phrase: str
    rule: str
    value: str | None
    why: str | None


@dataclass
class Reference:
    file: str
    articles: list[str]
    published: str | None
    source: str | None
    points: dict[str, tuple[float, float]]
    events: list[RefEvent] = field(default_factory=list)
    must_not: list[MustNot] = field(default_factory=list)
    count_range: tuple[int, int] | None = None
    problems: list[Problem] = field(default_factory=list)


class _Bad(ValueError):
    def __init__(self, column: str | None, message: str):
        super().__init__(message)
        self.column, self.message = column, message


def read_reference(path: str | Path) -> Reference:
    """The reference, checked: unusable items become problems; an unusable file raises UnusableFile."""
    try:
        doc = json.loads(read_text_file(path))
    except json.JSONDecodeError as exc:
        raise UnusableFile(path, f"line {exc.lineno}, column {exc.colno}: malformed JSON ({exc.msg})") from None
    if not isinstance(doc, dict):
        raise UnusableFile(path, f"not a reference: a JSON object is expected (got {type(doc).__name__})")
    if not isinstance(doc.get("must"), list) or not doc["must"]:
        raise UnusableFile(path, "not a reference: no 'must' list of reference events (docs/REFERENCE_FORMAT.md)")
    ref = Reference(str(path), _articles(path, doc), _opt_str(doc, "published", path),
                    _opt_str(doc, "source", path), _points(path, doc))
    for key, required in (("must", True), ("optional", False)):
        items = doc.get(key, [])
        if not isinstance(items, list):
            ref.problems.append(Problem(ref.file, key, None, "must be a list"))
            continue
        for k, item in enumerate(items):
            try:
                ref.events.append(_ref_event(item, required, ref.points, f"{key}[{k}]"))
            except _Bad as bad:
                ref.problems.append(Problem(ref.file, f"{key}[{k}]", bad.column, bad.message))
    for k, item in enumerate(doc.get("must_not", []) if isinstance(doc.get("must_not", []), list) else []):
        try:
            ref.must_not.append(_must_not(item))
        except _Bad as bad:
            ref.problems.append(Problem(ref.file, f"must_not[{k}]", bad.column, bad.message))
    ref.count_range = _count_range(ref, doc.get("expected_event_count"))
    return ref


def _opt_str(doc: dict, key: str, path) -> str | None:
    value = doc.get(key)
    if value is not None and not isinstance(value, str):
        raise UnusableFile(path, f"'{key}' must be a string")
    return value


def _articles(path, doc: dict) -> list[str]:
    value = doc.get("article")
    names = [value] if isinstance(value, str) else value
    if value is not None and not (isinstance(names, list) and all(isinstance(n, str) and n for n in names)):
        raise UnusableFile(path, "'article' must be a file name or a list of file names")
    return names or []


def _points(path, doc: dict) -> dict[str, tuple[float, float]]:
    raw = doc.get("reference_points", {})
    if not isinstance(raw, dict):
        raise UnusableFile(path, "'reference_points' must map names to [latitude, longitude]")
    points = {}
    for name, value in raw.items():
        try:
            lat, lon = (float(v) for v in value)
        except (TypeError, ValueError):
            raise UnusableFile(path, f"reference point {name!r} is not [latitude, longitude]") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise UnusableFile(path, f"reference point {name!r} out of range: {lat}, {lon}")
        points[name] = (lat, lon)
    return points


def _ref_event(item: Any, required: bool, points: dict, where: str) -> RefEvent:
    if not isinstance(item, dict):
        raise _Bad(None, "a reference event must be a JSON object")
    unknown = sorted(set(item) - ITEM_KEYS)
    if unknown:
        raise _Bad(unknown[0], f"unknown key (known: {', '.join(sorted(ITEM_KEYS))})")
    spec = dict(item)
    for key in LIST_KEYS:
        if key in spec:
            if isinstance(spec[key], str):
                spec[key] = [spec[key]]
            if not isinstance(spec[key], list) or not all(isinstance(v, str) and v.strip() for v in spec[key]):
                raise _Bad(key, "must be a list of non-empty strings")
    if not spec.get("evidence_contains"):
        raise _Bad("evidence_contains", "missing: the phrase(s) of the sentence the event rests on")
    if "event_date" in spec:
        try:
            dt.date.fromisoformat(str(spec["event_date"]))
        except ValueError:
            raise _Bad("event_date", f"not an ISO date YYYY-MM-DD: {spec['event_date']!r}") from None
    if "max_km_from" in spec:
        value = spec["max_km_from"]
        if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], (int, float))):
            raise _Bad("max_km_from", "must be [reference point name, km]")
        if value[0] not in points:
            raise _Bad("max_km_from", f"unknown reference point {value[0]!r} (reference_points has: "
                                      f"{', '.join(points) or 'none'})")
    return RefEvent(str(spec.get("id") or where), required, spec)


def _must_not(item: Any) -> MustNot:
    if not isinstance(item, dict):
        raise _Bad(None, "a must_not rule must be a JSON object")
    phrase, rule = item.get("evidence_contains"), item.get("rule")
    if not isinstance(phrase, str) or not phrase.strip():
        raise _Bad("evidence_contains", "missing: the phrase of the sentence the rule is about")
    if rule not in RULES:
        raise _Bad("rule", f"unknown rule {rule!r} (known: {', '.join(RULES)})")
    value = item.get("value")
    if rule == "year" and not (isinstance(value, (str, int)) and str(value).isdigit() and len(str(value)) == 4):
        raise _Bad("value", "rule 'year' needs the year as 'value', e.g. \"2014\"")
    return MustNot(phrase, rule, str(value) if value is not None else None, item.get("why"))


def _count_range(ref: Reference, value: Any) -> tuple[int, int] | None:
    if value is None:
        return None
    if (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)
            and 0 <= value[0] <= value[1]):
        return value[0], value[1]
    ref.problems.append(Problem(ref.file, "expected_event_count", None, "must be [lowest, highest]: not checked"))
    return None


# ------------------------------------------------------------------------------- comparing
def norm(text: Any) -> str:
    """Case-, accent-, apostrophe- and hyphen-insensitive form of a text, for comparison."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch) and ch not in "'’‘ʼ`´")
    return " ".join(text.lower().replace("-", " ").replace("‐", " ").split())


def _sentences(event: dict) -> list[str]:
    return [norm(e.get("sentence")) for e in event.get("evidence") or [] if isinstance(e, dict)]


def cites(event: dict, phrases: list[str]) -> bool:
    """Some evidence sentence of the event contains one of the phrases."""
    wanted = [norm(p) for p in phrases]
    return any(p in s for s in _sentences(event) for p in wanted)


def _actor_names(event: dict) -> list[str]:
    names = [event.get("actor1"), event.get("actor2")]
    for key in ("assoc_actor_1", "assoc_actor_2"):
        value = event.get(key)
        names += value if isinstance(value, list) else str(value or "").split(";")
    return [n for n in (norm(x) for x in names if x) if n]


def names_overlap(wanted: list[str], names: list[str]) -> bool:
    """A name holds a wanted name, or a wanted name holds a name of four letters or more."""
    return any(norm(w) in n or (len(n) >= 4 and n in norm(w)) for w in wanted for n in names)


def _near(spec: dict, event: dict, points: dict) -> bool:
    name, limit = spec["max_km_from"]
    try:
        lat, lon = float(event.get("latitude")), float(event.get("longitude"))
    except (TypeError, ValueError):
        return False
    if str(event.get("geo_precision")) == "3":
        limit = max(limit, COARSE_PRECISION_KM)
    return distance_km(points[name], (lat, lon)) <= limit


def _claimed(spec: dict, event: dict) -> bool:
    said = [norm(c.get("attributed_to")) for c in event.get("claims") or [] if isinstance(c, dict)]
    return any(norm(w) in s for w in spec["claimed_by_any"] for s in said if s)


# field name -> (applies to spec?, agrees?)
FIELDS: dict[str, tuple[Callable[[dict], bool], Callable[[dict, dict, dict], bool]]] = {
    "event_type": (lambda s: "event_type" in s or "event_type_any" in s,
                   lambda s, e, _: e.get("event_type") in ([s["event_type"]] if "event_type" in s else [])
                   + s.get("event_type_any", [])),
    "sub_event_type": (lambda s: "sub_event_type_any" in s,
                       lambda s, e, _: e.get("sub_event_type") in s["sub_event_type_any"]),
    "event_date": (lambda s: "event_date" in s or "event_date_prefix" in s,
                   lambda s, e, _: str(e.get("event_date") or "") == s["event_date"] if "event_date" in s
                   else str(e.get("event_date") or "").startswith(s["event_date_prefix"])),
    "country": (lambda s: "country" in s, lambda s, e, _: norm(e.get("country")) == norm(s["country"])),
    "place": (lambda s: "max_km_from" in s, _near),
    "actors": (lambda s: "actors_any" in s, lambda s, e, _: names_overlap(s["actors_any"], _actor_names(e))),
    "opponent": (lambda s: "opponent_any" in s, lambda s, e, _: names_overlap(s["opponent_any"], _actor_names(e))),
    "claimed_by": (lambda s: "claimed_by_any" in s, lambda s, e, _: _claimed(s, e)),
}


def agreement(ref: RefEvent, event: dict, points: dict) -> dict[str, bool] | None:
    """Field -> whether the event agrees, over the fields the reference event states;
    None when the event does not cite the reference event's sentence."""
    if not cites(event, ref.spec["evidence_contains"]):
        return None
    return {name: agrees(ref.spec, event, points) for name, (applies, agrees) in FIELDS.items()
            if applies(ref.spec)}


def maximum_matching(candidates: dict[int, list[int]]) -> dict[int, int]:
    """Reference index -> event index, one-to-one, as many as possible (augmenting paths)."""
    owner: dict[int, int] = {}

    def place(r: int, seen: set[int]) -> bool:
        for e in candidates[r]:
            if e in seen:
                continue
            seen.add(e)
            if e not in owner or place(owner[e], seen):
                owner[e] = r
                return True
        return False

    for r in candidates:
        place(r, set())
    return {r: e for e, r in owner.items()}


def broken_rule(rule: MustNot, events: list[dict]) -> list[int]:
    """Indices of the events that break a must-not rule."""
    citing = [i for i, e in enumerate(events) if cites(e, [rule.phrase])]
    phrase = norm(rule.phrase)
    if rule.rule == "not_alone":
        return [i for i in citing if all(phrase in s for s in _sentences(events[i]))]
    if rule.rule == "year":
        return [i for i in citing if not str(events[i].get("event_date") or "").startswith(rule.value)]
    return [i for i in citing if events[i].get("event_type") in VIOLENT]


def score(ref: Reference, events: list[dict]) -> dict[str, Any]:
    """The reference against a list of event records (dicts, GUIDE.md 'The event record')."""
    table = [[agreement(r, e, ref.points) for e in events] for r in ref.events]
    full = {k: [j for j, a in enumerate(row) if a is not None and all(a.values())] for k, row in enumerate(table)}
    matched = maximum_matching(full)
    items = []
    for k, r in enumerate(ref.events):
        items.append(_item_report(r, table[k], matched.get(k), events))
    rules = []
    for rule in ref.must_not:
        bad = broken_rule(rule, events)
        rules.append({"evidence_contains": rule.phrase, "rule": rule.rule, "value": rule.value, "why": rule.why,
                      "broken_by": len(bad), "events": [_brief(events[i]) for i in bad]})
    required = [i for i in items if i["required"]]
    optional = [i for i in items if not i["required"]]
    in_range = ref.count_range is None or ref.count_range[0] <= len(events) <= ref.count_range[1]
    return {
        "reference": ref.file, "articles": ref.articles, "events": len(events),
        "expected_event_count": list(ref.count_range) if ref.count_range else None, "count_in_range": in_range,
        "required_found": sum(i["found"] for i in required), "required": len(required),
        "optional_found": sum(i["found"] for i in optional), "optional": len(optional),
        "must_not_broken": sum(1 for r in rules if r["broken_by"]), "must_not": len(rules),
        "passed": all(i["found"] for i in required) and not any(r["broken_by"] for r in rules) and in_range,
        "field_agreement": _field_totals(items),
        "items": items, "must_not_rules": rules, "skipped": len(ref.problems),
    }


def _item_report(r: RefEvent, row: list[dict[str, bool] | None], matched: int | None, events: list[dict]):
    citing = [j for j, a in enumerate(row) if a is not None]
    best = matched if matched is not None else (
        max(citing, key=lambda j: (sum(row[j].values()), -j)) if citing else None)
    fields = row[best] if best is not None else {}
    if matched is not None:
        why = None
    elif not citing:
        why = "no event cites its sentence"
    elif all(fields.values()):
        why = "its only fully agreeing event is matched to another reference event"
    else:
        why = "disagrees on: " + ", ".join(f for f, ok in fields.items() if not ok)
    return {"id": r.id, "required": r.required, "found": matched is not None, "why_not": why,
            "citing_events": len(citing), "fields": fields, "event": _brief(events[best]) if best is not None else None}


def _field_totals(items: list[dict]) -> dict[str, dict[str, int]]:
    """Per field: how many reference events with a citing event agree on it, of how many state it."""
    totals: dict[str, dict[str, int]] = {}
    for item in items:
        for name, ok in item["fields"].items():
            t = totals.setdefault(name, {"agree": 0, "checked": 0})
            t["checked"] += 1
            t["agree"] += bool(ok)
    return totals


def _brief(event: dict) -> dict[str, Any]:
    keys = ("event_id", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "country", "location",
            "latitude", "longitude", "geo_precision")
    return {k: event.get(k) for k in keys}


# ------------------------------------------------------------------------------- events to score
def read_events(path: str | Path) -> tuple[list[dict], list[Problem]]:
    """Event records from a JSON Lines file (eventwire extract output); bad lines become problems."""
    events, problems = [], []
    for lineno, obj in json_lines(Path(path), problems):
        if "event_type" not in obj:
            problems.append(Problem(str(path), str(lineno), "event_type", "not an event record"))
            continue
        events.append(obj)
    return events, problems


def article_paths(ref: Reference) -> list[Path]:
    """The files of the articles the reference names, next to the reference file."""
    if not ref.articles:
        raise UnusableFile(ref.file, "the reference names no 'article': give the events file to score")
    base = Path(ref.file).parent
    paths = []
    for name in ref.articles:
        found = next((p for p in (base / name, base / f"{name}.txt") if p.is_file()), None)
        if found is None:
            raise UnusableFile(ref.file, f"article {name!r} not found next to the reference "
                                         f"(looked for {base / name} and {base / (name + '.txt')})")
        paths.append(found)
    return paths


def extract_articles(ref: Reference, make_pipeline: Callable[[], Any]) -> tuple[list[dict], list[Problem]]:
    """Extract the named articles (metadata from their sidecars, else the reference's published/source).
    The pipeline is made only once the articles are found."""
    from dataclasses import replace

    from eventwire.io.readers import parse_published, read_articles
    from eventwire.model import RecordError

    paths = article_paths(ref)
    pipe = make_pipeline()
    events, problems = [], []
    for item in read_articles([str(p) for p in paths]):
        if isinstance(item, RecordError):
            problems.append(Problem(item.record, None, None, item.reason))
            continue
        if item.published is None and ref.published:
            item = replace(item, published=parse_published(ref.published))
        if item.source is None and ref.source:
            item = replace(item, source=ref.source)
        for result in pipe.run([item]):
            if result.error is not None:
                problems.append(Problem(result.record, None, None, result.error.reason))
            events.extend(e.to_dict() for e in result.events)
    return events, problems
