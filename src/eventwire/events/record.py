"""From a merged candidate to the ACLED-style event record (GUIDE.md "The event record")."""
from __future__ import annotations

import hashlib
import re
import unicodedata

from eventwire.events.candidate import Candidate, is_generic
from eventwire.model import ActorMention, Event

_COUNTRY_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")

POLITICAL_VIOLENCE = {"Battles", "Explosions/Remote violence", "Violence against civilians"}


def interaction_code(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's two-digit interaction: the lower inter code first; a sole actor gives N0."""
    if not inter1 and not inter2:
        return None
    if not inter1 or not inter2:
        return int(f"{inter1 or inter2}0")
    lo, hi = sorted((inter1, inter2))
    return lo * 10 + hi


_STATE_FORCES = ("Military Forces", "Police Forces")


def localise_generic(actor: ActorMention | None, country_name: str | None) -> str | None:
    """Generic actors carry the country of the event: 'Civilians (Lebanon)'; state forces the story
    does not attribute to a country ("police", "soldiers") are the event country's, as ACLED names
    them: 'Police Forces of Kenya'."""
    if actor is None:
        return None
    if is_generic(actor) and country_name:
        base = _COUNTRY_SUFFIX.sub("", actor.name)
        return f"{base} ({country_name})"
    if actor.country is None and actor.name in _STATE_FORCES and country_name:
        return f"{actor.name} of {country_name}"
    return actor.name


def event_id(c: Candidate, iso3: str | None) -> str:
    """Stable: the same article, sentences, place and actors give the same id."""
    key = "|".join(
        [c.doc_id, str(c.sentence_start), str(c.place_key()), str(c.actor1 and c.actor1.name),
         str(c.actor2 and c.actor2.name), c.sub_event_type]
    )
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10].upper()
    return f"{iso3 or 'XXX'}-{digest}"


def build_event(c: Candidate, outlets: list[str]) -> Event:
    """The ACLED-style record of one merged candidate, credited to `outlets`."""
    from eventwire import geo
    place = c.place.place if c.place and c.place.place else None
    iso2 = place.country if place else (c.actor1.country if c.actor1 and c.actor1.country else None)
    country = geo.country_name(iso2) if iso2 else None
    a1 = localise_generic(c.actor1, country)
    a2 = localise_generic(c.actor2, country)
    inter1 = actor_inter(c.actor1, iso2)
    inter2 = actor_inter(c.actor2, iso2)
    location = ascii_name(place.name) if place is not None else None
    lat = round(place.latitude, 4) if place else None
    lon = round(place.longitude, 4) if place else None
    sub_event_type = territory_subtype(c.sub_event_type, inter1)
    civ = "Civilian targeting" if c.event_type in POLITICAL_VIOLENCE and inter2 == 7 else None
    ev = Event(
        event_id=event_id(c, _iso3(iso2)),
        event_date=c.date.isoformat() if c.date else None,
        year=c.date.year if c.date else None,
        time_precision=c.time_precision,
        disorder_type=c.disorder_type,
        event_type=c.event_type,
        sub_event_type=sub_event_type,
        actor1=a1,
        assoc_actor_1=[localise_generic(a, country) for a in c.assoc1],
        inter1=inter1,
        actor2=a2,
        assoc_actor_2=[localise_generic(a, country) for a in c.assoc2],
        inter2=inter2,
        interaction=interaction_code(inter1, inter2),
        civilian_targeting=civ,
        iso=geo.iso_numeric(iso2) if iso2 else None,
        region=geo.region(iso2) if iso2 else None,
        country=country,
        admin1=place.admin1 if place else None,
        admin2=place.admin2 if place else None,
        admin3=None,
        location=location,
        latitude=lat,
        longitude=lon,
        geo_precision=c.place.geo_precision if c.place and place else None,
        source="; ".join(outlets) if outlets else None,
        fatalities=c.fatalities or 0,
        evidence=[{"doc_id": d, "sentence": s, "start": a, "end": b} for d, a, b, s in c.evidence],
        claims=[
            {"doc_id": cl.doc_id, "outlet": cl.outlet, "attributed_to": cl.attributed_to,
             "reporting_verb": cl.reporting_verb, "hedged": cl.hedged}
            for cl in c.claims
        ],
    )
    ev.confidence = confidence(c)
    ev.notes = notes(ev)
    return ev


def ascii_name(name: str) -> str:
    """Place names as ACLED writes them: Latin letters without diacritics or ayn/hamza marks ("Aarsal")."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch) and ch not in "ʿʾʼ‘’`´")
    return folded if folded.strip() else name


def actor_inter(actor: ActorMention | None, event_country: str | None) -> int | None:
    """ACLED codes state forces acting outside their own country as External/Other forces (8)."""
    if actor is None:
        return None
    if actor.inter == 1 and actor.country and event_country and actor.country != event_country:
        return 8
    return actor.inter


def territory_subtype(sub_event_type: str, inter1: int | None) -> str:
    """ACLED: who takes the ground decides the territory sub-type: state forces regain, others overtake."""
    if sub_event_type in ("Government regains territory", "Non-state actor overtakes territory") and inter1:
        return "Government regains territory" if inter1 in (1, 8) else "Non-state actor overtakes territory"
    return sub_event_type


def _iso3(iso2: str | None) -> str | None:
    import pycountry

    country = pycountry.countries.get(alpha_2=iso2) if iso2 else None
    return country.alpha_3 if country else None


def confidence(c: Candidate) -> float:
    """A 0-1 summary of how much of the record rests on direct evidence."""
    score = 0.45 * min(1.0, c.score)
    score += 0.15 if c.actor1 is not None else 0.0
    score += 0.1 if c.actor2 is not None else 0.0
    if c.place and c.place.place:
        score += {1: 0.15, 2: 0.1, 3: 0.05}.get(c.place.geo_precision, 0.0)
    score += {1: 0.1, 2: 0.06, 3: 0.03}.get(c.time_precision or 0, 0.0)
    score += 0.05 * min(1, len(c.evidence) - 1)
    if c.claims and all(cl.hedged for cl in c.claims):
        score *= 0.8
    return round(min(1.0, score), 3)


_VERBS = {
    "Armed clash": "clashed with",
    "Government regains territory": "regained territory from",
    "Non-state actor overtakes territory": "took territory from",
    "Air/drone strike": "carried out an air/drone strike on",
    "Shelling/artillery/missile attack": "shelled",
    "Remote explosive/landmine/IED": "detonated an explosive device against",
    "Suicide bomb": "carried out a suicide bombing against",
    "Grenade": "threw a grenade at",
    "Chemical weapon": "used chemical weapons against",
    "Attack": "attacked",
    "Abduction/forced disappearance": "abducted",
    "Sexual violence": "committed sexual violence against",
    "Arrests": "arrested",
    "Looting/property destruction": "looted or destroyed property of",
    "Agreement": "reached an agreement with",
    "Peaceful protest": "protested",
    "Protest with intervention": "protested and were dispersed by",
    "Excessive force against protesters": "used excessive force against",
    "Violent demonstration": "rioted",
    "Mob violence": "attacked",
}


def notes(ev: Event) -> str:
    """One ACLED-style sentence: 'On 21 July 2017, Military Forces of Syria shelled ... in X (Y, Syria).'"""
    when = _date_phrase(ev)
    where = ""
    if ev.location:
        parts = [p for p in (ev.admin1, ev.country) if p and p != ev.location]
        where = f" in {ev.location}" + (f" ({', '.join(parts)})" if parts else "")
    elif ev.country:
        where = f" in {ev.country}"
    a1 = ev.actor1 or "Unknown actors"
    if ev.assoc_actor_1:
        a1 += f" (with {', '.join(ev.assoc_actor_1)})"
    verb = _VERBS.get(ev.sub_event_type)
    if verb and ev.actor2:
        what = f"{a1} {verb} {ev.actor2}"
    elif verb and ev.sub_event_type in ("Peaceful protest", "Violent demonstration"):
        what = f"{a1} {verb}"
    else:
        what = f"{a1}: {ev.sub_event_type.lower()}" + (f" involving {ev.actor2}" if ev.actor2 else "")
    tail = f" {ev.fatalities} fatalities." if ev.fatalities else " Fatalities: none reported."
    said = [c["attributed_to"] for c in ev.claims if c.get("attributed_to")]
    claim = f" According to {', '.join(dict.fromkeys(said))}." if said else ""
    return f"{when}, {what}{where}.{claim}{tail}"


def _date_phrase(ev: Event) -> str:
    if not ev.event_date:
        return "On an unknown date"
    y, m, d = (int(x) for x in ev.event_date.split("-"))
    month = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"][m - 1]
    if ev.time_precision == 3:
        return f"In {month} {y}"
    if ev.time_precision == 2:
        return f"In the week of {d} {month} {y}"
    return f"On {d} {month} {y}"
