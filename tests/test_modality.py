"""Modality: only asserted sentences become today's events."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eventwire.mentions.modality import LABELS, modality, modality_of_verb

SEED = Path(__file__).resolve().parents[1] / "examples" / "qalamoun-arsal-2017-07-21.txt"
PUBLISHED = dt.date(2017, 7, 21)


def _seed_sentence(fragment: str) -> str:
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if fragment in line:
            return line
    raise AssertionError(f"{fragment!r} not in the seed story")


SEED_CASES = [
    ("The Syrian Army targeted terrorists", "asserted"),
    ("were targeting al-Nusra Front gatherings", "asserted"),
    ("seized the Tallat al-Burkan hill", "asserted"),
    ("would launch an operation", "future"),
    ("in 2014, when the militants managed", "background"),
    ("live in the town", "background"),
    ("have been using the barren area", "background"),
]


@pytest.mark.parametrize("fragment, label", SEED_CASES)
def test_seed_sentences_as_text(fragment, label):
    assert modality(_seed_sentence(fragment), PUBLISHED) == label


@pytest.mark.parametrize("fragment, label", SEED_CASES)
def test_seed_sentences_as_parsed_span(nlp, fragment, label):
    span = nlp(_seed_sentence(fragment))[:]
    assert modality(span, PUBLISHED) == label


def test_seed_no_time_limit_is_not_an_asserted_event(nlp):
    s = _seed_sentence("There is no time limit for the operation")
    assert modality(s, PUBLISHED) != "asserted"
    assert modality(nlp(s)[:], PUBLISHED) != "asserted"


@pytest.mark.parametrize(
    "sentence, label",
    [
        ("No one was killed in the attack on the checkpoint.", "asserted"),
        ("The raid caused no casualties.", "asserted"),
        ("The army denied that its jets struck the market.", "negated"),
        ("Rebels did not attack the base.", "negated"),
        ("If the talks fail, the rebels will attack the city.", "conditional"),
        ("The militants threatened to attack the convoy.", "reported_plan"),
        ("The government plans to deploy troops to the border.", "reported_plan"),
        ("The militia vowed to retake the town.", "reported_plan"),
        ("Troops will enter the town tomorrow.", "future"),
        ("The army is expected to launch an offensive.", "future"),
        ("The strike could have killed dozens.", "hypothetical"),
        ("Fighting may spread to the capital.", "hypothetical"),
        ("On 9 May 2020, militants attacked a checkpoint.", "asserted"),
        ("It is unclear if anyone was hurt when gunmen attacked the bus.", "asserted"),
        ("Thousands of displaced families live in the camp.", "background"),
    ],
)
def test_cues(sentence, label):
    assert modality(sentence) == label
    assert label in LABELS


def test_may_the_month_is_not_a_modal():
    assert modality("On 3 May militants stormed the prison.") == "asserted"


@pytest.mark.parametrize(
    "sentence",
    [
        "More than 300,000 people have been killed in the country since the conflict began in 2011.",
        "The war has killed more than 220,000 people and wounded at least a million, the UN says.",
        "The conflict in the country, which has lasted five years, has killed more than 280,000 people.",
        "Some 191,000 people have been killed since an uprising against the president's rule erupted.",
        "The city has been ravaged by the war that began in March 2011 with anti-government protests.",
        "Since then more than a quarter of a million people have been killed across the country.",
        "Air strikes have killed 4,000 civilians since Moscow first intervened just over a year ago.",
        "More than 180,000 people have been killed since March 2011 and half the population has fled.",
    ],
)
def test_a_whole_wars_toll_is_background_not_an_event(sentence):
    assert modality(sentence, PUBLISHED) == "background"


@pytest.mark.parametrize(
    "sentence",
    [
        "Russian war planes have killed 12 civilians in Idlib on Monday.",
        "Since Saturday at least 68 civilians have been killed in air strikes on the town.",
        "The fighting has killed 12 people in the district since Friday.",
        "Government warplanes killed 12 people in the town on Friday.",
    ],
)
def test_short_tolls_and_war_planes_stay_events(sentence):
    assert modality(sentence, PUBLISHED) == "asserted"


def test_past_year_needs_no_publication_when_phrased_as_history():
    assert modality("The town was overrun in 2014, when militants crossed the border.") == "background"
    # a current date next to an old year keeps the sentence asserted
    assert modality("On Friday rebels retook the town they lost in 2014.", PUBLISHED) == "asserted"


def test_modality_of_verb_reads_auxiliaries(nlp):
    doc = nlp("The army will attack the town.")
    assert modality_of_verb([t for t in doc if t.lemma_ == "attack"][0]) == "future"
    doc = nlp("The army did not attack the town.")
    assert modality_of_verb([t for t in doc if t.lemma_ == "attack"][0]) == "negated"
    doc = nlp("The rebels threatened to attack the town.")
    assert modality_of_verb([t for t in doc if t.lemma_ == "attack"][0]) == "reported_plan"
    doc = nlp("The rebels attacked the town.")
    assert modality_of_verb([t for t in doc if t.lemma_ == "attack"][0]) == "asserted"


@pytest.mark.parametrize(
    "sentence",
    [
        "Police arrested 27 youths who were planning to disrupt a rally.",
        "Workers blocked the road over fears they would not be paid.",
        "Gunmen stormed the camp, which will be rebuilt by the agency.",
    ],
)
def test_cues_in_embedded_clauses_do_not_unassert_the_event(sentence):
    assert modality(sentence) == "asserted"
