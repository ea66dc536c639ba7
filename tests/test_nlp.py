"""The fast attribute ruler and lemmatizer give exactly the annotations of spaCy's own components.

Proof on real text (the bundled example, and FA-KES / GVA dev articles when ../shared/data is there):
`load_nlp()` and a stock `spacy.load` of the same model agree on every token. The ruler's matching
semantics (rule order, later rules overriding, `index`, multi-token patterns, operators, IN / NOT_IN /
REGEX) are checked on hand-made and random Docs against spaCy's AttributeRuler with the same rules.
"""
from __future__ import annotations

import csv
import json
import random

import pytest
import spacy
from conftest import EXAMPLES, require_shared
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from eventwire.nlp import MODEL_NAME, load_nlp
from eventwire.nlp_fast import CachedEnglishLemmatizer, FastAttributeRuler, _WordList
from eventwire.sentences import split_sentences


@pytest.fixture(scope="module")
def stock_nlp():
    return spacy.load(MODEL_NAME)


def token_annotations(doc: Doc) -> list[tuple]:
    return [(t.text, t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_)
            for t in doc]


def assert_same_annotations(fast_nlp, stock_nlp, texts: list[str]) -> None:
    assert texts
    pairs = zip(fast_nlp.pipe(texts, batch_size=64), stock_nlp.pipe(texts, batch_size=64))
    for text, (fast_doc, stock_doc) in zip(texts, pairs):
        assert token_annotations(fast_doc) == token_annotations(stock_doc), text


def sentences_of(texts: list[str]) -> list[str]:
    return [s.text for text in texts for s in split_sentences(text)]


# ------------------------------------------------------------------------------------- the pipeline

def test_load_nlp_builds_the_fast_components(stock_nlp):
    nlp = load_nlp()
    assert isinstance(nlp.get_pipe("attribute_ruler"), FastAttributeRuler)
    assert isinstance(nlp.get_pipe("lemmatizer"), CachedEnglishLemmatizer)
    assert nlp.pipe_names == stock_nlp.pipe_names


def test_load_nlp_disable_still_disables(stock_nlp):
    nlp = load_nlp(disable=("lemmatizer", "ner"))
    assert "lemmatizer" not in nlp.pipe_names and "ner" not in nlp.pipe_names
    doc = nlp("Government forces shelled the town of Arsal on Friday.")
    assert all(t.lemma == 0 or t.lemma_ in {"be", "have", "do"} for t in doc)  # only ruler lemmas
    assert not doc.ents
    with stock_nlp.select_pipes(disable=["lemmatizer", "ner"]):
        assert token_annotations(doc) == token_annotations(stock_nlp(doc.text))


def test_same_annotations_on_the_bundled_example(stock_nlp):
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    assert_same_annotations(load_nlp(), stock_nlp, sentences_of(texts) + texts)


def test_same_annotations_on_fakes_and_gva_dev_articles(stock_nlp):
    fakes = require_shared("data", "fa-kes-dev", "fa-kes-dev.csv")
    gva = require_shared("data", "gva-dev", "documents.jsonl")
    csv.field_size_limit(10**8)
    with fakes.open(encoding="utf-8", newline="") as fh:
        fakes_texts = [r["article_content"] for r in csv.DictReader(fh) if (r["article_content"] or "").strip()]
    with gva.open(encoding="utf-8") as fh:
        gva_texts = [d["content"] for d in map(json.loads, fh) if (d.get("content") or "").strip()]
    texts = sentences_of(fakes_texts[:25]) + sentences_of(gva_texts[:25])
    assert len(texts) >= 300
    assert_same_annotations(load_nlp(), stock_nlp, texts + fakes_texts[25:30] + gva_texts[25:30])


def test_same_lemmas_inside_a_memory_zone(stock_nlp):
    text = (EXAMPLES / "qalamoun-arsal-2017-07-21.txt").read_text(encoding="utf-8")
    nlp = load_nlp()
    with nlp.memory_zone():
        lemmas = [t.lemma_ for t in nlp(text)]
    assert lemmas == [t.lemma_ for t in stock_nlp(text)]
    assert [t.lemma_ for t in nlp(text)] == lemmas


def test_word_list_membership_is_list_membership():
    words = _WordList(["fire", "shell", "kill"])
    assert "shell" in words and "shelled" not in words and 3 not in words
    assert list(words) == ["fire", "shell", "kill"] and words


# ------------------------------------------------------------------------- ruler semantics, by hand

def ruler_pair(vocab, rules: list[dict]) -> tuple[AttributeRuler, FastAttributeRuler]:
    stock, fast = AttributeRuler(vocab), FastAttributeRuler(vocab)
    stock.add_patterns(rules)
    fast.add_patterns(rules)
    return stock, fast


def make_doc(vocab, rows: list[tuple[str, str, str]]) -> Doc:
    """rows of (word, tag, dep); every token is its own head (the ruler reads tags and labels only)."""
    words, tags, deps = zip(*rows)
    return Doc(vocab, words=list(words), tags=list(tags), deps=list(deps), heads=list(range(len(rows))))


def assert_rulers_agree(stock, fast, doc: Doc) -> None:
    expected = [(t.pos, t.tag, t.morph.key, t.lemma, t.dep) for t in stock(doc.copy())]
    assert [(t.pos, t.tag, t.morph.key, t.lemma, t.dep) for t in fast(doc.copy())] == expected


HAND_RULES = [
    {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
    {"patterns": [[{"TAG": "NNS"}], [{"TAG": "NNPS"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Plur"}},
    {"patterns": [[{"TAG": "VBD"}]], "attrs": {"POS": "VERB", "MORPH": "Tense=Past|VerbForm=Fin"}},
    # a multi-token rule BEFORE single-token rules that also hit its target: rule order must decide
    {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "to", "POS": "PART"}, "index": 1},
    {"patterns": [[{"LOWER": "na"}]], "attrs": {"POS": "X"}},
    {"patterns": [[{"TAG": "NN", "LOWER": {"IN": ["something", "nothing"]}}]],
     "attrs": {"POS": "PRON", "MORPH": "PronType=Ind"}},
    {"patterns": [[{"TAG": {"NOT_IN": ["TO", ""]}, "DEP": {"IN": ["aux", "auxpass"]}}]], "attrs": {"POS": "AUX"}},
    {"patterns": [[{"LOWER": {"REGEX": "^n[ou]thin'$"}}]], "attrs": {"LEMMA": "nothing"}},
    {"patterns": [[{"DEP": "expl"}, {"LOWER": {"IN": ["is", "was"]}}]], "attrs": {"POS": "VERB"}, "index": -1},
    {"patterns": [[{"LOWER": "very", "OP": "+"}, {"TAG": "JJ"}]], "attrs": {"MORPH": "Degree=Pos"}, "index": -1},
    {"patterns": [[{"IS_SPACE": True, "DEP": {"NOT_IN": [""]}}]], "attrs": {"DEP": "dep"}},
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"TAG": "_SP", "POS": "SPACE", "MORPH": "_"}},
    {"patterns": [[{"TEXT": "Ltd", "TAG": "NN"}]], "attrs": {"POS": "PROPN"}},  # overrides rule 0 for it
]

HAND_DOCS = [
    [("Something", "NN", "nsubj"), ("happened", "VBD", "ROOT"), ("here", "RB", "advmod")],
    [("we", "PRP", "nsubj"), ("gon", "VBG", "aux"), ("na", "TO", "aux"), ("win", "VB", "ROOT")],
    [("na", "NN", "dobj"), ("gon", "NN", "ROOT")],
    [("There", "EX", "expl"), ("was", "VBD", "ROOT"), ("nothin'", "NN", "attr"), ("  ", "_SP", "dep")],
    [("very", "RB", "advmod"), ("very", "RB", "advmod"), ("big", "JJ", "amod"), ("Ltd", "NN", "ROOT")],
    [("\n", "_SP", ""), ("attacks", "NNS", "ROOT"), ("Attacks", "NNPS", "conj"), ("were", "VBD", "auxpass")],
]


@pytest.mark.parametrize("rows", HAND_DOCS)
def test_fast_ruler_agrees_with_spacy_on_hand_made_docs(rows):
    vocab = spacy.blank("en").vocab
    stock, fast = ruler_pair(vocab, HAND_RULES)
    assert_rulers_agree(stock, fast, make_doc(vocab, rows))
    assert fast._plan is not None and fast._plan.matcher is not None  # the table path was taken


def test_fast_ruler_falls_back_to_spacy_for_other_attributes():
    vocab = spacy.blank("en").vocab
    rules = HAND_RULES + [{"patterns": [[{"LOWER": "attacks"}]], "attrs": {"NORM": "attack"}}]
    stock, fast = ruler_pair(vocab, rules)
    doc = make_doc(vocab, HAND_DOCS[-1])
    assert_rulers_agree(stock, fast, doc)
    assert fast._plan is None
    assert [t.norm_ for t in fast(doc.copy())] == [t.norm_ for t in stock(doc.copy())]


def test_fast_ruler_reports_a_bad_index_as_spacy_does():
    vocab = spacy.blank("en").vocab
    stock, fast = ruler_pair(vocab, [{"patterns": [[{"LOWER": "a"}]], "attrs": {"POS": "DET"}, "index": 2}])
    doc = make_doc(vocab, [("a", "DT", "det"), ("town", "NN", "ROOT")])
    with pytest.raises(ValueError) as stock_error:
        stock(doc.copy())
    with pytest.raises(ValueError) as fast_error:
        fast(doc.copy())
    assert str(fast_error.value) == str(stock_error.value)


def test_fast_ruler_sees_rules_added_later():
    vocab = spacy.blank("en").vocab
    stock, fast = ruler_pair(vocab, HAND_RULES[:3])
    doc = make_doc(vocab, HAND_DOCS[0])
    assert_rulers_agree(stock, fast, doc)
    extra = [{"patterns": [[{"TAG": "RB"}]], "attrs": {"POS": "ADV"}}]
    stock.add_patterns(extra)
    fast.add_patterns(extra)
    assert_rulers_agree(stock, fast, doc)
    assert fast(doc.copy())[2].pos_ == "ADV"


# ---------------------------------------------------- the model's own rules on random token sequences

def pattern_strings(patterns) -> set[str]:
    """Every string value in the patterns (LOWER values, IN lists, ...)."""
    found = set()
    for pattern in patterns:
        for spec in pattern:
            for value in spec.values():
                values = value.get("IN", []) if isinstance(value, dict) else [value]
                found.update(v for v in values if isinstance(v, str))
    return found


def test_fast_ruler_agrees_with_spacy_on_random_docs_with_the_models_rules():
    nlp = load_nlp()
    rules = nlp.get_pipe("attribute_ruler").patterns
    stock, fast = ruler_pair(nlp.vocab, rules)
    words = sorted({w for rule in rules for w in pattern_strings(rule["patterns"])} - {""})
    words += [w.title() for w in words] + ["army", "Arsal", "killed", "y'", "y", " ", "\n", "nothin'", "nuthin'"]
    # words of the several-token rules, so that their sequences ("gon na", "y' all") occur often
    sequence_words = sorted({w for rule in rules if any(len(p) > 1 for p in rule["patterns"])
                             for w in pattern_strings(rule["patterns"])} | {"y'", "y", "n't", "nt"})
    tags = sorted(nlp.get_pipe("tagger").labels) + [""]
    deps = sorted(nlp.get_pipe("parser").labels) + [""]
    rng = random.Random(20170721)
    for k in range(600):
        pool = sequence_words if k % 2 else words
        n = rng.randint(1, 8)
        doc = make_doc(nlp.vocab, [(rng.choice(pool), rng.choice(tags), rng.choice(deps)) for _ in range(n)])
        assert_rulers_agree(stock, fast, doc)
    assert fast._plan is not None and len(fast._plan.outcomes) > 50
