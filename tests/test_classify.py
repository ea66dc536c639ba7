"""Event typing: taxonomy, examples, rules, precedence, the seed sentences, and (with the shared dev
data) the measured score on ACLED notes."""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from eventwire.classify import NO_EVENT, EventClassifier, find_triggers, load_taxonomy, may_hold_event
from eventwire.classify.model import example_files, fit, read_examples, save_model

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"

EXPECTED = {
    "Battles": ["Armed clash", "Government regains territory", "Non-state actor overtakes territory"],
    "Explosions/Remote violence": ["Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Grenade"],
    "Violence against civilians": ["Sexual violence", "Attack", "Abduction/forced disappearance"],
    "Protests": ["Peaceful protest", "Protest with intervention", "Excessive force against protesters"],
    "Riots": ["Violent demonstration", "Mob violence"],
    "Strategic developments": ["Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
                               "Headquarters or base established", "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"],
}


@pytest.fixture(scope="module")
def clf() -> EventClassifier:
    return EventClassifier.load()


@pytest.fixture(scope="module")
def example_texts() -> set[str]:
    return {t for _, t in read_examples(example_files())}


# -- data files ---------------------------------------------------------------------------------
def test_taxonomy_has_acled_names_and_disorder_types():
    tax = load_taxonomy()
    assert len(tax.sub_event_types) == 25
    for event_type, subs in EXPECTED.items():
        assert sorted(tax.of_event_type(event_type)) == sorted(subs)
    assert tax.disorder_type("Mob violence") == "Political violence; Demonstrations"
    assert tax.disorder_type("Violent demonstration") == "Political violence; Demonstrations"
    assert tax.disorder_type("Peaceful protest") == "Demonstrations"
    assert tax.disorder_type("Armed clash") == "Political violence"
    assert tax.disorder_type("Arrests") == "Strategic developments"
    assert tax.rank("Suicide bomb") < tax.rank("Remote explosive/landmine/IED")
    assert tax.rank("Air/drone strike") < tax.rank("Shelling/artillery/missile attack")


def test_examples_cover_every_sub_type_with_40_distinct_sentences():
    rows = read_examples(example_files())
    counts = Counter(label for label, _ in rows)
    tax = load_taxonomy()
    for name in tax.names:
        assert counts[name] >= 40, name
    assert counts[NO_EVENT] >= 40
    assert set(counts) == set(tax.names) | {NO_EVENT}
    texts = [t for _, t in rows]
    assert len(texts) == len(set(texts)), "duplicate example sentences"
    for p in example_files():
        with open(p, encoding="utf-8") as fh:
            header = next(csv.reader(fh, delimiter="\t"))
        assert header == ["sub_event_type", "text"]


# -- each event type on new sentences (not training examples) --------------------------------------
NEW_SENTENCES = [
    ("Soldiers and Ambazonian separatists exchanged fire for two hours near Bamenda on Sunday, a local official said.",
     "Battles", "Armed clash"),
    ("Government troops recaptured the town of Kidal from the rebel coalition after three days of fighting.",
     "Battles", "Government regains territory"),
    ("Warplanes bombed a fuel depot on the outskirts of Misrata overnight, residents said.",
     "Explosions/Remote violence", "Air/drone strike"),
    ("A roadside bomb tore through a pickup truck carrying border guards near Ghazni, killing three.",
     "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Unknown attackers lobbed a grenade into a crowded restaurant in Kismayo on Friday evening.",
     "Explosions/Remote violence", "Grenade"),
    ("Gunmen on motorbikes shot dead four farmers tending their fields near Sokoto, police said.",
     "Violence against civilians", "Attack"),
    ("Armed men kidnapped a schoolteacher and his two daughters from their home in Kogi state.",
     "Violence against civilians", "Abduction/forced disappearance"),
    ("Hundreds of nurses marched peacefully to the health ministry in Lusaka demanding overdue pay.",
     "Protests", "Peaceful protest"),
    ("Riot police fired tear gas to break up a student demonstration outside the university in Dakar.",
     "Protests", "Protest with intervention"),
    ("An angry mob lynched a suspected robber at a bus park in Mbale, witnesses said.",
     "Riots", "Mob violence"),
    ("Demonstrators hurled rocks at police and burned tyres on the main road to protest a fuel price hike.",
     "Riots", "Violent demonstration"),
    ("Police in Mombasa arrested six men suspected of recruiting youths for the militant group.",
     "Strategic developments", "Arrests"),
    ("The two warring communities signed a ceasefire brokered by church leaders in Juba.",
     "Strategic developments", "Agreement"),
    ("Bomb disposal experts defused an explosive device found near a checkpoint in Mosul.",
     "Strategic developments", "Disrupted weapons use"),
]


@pytest.mark.parametrize("text,event_type,sub_event_type", NEW_SENTENCES)
def test_event_types_on_new_sentences(clf, example_texts, text, event_type, sub_event_type):
    assert text not in example_texts
    c = clf.classify(text)
    assert (c.event_type, c.sub_event_type) == (event_type, sub_event_type), c
    assert c.is_event
    assert 0.0 < c.score <= 1.0
    assert c.trigger is None or c.trigger in text


# -- precedence and actor types -------------------------------------------------------------------
def test_suicide_bomb_outranks_other_explosions(clf):
    c = clf.classify("A suicide bomber detonated a car packed with explosives at an army checkpoint near Gao.")
    assert c.sub_event_type == "Suicide bomb"


def test_shelling_with_air_strikes_is_air_strike(clf):
    c = clf.classify("Government artillery and warplanes pounded rebel-held villages south of Idlib on Monday.")
    assert c.sub_event_type == "Air/drone strike"


def test_air_strike_inside_ground_battle_is_battle(clf):
    c = clf.classify("Troops backed by helicopter gunships clashed with militants near Bama and repelled their "
                     "assault after an exchange of fire.")
    assert c.event_type == "Battles"


def test_armed_victims_make_a_battle_not_violence_against_civilians(clf):
    c = clf.classify("Taliban militants attacked a police checkpoint in Zabul, and four policemen were killed.")
    assert c.sub_event_type == "Armed clash"
    c = clf.classify("Gunmen shot dead three villagers near Mopti.", inter1=3, inter2=7)
    assert c.sub_event_type == "Attack"
    c = clf.classify("Gunmen shot dead three men near Mopti.", inter1=3, inter2=1)
    assert c.sub_event_type == "Armed clash"


def test_territory_side_decided_by_state_or_non_state(clf):
    text = "After heavy fighting, the town of Kousseri was captured and its district office seized."
    assert clf.classify(text, inter1=1).sub_event_type == "Government regains territory"
    assert clf.classify(text, inter1=2).sub_event_type == "Non-state actor overtakes territory"
    assert clf.classify("Rebels captured the town of Walikale after fighting with the army."
                        ).sub_event_type == "Non-state actor overtakes territory"
    assert clf.classify("The army captured the town of Walikale back from the rebels after fighting."
                        ).sub_event_type == "Government regains territory"
    # The same verb, the side that takes the place decides.
    assert clf.classify("Fighters loyal to the government recaptured the airport from the rebels."
                        ).sub_event_type == "Government regains territory"
    assert clf.classify("Rebel fighters recaptured the airport from government forces."
                        ).sub_event_type == "Non-state actor overtakes territory"


def test_protest_family_follows_actor_codes_and_intervention(clf):
    text = "Traders demonstrated outside the county offices against new market fees."
    assert clf.classify(text).sub_event_type == "Peaceful protest"
    assert clf.classify(text, inter1=6, inter2=1).sub_event_type == "Protest with intervention"
    assert clf.classify(text, inter1=1, inter2=6).sub_event_type == "Excessive force against protesters"
    violent = clf.classify("Traders protesting new fees threw stones at police and set up burning barricades.")
    assert violent.sub_event_type == "Violent demonstration"
    assert violent.disorder_type == "Political violence; Demonstrations"


# -- non-events ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "The war has displaced more than 1.5 million people since 2019, according to UN figures.",
    "The unemployment rate in the province stands at 35 percent, the statistics office said.",
    "The defence minister said the army would launch a new offensive against the insurgents next month.",
    "The group was founded in 2012 and is led by a former army officer.",
])
def test_background_statements_are_not_events(clf, text):
    assert not clf.classify(text).is_event


# -- the seed article's sentences -----------------------------------------------------------------
def test_seed_sentences(clf):
    s1 = ("The Syrian sources told Press Shia Agency that al-Tharir al-Aswad hill near the Syrian town of Fleita "
          "in the West Qalamoun in joint border with Lebanon have been cleansed of Takfiri terrorists.")
    c = clf.classify(s1, inter1=1)
    assert c.event_type == "Battles"
    assert c.sub_event_type in ("Government regains territory", "Armed clash")
    s2 = ("The Syrian Army targeted terrorists\u2019 gatherings in al-Zalil, al-Karah and al-Elm Mountains "
          "in West Qalamoun.")
    c = clf.classify(s2)
    assert (c.event_type, c.sub_event_type) == ("Explosions/Remote violence", "Shelling/artillery/missile attack")
    s3 = ("Hours after the launch of the offensive, Syrian forces and their Hezbollah allies seized the Tallat "
          "al-Burkan hill west of Qalamoun from the militants.")
    assert clf.classify(s3, inter1=1).sub_event_type == "Government regains territory"
    s4 = ("Reuters quoted a Lebanese security source as saying that Syrian refugees fled from camps located in an "
          "area of the Lebanese-Syrian border in the wake of the operation.")
    c = clf.classify(s4)
    assert (c.event_type, c.sub_event_type) == ("Strategic developments", "Other")
    s5 = ("The Lebanese army has also enhanced its deployment on the outskirts of Arsal town to prevent militants "
          "from fleeing into Lebanon, a Lebanese security source said.")
    assert clf.classify(s5).sub_event_type == "Change to group/activity"


# -- batch, pre-filter, triggers in a parsed sentence ----------------------------------------------
def test_classify_many_matches_classify(clf):
    texts = [t for t, _, _ in NEW_SENTENCES[:4]] + [""]
    many = clf.classify_many(texts)
    assert [c.sub_event_type for c in many[:4]] == [clf.classify(t).sub_event_type for t in texts[:4]]
    assert many[4].is_event is False
    assert clf.classify_many([]) == []


def test_may_hold_event_prefilter():
    assert may_hold_event("Militants stormed a police post in Lamu overnight.")
    assert may_hold_event("The Lebanese army has enhanced its deployment near Arsal.")
    assert may_hold_event("Residents protested in Nakuru on Monday.")
    assert not may_hold_event("The weather in the capital was mild and sunny.")
    assert not may_hold_event("He is married with three children and enjoys reading.")


def test_find_triggers_on_spacy_sentence():
    from eventwire.nlp import load_nlp

    nlp = load_nlp()
    doc = nlp("The minister spoke on Monday. "
              "Gunmen abducted two engineers and later clashed with soldiers near Kaduna.")
    sent = list(doc.sents)[-1]
    trigs = find_triggers(sent)
    by_lemma = {t.lemma: t for t in trigs}
    assert "abduct" in by_lemma and "Abduction/forced disappearance" in by_lemma["abduct"].sub_event_types
    assert "clash" in by_lemma and by_lemma["clash"].sub_event_types[0] == "Armed clash"
    for t in trigs:
        assert doc.text[t.start_char:t.end_char] == t.text
        assert doc[t.token_start:t.token_end].text == t.text
        assert sent.start <= t.token_start <= t.token_index < t.token_end <= sent.end
    assert find_triggers(list(doc.sents)[0]) == []


# -- user-trained model plugged in with model_path ----------------------------------------------------
def test_user_model_can_be_plugged_in(tmp_path):
    rows = [r for r in read_examples(example_files()) if r[0] in ("Armed clash", "Peaceful protest", NO_EVENT)]
    path = tmp_path / "user.pkl"
    save_model(fit(rows), path)
    user = EventClassifier.load(model_path=path)
    c = user.classify("Thousands marched through the city demanding reforms, chanting slogans.")
    assert c.sub_event_type == "Peaceful protest"
    bad = tmp_path / "bad.pkl"
    save_model({"not": "a model"}, bad)
    with pytest.raises(TypeError):
        EventClassifier.load(model_path=bad)


def test_disk_cache_dir_from_environment(tmp_path, monkeypatch):
    from eventwire.classify import model as m

    monkeypatch.setenv("EVENTWIRE_CACHE_DIR", str(tmp_path))
    est = m.default_model.__wrapped__(None, True)
    assert list(tmp_path.glob("classifier-*.pkl"))
    again = m.default_model.__wrapped__(None, True)   # read back from disk
    assert list(again.classes_) == list(est.classes_)


# -- measured on ACLED notes (dev data, read in place) ------------------------------------------------
@pytest.mark.skipif(not (SHARED / "acled-dev").is_dir(), reason="../shared/data/acled-dev not available")
@pytest.mark.parametrize("name,floor", [("2020_afghanistan_dkoban.csv", 0.85), ("kenya_carol0128.csv", 0.68)])
def test_weighted_f1_on_acled_notes(clf, name, floor):
    from eventwire.evaluation.classify import evaluate, read_acled

    scores, _ = evaluate(clf, read_acled(SHARED / "acled-dev" / name))
    assert scores.weighted_f1 >= floor, scores


# -- the fast paths give what the plain computations give ------------------------------------------
TRICKY_TEXTS = [
    "",
    "Army's troops, the army' and army[s] shelled; army-backed militiamen clashed.",
    "killkill killed-killing re-kill 'kill' kill's kill'",
    "Riot police and anti-riot units in riot gear fired on rioters on 20 March; march 2019 in March.",
    "Since 2014 the militants overran the town; in 2019 they fired into the air, then into the crowd.",
    "A grenade launcher, grenades and a grenade-launcher were seized [size=no report] size=",
    "\u0130stanbul: gunmen KILLED three \u2018villagers\u2019 \u2014 the ARMY\u2019S response",
    "fired fired fired on on protesters fired on the unarmed protesters",
]


def _all_patterns(lex):
    found = {}
    for index in (lex.triggers, lex.cues):
        for table in (index.exact, index.prefix):
            for items in table.values():
                for pattern, _, _ in items:
                    found[pattern.text] = pattern
    return list(found.values())


def test_pattern_finditer_equals_regex_finditer():
    from eventwire.classify.lexicon import Pattern, load_lexicon, normalise

    lex = load_lexicon()
    texts = [normalise(t) for t in TRICKY_TEXTS + [t for t, _, _ in NEW_SENTENCES]]
    patterns = _all_patterns(lex) + [Pattern.compile(t) for t in ("* fire", "kill|shoot* ... dead", "aa")]
    texts.append("aaa aa aaaa")
    hits = 0
    for p in patterns:
        for norm in texts:
            expected = [m.span() for m in p.regex.finditer(norm)]
            assert [m.span() for m in p.finditer(norm)] == expected, (p.text, norm)
            assert p.may_occur(norm) or not expected, (p.text, norm)
            hits += len(expected)
    assert hits > 100   # the texts do exercise the patterns


def test_lexicon_answers_do_not_depend_on_what_it_was_asked_before():
    from eventwire.classify.lexicon import TriggerLexicon, data_path

    texts = TRICKY_TEXTS + [t for t, _, _ in NEW_SENTENCES]
    used = TriggerLexicon.from_file(data_path("triggers.yaml"))
    for t in texts:   # fill the caches in another order, with other calls first
        used.may_hold_event(t)
        used.match_cues(t)
    for t in reversed(texts):
        fresh = TriggerLexicon.from_file(data_path("triggers.yaml"))
        assert used.analyse(t) == fresh.analyse(t)
        assert used.match_triggers(t) == fresh.match_triggers(t)
        assert used.may_hold_event(t) == fresh.may_hold_event(t)
    got = used.match_triggers(texts[1])
    got.clear()   # callers get their own list
    assert used.match_triggers(texts[1])


def test_mask_phrases_are_blanked_before_matching():
    from eventwire.classify.lexicon import load_lexicon, normalise

    lex = load_lexicon()
    text = "Riot police dispersed the march on 20 March with a grenade launcher."
    norm = lex._normalise(text)
    expected = normalise(text)
    for p in lex._mask:
        expected = p.regex.sub(lambda m: " " * len(m.group(0)), expected)
    assert norm == expected and len(norm) == len(text)
    assert "riot" not in norm and "launcher" not in norm
    labels = {m.label for m in lex.match_triggers(text)}
    assert "Violent demonstration" not in labels


def test_batch_predictor_equals_model_predict_proba(clf, example_texts):
    from eventwire.classify.predict import TfidfLinearPredictor

    assert isinstance(clf._predict_proba, TfidfLinearPredictor)
    texts = sorted(example_texts)[::7] + [t for t, _, _ in NEW_SENTENCES] + TRICKY_TEXTS
    for size in (1, 5, 64):
        for i in range(0, len(texts), size):
            batch = texts[i:i + size]
            assert np.array_equal(clf._predict_proba(batch), clf.model.predict_proba(batch))


def test_batch_predictor_for_user_models_and_other_structures(tmp_path):
    from sklearn.pipeline import FeatureUnion, Pipeline

    from eventwire.classify.model import build_estimator, fit_estimator, load_model, tfidf_features
    from eventwire.classify.predict import TfidfLinearPredictor, batch_predictor

    rows = [r for r in read_examples(example_files()) if r[0] in ("Armed clash", "Peaceful protest", NO_EVENT)]
    texts, labels = [t for _, t in rows], [lab for lab, _ in rows]
    probe = [t for t, _, _ in NEW_SENTENCES] + TRICKY_TEXTS
    path = tmp_path / "user.pkl"
    save_model(fit(rows, kind="logreg"), path)
    user = load_model(path)                       # a TrainedModel around the estimator
    fast = batch_predictor(user)
    assert isinstance(fast, TfidfLinearPredictor)
    assert np.array_equal(fast(probe), user.predict_proba(probe))
    # a structure the fast path does not compute (weighted features): the model's own method
    weighted = tfidf_features()
    weighted.set_params(transformer_weights={"words": 2.0, "chars": 0.5})
    est = fit_estimator(build_estimator(features=weighted), texts, labels)
    assert TfidfLinearPredictor.of(est) is None
    assert batch_predictor(est) == est.predict_proba
    plain = fit_estimator(Pipeline([("f", FeatureUnion([("w", tfidf_features().transformer_list[0][1])])),
                                    ("c", build_estimator().steps[-1][1])]), texts, labels)
    assert np.array_equal(batch_predictor(plain)(probe), plain.predict_proba(probe))
