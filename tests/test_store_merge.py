"""Merging reports into events, pure functions (no database, no model): the ACLED unit, the chosen
values, contested facts, independent outlets; and the B-cubed measure of `eval merge`."""
from __future__ import annotations

import datetime as dt

import pytest

from eventwire.store import merge
from eventwire.store.evaluate import bcubed, outlet_of
from eventwire.store.hashing import body_hash, content_hash


def record(**kw):
    base = {"event_id": "SYR-1", "event_type": "Battles", "sub_event_type": "Armed clash",
            "event_date": "2017-07-21", "time_precision": 1, "country": "Syria", "admin1": "Aleppo",
            "admin2": "Jabal Saman", "location": "Aleppo", "latitude": 36.2, "longitude": 37.16, "geo_precision": 1,
            "actor1": "Military Forces of Syria", "actor2": "Islamic State", "assoc_actor_1": [], "assoc_actor_2": [],
            "inter1": 1, "inter2": 2, "fatalities": 0, "evidence": [], "claims": [], "confidence": 0.8}
    base.update(kw)
    return base


def report(doc="a", outlet="Reuters", text=None, sentence="Syrian troops clashed with Islamic State fighters in Aleppo",
           article_id=None, **kw):
    rec = record(**kw)
    rec["evidence"] = [{"doc_id": doc, "sentence": sentence, "start": 0, "end": len(sentence)}]
    rec["claims"] = kw.get("claims", [{"doc_id": doc, "outlet": outlet, "attributed_to": None,
                                       "reporting_verb": None, "hedged": False}])
    return merge.Report(record=rec, doc_id=doc, outlet=outlet, body_hash=body_hash(text or f"article {doc}"),
                        published=dt.date(2017, 7, 21), article_id=article_id,
                        signature=merge.report_signature(rec))


def state(rep: merge.Report, key=1, article_ids=()):
    return merge.EventState(key=key, record=rep.record, article_ids=frozenset(article_ids), signature=rep.signature)


def test_same_event_told_by_two_outlets_matches_with_reasons():
    a = report("a", sentence="Syrian troops clashed with Islamic State fighters in Aleppo on Friday")
    b = report("b", outlet="AFP", sub_event_type="Armed clash",
               sentence="Islamic State fighters and Syrian troops clashed in Aleppo on Friday", latitude=36.21)
    m = merge.match(b, state(a), merge.actor_names(a.record))
    assert m.ok
    text = " | ".join(m.reasons)
    assert "dates agree" in text and "places agree" in text and "actors overlap" in text


@pytest.mark.parametrize("change, why", [
    ({"event_date": "2017-07-22"}, "dates differ"),                             # ACLED: another day, another event
    ({"actor2": "Hayat Tahrir al-Sham"}, None),                                 # shares the Syrian army: still one
    ({"actor1": "Hezbollah", "actor2": "Hayat Tahrir al-Sham"}, "different actors"),
    ({"event_type": "Protests", "sub_event_type": "Peaceful protest"}, "event types differ"),
    ({"latitude": 35.0, "longitude": 38.0, "admin2": "Other"}, "places differ"),
    ({"country": "Lebanon"}, "countries differ"),
])
def test_the_acled_unit_keeps_events_apart(change, why):
    a = report("a")
    b = report("b", outlet="AFP", **change)
    m = merge.match(b, state(a), merge.actor_names(a.record))
    if why is None:
        assert m.ok, m.reasons
    else:
        assert not m.ok and why in m.reasons[0]


def test_dates_match_within_the_precision_they_carry():
    a = report("a", event_date="2017-07-15", time_precision=3)          # "in July"
    b = report("b", outlet="AFP", event_date="2017-07-28", time_precision=1)
    assert merge.match(b, state(a), merge.actor_names(a.record)).ok
    c = report("c", outlet="AP", event_date="2017-08-02", time_precision=1)
    assert not merge.match(c, state(a), merge.actor_names(a.record)).ok
    week = report("d", outlet="AP", event_date="2017-07-18", time_precision=2)   # 15..21
    assert merge.match(week, state(report("e", event_date="2017-07-21")), ["Islamic State"]).ok


def test_distance_limit_depends_on_geo_precision_and_admin2():
    a = report("a", latitude=36.20, longitude=37.16, geo_precision=1)
    near = report("b", outlet="AFP", latitude=36.28, longitude=37.16, geo_precision=1, admin2="Other")  # ~9 km
    far = report("c", outlet="AP", latitude=36.40, longitude=37.16, geo_precision=1, admin2="Other",
                 sentence="A different sentence entirely about something")  # ~22 km
    same_admin2 = report("d", outlet="AP", latitude=36.40, longitude=37.16, geo_precision=1)
    assert merge.match(near, state(a), ["Islamic State"]).ok
    assert not merge.match(far, state(a), ["Islamic State"]).ok
    m = merge.match(same_admin2, state(a), ["Islamic State"])
    assert m.ok and any("same admin2" in r for r in m.reasons)
    vague = report("e", outlet="AP", latitude=36.40, longitude=37.16, geo_precision=2, admin2="Other")  # 25 km limit
    assert merge.match(vague, state(a), ["Islamic State"]).ok


def test_two_events_of_one_article_never_merge():
    a = report("a", article_id=7)
    b = report("a", article_id=7)
    m = merge.match(b, state(a, article_ids=[7]), ["Islamic State"])
    assert not m.ok and "article" in m.reasons[0]


def test_unknown_place_needs_similar_texts():
    a = report("a", location=None, latitude=None, longitude=None)
    similar = report("b", outlet="AFP", location=None, latitude=None, longitude=None)
    other = report("c", outlet="AP", location=None, latitude=None, longitude=None,
                   sentence="Government troops repelled an assault near the power station overnight")
    assert merge.match(similar, state(a), ["Islamic State"]).ok
    assert not merge.match(other, state(a), ["Islamic State"]).ok


def test_lowest_credible_fatalities_and_contested_by_outlet():
    reps = [report("a", "Reuters", fatalities=12), report("b", "AFP", fatalities=3),
            report("c", "SANA", fatalities=0),   # says nothing about deaths: not a claim of zero
            report("d", "Rumour Mill", fatalities=1,
                   claims=[{"doc_id": "d", "outlet": "Rumour Mill", "attributed_to": "activists",
                            "reporting_verb": "claimed", "hedged": True}])]
    rec, contested, corroboration = merge.aggregate(reps, "SYR-1")
    assert rec["fatalities"] == 3          # the hedged 1 is not credible while unhedged counts exist
    assert contested["fatalities"] == {"Reuters": 12, "AFP": 3, "Rumour Mill": 1}
    assert corroboration["n_reports"] == 4 and corroboration["n_outlets"] == 4
    assert {e["doc_id"] for e in rec["evidence"]} == {"a", "b", "c", "d"}
    assert rec["source"] == "Reuters; AFP; SANA; Rumour Mill"


def test_a_reprinted_wire_story_is_one_source():
    wire = "DAMASCUS (Reuters) - Syrian troops clashed with Islamic State fighters in Aleppo."
    reps = [report("a", "Reuters", text=wire), report("b", "Daily Star", text=wire.replace("Reuters", "DS")),
            report("c", "AFP", text="A different story written by AFP.")]
    assert merge.independent_sources(reps) == 2
    reprint = "BEIRUT (Daily Star) –  syrian troops clashed with Islamic State fighters in Aleppo"
    assert body_hash(wire) == body_hash(reprint)
    assert content_hash(wire, "Reuters") != content_hash(wire, "Daily Star")


def test_most_precise_date_and_place_are_chosen():
    reps = [report("a", event_date="2017-07-15", time_precision=3, geo_precision=3, location="Aleppo Governorate"),
            report("b", "AFP", event_date="2017-07-20", time_precision=1, geo_precision=1, location="Aleppo")]
    rec, contested, _ = merge.aggregate(reps, "SYR-1")
    assert (rec["event_date"], rec["time_precision"]) == ("2017-07-20", 1)
    assert (rec["location"], rec["geo_precision"]) == ("Aleppo", 1)
    assert set(contested) >= {"event_date", "location"}


def test_bcubed_on_a_hand_computed_clustering():
    gold = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "2"}
    pred = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "z"}
    s = bcubed(pred, gold)
    # precision: a,b 2/3, c 1/3, d,e 1 -> (2/3+2/3+1/3+1+1)/5 = 11/15; recall: a,b 1, c,d,e 1/3 -> 3/5
    assert s["precision"] == pytest.approx(11 / 15)
    assert s["recall"] == pytest.approx(3 / 5)
    base = bcubed({k: k for k in gold}, gold)
    assert base["precision"] == 1.0 and base["recall"] == pytest.approx((1 / 2 * 2 + 1 / 3 * 3) / 5)


def test_outlet_from_archived_url():
    assert outlet_of("http://web.archive.org/web/20160617212336/http://fox59.com:80/2014/02/04/x/") == "fox59.com"
    assert outlet_of("https://www.reuters.com/article/x") == "reuters.com"
    assert outlet_of(None) is None
