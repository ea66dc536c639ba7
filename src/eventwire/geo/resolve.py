"""Resolving the toponyms of one story to gazetteer places, with the story as context.

Each candidate is scored on: how its name matched (own name > alias > alternate > transliteration),
feature fit to the phrase ("X hill" -> T, "town of X" -> P, "X Governorate" -> A.ADM1), the story's
countries (explicit mentions, nationality words, the dateline, "the Syrian town of X"), admin containment
("Alexandria, Louisiana"), distance to the story's other places (second pass) and population.
A toponym the gazetteer lacks falls back to the place tied to it in the same sentence (precision 2) or to
the story's admin area/country (precision 3) - never to a guessed point.

Containment written in the phrase is a hard constraint: in "the Y area of X district, Z", "X district, Z",
"Y of X district", "A, B and C districts, Z" or "Y village in X", the contained name's candidates are kept
only when inside the container (admin codes, else distance); when none is, the name is coded to the
container itself (a district p2, a province/country p3), so a far-away homonym never wins. The name after
"district," is the admin area, not its namesake town.
"""
from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

from eventwire.model import Place, PlaceMention

from .gazetteer import ALIAS, EMBEDDED, USER, Gazetteer, country_from_name, demonyms, haversine_km
from .normalize import data_path, fold
from .recognize import Toponym, load_cues, toponyms_and_text

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

@lru_cache(maxsize=1)
def _feature_table() -> dict[str, tuple[int, float, str]]:
    """data/geo/features.tsv: feature code -> (geo_precision, importance weight, description)."""
    out = {}
    for line in data_path("features.tsv").read_text("utf-8").splitlines()[1:]:
        if not line.strip() or line.startswith("#") or line.startswith("feature\t"):
            continue
        code, precision, weight, desc = line.split("\t")[:4]
        out[code] = (int(precision), float(weight), desc)
    return out


@lru_cache(maxsize=4096)
def feature_info(feature: str) -> tuple[int, float, str]:
    """(geo_precision, importance weight, description) of a GeoNames class.code ("T.HLL" -> (1, 0.0, "hill"))."""
    table = _feature_table()
    return table.get(feature) or table.get(feature[:2]) or (1, 0.0, "place")


def precision_of(place: Place) -> int:
    """geo_precision implied by the kind of place itself (data/geo/features.tsv)."""
    return feature_info(place.feature)[0]


# Features that fit a phrase's hint without sharing its class: (hint prefix, feature prefix) -> points.
_ALSO_FITS = ((("L",), ("A.", "T."), 1.0), (("A",), ("L",), 1.0), (("P",), ("S.CMP",), 1.5),
              (("S",), ("P.",), 0.0))


def _feature_fit(hint: str | None, feature: str) -> float:
    if not hint:
        return 0.0
    if feature.startswith(hint):
        return 3.0
    if hint[0] == feature[0]:
        return 1.5
    for hints, features, points in _ALSO_FITS:
        if hint.startswith(hints) and feature.startswith(features):
            return points
    return -2.5


_KIND_PENALTY = (0.0, 0.4, 1.5)
_KIND_LABEL = ("its own name", "an alias", "an alternate name")


def _base_parts(place: Place, kind: int, level: int, origin: str = EMBEDDED) -> list[tuple[str, float]]:
    """Score parts that do not depend on the story: population, feature importance, provenance, match."""
    parts = [(f"population {place.population:,}", math.log10(place.population + 10) * 0.8)]
    if origin == USER:
        parts.append(("your own place", 6.0))
    elif origin == EMBEDDED and place.geonameid is None and place.feature[:1] in "LTH":
        parts.append(("curated region", 6.0))  # hand-written regions: curated, well-known
    _, weight, desc = feature_info(place.feature)
    if weight:
        parts.append((f"{place.feature} ({desc})", weight))
    if kind:
        parts.append((f"matched by {_KIND_LABEL[kind]}", -_KIND_PENALTY[kind]))
    if level:
        parts.append(("transliteration variant of the name", -4.0 * level))
    return parts


def _base_score(place: Place, kind: int, level: int, origin: str = EMBEDDED) -> float:
    """The sum of `_base_parts` without building their labels (the resolver's hot path)."""
    s = math.log10(place.population + 10) * 0.8 + feature_info(place.feature)[1]
    if origin == USER or (origin == EMBEDDED and place.geonameid is None and place.feature[:1] in "LTH"):
        s += 6.0
    return s - _KIND_PENALTY[kind] - 4.0 * level


class _Story:
    """What the story tells about where it is: countries and admin areas mentioned."""

    def __init__(self, countries: Counter, admin1: Counter, dateline: Place | None):
        self.countries = countries
        self.admin1 = admin1
        self.dateline = dateline

    def leads(self, cc: str | None) -> bool:
        """Does the story say at least half as much about country `cc` as about its main country? Foreign
        actors' home countries are in the story too ("Russian aircraft" in a Syrian story) but weigh
        less; a story of a border region names both of its countries often."""
        n = self.countries.get(cc or "", 0)
        return bool(n) and 2 * n >= max(self.countries.values())

    def country_bonus(self, cc: str) -> float:
        n = self.countries.get(cc, 0)
        if not n:
            return 0.0
        top = max(self.countries.values())
        return 2.0 + 2.5 * n / top


def _story_context(doc, toponyms: list[Toponym], gaz: Gazetteer, dateline: Place | None,
                   country_hints: Iterable[str]) -> _Story:
    countries: Counter = Counter()
    admin1: Counter = Counter()
    for cc in country_hints:
        if cc:
            countries[cc.upper()] += 3
    if dateline is not None:
        countries[dateline.country] += 3
    dem = demonyms()
    for ent in doc.ents:
        if ent.label_ == "NORP":
            cc = dem.get(fold(ent.text))
            if cc:
                countries[cc] += 1
    for t in toponyms:
        cands = gaz.lookup(t.text, loose=False)
        if not cands:
            continue
        countries_of = [p for p, kind, _ in cands if p.feature == "A.PCLI" and kind <= ALIAS]
        if countries_of and any(p.feature == "A.ADM1" and kind == 0 for p, kind, _ in cands):
            continue  # "Georgia": a country and a US state - evidence for neither
        if countries_of:
            countries[countries_of[0].country] += 2
            continue
        adm = [p for p, kind, _ in cands if p.feature == "A.ADM1" and kind <= ALIAS]
        towns = [p for p, kind, _ in cands if p.feature.startswith("P") and kind == 0 and p.population >= 10_000]
        if len({(p.country, p.admin1) for p in adm}) == 1 and not towns:
            countries[adm[0].country] += 1
            admin1[(adm[0].country, adm[0].admin1)] += 1
        if t.country_hint:
            countries[t.country_hint] += 1
    return _Story(countries, admin1, dateline)


def _context_parts(place: Place, t: Toponym, story: _Story, apposition: Place | None,
                   others: list[Place]) -> list[tuple[str, float]]:
    """Score parts from the phrase and the story: feature fit, countries, admin areas, distances, dateline."""
    parts: list[tuple[str, float]] = []
    fit = _feature_fit(t.hint, place.feature)
    if fit:
        parts.append((f"fits '{t.hint}' phrase" if fit > 0 else f"does not fit '{t.hint}' phrase", fit))
    cb = story.country_bonus(place.country)
    if cb:
        parts.append((f"story country {place.country}", cb))
    elif story.countries and place.feature != "A.PCLI" and place.country:
        parts.append((f"outside the story's countries ({place.country})", -1.5))
    if t.country_hint:
        if place.country == t.country_hint:
            parts.append((f"'{t.country_hint}' nationality word", 4.0))
        else:
            parts.append((f"not in '{t.country_hint}' of the nationality word", -3.0))
    if (place.country, place.admin1) in story.admin1 and place.feature != "A.ADM1":
        parts.append((f"in story admin area {place.admin1}", 2.0))
    if apposition is not None:
        if apposition.feature == "A.PCLI" and place.country == apposition.country:
            parts.append((f"'{apposition.name}' follows", 3.0))
        elif apposition.feature == "A.ADM1" and place.country == apposition.country \
                and place.admin1 == apposition.admin1:
            parts.append((f"in '{apposition.name}' that follows", 5.0))
    if others and place.feature not in ("A.PCLI",):
        d = min(haversine_km(place.latitude, place.longitude, o.latitude, o.longitude) for o in others)
        if d < 50:
            parts.append((f"{d:.0f} km from another place of the story", 2.5))
        elif d < 250:
            parts.append((f"{d:.0f} km from another place of the story", 1.2))
    if story.dateline is not None and place.feature.startswith("P"):
        d = haversine_km(place.latitude, place.longitude, story.dateline.latitude, story.dateline.longitude)
        if d < 300:
            parts.append((f"{d:.0f} km from the dateline {story.dateline.name}", 1.0))
    return parts


class _Neighbours:
    """The story's other places that a toponym's candidates are measured against, with the distance from
    a point to the nearest of them remembered (a name written several times has the same neighbours)."""

    def __init__(self, places: list[Place]):
        self.places = places
        self._km: dict[tuple[float, float], float] = {}

    def __bool__(self) -> bool:
        return bool(self.places)

    def nearest_km(self, place: Place) -> float:
        point = (place.latitude, place.longitude)
        d = self._km.get(point)
        if d is None:
            d = self._km[point] = min(haversine_km(place.latitude, place.longitude, o.latitude, o.longitude)
                                      for o in self.places)
        return d


def _context_points(place: Place, t: Toponym, story: _Story, apposition: Place | None,
                    near: _Neighbours) -> float:
    """The sum of `_context_parts` without building their labels (the resolver's hot path); the parts are
    added in the same order, so the sum is the same to the last bit."""
    total = 0
    fit = _feature_fit(t.hint, place.feature)
    if fit:
        total += fit
    cb = story.country_bonus(place.country)
    if cb:
        total += cb
    elif story.countries and place.feature != "A.PCLI" and place.country:
        total += -1.5
    if t.country_hint:
        total += 4.0 if place.country == t.country_hint else -3.0
    if (place.country, place.admin1) in story.admin1 and place.feature != "A.ADM1":
        total += 2.0
    if apposition is not None:
        if apposition.feature == "A.PCLI" and place.country == apposition.country:
            total += 3.0
        elif apposition.feature == "A.ADM1" and place.country == apposition.country \
                and place.admin1 == apposition.admin1:
            total += 5.0
    if near and place.feature not in ("A.PCLI",):
        d = near.nearest_km(place)
        if d < 50:
            total += 2.5
        elif d < 250:
            total += 1.2
    if story.dateline is not None and place.feature.startswith("P"):
        d = haversine_km(place.latitude, place.longitude, story.dateline.latitude, story.dateline.longitude)
        if d < 300:
            total += 1.0
    return total


def _score(place: Place, kind: int, level: int, t: Toponym, story: _Story,
           apposition: Place | None, others: list[Place], origin: str = EMBEDDED) -> tuple[float, list[str]]:
    context = _context_parts(place, t, story, apposition, others)
    why = [label for label, _ in context if not label.startswith(("outside the story", "not in '"))
           and " from the dateline " not in label]
    if origin == USER:
        why.insert(0, "your own place")
    return _base_score(place, kind, level, origin) + sum(p for _, p in context), why


def _resolve_dateline(name: str | None, gaz: Gazetteer) -> Place | None:
    if not name:
        return None
    cands = [h for h in gaz.lookup(name, loose=False) if h[1] <= ALIAS]
    if not cands:
        return None
    return max(cands, key=lambda h: _base_score(h[0], h[1], h[2], gaz.origin(h[0])))[0]


def resolve_places(doc: "Doc", gaz: Gazetteer, dateline_place: str | None = None,
                   country_hints: Iterable[str] = (), toponyms: list[Toponym] | None = None
                   ) -> list[PlaceMention]:
    """Find and resolve the toponyms of one article (offsets are character offsets into doc.text)."""
    if toponyms is None:
        toponyms, text = toponyms_and_text(doc, gaz)
    else:
        text = doc.text
    dateline = _resolve_dateline(dateline_place, gaz)
    story = _story_context(doc, toponyms, gaz, dateline, country_hints)

    def lookup(t: Toponym, noun: str | None, anchor: str | None) -> list[tuple[Place, int, int]]:
        hits = _with_noun(gaz, t.text, noun, gaz.lookup(t.text))
        if not hits and anchor:
            hits = gaz.lookup(anchor)
        if not hits:
            hits = gaz.lookup(_strip_noun(t.text))
        if t.hint and t.hint.startswith(("A", "P")) and not any(h[2] == 0 for h in hits):
            seen = {id(h[0]) for h in hits}  # "Dawlat Abad district" for "Dawlatabad"
            hits = hits + [h for h in gaz.lookup_joined(t.text) if id(h[0]) not in seen]
        return hits

    # the candidates of a name depend on its text, the place noun after it, its anchor and its hint only:
    # looked up once per such name of the story (a story repeats its places)
    by_name: dict[tuple, list[tuple[Place, int, int]]] = {}
    cand_lists = []
    for t in toponyms:
        noun = _noun_after(text[t.end:t.end + 30])
        anchor = text[t.anchor[0]:t.anchor[1]] if t.anchor else None
        key = (t.text, noun, anchor, t.hint)
        if key not in by_name:
            by_name[key] = _drop_shadowed(lookup(t, noun, anchor), t)
        cand_lists.append(by_name[key])
    # apposition: "Alexandria, Louisiana" / "Pandi, Bulacan"
    appos: list[Place | None] = [None] * len(toponyms)
    for i in range(len(toponyms) - 1):
        a, b = toponyms[i], toponyms[i + 1]
        between = text[a.end:b.start]
        if between.strip() == "," and cand_lists[i + 1]:
            best = [p for p, kind, lvl in cand_lists[i + 1] if p.feature in ("A.PCLI", "A.ADM1") and kind <= ALIAS
                    and lvl == 0]
            if best:
                appos[i] = max(best, key=lambda p: story.country_bonus(p.country) + math.log10(p.population + 10))

    def admin_of(j: int) -> Place | None:
        """The admin area (ADM1/country) that toponym j names, if it names one."""
        admins = [p for p, kind, lvl in gaz.lookup(toponyms[j].text) if p.feature in ("A.PCLI", "A.ADM1")
                  and kind <= ALIAS and (lvl == 0 or story.countries.get(p.country))]
        if not admins:
            return None
        return max(admins, key=lambda p: story.country_bonus(p.country) + math.log10(p.population + 10))

    containers = [_container_of(i, toponyms, text, cand_lists, appos, admin_of) for i in range(len(toponyms))]

    # "X district, Balkh" / "X, Herat": the name after the comma is the admin area, not its homonymous town
    admin_after: list[Place | None] = [None] * len(toponyms)
    for i, j in enumerate(containers):
        if j is not None and text[toponyms[j - 1].end:toponyms[j].start].rstrip().endswith(","):
            admin_after[i] = admin_of(j)
    admin_named = {j: admin_after[i] for i, j in enumerate(containers) if j is not None and admin_after[i]}

    district_seat: dict[int, Place] = {}

    def container_place(i: int, picked) -> Place | None:
        """The place that contains toponym i by the phrase ("X district, Balkh", "the Y area of X")."""
        seen = set()
        j = containers[i]
        while j is not None and j not in seen:
            seen.add(j)
            if admin_after[i] is not None and j == containers[i]:
                return admin_after[i]
            p = picked[j][0] if picked[j] is not None else None
            if p is not None and ((story.countries and p.country and not story.countries.get(p.country))
                                  or not (any(lvl == 0 and q == p for q, _, lvl in cand_lists[j])
                                          or (picked[j][1] or "").endswith("named after it"))):
                p = None  # outside the story's countries, or a loose spelling not checked by a container
            if p is not None:
                if p.feature.startswith("P") and (toponyms[j].hint or "").startswith("A"):
                    # "X district" coded to its namesake town: the district reaches beyond the town
                    wide = dataclasses.replace(p, feature="A.ADM2", admin2=None)
                    district_seat[id(wide)] = p
                    return wide
                return p
            i, j = j, containers[j]
        return None

    def t_anchor(i: int) -> bool:
        return toponyms[i].anchor is not None and containers[i] is not None

    n_candidates: dict[int, int] = {}

    def choose(i: int, near: _Neighbours, within: Place | None = None) -> tuple[Place | None, str | None, float]:
        t = toponyms[i]
        if within is not None and _rank(within) >= 2 and any(
                _rank(p) >= _rank(within) and p.country == within.country and lvl == 0 and kind <= ALIAS
                for p, kind, lvl in cand_lists[i]):
            within = None  # "Georgia ... in Florida": an admin area is not inside one of its own rank
        best: tuple[float, Place | None, int, int] = (-1e9, None, 0, 0)
        cands = cand_lists[i]
        if within is not None:
            cands = [h for h in cands if _inside(h[0], within)]
            if not cands and t.anchor:  # "Shinwar (Ghani Khel) district": the other name inside
                cands = [h for h in gaz.lookup(text[t.anchor[0]:t.anchor[1]]) if _inside(h[0], within)]
            if not cands and _strip_noun(t.text) != t.text:  # "Salinas Valley region of California"
                cands = [h for h in gaz.lookup(_strip_noun(t.text)) if _inside(h[0], within)]
            if not cands:
                return None, None, 0.0
        for place, kind, level in cands:
            if level == 1 and within is None and not story.leads(place.country) \
                    and t.country_hint != place.country:
                continue  # a transliteration variant must be in a leading country of the story (measured:
                # accepting context-free variants lowers accuracy on ACLED notes; in a Syrian story
                # naming Russian aircraft, "Syrias" is not Sirius in Russia)
            s = _base_score(place, kind, level, gaz.origin(place)) + _context_points(place, t, story, appos[i], near)
            if s > best[0]:
                best = (s, place, kind, level)
        if best[1] is None:
            return None, None, 0.0
        _, place, kind, level = best
        weak = (story.countries and place.country and not story.countries.get(place.country)
                and place.feature.startswith(("P", "T", "A.ADM2")) and place.population < 50_000
                and (t.source != "ner" or place.population < 10_000 or t.country_hint
                     or (t.hint and _feature_fit(t.hint, place.feature) < 0)))
        if not weak and near and story.countries and place.country \
                and not story.countries.get(place.country) and place.feature.startswith("P") \
                and place.population < 100_000:
            # a small foreign town far from everything else the story names is a wrong homonym
            weak = near.nearest_km(place) > 150
        if weak and within is None:
            return None, None, 0.0
        _, why = _score(place, kind, level, t, story, appos[i], near.places, gaz.origin(place))
        if within is not None:
            why.append(f"inside '{within.name}' named after it")
        listed = cand_lists[i]  # one list for each repeated name: counted once
        if id(listed) not in n_candidates:
            n_candidates[id(listed)] = len({p.geonameid or id(p) for p, _, _ in listed})
        reason = f"{n_candidates[id(listed)]} candidate(s); " + (", ".join(why) if why else "most prominent candidate")
        return place, reason, best[0]

    first: list = [None] * len(toponyms)
    for i in reversed(range(len(toponyms))):  # containers are written after what they contain
        first[i] = choose(i, _Neighbours([]), container_place(i, first))
    for i, (place, _, _) in enumerate(first):
        if place is None or place.feature == "A.PCLI" or not place.country:
            continue
        exact = [p for p, kind, lvl in cand_lists[i] if lvl == 0 and kind == 0]
        if place in exact and (place.feature in ("P.PPLC", "A.ADM1") or place.population >= 100_000):
            story.countries[place.country] += 1  # "Nairobi" tells the story is in Kenya
    # second pass: distance to the other places of the story (unambiguous ones weigh in)
    chosen: list = [None] * len(toponyms)
    near_of: dict[str, _Neighbours] = {}  # the other places depend on the name only (not on where it is)
    for i in reversed(range(len(toponyms))):
        name = toponyms[i].text
        if name not in near_of:
            near_of[name] = _Neighbours(_other_places(name, toponyms, first))
        chosen[i] = choose(i, near_of[name], container_place(i, chosen)) if cand_lists[i] or t_anchor(i) \
            else first[i]

    out: list[PlaceMention] = []
    memo: dict[str, tuple[Place | None, str | None]] = {}
    for i, t in enumerate(toponyms):
        place, why, _ = chosen[i]
        precision = 1
        relation = t.relation
        within = container_place(i, chosen)
        if i in admin_named and (place is None or place.feature.startswith("P")) \
                and not (t.hint and t.hint.startswith("P")):
            adm = admin_named[i]
            out.append(PlaceMention(t.start, t.end, t.text, adm, precision_of(adm), relation,
                                    "an admin area named after a place it contains"))
            continue
        if place is None and within is not None:
            # not found inside the area named after it: that area (district p2, province/country p3)
            why = f"not found inside '{within.name}' named after it; coded to that area"
            within = district_seat.get(id(within), within)
            out.append(PlaceMention(t.start, t.end, t.text, within, max(2, precision_of(within)),
                                    relation or "in", why))
            continue
        if place is not None:
            precision = precision_of(place)
            if relation and precision == 1:
                precision = 2
            if precision == 1 and t.hint == "A.ADM2" and place.feature.startswith("P"):
                precision = 2  # "X district": the district's namesake town stands for the district
            if t.anchor and gaz.lookup(t.text, loose=False) == [] and precision == 1:
                precision = 2
        else:
            place, why, precision, relation = _fallback(i, toponyms, chosen, story, gaz, relation, text, memo)
            if precision == 2 and t.text not in memo:
                memo[t.text] = (place, why)
        out.append(PlaceMention(t.start, t.end, t.text, place, precision, relation, why))
    return out


def _other_places(name: str, toponyms: list[Toponym], first) -> list[Place]:
    """Up to 40 distinct points (to 0.01 degree) of the story's places chosen in the first pass and named
    otherwise than `name`: towns, landmarks and districts (not countries or provinces)."""
    seen_pts: dict[tuple[float, float], Place] = {}
    for j, t in enumerate(toponyms):
        pj = first[j][0]
        if pj is not None and pj.feature.startswith(("P", "T", "A.ADM2")) and t.text != name:
            seen_pts.setdefault((round(pj.latitude, 2), round(pj.longitude, 2)), pj)
    return list(seen_pts.values())[:40]


_CONTAINER_NOUNS = frozenset({
    "district", "province", "governorate", "county", "city", "town", "village", "area",
    "neighbourhood", "neighborhood", "locality", "subdistrict", "sub-district", "municipality", "region", "valley",
    "camp", "center", "centre", "districts", "provinces", "counties", "towns", "villages", "areas", "cities",
    "localities", "administrative", "headquarters", "market", "bazaar"})
_CONTAINER_NOUNS_PLURAL = frozenset({
    "districts", "provinces", "counties", "towns", "villages", "areas", "cities", "localities", "neighbourhoods",
    "neighborhoods", "municipalities", "regions", "camps"})


def _words_between(text: str, a: Toponym, b: Toponym) -> list[str]:
    between = re.sub(r"\([^()]{0,60}\)", " ", text[a.end:b.start])
    return re.findall(r"[\w-]+|,", between.lower())


def _container_of(i: int, toponyms: list[Toponym], text: str, cand_lists, appos, admin_of=None) -> int | None:
    """Index of the toponym that the phrase says contains toponym i: "X district, Balkh", "X, Balkh",
    "the Y area of X district", "Y village in X district", "A, B and C districts, Z", or None."""
    n = len(toponyms)
    t = toponyms[i]
    # "A (A2), B and C districts, Z": every item of the list is in Z
    k, listed = i, False
    while k + 1 < n and toponyms[k + 1].sent == t.sent:
        if text[toponyms[k + 1].start - 1:toponyms[k + 1].start] == "(":
            k += 1  # a name in brackets is another name of the item before it
            continue
        w = [x for x in _words_between(text, toponyms[k], toponyms[k + 1]) if x != "the"]
        if w in ([","], ["and"], [",", "and"], ["or"], [",", "or"]):
            k += 1
            listed = True
            continue
        break
    if listed:
        j = _container_of(k, toponyms, text, cand_lists, appos, admin_of)
        w = _words_between(text, toponyms[k], toponyms[j]) if j is not None else []
        return j if j is not None and w and w[0] in _CONTAINER_NOUNS_PLURAL else None
    nxt = i + 1
    while nxt < n and toponyms[nxt].sent == t.sent and text[toponyms[nxt].start - 1:toponyms[nxt].start] == "(":
        nxt += 1  # "Qazi (Qaziyan) village of X": the bracketed other name is no container
    if nxt >= n:
        return None
    u = toponyms[nxt]
    if u.sent != t.sent or not (cand_lists[nxt] or u.hint):
        return None
    if any(p.feature == "A.PCLI" and lvl == 0 and kind <= ALIAS for p, kind, lvl in cand_lists[i]):
        return None  # a country is inside nothing the text names
    words = _words_between(text, t, u)
    nouns = 0
    while words and words[0] in _CONTAINER_NOUNS:
        words.pop(0)
        nouns += 1
    words = [w for w in words if w != "the"]
    if words == [","]:
        admin = admin_of(nxt) if admin_of else appos[i]
        if admin is None and not (u.hint and u.hint.startswith(("A", "L"))):
            return None  # "X, Y" is containment only when Y is an admin area or a region
        if nouns:
            return nxt
        if appos[i] is None:
            return None  # "Kabul, Herat and Kandahar": a list, unless an admin area follows
        after = text[u.end:toponyms[nxt + 1].start].strip().lower() if nxt + 1 < len(toponyms) \
            and toponyms[nxt + 1].sent == u.sent else "."
        if after in (",", "and", "or", ", and", ", or", "&"):
            return None
        return nxt
    if words == ["of"] and " of " in text[t.end:u.start] and (nouns or (u.hint or "").startswith("A")):
        return nxt  # "the Y area of X", "Y of X district" (not "the Nice of Russia")
    if nouns and words in (["in"], [",", "in"]):
        return nxt
    return None


def _rank(place: Place) -> int:
    """Administrative rank: country 4, first-level area 3, district 2, anything else 1."""
    return {"A.PCLI": 4, "A.ADM1": 3, "A.ADM2": 2}.get(place.feature, 1)


def _inside(place: Place, area: Place) -> bool:
    """Is `place` inside `area` as far as the gazetteer tells (admin codes, else distance)?"""
    if place is area or not place.country or place.country != area.country and area.country:
        return False
    f = area.feature
    d = haversine_km(place.latitude, place.longitude, area.latitude, area.longitude)
    if f == "A.PCLI":
        return True
    if f == "A.ADM1":
        return place.admin1 == area.admin1 if place.admin1 else d < 200
    if f == "A.ADM2":
        if place.admin2 and area.admin2:
            return place.admin2 == area.admin2 and place.admin1 == area.admin1
        return d < 50 and (not area.admin1 or not place.admin1 or place.admin1 == area.admin1)
    if f.startswith("P"):
        return d < (60 if area.population >= 1_000_000 else 30)
    return d < 150


_BIG_TOWN = 100_000  # a city this large is what its bare name means, even written in another romanization


def _drop_shadowed(hits: list[tuple[Place, int, int]], t: Toponym) -> list[tuple[Place, int, int]]:
    """A governorate/county named after its main town ("Alexandria", "Charleston") means the town unless
    the phrase says it is an admin area."""
    if t.hint and t.hint.startswith(("A", "L")):
        return hits
    towns = [p for p, kind, lvl in hits if p.feature.startswith("P") and lvl == 0
             and (kind == 0 or p.population >= _BIG_TOWN)]
    if not towns:
        return hits
    out = []
    for h in hits:
        p = h[0]
        if p.feature in ("A.ADM1", "A.ADM2") and any(
                q.country == p.country and haversine_km(p.latitude, p.longitude, q.latitude, q.longitude) < 150
                for q in towns):
            continue
        out.append(h)
    return out


def _noun_after(after: str) -> str | None:
    """The place noun (as written) that the text `after` a name starts with ("hills" of " hills near"), or None."""
    m = re.match(r"\s+([A-Za-z]+)", after)
    if not m or m.group(1).lower() not in load_cues().nouns_after:
        return None
    return m.group(1)


def _with_noun(gaz: Gazetteer, name: str, noun: str | None, hits: list[tuple[Place, int, int]]
               ) -> list[tuple[Place, int, int]]:
    """Add the places named with the place `noun` written after the name ("Fleita hills" -> the hills called
    "Fleita Hills", "al-Elm Mountains"): a GeoNames feature is often named with its noun."""
    if noun is None:
        return hits
    more = gaz.lookup(f"{name} {noun}")
    if not more:
        return hits
    seen = {(p.geonameid, p.name, p.latitude, p.longitude) for p, _, _ in hits}
    return hits + [h for h in more if (h[0].geonameid, h[0].name, h[0].latitude, h[0].longitude) not in seen]


_NOUN_WORDS = ("hill", "hills", "mountains", "mountain", "region", "countryside", "outskirts", "area", "valley",
               "town", "village", "city", "province", "governorate", "district")


def _strip_noun(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[-1].lower() in _NOUN_WORDS:
        words = words[:-1]
    return " ".join(words)


_TIE_WORDS = frozenset("""near in the of outside at on outskirts edge vicinity close to west east north south
northwest northeast southwest southeast northern southern eastern western central hill hills mountain mountains
town village city area region district province county governorate countryside camp valley border km kilometres
kilometers miles from within inside part""".split())


def _ties(between: str, forward: bool) -> bool:
    """Does the text between an unknown toponym and a known one tie them ("X hill near the Syrian town of Y",
    "X in the Y", "X (Y)", "X, Y")? A later place is tied only by such words; an earlier one only by "'s"."""
    b = between.strip()
    if not forward:
        return b in ("'s", "’s", "’", "'")
    from .gazetteer import demonyms

    words = [w for w in re.split(r"[\s,()\-–]+", b.lower()) if w and not w.isdigit()]
    return len(words) <= 8 and all(w in _TIE_WORDS or w in demonyms() for w in words)


def _fallback(i: int, toponyms: list[Toponym], chosen, story: _Story, gaz: Gazetteer,
              relation: str | None, text: str, _memo: dict) -> tuple[Place | None, str | None, int, str | None]:
    """An unknown toponym: the next resolved place in the same sentence it is tied to (precision 2),
    else the story's main admin area or country (precision 3)."""
    t = toponyms[i]
    for j in list(range(i + 1, len(toponyms))) + list(range(i - 1, -1, -1)):
        u = toponyms[j]
        if u.sent != t.sent or chosen[j][0] is None:
            continue
        lo, hi = min(t.end, u.end), max(t.start, u.start)
        between = text[lo:hi]
        for k in range(min(i, j) + 1, max(i, j)):  # unknown names in a chain: "X hill near the town of Y in Z"
            v = toponyms[k]
            between = between.replace(v.text, " ", 1) if chosen[k][0] is None else between
        if not _ties(between, forward=j > i):
            continue
        place = chosen[j][0]
        return place, f"not in the gazetteer; tied to '{u.text}' in the same phrase", 2, relation or "near"
    if t.text in _memo:
        place, why = _memo[t.text]
        return place, why, 2, relation
    cc = t.country_hint
    if not cc and story.countries:
        cc = story.countries.most_common(1)[0][0]
    if story.admin1:
        (acc, a1), _ = story.admin1.most_common(1)[0]
        if cc is None or acc == cc:
            place = gaz.admin1(acc, a1)
            if place is not None:
                return place, "not in the gazetteer; the story's admin area", 3, relation
    if cc:
        place = gaz.country(cc)
        if place is not None:
            return place, "not in the gazetteer; the story's country", 3, relation
    return None, "not in the gazetteer and no context", 3, relation


def geoparse(text: str, nlp, gaz: Gazetteer, dateline_place: str | None = None) -> list[dict]:
    """The `eventwire geoparse` output objects for one text (GUIDE.md contract)."""
    doc = nlp(text)
    out = []
    for m in resolve_places(doc, gaz, dateline_place=dateline_place):
        p = m.place
        out.append({
            "text": m.text, "start": m.start, "end": m.end,
            "name": p.name if p else None,
            "geonameid": p.geonameid if p else None,
            "latitude": round(p.latitude, 5) if p else None,
            "longitude": round(p.longitude, 5) if p else None,
            "country": p.country if p else None,
            "admin1": p.admin1 if p else None,
            "feature": p.feature if p else None,
        })
    return out





# ---------------------------------------------------------------- one name, out of a story (gazetteer lookup)
@dataclasses.dataclass(frozen=True)
class RankedCandidate:
    """A candidate for a name with its score and the parts it is made of (for `gazetteer lookup --explain`)."""

    place: Place
    origin: str                              # embedded | geonames | user
    kind: int                                # 0 own name, 1 alias, 2 alternate name
    level: int                               # 0 exact key, 1 transliteration variant
    score: float
    parts: tuple[tuple[str, float], ...]
    skipped: str | None = None               # why the resolver would not take it in this context


def _phrase(text: str) -> tuple[str, str | None, str | None]:
    """(name, feature hint, noun after the name) of "the town of Fleita", "Tallat al-Burkan hill", "Arsal"."""
    cues = load_cues()
    words = text.strip().split()
    if words and words[0].lower() in ("the", "a"):
        words = words[1:]
    hint = noun = None
    if len(words) >= 3 and words[1].lower() == "of" and words[0].lower() in cues.nouns_before_of:
        hint = cues.nouns_before_of[words[0].lower()]
        words = words[2:]
    elif len(words) >= 2 and words[-1].lower() in cues.nouns_after:
        noun = words[-1]
        hint = cues.nouns_after[noun.lower()]
        words = words[:-1]
    return " ".join(words), hint, noun


def rank_candidates(gaz: Gazetteer, text: str, countries: Iterable[str] = (),
                    near: tuple[float, float] | None = None, hint: str | None = None) -> list[RankedCandidate]:
    """Candidates for `text` scored as the resolver scores them, with `countries` as the story's countries
    and `near` as another place of the story; best first (those the resolver would skip last)."""
    name, phrase_hint, noun = _phrase(text)
    t = Toponym(0, len(name), name, "lookup", hint or phrase_hint)
    story = _Story(Counter({c.upper(): 3 for c in countries}), Counter(), None)
    others = [Place("the --near point", near[0], near[1], "", "P.PPL")] if near else []
    hits = gaz.lookup(name)
    if noun:
        hits = _with_noun(gaz, name, _noun_after(" " + noun), hits)
    if not hits and _strip_noun(name) != name:
        hits = gaz.lookup(_strip_noun(name))
    kept = {id(h[0]) for h in _drop_shadowed(hits, t)}
    out = []
    for place, kind, level in hits:
        origin = gaz.origin(place)
        parts = tuple(_base_parts(place, kind, level, origin) + _context_parts(place, t, story, None, others))
        skipped = None
        if id(place) not in kept:
            skipped = "an admin area named after its main town means the town, unless the phrase says area"
        elif level == 1 and not story.leads(place.country):
            skipped = "a transliteration variant is only taken in a leading country of the story (--country)"
        out.append(RankedCandidate(place, origin, kind, level, round(sum(p for _, p in parts), 3), parts, skipped))
    out.sort(key=lambda c: (c.skipped is not None, -c.score))
    return out

__all__ = ["RankedCandidate", "country_from_name", "feature_info", "geoparse", "precision_of", "rank_candidates",
           "resolve_places"]
