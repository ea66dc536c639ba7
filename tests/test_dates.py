"""Time expressions resolved against the publication date (GUIDE date conventions)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eventwire.io.readers import parse_published
from eventwire.mentions.dates import find_dates, resolve_event_date

SEED = Path(__file__).resolve().parents[1] / "examples" / "qalamoun-arsal-2017-07-21.txt"
FRIDAY = dt.date(2017, 7, 21)  # the seed story's publication day, a Friday


def _seed_sentence(fragment: str) -> str:
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if fragment in line:
            return line
    raise AssertionError(f"{fragment!r} not in the seed story")


def test_seed_on_friday_is_publication_day():
    d = resolve_event_date(_seed_sentence("started off early on Friday"), FRIDAY)
    assert d.date == FRIDAY and d.time_precision == 1 and d.kind == "weekday"
    d = resolve_event_date(_seed_sentence("Syrian sources announced on Friday"), FRIDAY)
    assert d.date == FRIDAY


def test_seed_on_tuesday_is_the_tuesday_before():
    d = resolve_event_date(_seed_sentence("On Tuesday, Lebanese Prime Minister"), FRIDAY)
    assert d.date == dt.date(2017, 7, 18) and d.time_precision == 1


def test_seed_earlier_in_july_is_month_precision():
    d = resolve_event_date(_seed_sentence("Earlier in July"), FRIDAY)
    assert (d.date.year, d.date.month, d.time_precision) == (2017, 7, 3)
    assert d.date.day == 15


def test_seed_in_2014_is_past_year():
    d = resolve_event_date(_seed_sentence("in 2014, when the militants"), FRIDAY)
    assert d.kind == "past_year" and d.date == dt.date(2014, 7, 1) and d.time_precision == 3


def test_seed_sentence_without_time_gets_default():
    s = _seed_sentence("The Syrian Army targeted terrorists")
    assert resolve_event_date(s, FRIDAY) is None
    fallback = find_dates("on Friday", FRIDAY)[0]
    assert resolve_event_date(s, FRIDAY, default=fallback) is fallback


@pytest.mark.parametrize(
    "text, published, expected, precision",
    [
        ("Gunmen opened fire yesterday.", dt.date(2020, 3, 2), dt.date(2020, 3, 1), 1),
        ("Shelling continued last night.", dt.date(2020, 3, 2), dt.date(2020, 3, 1), 1),
        ("Police dispersed protesters this morning.", dt.date(2020, 3, 2), dt.date(2020, 3, 2), 1),
        ("A shooting overnight left two dead.", dt.date(2020, 3, 2), dt.date(2020, 3, 2), 1),
        ("Clashes erupted on Saturday.", dt.date(2020, 3, 2), dt.date(2020, 2, 29), 1),  # leap day
        ("Clashes erupted Friday night.", dt.date(2020, 3, 2), dt.date(2020, 2, 28), 1),
        ("The raid happened last Monday.", dt.date(2020, 3, 2), dt.date(2020, 2, 24), 1),  # pub is a Monday
        ("Two days ago a bomb exploded.", dt.date(2020, 3, 2), dt.date(2020, 2, 29), 1),
        ("Protests spread last week.", dt.date(2020, 3, 4), dt.date(2020, 2, 27), 2),
        ("A few days ago a convoy was hit.", dt.date(2020, 3, 10), dt.date(2020, 3, 7), 2),
        ("Fighting flared over the weekend.", dt.date(2020, 3, 10), dt.date(2020, 3, 7), 2),
        ("Earlier this month rebels took the hill.", dt.date(2020, 3, 20), dt.date(2020, 3, 15), 3),
        ("Last month the army shelled the valley.", dt.date(2020, 1, 20), dt.date(2019, 12, 15), 3),
        ("In July the rebels withdrew.", dt.date(2020, 3, 20), dt.date(2019, 7, 15), 3),
        ("At the end of June the town fell.", dt.date(2020, 8, 1), dt.date(2020, 6, 30), 3),
        ("In early May the town fell.", dt.date(2020, 8, 1), dt.date(2020, 5, 1), 3),
        ("On 27 November, a bus was ambushed.", dt.date(2021, 1, 4), dt.date(2020, 11, 27), 1),
    ],
)
def test_relative_expressions(text, published, expected, precision):
    d = resolve_event_date(text, published)
    assert d is not None, text
    assert (d.date, d.time_precision) == (expected, precision)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("On 9 May 2020, militants stormed a post.", dt.date(2020, 5, 9)),
        ("Fighting began on 21 July 2017 near the border.", dt.date(2017, 7, 21)),
        ("The ambush on July 21, 2017 killed four.", dt.date(2017, 7, 21)),
        ("On December 31 2019, a car bomb exploded.", dt.date(2019, 12, 31)),
        ("Report dated 21/07/2017: shelling.", dt.date(2017, 7, 21)),
        ("The strike on 2017-07-21 hit a depot.", dt.date(2017, 7, 21)),
        ("Friday, 21st of July, 2017: rebels advanced.", dt.date(2017, 7, 21)),
    ],
)
def test_explicit_dates_need_no_publication_date(text, expected):
    d = resolve_event_date(text, None)
    assert d.date == expected and d.time_precision == 1 and d.kind == "explicit"


def test_reported_on_widens_precision_but_keeps_the_date():
    d = resolve_event_date("As reported on 3 April 2021, rebels seized a village.", None)
    assert d.date == dt.date(2021, 4, 3) and d.time_precision == 2


def test_day_range_is_dated_to_its_first_day():
    d = resolve_event_date("Between 3 and 5 May 2021, militias clashed.", None)
    assert d.date == dt.date(2021, 5, 3) and d.time_precision == 2


def test_without_publication_only_explicit_dates_resolve():
    assert resolve_event_date("Militants attacked on Friday.", None) is None
    assert resolve_event_date("Militants attacked yesterday.", None) is None
    assert resolve_event_date("On 4 March, militants attacked.", None) is None


@pytest.mark.parametrize("text", ["The army will attack tomorrow.", "Talks resume next week.", "A vote is due next Friday."])
def test_future_expressions(text):
    d = resolve_event_date(text, FRIDAY)
    assert d is not None and d.kind == "future" and d.date is None


def test_current_date_wins_over_past_year():
    d = resolve_event_date("On Friday rebels retook the town they had lost in 2014.", FRIDAY)
    assert d.date == FRIDAY


def test_numbers_that_are_not_years_or_dates():
    assert find_dates("Nearly 3,000 militants and 2014 fighters", FRIDAY) == []
    assert find_dates("Theresa May said the army may withdraw.", FRIDAY) == []


def test_offsets_point_into_text():
    text = "Officials said that on Tuesday 12 people died."
    (d,) = find_dates(text, FRIDAY)
    assert text[d.start:d.end] == d.text == "on Tuesday"


@pytest.mark.parametrize(
    "value",
    ["2017-07-21", "21 July 2017", "July 21, 2017", "Fri, 21 Jul 2017 10:00:00 GMT", "2017-07-21T10:00:00Z",
     "2017-07-21T23:30:00+02:00"],
)
def test_parse_published_formats(value):
    assert parse_published(value) == FRIDAY


@pytest.mark.parametrize("value", ["", "yesterday-ish", "not a date", "2017-13-45"])
def test_parse_published_rejects_garbage(value):
    with pytest.raises(ValueError, match="invalid published date"):
        parse_published(value)


def test_explicit_date_beats_weekday_at_equal_precision():
    d = resolve_event_date("Rebels attacked on Sunday (5 April) near the river.", dt.date(2020, 4, 10))
    assert d.date == dt.date(2020, 4, 5) and d.kind == "explicit"


def test_month_precision_is_never_after_publication():
    d = resolve_event_date("Earlier this month gunmen raided the village.", dt.date(2020, 3, 4))
    assert d.date == dt.date(2020, 3, 4) and d.time_precision == 3


def test_acled_dev_notes_dates():
    """Regression bar on real ACLED notes (dev data, read in place; skipped in a fresh clone)."""
    import csv

    from conftest import require_shared
    from eventwire.mentions.evaluate import parse_gold_date

    path = require_shared("data", "acled-dev", "2020_afghanistan_dkoban.csv")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ok = 0
    for row in rows:
        got = resolve_event_date(row["notes"], None)  # never the gold date as publication date
        ok += got is not None and got.date == parse_gold_date(row["event_date"])
    assert ok / len(rows) >= 0.95


def test_the_start_of_a_state_is_not_the_event_date():
    pub = dt.date(2016, 7, 1)
    d = resolve_event_date("Shelling killed two civilians in the city, divided since July 2012.", pub)
    assert d is None   # no date of its own: the caller's default (the story's date) applies
    # a day after "since" still dates what it opens ("since Saturday, 68 killed")
    d = resolve_event_date("Since Saturday at least 68 civilians have been killed.", pub)
    assert d.date == dt.date(2016, 6, 25)
