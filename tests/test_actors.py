"""Actor lexicon and matcher: aliases, general rules, context, user overrides, the seed story."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from eventwire.actors import ActorLexicon, find_actors
from eventwire.nlp import load_nlp

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "qalamoun-arsal-2017-07-21.txt"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.fixture(scope="module")
def lex():
    return ActorLexicon.load()


def actors(nlp, lex, text, hint=None):
    doc = nlp(text)
    mentions = find_actors(doc, lex, country_hint=hint)
    for m in mentions:  # offsets always point at the mention's text
        assert doc.text[m.start:m.end] == m.text
    return mentions


def names(mentions):
    return [m.name for m in mentions]


def by_text(mentions, text):
    hits = [m for m in mentions if m.text == text]
    assert hits, f"no mention with text {text!r} in {[(m.text, m.name) for m in mentions]}"
    return hits[0]


# ---------------------------------------------------------------- lexicon data
def test_lexicon_loads_and_is_consistent(lex):
    assert len(lex.actors) > 150
    assert len(lex.countries) > 180
    for actor in lex.actors.values():
        assert 1 <= actor.inter <= 8, actor
        assert actor.country is None or actor.country in lex.countries, actor
    for target_list in lex.aliases.values():
        for t in target_list:
            assert t.actor in lex.actors


def test_helpers_build_acled_generic_names(lex):
    assert lex.military_of("SY") == "Military Forces of Syria"
    assert lex.police_of("KE") == "Police Forces of Kenya"
    assert lex.military_of("US") == "Military Forces of the United States"
    assert lex.civilians_of("CD") == "Civilians (Democratic Republic of Congo)"
    assert lex.protesters_of("NG") == "Protesters (Nigeria)"
    assert lex.rioters_of("PK") == "Rioters (Pakistan)"
    assert lex.unidentified_of("LB") == "Unidentified Armed Group (Lebanon)"
    assert lex.civilians_of(None) == "Civilians"
    assert lex.country_of("Lebanese") == "LB"
    assert lex.country_of("Burkinabe") == "BF"
    assert lex.country_of("Congolese") == "CD"
    assert lex.country_of("U.S.") == "US"
    assert lex.country_of("Atlantis") is None


def test_get_ignores_acled_period_suffix(lex):
    assert lex.get("Hezbollah").inter == 3
    assert lex.get("Military Forces of Syria (2000-)").name == "Military Forces of Syria"
    assert lex.get("No Such Group") is None


# ---------------------------------------------------------------- aliases
@pytest.mark.parametrize("text,name", [
    ("Fighters of Jabhat al-Nusra shelled the town.", "Hayat Tahrir al-Sham"),
    ("HTS said it repelled the attack.", "Hayat Tahrir al-Sham"),
    ("Jabhat Fateh al-Sham withdrew from the village.", "Hayat Tahrir al-Sham"),
    ("The Nusra Front lost the hill.", "Hayat Tahrir al-Sham"),
    ("Al-Shabaab militants stormed a hotel in Mogadishu.", "Al Shabaab"),
    ("The Houthis fired a missile at Marib.", "Ansar Allah"),
    ("Ansarallah fighters advanced.", "Ansar Allah"),
    ("The IDF struck a house in Rafah.", "Military Forces of Israel"),
    ("M23 rebels captured Bunagana.", "M23: March 23 Movement"),
    ("The Tatmadaw bombed a village in Sagaing.", "Military Forces of Myanmar"),
    ("The New People's Army ambushed soldiers in Samar.", "NPA: New People's Army"),
    ("CJNG gunmen blocked highways in Jalisco.", "CJNG: Jalisco New Generation Cartel"),
    ("The Rapid Support Forces shelled El Fasher.", "RSF: Rapid Support Forces"),
])
def test_aliases_and_transliterations(nlp, lex, text, name):
    assert name in names(actors(nlp, lex, text))


def test_acronyms_are_case_sensitive(nlp, lex):
    # "ADF" the rebel group, but "adf" in lower case is not an acronym mention
    assert "ADF: Allied Democratic Forces" in names(actors(nlp, lex, "ADF rebels killed 12 people in Beni.", "CD"))
    assert "ADF: Allied Democratic Forces" not in names(actors(nlp, lex, "the adf file was opened", "CD"))


def test_guarded_alias_IS_needs_group_context(nlp, lex):
    found = actors(nlp, lex, "IS fighters attacked a checkpoint near Deir ez-Zor.", "SY")
    assert "Islamic State (Syria)" in names(found)
    # "IS" as a verb in capitals is not the group
    assert not any(m.name.startswith("Islamic State") for m in actors(nlp, lex, "THE ROAD IS CLOSED.", "SY"))


def test_islamic_state_named_per_country(nlp, lex):
    assert "Islamic State (Iraq)" in names(actors(nlp, lex, "Daesh attacked a village in Iraq.", "IQ"))
    assert "Islamic State West Africa Province (ISWAP)" in names(
        actors(nlp, lex, "ISWAP fighters attacked a base in Borno.", "NG"))


def test_country_qualified_acronym_only_in_its_country(nlp, lex):
    assert "Military Forces of Somalia" in names(actors(nlp, lex, "The SNA retook the town.", "SO"))
    assert "Military Forces of Somalia" not in names(actors(nlp, lex, "The SNA retook the town.", "SY"))


def test_parenthetical_alias_is_one_mention(nlp, lex):
    found = actors(nlp, lex, "They forced al-Nusra Front (now known as Tahrir al-Sham) terrorists to escape.")
    hts = [m for m in found if m.name == "Hayat Tahrir al-Sham"]
    assert len(hts) == 1
    assert hts[0].text == "al-Nusra Front (now known as Tahrir al-Sham)"


def test_possessive_source_name_marks_speaker(nlp, lex):
    found = actors(nlp, lex, "According to the Hezbollah's Military Media Center, the battle started on Friday.")
    hez = by_text(found, "Hezbollah")
    assert hez.name == "Hezbollah" and hez.kind == "source"
    fighting = actors(nlp, lex, "Hezbollah fighters attacked the hill.")
    assert [(m.name, m.kind) for m in fighting] == [("Hezbollah", "lexicon")]


# ---------------------------------------------------------------- general rules
@pytest.mark.parametrize("text,surface,name", [
    ("Nigerian troops repelled an attack in Borno.", "Nigerian troops", "Military Forces of Nigeria"),
    ("Malian soldiers were ambushed near Mopti.", "Malian soldiers", "Military Forces of Mali"),
    ("Russian warplanes bombed Idlib.", "Russian warplanes", "Military Forces of Russia"),
    ("Ukrainian artillery hit the depot.", "Ukrainian artillery", "Military Forces of Ukraine"),
    ("Somali government forces retook the town.", "Somali government forces", "Military Forces of Somalia"),
    ("U.S. troops left the base.", "U.S. troops", "Military Forces of the United States"),
    ("Burkinabe gendarmes were killed near Djibo.", "Burkinabe gendarmes", "Police Forces of Burkina Faso"),
    ("Kenyan police dispersed the crowd.", "Kenyan police", "Police Forces of Kenya"),
    ("Pakistani security forces raided a compound.", "Pakistani security forces", "Military Forces of Pakistan"),
])
def test_nationality_rules(nlp, lex, text, surface, name):
    m = by_text(actors(nlp, lex, text), surface)
    assert m.name == name and m.inter == 1 and m.kind in ("nationality_rule", "lexicon")


def test_coordinated_nationalities(nlp, lex):
    found = actors(nlp, lex, "Syrian and Russian jets bombed the town.")
    assert {"Military Forces of Syria", "Military Forces of Russia"} <= set(names(found))


def test_the_country_army_takes_last_named_country(nlp, lex):
    found = actors(nlp, lex, "Fighting continued in Syria and in Lebanon, the country's army advanced on Arsal.")
    assert by_text(found, "the country's army").name == "Military Forces of Lebanon"


def test_bare_army_uses_hint_then_story(nlp, lex):
    assert names(actors(nlp, lex, "The army shelled positions near Mandalay.", "MM")) == ["Military Forces of Myanmar"]
    story = "Heavy fighting was reported in Ethiopia. On Monday the army said it had retaken the town."
    assert "Military Forces of Ethiopia" in names(actors(nlp, lex, story))


def test_foreign_state_forces_are_external(nlp, lex):
    found = actors(nlp, lex, "Kenyan troops shelled an Al Shabaab base in Gedo.", "SO")
    kenya = by_text(found, "Kenyan troops")
    assert kenya.inter == 8 and kenya.country == "KE"
    assert by_text(found, "Al Shabaab").inter == 2


def test_unidentified_armed_group(nlp, lex):
    found = actors(nlp, lex, "Unknown gunmen killed two farmers in Zamfara.", "NG")
    gunmen = by_text(found, "Unknown gunmen")
    assert gunmen.name == "Unidentified Armed Group (Nigeria)" and gunmen.inter == 3
    farmers = by_text(found, "farmers")
    assert farmers.name == "Civilians (Nigeria)" and farmers.inter == 7


def test_civilians_protesters_rioters(nlp, lex):
    found = actors(nlp, lex, "Police fired tear gas at demonstrators in Karachi.", "PK")
    assert by_text(found, "demonstrators").name == "Protesters (Pakistan)"
    assert by_text(found, "Police").name == "Police Forces of Pakistan"
    assert by_text(actors(nlp, lex, "An angry mob burned a police post.", "IN"), "angry mob").name == "Rioters (India)"
    # civilians who protest are protesters; civilians who commit violence are rioters
    assert by_text(actors(nlp, lex, "Villagers staged a demonstration against the mine.", "KE"),
                   "Villagers").name == "Protesters (Kenya)"
    assert by_text(actors(nlp, lex, "Residents lynched a suspected thief.", "KE"),
                   "Residents").name == "Rioters (Kenya)"


def test_nationality_civilians(nlp, lex):
    found = actors(nlp, lex, "Syrian refugees fled the camps.", "LB")
    assert by_text(found, "Syrian refugees").name == "Civilians (Syria)"


def test_ethnic_militias(nlp, lex):
    found = actors(nlp, lex, "Fulani herdsmen attacked a village in Benue.", "NG")
    assert by_text(found, "Fulani herdsmen").name == "Fulani Ethnic Militia (Nigeria)"
    assert by_text(found, "Fulani herdsmen").inter == 4
    mali = actors(nlp, lex, "Fulani militiamen clashed with Dogon hunters.", "ML")
    assert {"Fulani Ethnic Militia (Mali)", "Dogon Ethnic Militia (Mali)"} <= set(names(mali))
    both = actors(nlp, lex, "Three died in a clash between Turkana and Samburu militias.", "KE")
    assert {"Turkana Ethnic Militia (Kenya)", "Samburu Ethnic Militia (Kenya)"} <= set(names(both))


def test_militants_link_to_named_group_in_reach(nlp, lex):
    text = "Al Shabaab claimed the attack. The militants stormed a police station in Mandera."
    found = actors(nlp, lex, text, "KE")
    linked = by_text(found, "militants")
    assert linked.name == "Al Shabaab" and linked.kind == "coref"
    alone = by_text(actors(nlp, lex, "Militants stormed a police station in Mandera.", "KE"), "Militants")
    assert alone.name == "Unidentified Armed Group (Kenya)" and alone.kind == "generic"


def test_descriptor_after_named_actor_is_absorbed(nlp, lex):
    found = actors(nlp, lex, "Taliban militants attacked a checkpoint.", "AF")
    assert names(found) == ["Taliban"]


@pytest.mark.parametrize("text,hint,expected", [
    ("Boko Haram insurgents abducted 20 girls in Borno.", "NG",
     "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad"),
    ("JNIM claimed an ambush on a convoy near Gao.", "ML", "JNIM: Group for Support of Islam and Muslims"),
    ("An Arakan Army offensive overran a junta base.", "MM", "Arakan Army"),
    ("ELN guerrillas bombed a pipeline in Arauca.", "CO", "ELN: National Liberation Army"),
    ("Sinaloa Cartel gunmen clashed with soldiers in Culiacan.", "MX", "Sinaloa Cartel"),
    ("The TTP claimed the suicide attack in Peshawar.", "PK", "TTP: Tehreek-i-Taliban Pakistan"),
    ("Wagner mercenaries and Malian soldiers raided Moura.", "ML", "Wagner Group"),
    ("Hamas fired rockets at Ashkelon.", "PS", "Hamas"),
])
def test_other_conflicts(nlp, lex, text, hint, expected):
    assert expected in names(actors(nlp, lex, text, hint))


# ---------------------------------------------------------------- user lexicon
def test_user_yaml_adds_and_overrides(nlp, tmp_path):
    user = tmp_path / "my_actors.yaml"
    user.write_text(
        "actors:\n"
        "- name: Kataib Example Brigade\n  inter: 3\n  country: IQ\n  aliases: [Example Brigade, KEB]\n"
        "- name: Hezbollah (Lebanon)\n  inter: 2\n  country: LB\n  aliases: [Hezbollah]\n",
        encoding="utf-8",
    )
    lex = ActorLexicon.load(extra=[user])
    found = find_actors(nlp("KEB fighters and Hezbollah attacked the post."), lex)
    assert by_text(found, "KEB").name == "Kataib Example Brigade"
    assert by_text(found, "KEB").kind == "user"
    hez = by_text(found, "Hezbollah")
    assert hez.name == "Hezbollah (Lebanon)" and hez.inter == 2  # user entry wins
    assert lex.get("Kataib Example Brigade").inter == 3


def test_user_yaml_rejects_bad_inter(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("actors:\n- name: Broken\n  inter: 12\n", encoding="utf-8")
    with pytest.raises(ValueError, match="inter"):
        ActorLexicon.load(extra=[bad])


# ---------------------------------------------------------------- spans
def test_span_input_gives_doc_offsets(nlp, lex):
    doc = nlp("Heavy fighting in Lebanon. The Lebanese army shelled militants near Arsal.")
    sent = list(doc.sents)[1]
    found = find_actors(sent, lex)
    m = by_text(found, "Lebanese army")
    assert doc.text[m.start:m.end] == "Lebanese army" and m.start > sent.start_char - 1
    assert all(sent.start_char <= x.start for x in found)


def test_empty_doc(nlp, lex):
    assert find_actors(nlp(""), lex) == []


# ---------------------------------------------------------------- seed story
@pytest.fixture(scope="module")
def seed_mentions(nlp, lex):
    doc = nlp(SEED.read_text(encoding="utf-8"))
    return doc, find_actors(doc, lex)


def test_seed_story_actors(seed_mentions):
    _doc, found = seed_mentions
    syrian_army = [m for m in found if m.text == "Syrian Army"]
    assert syrian_army and all(m.name == "Military Forces of Syria" for m in syrian_army)
    assert any(m.name == "Hezbollah" and m.kind == "lexicon" for m in found)
    nusra = [m for m in found if m.text.startswith("al-Nusra Front (now known")]
    assert len(nusra) == 1 and nusra[0].name == "Hayat Tahrir al-Sham"
    assert not any(m.text == "Tahrir al-Sham" for m in found)  # not a second mention
    assert by_text(found, "Syrian warplanes").name == "Military Forces of Syria"
    lebanese = [m for m in found if m.text == "Lebanese army"]
    assert lebanese and all(m.name == "Military Forces of Lebanon" for m in lebanese)
    assert by_text(found, "the country’s Army").name == "Military Forces of Lebanon"
    assert by_text(found, "Syrian refugees").name == "Civilians (Syria)"


def test_seed_story_sources_and_daesh(seed_mentions):
    _doc, found = seed_mentions
    media_center = [m for m in found if m.name == "Hezbollah" and m.kind == "source"]
    assert len(media_center) == 2  # "Hezbollah's Military Media Center", "Hezbollah Media Center said"
    assert any(m.text == "Daesh" and m.name.startswith("Islamic State") for m in found)
    # "terrorists" right after the named Nusra mention are linked to it, not to Hezbollah
    assert all(m.name != "Hezbollah" for m in found if m.kind == "coref")


# ---------------------------------------------------------------- measurement script
@pytest.mark.slow
def test_evaluate_script_runs_on_acled_dev():
    data = SHARED_DATA / "acled-dev"
    if not (data / "2020_afghanistan_dkoban.csv").exists():
        pytest.skip(f"ACLED dev data not available at {data}")
    out = subprocess.run(
        [sys.executable, "-m", "eventwire.actors.evaluate", "--files", "2020_afghanistan_dkoban.csv",
         "--limit", "60", "--misses", "3"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert "actor1: found" in out and "actor2: found" in out
    found_pct = float(out.split("actor1: found")[1].split("%")[0])
    assert found_pct > 50.0


# ---------------------------------------------------------------- precision
@pytest.mark.parametrize("text", [
    "Syrian sources told the agency that the road was closed.",
    "Is it true that the talks failed?",
    "Tell us what happened at the meeting.",
    "The Hezbollah-run TV channel Al-Manar aired the speech.",
])
def test_no_fighting_actor_in_non_actor_text(nlp, lex, text):
    assert all(m.kind == "source" for m in actors(nlp, lex, text))


def test_without_any_country_generics_stay_bare(nlp, lex):
    found = actors(nlp, lex, "Gunmen killed three villagers overnight.")
    assert [(m.name, m.country) for m in found] == [("Unidentified Armed Group", None), ("Civilians", None)]


def test_security_source_is_a_speaker(nlp, lex):
    found = actors(nlp, lex, "A Lebanese security source said the army deployed on the outskirts of Arsal.")
    src = by_text(found, "Lebanese security")
    assert src.kind == "source" and src.country == "LB"
    assert by_text(found, "army").name == "Military Forces of Lebanon"


def test_collective_nouns_and_clash_between(nlp, lex):
    found = actors(nlp, lex, "A group of youths attacked a police post in Kisumu.", "KE")
    assert by_text(found, "youths").name == "Rioters (Kenya)"
    assert by_text(found, "police").name == "Police Forces of Kenya"
    assert actors(nlp, lex, "Others protested outside the court.", "KE") == []
    clash = actors(nlp, lex, "Ten people were hurt in a clash between rival supporters and traders.", "BD")
    assert by_text(clash, "traders").name == "Rioters (Bangladesh)"


def test_pattern_tokenizer_is_spacys_blank_english(nlp, lex):
    import spacy

    from eventwire.actors.matcher import _english_tokenizer

    blank = spacy.blank("en", vocab=nlp.vocab).tokenizer
    ours = _english_tokenizer(nlp.vocab)
    texts = [*lex.aliases, *lex.country_cues, *lex.ethnic, "U.S.-backed forces", "Hay'at Tahrir al-Sham",
             "a.k.a. Daesh", "(YPG)", "don't", "http://example.org/x"]
    for text in texts:
        assert [(t.text, t.whitespace_) for t in ours(text)] == [(t.text, t.whitespace_) for t in blank(text)]


def test_role_verb_prefilter_keeps_every_token_with_a_role(nlp, lex):
    from eventwire.actors.matcher import _role_verb_tokens, _verb_role

    doc = nlp(SEED.read_text("utf-8") + "\n\nHundreds of students staged a protest in Nairobi. Youths rioted and "
              "looted shops. A clash between traders and herders left two dead. Residents demonstrated outside "
              "the governor's office, and the crowd burned tyres.")
    with_role = {t.i for t in doc if _verb_role(t, lex) is not None}
    kept = _role_verb_tokens(doc, 0, len(doc), lex)
    assert len(with_role) >= 3 and with_role <= set(kept)
    assert _role_verb_tokens(doc, 0, len(doc), lex) == kept  # the second time from the remembered forms
    assert _role_verb_tokens(doc, 10, 60, lex) == [i for i in kept if 10 <= i < 60]
