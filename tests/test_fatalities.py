"""Fatality counts (GUIDE fatality conventions: lowest credible number, vague words, not injuries)."""
from __future__ import annotations

import pytest

from eventwire.mentions.fatalities import count_fatalities, fatality_mentions, parse_number


@pytest.mark.parametrize(
    "text, expected",
    [
        # the lowest credible number
        ("At least 12 people were killed in the bombing.", 12),
        ("Between 5 and 7 soldiers died in the ambush.", 5),
        ("Officials said 8 to 10 villagers were slain.", 8),
        ("Up to 20 civilians were killed.", 20),  # the only number reported
        # written numbers
        ("Three soldiers were killed.", 3),
        ("Twenty-five people were killed in the raid.", 25),
        ("A dozen fighters were killed.", 12),
        ("One hundred and twenty prisoners were executed.", 120),
        # vague quantities
        ("A few policemen died in the blast.", 3),
        ("Several soldiers were killed.", 10),
        ("Many civilians were killed.", 10),
        ("Soldiers were killed when the convoy was hit.", 10),
        ("Dozens were killed in the fighting.", 12),
        ("Scores of people died.", 20),
        ("Hundreds of people were massacred.", 100),
        # deaths only, not injuries
        ("3 killed and 10 wounded in the attack.", 3),
        ("The clash left 10 casualties.", None),
        ("Police said 30 people were injured.", None),
        ("Gunmen stormed the village and killed three people, wounding five others.", 3),
        ("Rebels attacked the post, killing 1 soldier and injuring 3.", 1),
        # singular victims
        ("Militants attacked the post, killing a soldier.", 1),
        ("A man was shot dead near the market.", 1),
        ("A police officer shot dead a driver at a roadblock.", 1),
        ("The bomb killed him instantly.", 1),
        ("A farmer was kidnapped and killed by gunmen.", 1),
        # sums across groups in one sentence
        ("Gunmen killed 3 soldiers and 2 civilians in the raid.", 5),
        ("2 civilians and 6 militants were killed, 10 children were wounded.", 8),
        ("A woman and her 9-year-old daughter were killed by raiders.", 2),
        # subsets are not added
        ("14 rebels including 2 commanders were killed.", 14),
        ("Five dead, including three police officers.", 5),
        # none
        ("No one was killed in the blast.", 0),
        ("The attack caused no casualties.", 0),
        # numbers that are not deaths
        ("Nearly 3,000 militants have been using the area as a base.", None),
        ("In 2014, militants overran the town.", None),
        ("On 9 May 2020, militants burned 40 houses.", None),
        ("A truck hit the herd and 32 sheep were killed.", None),
        ("The militants withdrew 15 km after the army advanced.", None),
        # explicit tolls win
        ("The death toll from the bombing rose to 15.", 15),
        ("The attack claimed the lives of four people.", 4),
    ],
)
def test_count_fatalities(text, expected):
    assert count_fatalities(text) == expected


def test_no_death_mentioned_is_none_not_zero():
    assert count_fatalities("Protesters blocked the highway.") is None


def test_groups_in_a_sentence_are_summed_but_restatements_are_not():
    assert count_fatalities("Two soldiers and three militants died in the north.") == 5
    text = "Four soldiers were killed on Friday. Two of the soldiers were killed by a sniper."
    assert count_fatalities(text) == 4


def test_mentions_have_offsets_into_the_text():
    text = "On Friday, gunmen killed 4 villagers and 2 guards."
    found = fatality_mentions(text)
    assert sorted(m[2] for m in found) == [2, 4]
    for start, end, _, phrase in found:
        assert text[start:end] == phrase


@pytest.mark.parametrize(
    "words, value",
    [("1,200", 1200), ("twenty-five", 25), ("twenty five", 25), ("a dozen", 12), ("dozens", 12),
     ("one hundred and two", 102), ("three thousand", 3000), ("several", 10), ("banana", None)],
)
def test_parse_number(words, value):
    assert parse_number(words) == value


@pytest.mark.parametrize("name, bar", [("2020_afghanistan_dkoban.csv", 0.85), ("kenya_carol0128.csv", 0.85)])
def test_acled_dev_notes_fatalities(name, bar):
    """Regression bar on real ACLED notes (dev data, read in place; skipped in a fresh clone)."""
    import csv

    from conftest import require_shared

    path = require_shared("data", "acled-dev", name)
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ok = sum((count_fatalities(r["notes"]) or 0) == int(r["fatalities"]) for r in rows)
    assert ok / len(rows) >= bar
