"""Attribution: who in the text asserts a sentence (claims are not facts)."""
from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.mentions.claims import attribution_span, attribution_spans, find_attribution, is_hedged
from eventwire.model import Claim

SEED = Path(__file__).resolve().parents[1] / "examples" / "qalamoun-arsal-2017-07-21.txt"
OUTLET = "Press Shia Agency"


def _seed_sentence(fragment: str) -> str:
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if fragment in line:
            return line
    raise AssertionError(f"{fragment!r} not in the seed story")


def test_seed_according_to_military_media_center():
    claim = find_attribution(_seed_sentence("According to the Hezbollah"), OUTLET, "seed")
    assert isinstance(claim, Claim)
    assert "Military Media Center" in claim.attributed_to
    assert not claim.attributed_to.lower().startswith("the ")
    assert claim.reporting_verb == "according_to"
    assert claim.doc_id == "seed" and claim.outlet == OUTLET


def test_seed_sources_told_the_outlet_itself():
    claim = find_attribution(_seed_sentence("The Syrian sources told Press Shia Agency"), OUTLET, "seed")
    assert claim.attributed_to == "Syrian sources"
    assert claim.reporting_verb == "tell"


def test_seed_sources_announced():
    claim = find_attribution(_seed_sentence("Syrian sources announced on Friday"), OUTLET, "seed")
    assert claim.attributed_to == "Syrian sources" and claim.reporting_verb == "announce"


def test_seed_reuters_quoted_a_security_source():
    claim = find_attribution(_seed_sentence("Reuters quoted a Lebanese security source"), OUTLET, "seed")
    assert claim.attributed_to.startswith("Lebanese security source")
    assert "(via Reuters)" in claim.attributed_to
    assert claim.reporting_verb == "quote"


def test_seed_said_in_a_tweet_after_a_quote():
    sentence = _seed_sentence("Hezbollah Media Center said in a tweet")
    claim = find_attribution(sentence, OUTLET, "seed")
    assert claim.attributed_to == "Hezbollah Media Center" and claim.reporting_verb == "say"


def test_seed_trailing_source_said():
    claim = find_attribution(_seed_sentence("a Lebanese security source said"), OUTLET, "seed")
    assert claim.attributed_to == "Lebanese security source"


def test_seed_other_outlet_reported():
    claim = find_attribution(_seed_sentence("Press TV reported"), OUTLET, "seed")
    assert claim.attributed_to == "Press TV" and claim.reporting_verb == "report"


def test_seed_outlet_own_voice():
    claim = find_attribution(_seed_sentence("The Syrian Army targeted terrorists"), OUTLET, "seed")
    assert claim.attributed_to is None and claim.reporting_verb is None and not claim.hedged


def test_outlet_naming_itself_is_its_own_voice():
    claim = find_attribution("Press Shia Agency reported that the army advanced.", OUTLET, "d")
    assert claim.attributed_to is None


@pytest.mark.parametrize(
    "sentence, speaker, verb",
    [
        ("A provincial spokesman told Reuters that ten people died.", "provincial spokesman (via Reuters)", "tell"),
        ("Al-Mayadeen, citing a military source, said the army took the ridge.", "military source (via Al-Mayadeen)", "cite"),
        ("Five soldiers were killed, the defence ministry said.", "defence ministry", "say"),
        ("The rebel group claimed responsibility for the ambush.", "rebel group", "claim"),
        ("Local residents said the militia burned the market.", "Local residents", "say"),
        ("Police say the bomb went off at dawn.", "Police", "say"),
        ("The ministry has said that it shot down two drones.", "ministry", "say"),
        ("“We were shelled at dawn,” said Omar Haddad, a local farmer.", "Omar Haddad", "say"),
        ("Omar, who asked not to be named, said the market was shelled.", "Omar", "say"),
        ("State television, citing security sources, said 3 guards died.", "security sources (via State television)", "cite"),
        ("According to a statement by the Interior Ministry, the jets hit 10 targets.", "Interior Ministry", "according_to"),
        ("The militants, according to witnesses, set fire to the houses.", "witnesses", "according_to"),
    ],
)
def test_reporting_patterns(sentence, speaker, verb):
    claim = find_attribution(sentence, "Daily Example", "d")
    assert (claim.attributed_to, claim.reporting_verb) == (speaker, verb)


def test_according_to_needs_a_speaker():
    # "according to plan" is not an attribution
    claim = find_attribution("The assault went according to planned phases.", "X", "d")
    assert claim.attributed_to is None


@pytest.mark.parametrize(
    "sentence, hedged",
    [
        ("Rebels reportedly shelled the town.", True),
        ("The militia allegedly executed two prisoners.", True),
        ("The commander is believed to have been killed.", True),
        ("According to unverified reports, the bridge was destroyed.", True),
        ("The group claimed the attack.", True),
        ("Soldiers shelled the town on Friday.", False),
    ],
)
def test_hedges(sentence, hedged):
    assert is_hedged(sentence) is hedged
    assert find_attribution(sentence, "X", "d").hedged is hedged


def test_attribution_span_covers_the_speaker_only():
    s = "Reuters quoted a Lebanese security source as saying that refugees fled."
    start, end = attribution_span(s)
    assert s[start:end] == "Lebanese security source"
    assert sorted(s[a:b] for a, b in attribution_spans(s)) == ["Lebanese security source", "Reuters"]
    assert attribution_span("Soldiers shelled the town.") is None


def test_accepts_a_spacy_span(nlp):
    doc = nlp("Militants attacked a checkpoint. A local official said two guards were wounded.")
    sent = list(doc.sents)[1]
    claim = find_attribution(sent, "X", "d")
    assert claim.attributed_to == "local official" and claim.reporting_verb == "say"
