"""Pipeline.run: the streaming API parses several articles' event sentences together, yet gives the
same events as one article at a time, in input order, with each failure isolated to its record."""
from __future__ import annotations

from dataclasses import replace

from conftest import EXAMPLES

from eventwire.io.readers import make_article
from eventwire.model import RecordError

SEED = EXAMPLES / "qalamoun-arsal-2017-07-21.txt"

SHORT = ("KABUL, March 3 (Wire) - Taliban fighters attacked a police checkpoint in Kunduz province on "
         "Monday, killing four policemen, a provincial spokesman said. The militants fled after a "
         "two-hour gunfight.")
QUIET = "The ministry published its annual budget report on Tuesday. Officials welcomed the figures."


def _rows(events):
    return [(e.event_date, e.sub_event_type, e.actor1, e.actor2, e.location, e.fatalities) for e in events]


def test_run_matches_one_article_at_a_time_and_keeps_order(pipeline):
    seed = make_article(SEED.read_text("utf-8"), published="2017-07-21", source="Press Shia Agency", doc_id="seed")
    short = make_article(SHORT, published="2020-03-03", doc_id="short")
    quiet = make_article(QUIET, published="2020-03-03", doc_id="quiet")
    bad = RecordError("broken.jsonl:2", "malformed JSON", "read")
    huge = replace(short, doc_id="huge", text=SHORT * 50)  # over the small limit set below

    items = [seed, bad, short, huge, quiet, seed]
    old_limit = pipeline.max_chars
    pipeline.max_chars = len(SEED.read_text("utf-8")) + 10
    try:
        results = list(pipeline.run(items, batch=4))   # two batches, one split across records
        alone = {a.doc_id: _rows(pipeline.extract_article(a)) for a in (seed, short, quiet)}
    finally:
        pipeline.max_chars = old_limit

    assert [r.record for r in results] == ["seed", "broken.jsonl:2", "short", "huge", "quiet", "seed"]
    assert results[1].error is bad and not results[1].events
    assert results[3].error is not None and "too large" in results[3].error.reason
    assert results[4].error is None and results[4].events == []
    for r in (results[0], results[2], results[5]):
        assert r.error is None and r.events, r.record
        assert _rows(r.events) == alone[r.record]
    assert any(e.sub_event_type == "Attack" or e.event_type == "Battles" for e in results[2].events)


def test_a_wars_toll_is_neither_an_event_nor_the_deaths_of_one(pipeline):
    text = ("BEIRUT, June 30 (Wire) - Government air strikes killed five civilians in Douma on Thursday, "
            "a monitor said. The conflict, which has lasted five years, has killed more than 280,000 "
            "people.\n\nMore than 300,000 people have been killed since the war began in March 2011.")
    events = pipeline.extract(text, published="2016-06-30", doc_id="toll")
    assert [e.fatalities for e in events] == [5]
    assert all(e.event_date.startswith("2016-06") for e in events)


def test_an_x_based_place_is_not_where_the_event_happened(pipeline):
    text = ("The Britain-based monitor said Islamic State militants killed 12 civilians on Sunday. "
            "US-backed fighters clashed with the militants in Manbij on Monday.")
    events = pipeline.extract(text, published="2016-07-04", doc_id="based")
    assert events and "United Kingdom" not in {e.country for e in events}
    assert "United States" not in {e.country for e in events}
    assert "Manbij" in {e.location for e in events}


def test_a_foreign_country_named_as_the_doer_is_not_the_place(pipeline):
    text = ("DAMASCUS (Wire) - Syrian troops shelled rebel positions in Idlib on Monday. Russia carried out "
            "air strikes in support of government forces on Tuesday. U.S. air strikes killed 12 Islamic State "
            "fighters on Wednesday.")
    events = pipeline.extract(text, published="2016-07-08", doc_id="doer")
    assert len(events) == 3
    assert {e.country for e in events} == {"Syria"}
