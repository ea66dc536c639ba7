"""The event stage on its own: clauses and roles, the ACLED unit merge, the record and its notes."""
from __future__ import annotations

import datetime as dt

import pytest

from eventwire.events.candidate import Candidate, merge_candidates
from eventwire.events.record import (actor_inter, ascii_name, build_event, interaction_code, notes,
                                     territory_subtype)
from eventwire.events.roles import assign_roles, clauses
from eventwire.model import ActorMention, Claim, Place, PlaceMention


def actor(name, inter, country=None, kind="lexicon", start=0):
    return ActorMention(start, start + len(name), name, name, inter, country, kind)


def place(name, country="SY", lat=34.0, lon=36.5, precision=1, gid=1):
    return PlaceMention(0, len(name), name, Place(name, lat, lon, country, "P.PPL", gid, "Rif Dimashq"), precision)


def cand(sentence="x", start=0, date=dt.date(2020, 5, 9), a1=None, a2=None, where=None,
         etype="Battles", sub="Armed clash"):
    return Candidate(doc_id="d", sentence_start=start, sentence_end=start + len(sentence), sentence=sentence,
                     paragraph=0, event_type=etype, sub_event_type=sub, disorder_type="Political violence",
                     score=0.8, date=date, time_precision=1, actor1=a1, actor2=a2, place=where,
                     claims=[Claim("d", "Outlet", None, None, False)])


# ---------------------------------------------------------------- clauses and roles
def _roles(nlp, lexicon_actors, text, trigger_words):
    doc = nlp(text)
    triggers = [t.i for t in doc if t.text in trigger_words]
    found = []
    for name, surface, inter in lexicon_actors:
        i = text.index(surface)
        found.append(ActorMention(i, i + len(surface), surface, name, inter, None))
    return doc, clauses(doc, triggers), found


def test_two_subjects_give_two_clauses_with_their_own_actors(nlp):
    text = "Rebels attacked the base in the north, and in the south the army shelled rebel positions."
    doc, cs, found = _roles(nlp, [("Rebels", "Rebels", 2), ("Army", "army", 1)], text, {"attacked", "shelled"})
    assert len(cs) == 2
    first = assign_roles(doc, cs[0], [a for a in found if cs[0].start_char <= a.start < cs[0].end_char])
    second = assign_roles(doc, cs[1], [a for a in found if cs[1].start_char <= a.start < cs[1].end_char])
    assert first.actor1.name == "Rebels" and second.actor1.name == "Army"


def test_passive_agent_and_backers(nlp):
    text = "Five villagers were killed by militiamen backed by government troops."
    doc, cs, found = _roles(nlp, [("Civilians", "villagers", 7), ("Militia", "militiamen", 3),
                                  ("State", "government troops", 1)], text, {"killed"})
    roles = assign_roles(doc, cs[0], found)
    assert roles.actor1.name == "Militia"
    assert roles.actor2.name == "Civilians"
    assert [a.name for a in roles.assoc1] == ["State"]


def test_target_after_against_is_side_two_even_inside_the_subject(nlp):
    text = "The offensive against the Insurgents began at dawn."
    doc, cs, found = _roles(nlp, [("Insurgents", "Insurgents", 2)], text, {"offensive"})
    roles = assign_roles(doc, cs[0], found)
    assert roles.actor1 is None and roles.actor2.name == "Insurgents"


def test_reporting_clause_is_flagged(nlp):
    doc = nlp("Troops shelled the village, a police source said.")
    cs = clauses(doc, [1], frozenset({"say"}))
    assert any(c.is_reporting for c in cs) and not all(c.is_reporting for c in cs)


# ---------------------------------------------------------------- the unit
def test_retellings_merge_and_keep_all_evidence():
    army, hts = actor("Military Forces of Syria", 1, "SY"), actor("Hayat Tahrir al-Sham", 2, "SY")
    generic = actor("Unidentified Armed Group (Syria)", 3, "SY", kind="generic")
    units = merge_candidates([
        cand("A", 0, a1=army, a2=generic, where=place("Fleita"), sub="Armed clash"),
        cand("B", 10, a1=army, a2=hts, where=place("Fleita"), sub="Government regains territory"),
    ])
    assert len(units) == 1
    u = units[0]
    assert u.actor2.name == "Hayat Tahrir al-Sham"          # the named group wins over the generic one
    assert u.sub_event_type == "Government regains territory"  # territory change outranks a clash
    assert [e[1] for e in u.evidence] == [0, 10]


@pytest.mark.parametrize("change", ["date", "place", "actor"])
def test_different_day_place_or_actors_stay_apart(change):
    army, rsf, saf = actor("Military Forces of Sudan", 1, "SD"), actor("RSF", 2, "SD"), actor("SPLM-N", 2, "SD")
    base = cand("A", 0, a1=army, a2=rsf, where=place("El Fasher", "SD"))
    other = {
        "date": cand("B", 9, date=dt.date(2020, 5, 10), a1=army, a2=rsf, where=place("El Fasher", "SD")),
        "place": cand("B", 9, a1=army, a2=rsf, where=place("Nyala", "SD", gid=2)),
        "actor": cand("B", 9, a1=army, a2=saf, where=place("El Fasher", "SD")),
    }[change]
    assert len(merge_candidates([base, other])) == 2


def test_violence_and_strategic_development_are_not_one_unit():
    army = actor("Military Forces of Mali", 1, "ML")
    units = merge_candidates([cand("A", 0, a1=army, where=place("Gao", "ML")),
                              cand("B", 5, a1=army, where=place("Gao", "ML"), etype="Strategic developments",
                                   sub="Change to group/activity")])
    assert len(units) == 2


# ---------------------------------------------------------------- the record
def test_interaction_codes_follow_acled():
    assert interaction_code(1, 2) == 12 and interaction_code(7, 3) == 37
    assert interaction_code(6, None) == 60 and interaction_code(None, None) is None


def test_territory_follows_who_takes_it():
    assert territory_subtype("Non-state actor overtakes territory", 1) == "Government regains territory"
    assert territory_subtype("Government regains territory", 2) == "Non-state actor overtakes territory"
    assert territory_subtype("Armed clash", 2) == "Armed clash"


def test_foreign_state_forces_are_external():
    syrian = actor("Military Forces of Syria", 1, "SY")
    assert actor_inter(syrian, "SY") == 1 and actor_inter(syrian, "LB") == 8
    assert actor_inter(actor("Hezbollah", 3, "LB"), "SY") == 3


def test_ascii_location_names():
    assert ascii_name("Aarsâl") == "Aarsal" and ascii_name("Pul-e ‘Alam") == "Pul-e Alam"


def test_record_fields_and_notes():
    army, civ = actor("Military Forces of Nigeria", 1, "NG"), actor("Civilians", 7, None, kind="generic")
    c = cand("Soldiers shot dead three villagers.", 0, a1=army, a2=civ,
             where=place("Maiduguri", "NG", 11.85, 13.16), etype="Violence against civilians", sub="Attack")
    c.fatalities = 3
    ev = build_event(c, ["Daily Trust"])
    assert ev.country == "Nigeria" and ev.iso == 566 and ev.region == "Western Africa"
    assert ev.actor2 == "Civilians (Nigeria)" and ev.civilian_targeting == "Civilian targeting"
    assert ev.interaction == 17 and ev.fatalities == 3 and ev.source == "Daily Trust"
    assert ev.event_id.startswith("NGA-")
    assert ev.notes.startswith("On 9 May 2020, Military Forces of Nigeria attacked Civilians (Nigeria) in Maiduguri")
    assert "3 fatalities" in notes(ev)
