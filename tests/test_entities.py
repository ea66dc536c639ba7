"""The `entities` stage: spaCy labels mapped to re3d-style labels and corrected by our lexicons."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eventwire.evaluation.entities import GoldEntity, evaluate_re3d, score
from eventwire.mentions.entities import (
    LABELS, EntityOptions, EntityRecognizer, baseline_entities, entities_for_text,
    extract_entities, load_entity_lexicon,
)
from eventwire.nlp import load_nlp

RE3D = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "re3d-dev"


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.fixture(scope="module")
def rec(nlp):
    return EntityRecognizer(nlp)


def ents(rec, nlp, text):
    return rec(nlp(text))


def labelled(rec, nlp, text):
    return {(e["text"], e["label"]) for e in ents(rec, nlp, text)}


def label_of(rec, nlp, text, span_text):
    found = [e["label"] for e in ents(rec, nlp, text) if e["text"] == span_text]
    return found[0] if found else None


# ------------------------------------------------------------------ each label
@pytest.mark.parametrize("text, span, label", [
    ("Prime Minister Haider al-Abadi visited the front line.", "Prime Minister Haider al-Abadi", "Person"),
    ("The Syrian Democratic Forces advanced on the dam.", "The Syrian Democratic Forces", "Organisation"),
    ("Fighting was reported in northern Syria late on Monday.", "northern Syria", "Location"),
    ("Officials said the hostages were Somali.", "Somali", "Nationality"),
    ("Gunmen armed with AK-47 rifles stormed the checkpoint.", "AK-47 rifles", "Weapon"),
    ("Two Su-24 jets bombed the road to the airport.", "Su-24 jets", "MilitaryPlatform"),
    ("The militants escaped in a pick-up truck.", "a pick-up truck", "Vehicle"),
    ("Clashes resumed on 12 March 2016 after a lull.", "12 March 2016", "Temporal"),
    ("At least seven people died when the market was hit.", "seven", "Quantity"),
    ("Donors pledged $500 million for reconstruction.", "$500 million", "Money"),
])
def test_each_label(rec, nlp, text, span, label):
    assert (span, label) in labelled(rec, nlp, text)


# ------------------------------------------------------------------ corrections of spaCy's labels
def test_known_armed_group_is_organisation(rec, nlp):
    text = "Hezbollah said its fighters repelled the attack."
    assert label_of(rec, nlp, text, "Hezbollah") == "Organisation"


def test_demonym_is_nationality_and_people_are_organisation(rec, nlp):
    assert label_of(rec, nlp, "The detained journalist is Syrian.", "Syrian") == "Nationality"
    found = labelled(rec, nlp, "Iraqis and Syrians fled across the border.")
    assert ("Iraqis", "Organisation") in found and ("Syrians", "Organisation") in found


@pytest.mark.parametrize("text, span, label", [
    ("A Russian Su-24 crashed near the base.", "A Russian Su-24", "MilitaryPlatform"),
    ("An Apache helicopter fired on the convoy.", "An Apache helicopter", "MilitaryPlatform"),
    ("A Bayraktar TB2 drone struck a column of T-72 tanks.", "T-72 tanks", "MilitaryPlatform"),
    ("The frigate HMS Daring sailed from the port.", "The frigate HMS Daring", "MilitaryPlatform"),
    ("Police found an AK-47 and two grenades in the house.", "an AK-47", "Weapon"),
    ("A heavy machine gun was mounted on the truck.", "A heavy machine gun", "Weapon"),
    ("The regime dropped barrel bombs on the suburb.", "barrel bombs", "Weapon"),
    ("Attackers used a car bomb outside the ministry.", "a car bomb", "Weapon"),
])
def test_lexicon_overrides(rec, nlp, text, span, label):
    assert label_of(rec, nlp, text, span) == label


def test_compound_modifier_of_a_group_is_not_a_weapon(rec, nlp):
    found = labelled(rec, nlp, "A mortar team was spotted near the ridge.")
    assert not any(label == "Weapon" for _, label in found)
    assert ("A mortar team", "Organisation") in found


def test_verb_shell_is_not_a_weapon(rec, nlp):
    found = labelled(rec, nlp, "Government forces shell the town every night.")
    assert not any(label == "Weapon" for _, label in found)


def test_descriptive_mentions(rec, nlp):
    found = labelled(rec, nlp, "The Iraqi security forces retook the city after a senior commander was killed.")
    assert ("The Iraqi security forces", "Organisation") in found
    assert ("the city", "Location") in found
    assert ("a senior commander", "Person") in found


def test_numbers_stay_outside_group_mentions(rec, nlp):
    found = labelled(rec, nlp, "Coalition aircraft struck three militant units near the river.")
    assert ("three", "Quantity") in found
    assert ("militant units", "Organisation") in found


def test_country_as_actor_versus_place(rec, nlp):
    assert label_of(rec, nlp, "Turkey launched a ground offensive.", "Turkey") == "Organisation"
    assert label_of(rec, nlp, "Refugees crossed into Turkey overnight.", "Turkey") == "Location"


def test_place_after_preposition_is_location(rec, nlp):
    found = ents(rec, nlp, "Near Palmyra, four strikes destroyed a tank.")
    place = [e for e in found if "Palmyra" in e["text"]]
    assert place and place[0]["text"] == "Palmyra" and place[0]["label"] == "Location"


def test_pronouns_only_on_request(nlp):
    text = "He said they would return."
    assert extract_entities(nlp(text), EntityRecognizer(nlp)) == []
    with_pronouns = EntityRecognizer(nlp, options=EntityOptions(pronouns=True))
    found = {(e["text"], e["label"]) for e in with_pronouns(nlp(text))}
    assert found == {("He", "Person"), ("they", "Organisation")}


# ------------------------------------------------------------------ output contract
CONTRACT_TEXTS = [
    "BEIRUT (Reuters) - Hezbollah fighters and Syrian troops, backed by Russian Su-24 warplanes, "
    "pushed into the Juroud Arsal hills on Friday, killing 12 militants, a commander said.",
    "  Leading spaces, a U.S.-made TOW missile and\nan armoured vehicle near the Kenyan border on 3 May.",
    "",
    "no entities here at all",
]


@pytest.mark.parametrize("text", CONTRACT_TEXTS)
def test_offsets_labels_and_no_overlap(rec, nlp, text):
    found = ents(rec, nlp, text)
    last_end = -1
    for e in found:
        assert set(e) == {"text", "start", "end", "label"}
        assert e["label"] in LABELS
        assert text[e["start"]:e["end"]] == e["text"]
        assert e["text"] == e["text"].strip() and e["text"]
        assert e["start"] >= last_end, "entities overlap or are unsorted"
        last_end = e["end"]


def test_entities_for_text_and_default_recognizer(nlp):
    text = "Taliban gunmen attacked a checkpoint in Kandahar with RPG-7 launchers."
    via_text = entities_for_text(text, nlp)
    via_doc = extract_entities(nlp(text))  # default recognizer built from a blank tokenizer
    assert via_text == via_doc
    assert ("Taliban gunmen", "Organisation") in {(e["text"], e["label"]) for e in via_text}
    assert any(e["label"] == "Weapon" and "RPG-7" in e["text"] for e in via_text)


def test_baseline_is_bare_spacy_mapping(nlp):
    doc = nlp("Syrian troops entered Aleppo on Monday.")
    labels = {e["label"] for e in baseline_entities(doc)}
    assert labels <= set(LABELS)
    assert not {"Weapon", "MilitaryPlatform", "Vehicle"} & labels


def test_user_lexicon_directory(nlp, tmp_path):
    """Users extend the lexicons by pointing at their own copy of the data folder."""
    import eventwire.mentions.entities as module

    src = Path(module.__file__).resolve().parents[1] / "data" / "entities"
    dst = tmp_path / "entities"
    shutil.copytree(src, dst)
    weapons = dst / "weapons.yaml"
    weapons.write_text(weapons.read_text(encoding="utf-8").replace(
        "names:\n", "names:\n  - Zarqa Thunderbolt\n", 1), encoding="utf-8")
    custom = EntityRecognizer(nlp, lexicon=load_entity_lexicon(str(dst)))
    text = "The rebels fired a Zarqa Thunderbolt at the outpost."
    assert label_of(custom, nlp, text, "a Zarqa Thunderbolt") == "Weapon"
    assert label_of(EntityRecognizer(nlp), nlp, text, "a Zarqa Thunderbolt") is None


# ------------------------------------------------------------------ scorer
def test_scorer_exact_overlap_and_doubtful():
    gold = [
        GoldEntity("d", 0, 10, "Person", 1.0),
        GoldEntity("d", 20, 30, "Location", 1.0),
        GoldEntity("d", 40, 45, "Weapon", 0.0),   # doubtful
    ]
    pred = [("d", 0, 10, "Person"), ("d", 22, 30, "Location"), ("d", 40, 45, "Weapon"),
            ("d", 50, 55, "Vehicle")]
    exact_all = score(pred, gold, overlap=False, exclude_doubtful=False)
    assert exact_all["Person"]["f1"] == 1.0
    assert exact_all["Location"]["precision"] == 0.0
    assert exact_all["micro"]["predicted"] == 4 and exact_all["micro"]["gold"] == 3
    assert exact_all["micro"]["precision"] == 0.5
    overlap_all = score(pred, gold, overlap=True, exclude_doubtful=False)
    assert overlap_all["Location"]["f1"] == 1.0
    confident = score(pred, gold, overlap=True, exclude_doubtful=True)
    assert confident["Weapon"]["predicted"] == 0 and confident["Weapon"]["gold"] == 0
    assert confident["micro"]["gold"] == 2
    assert confident["micro"]["precision"] == pytest.approx(2 / 3, abs=1e-3)


@pytest.mark.skipif(not RE3D.exists(), reason="re3d dev data absent (../shared/data/re3d-dev)")
def test_re3d_scores_beat_bare_spacy(nlp):
    result = evaluate_re3d(RE3D, nlp)
    assert result["documents"] > 50
    for mode in ("exact", "overlap"):
        for setting in ("all", "confident"):
            ours = result["eventwire"][mode][setting]["micro"]
            base = result["spacy"][mode][setting]["micro"]
            for m in (ours, base):
                assert 0.0 <= m["precision"] <= 1.0 and 0.0 <= m["recall"] <= 1.0
            assert ours["f1"] > base["f1"]
            assert result["eventwire"][mode][setting]["micro"]["gold"] == base["gold"]
    confident = result["eventwire"]["exact"]["confident"]
    assert confident["micro"]["f1"] > 0.5
    for label in ("Weapon", "MilitaryPlatform"):
        assert confident[label]["f1"] > 0.3
        assert result["spacy"]["exact"]["confident"][label]["f1"] == 0.0
