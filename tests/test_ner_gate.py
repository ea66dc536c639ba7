"""NER only where our lexicons leave a name open (mentions.ner_gate), and what the pipeline does with it."""
from __future__ import annotations

from conftest import EXAMPLES

from eventwire.actors import find_actors
from eventwire.mentions.ner_gate import label_nationalities, needs_ner
from eventwire.sentences import split_sentences


def _gate(pipeline, text: str) -> bool:
    doc = next(pipeline.nlp.pipe([text], disable=["ner"]))
    actors = find_actors(doc, pipeline.actors)
    return needs_ner(doc, [(a.start, a.end) for a in actors], pipeline.gazetteer)


def test_settled_names_skip_ner(pipeline):
    # actors, nationalities, weekdays and well-known places: nothing for NER to decide
    assert not _gate(pipeline, "Syrian government forces shelled Aleppo on Monday.")
    assert not _gate(pipeline, "Taliban fighters attacked a checkpoint in Kandahar.")
    assert not _gate(pipeline, "The Islamic State claimed the attack in Mosul.")
    assert not _gate(pipeline, "Police fired tear gas at protesters in Nairobi, Kenya.")
    # news organisations and monitors, ethnic words, months, a common word opening the sentence
    assert not _gate(pipeline, "Dozens of civilians were killed in Aleppo, the Syrian Observatory for "
                               "Human Rights told AFP on Jul 3.")
    assert not _gate(pipeline, "Kurdish fighters clashed with Islamic State militants near Mosul, "
                               "Reuters reported.")


def test_open_names_need_ner(pipeline):
    assert _gate(pipeline, "Rami Abdel Rahman said the strikes killed four civilians.")   # a person
    assert _gate(pipeline, "Gunmen attacked a checkpoint near Kafr Batna.")               # a small village
    assert _gate(pipeline, "Fighters of the Qalamoun Brigade clashed with the army.")      # an unknown group


def test_nationalities_of_a_skipped_sentence_get_norp(pipeline):
    doc = next(pipeline.nlp.pipe(["Afghan and US forces raided a compound near the Pakistani border, "
                                  "Kurdish officials said."], disable=["ner"]))
    label_nationalities(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("Afghan", "NORP"), ("Pakistani", "NORP"),
                                                      ("Kurdish", "NORP")]


def test_pipeline_runs_ner_only_on_open_sentences(pipeline):
    text = (EXAMPLES / "qalamoun-arsal-2017-07-21.txt").read_text("utf-8")
    selected = pipeline._select(split_sentences(text))
    from eventwire.io.readers import make_article

    article = make_article(text, published="2017-07-21", source="Press Shia Agency", doc_id="seed")
    parsed = pipeline._parse([(article, selected)])[0]
    by = parsed.ner_by
    # the story names villages, hills and people NER must look at, and has sentences it need not
    assert "model" in by and "lexicons" in by
    # a sentence with a place the gazetteer lacks was given to NER: "Tallat al-Burkan"
    burkan = [d for d in parsed.docs if "Burkan" in d.text]
    assert burkan and all(b == "model" for d, b in zip(parsed.docs, by) if "Burkan" in d.text)
    for d, b in zip(parsed.docs, by):
        if b == "lexicons":
            assert all(e.label_ == "NORP" for e in d.ents)
