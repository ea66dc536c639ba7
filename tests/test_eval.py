"""`eventwire eval`: each subcommand on small gold files written here (real pipeline), its bad-input
handling (file, row and column named; good rows still scored; exit codes 0/1/2), and a short run on
each real dev file when ../shared/data is present."""
from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, require_shared
from eventwire.cli import app
from eventwire.evaluation import acled, common, event_location, geoparse, reference

runner = CliRunner()
EXE = shutil.which("eventwire", path=str(Path(sys.executable).parent)) or "eventwire"
REFERENCE = EXAMPLES / "qalamoun-arsal-2017-07-21.reference.json"


def invoke(*args):
    """Run `eventwire eval ...` in this process; JSON output (stdout is not a terminal)."""
    return runner.invoke(app, ["eval", *map(str, args)])


def json_result(tmp_path: Path, *args) -> tuple[object, dict]:
    out = tmp_path / "result.json"
    res = invoke(*args, "--json", out)
    return res, (json.loads(out.read_text("utf-8")) if out.exists() else {})


# ------------------------------------------------------------------------------- ACLED files
MODERN_HEADER = "event_date,event_type,sub_event_type,actor1,inter1,actor2,inter2,country,location,latitude," \
                "longitude,fatalities,notes\n"
MODERN_ROWS = [
    '21 March 2020,Battles,Armed clash,Taliban,2,Military Forces of Afghanistan (2014-),1,Afghanistan,Kabul,'
    '34.5281,69.1723,3,"On 21 March 2020, Taliban militants clashed with Afghan soldiers in Kabul, killing 3 '
    'soldiers."\n',
    '20 March 2020,Protests,Peaceful protest,Protesters (Afghanistan),6,,0,Afghanistan,Herat,34.3482,62.1997,0,'
    '"On 20 March 2020, hundreds of teachers held a peaceful protest in Herat city demanding unpaid salaries."\n',
    '19 March 2020,Explosions/Remote violence,Remote explosive/landmine/IED,Unidentified Armed Group '
    '(Afghanistan),3,Civilians (Afghanistan),7,Afghanistan,Jalalabad,34.4265,70.4515,2,"On 19 March 2020, a '
    'roadside bomb exploded in Jalalabad city, Nangarhar, killing 2 civilians."\n',
]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_acled_dates_in_every_layout():
    assert acled.parse_acled_date("21 March 2020").isoformat() == "2020-03-21"
    assert acled.parse_acled_date("31-12-19").isoformat() == "2019-12-31"
    assert acled.parse_acled_date("01-January-2015").isoformat() == "2015-01-01"
    assert acled.parse_acled_date("2016-07-02").isoformat() == "2016-07-02"
    with pytest.raises(ValueError, match="not a date"):
        acled.parse_acled_date("yesterday")


def test_old_layout_is_mapped_to_todays_taxonomy(tmp_path):
    f = write(tmp_path / "old.csv",
              ",EVENT_DATE,EVENT_TYPE,INTER1,INTER2,COUNTRY,LATITUDE,LONGITUDE,FATALITIES,NOTES\n"
              '0,02-July-2016,Riots/Protests,6,0,Zambia,-15.41,28.28,0,"Workers protest in Lusaka."\n'
              '1,02-July-2016,Battle-Government regains territory,1,2,Somalia,3.11,43.64,5,"Troops retook Baidoa."\n'
              '2,02-July-2016,Remote violence,2,7,Somalia,3.11,43.64,2,"A bomb went off in Baidoa."\n'
              '3,02-July-2016,Violence Against Civilians,2,7,Somalia,3.11,43.64,1,"Gunmen shot a man."\n')
    gold = acled.read_acled(f)
    assert gold.layout == "old" and not gold.problems and len(gold.rows) == 4
    protest, battle, bomb, vac = gold.rows
    assert protest.event_types == ("Protests", "Riots") and protest.sub_event_type is None
    assert protest.event_type_label == acled.PROTESTS_OR_RIOTS
    assert battle.event_types == ("Battles",) and battle.sub_event_type == "Government regains territory"
    assert bomb.sub_event_type is None and vac.event_types == ("Violence against civilians",)
    assert acled.event_type_prediction(protest, "Riots") == acled.PROTESTS_OR_RIOTS
    assert acled.event_type_prediction(battle, None) == common.NO_PREDICTION


def test_bad_rows_name_file_line_and_column_and_the_good_rows_are_read(tmp_path):
    f = write(tmp_path / "bad.csv", MODERN_HEADER + MODERN_ROWS[0]
              + '21 March 2020,Battles,Armed clash,Taliban,2,,0,Afghanistan,Kabul,north,69.1,0,"A note."\n'
              + '21 March 2020,Battles,Sword fight,Taliban,2,,0,Afghanistan,Kabul,34.5,69.1,0,"A note."\n'
              + '21 March 2020,Battles,Armed clash\n'
              + '21 March 2020,Battles,Armed clash,Taliban,2,,0,Afghanistan,Kabul,34.5,69.1,0,""\n'
              + MODERN_ROWS[1])
    gold = acled.read_acled(f)
    assert len(gold.rows) == 2 and gold.without_notes == 1
    messages = [str(p) for p in gold.problems]
    assert messages[0] == f"{f}:3: column 'latitude': not a number: 'north'"
    assert messages[1].startswith(f"{f}:4: column 'sub_event_type': unknown sub_event_type 'Sword fight'")
    assert messages[2] == f"{f}:5: expected 13 fields, found 3"
    # only what is measured is checked: typing alone does not need a readable latitude
    assert len(acled.read_acled(f, measures=("sub_event_type",)).rows) == 3


def test_missing_measure_columns_are_not_scored_and_a_foreign_csv_is_refused(tmp_path):
    partial = write(tmp_path / "partial.csv", "event_type,sub_event_type,notes\nBattles,Armed clash,A note.\n")
    gold = acled.read_acled(partial)
    assert set(gold.unscored) == {"inter", "country", "location", "event_date", "fatalities"}
    assert "no 'latitude' or 'longitude' column: location not scored" in gold.warnings
    with pytest.raises(common.UnusableFile, match="not an ACLED export: no 'notes'"):
        acled.read_acled(write(tmp_path / "x.csv", "id,text\n1,hello\n"))
    with pytest.raises(common.UnusableFile, match="no column 'pubdate'"):
        acled.read_acled(partial, published_column="pubdate")


def test_eval_acled_scores_notes_and_reports_skipped_rows(tmp_path):
    f = write(tmp_path / "afg.csv", MODERN_HEADER + "".join(MODERN_ROWS)
              + '21 March 2020,Battles,Armed clash,Taliban,2,,0,Afghanistan,Kabul,34.5,69.1,many,"A note."\n')
    res, full = json_result(tmp_path, "acled", f)
    assert res.exit_code == 1, res.output
    assert f"{f}:5: column 'fatalities': not a number: 'many'" in res.stderr
    assert "3 notes evaluated, 1 skipped" in res.stderr
    (result,) = [json.loads(line) for line in res.stdout.splitlines()]
    assert result == full["results"][0] and full["skipped"] == 1
    assert full["problems"][0]["column"] == "fatalities" and full["problems"][0]["where"] == "5"
    scores = result["systems"]["default"]
    assert scores["records"] == 3 and scores["crashes"] == 0
    # clear, dated, one-event notes: the coder gets most fields right
    assert scores["any_event"] == 1.0 and scores["event_date_exact"] == 1.0
    assert scores["event_type"]["accuracy"] >= 2 / 3 and scores["location_within_100km"] >= 2 / 3
    assert scores["fatalities_within_1"] >= 2 / 3
    per_class = {row["label"]: row for row in scores["sub_event_type"]["per_class"]}
    assert set(per_class) == {"Armed clash", "Peaceful protest", "Remote explosive/landmine/IED"}
    assert scores["records_per_second"] > 0


def test_eval_acled_passes_a_named_column_as_publication_date(tmp_path):
    # the note says only "on Friday": without a publication date it gives no event
    f = write(tmp_path / "undated.csv", "event_date,event_type,sub_event_type,notes\n"
              '10-07-20,Battles,Armed clash,"Police clashed with cattle raiders in Baringo on Friday."\n')
    _, without = json_result(tmp_path, "acled", f)
    assert without["results"][0]["systems"]["default"]["any_event"] == 0.0
    _, with_date = json_result(tmp_path, "acled", f, "--published-column", "event_date")
    scores = with_date["results"][0]["systems"]["default"]
    assert scores["any_event"] == 1.0 and scores["event_date_exact"] == 1.0  # Friday 10 July 2020


def test_eval_acled_with_a_user_model_reports_both_side_by_side(tmp_path):
    from eventwire.classify.model import default_model, save_model

    model = tmp_path / "model.bin"
    save_model(default_model(), model)   # the default estimator, saved: both columns must agree
    f = write(tmp_path / "afg.csv", MODERN_HEADER + "".join(MODERN_ROWS))
    res, full = json_result(tmp_path, "acled", f, "--model", model)
    assert res.exit_code == 0, res.output
    systems = full["results"][0]["systems"]
    assert list(systems) == ["default", "model model.bin"]
    for key in ("event_type", "sub_event_type"):
        assert systems["default"][key] == systems["model model.bin"][key]
    res = invoke("acled", f, "--model", write(tmp_path / "junk.bin", "not a model"))
    assert res.exit_code == 2 and "cannot load the model" in res.stderr


def test_eval_acled_table_on_request(tmp_path):
    f = write(tmp_path / "afg.csv", MODERN_HEADER + MODERN_ROWS[0])
    res = invoke("acled", f, "--format", "table")
    assert res.exit_code == 0
    assert "location within 25 km" in res.stdout and "sub_event_type per class" in res.stdout


def test_unusable_files_exit_2(tmp_path):
    res = invoke("acled", tmp_path / "absent.csv")
    assert res.exit_code == 2 and "no such file" in res.stderr
    binary = tmp_path / "export.csv"
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04" * 200)
    res = invoke("classify", binary)
    assert res.exit_code == 2 and f"{binary}: binary file, not text" in res.stderr
    good = write(tmp_path / "good.csv", MODERN_HEADER + MODERN_ROWS[1])
    res = invoke("classify", write(tmp_path / "text.csv", "id,text\n1,hi\n"), good)
    assert res.exit_code == 2 and "not an ACLED export" in res.stderr
    assert len(res.stdout.splitlines()) == 1  # the usable file was still evaluated


def test_eval_classify_on_both_layouts(tmp_path):
    modern = write(tmp_path / "modern.csv", MODERN_HEADER + "".join(MODERN_ROWS))
    old = write(tmp_path / "old.csv", "EVENT_TYPE,INTER1,INTER2,NOTES\n"
                'Riots/Protests,6,0,"Hundreds of students marched peacefully through Nairobi."\n'
                'Battle-No change of territory,1,2,"Soldiers clashed with rebels near Beni, killing four."\n')
    res, full = json_result(tmp_path, "classify", modern, old, "--inter")
    assert res.exit_code == 0, res.output
    m, o = full["results"]
    assert m["layout"] == "modern" and m["inter_given"] and m["systems"]["default"]["sub_event_type"]["n"] == 3
    assert o["layout"] == "old" and o["systems"]["default"]["sub_event_type"]["n"] == 1  # only the battle
    assert o["systems"]["default"]["event_type"]["n"] == 2
    for r in (m, o):
        assert 0 <= r["systems"]["default"]["event_type"]["accuracy"] <= 1


# ------------------------------------------------------------------------------- measures
def test_error_curve_auc_follows_the_literature():
    assert common.error_curve_auc([0, 0, 0]) == 0.0
    assert common.error_curve_auc([20039, 20039]) == 1.0
    assert common.error_curve_auc([0, 20039]) == 0.5
    # trapezoids over the sorted log errors: the order of the input does not matter
    errors = [3.0, 500.0, 12.0, 0.5]
    logs = sorted(math.log1p(e) for e in errors)
    expected = sum((a + b) / 2 for a, b in zip(logs, logs[1:])) / (3 * math.log(20039))
    assert common.error_curve_auc(errors) == pytest.approx(expected, abs=1e-4)
    assert common.error_curve_auc(reversed(errors)) == common.error_curve_auc(errors)
    assert common.error_curve_auc([5.0]) is None


def test_label_scores_per_class_and_confusions():
    s = common.label_scores(["A", "A", "B", "C"], ["A", "B", "B", common.NO_PREDICTION])
    assert s["accuracy"] == 0.5 and s["n"] == 4
    rows = {r["label"]: r for r in s["per_class"]}
    assert rows["A"]["recall"] == 0.5 and rows["B"]["precision"] == 0.5 and rows["C"]["f1"] == 0.0
    assert {(c["gold"], c["predicted"]) for c in s["confusions"]} == {("A", "B"), ("C", common.NO_PREDICTION)}
    assert s["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 0) / 3, abs=1e-4)


# ------------------------------------------------------------------------------- geoparsing
GEO_XML = """<articles>
  <article docid="7">
    <text>Shelling hit Aleppo on Monday, and clashes spread to Homs and the countryside of Idlib.</text>
    <toponyms>
      <toponym><start>13</start><end>19</end><phrase>Aleppo</phrase>
        <gaztag geonameid="170063"><lat>36.20124</lat><lon>37.16117</lon></gaztag></toponym>
      <toponym><start>53</start><end>57</end><phrase>Homs</phrase>
        <gaztag geonameid="169577"><lat>34.72682</lat><lon>36.72339</lon></gaztag></toponym>
      <toponym><start>81</start><end>86</end><phrase>Idlib</phrase></toponym>
      <toponym><start>x</start><end>3</end><phrase>Bad</phrase></toponym>
    </toponyms>
  </article>
  <article>
    <text>Officials in Beirut said nothing.</text>
    <locations><location><name>Beirut</name><start>14</start><end>20</end><lat>33.89</lat><lon>35.5</lon></location>
    </locations>
  </article>
</articles>"""


def test_geoparse_gold_reading_moves_late_offsets_and_reports_bad_toponyms(tmp_path):
    gold = geoparse.read_gold(write(tmp_path / "g.xml", GEO_XML))
    assert [len(t) for _, t in gold.articles] == [3, 1]
    beirut = gold.articles[1][1][0]
    assert (beirut.start, beirut.end) == (13, 19) and gold.moved_spans == 1  # GeoVirus-style late offset
    assert gold.articles[0][1][2].point is None  # recognition only
    (problem,) = gold.problems
    assert problem.where == "article 1, docid 7, toponym 4" and problem.column == "start/end"
    with pytest.raises(common.UnusableFile, match="malformed XML"):
        geoparse.read_gold(write(tmp_path / "b.xml", "<articles><article>"))
    with pytest.raises(common.UnusableFile, match="no <article> elements"):
        geoparse.read_gold(write(tmp_path / "o.xml", "<root/>"))


def test_geoparse_scores_matched_and_end_to_end():
    gold = geoparse.GeoGold("mem", articles=[("Aleppo and Homs and Hama", [
        geoparse.GoldToponym(0, 6, "Aleppo", (36.2, 37.16)), geoparse.GoldToponym(11, 15, "Homs", (34.73, 36.72)),
        geoparse.GoldToponym(20, 24, "Hama", (35.13, 36.75))])])
    amman = (31.95, 35.93)
    pred = [[{"start": 0, "end": 6, "latitude": 36.2, "longitude": 37.16},
             {"start": 11, "end": 15, "latitude": amman[0], "longitude": amman[1]}]]   # Homs put at Amman
    s = geoparse.score(gold, pred)
    assert s["recall"] == round(2 / 3, 4) and s["precision"] == 1.0
    assert s["acc161_matched"] == 0.5 and s["acc161_end_to_end"] == round(1 / 3, 4)
    assert s["mean_error_km"] == round(common.distance_km((34.73, 36.72), amman) / 2, 1)
    assert s["auc_end_to_end"] > s["auc_matched"]


def test_eval_geoparse_command(tmp_path):
    res, full = json_result(tmp_path, "geoparse", write(tmp_path / "g.xml", GEO_XML))
    assert res.exit_code == 1 and "toponym 4): column 'start/end'" in res.stderr
    r = full["results"][0]
    assert r["gold_toponyms"] == 4 and r["recall"] >= 0.75 and r["acc161_matched"] >= 0.5
    assert r["auc_matched"] is not None and r["median_error_km"] is not None


# ------------------------------------------------------------------------------- entities
def test_eval_entities_on_a_re3d_folder(tmp_path):
    src = tmp_path / "re3d" / "Agency"
    src.mkdir(parents=True)
    text = "The Ministry of Defence said on Tuesday that Russian aircraft struck targets near Aleppo in Syria."
    write(src / "documents.json", json.dumps({"_id": "d1", "text": text}) + "\n")
    ents = [("Ministry of Defence", "Organisation"), ("Tuesday", "Temporal"), ("Russian", "Nationality"),
            ("aircraft", "MilitaryPlatform"), ("Aleppo", "Location"), ("Syria", "Location")]
    lines = [json.dumps({"documentId": "d1", "begin": text.index(t), "end": text.index(t) + len(t), "type": lab,
                         "confidence": 1}) for t, lab in ents]
    write(src / "entities.json", "\n".join(lines + ["{oops", json.dumps({"documentId": "nope", "begin": 0,
                                                                          "end": 2, "type": "Person"})]) + "\n")
    res, full = json_result(tmp_path, "entities", tmp_path / "re3d")
    assert res.exit_code == 1
    assert f"{src / 'entities.json'}:7: malformed JSON" in res.stderr
    assert f"{src / 'entities.json'}:8: column 'documentId': unknown document 'nope'" in res.stderr
    r = full["results"][0]
    assert r["documents"] == 1 and r["gold_entities"] == 6
    overlap = r["eventwire"]["overlap"]["all"]
    assert overlap["Location"]["recall"] == 1.0 and overlap["micro"]["f1"] > 0.5
    res = invoke("entities", tmp_path / "re3d" / "Agency" / "documents.json")
    assert res.exit_code == 2 and "not a folder" in res.stderr


# ------------------------------------------------------------------------------- event location
def el_line(text: str, verb: str, places: list[str], **extra) -> str:
    tokens, pos = [], 0
    for word in text.replace(".", " .").replace(",", " ,").split():
        start = text.index(word, pos)
        tokens.append({"text": word, "start": start, "end": start + len(word)})
        pos = start + len(word)
    index = {t["text"]: i for i, t in enumerate(tokens)}
    spans = [{"token_start": index[verb], "token_end": index[verb], "label": "VERB"}]
    for p in places:
        words = p.split()
        spans.append({"token_start": index[words[0]], "token_end": index[words[-1]], "label": "LOCATION"})
    return json.dumps({"text": text, "tokens": tokens, "spans": spans, **extra}) + "\n"


def test_event_location_reading_and_scoring(tmp_path):
    f = write(tmp_path / "el.jsonl",
              el_line("Gunmen killed four villagers in Kandahar on Monday.", "killed", ["Kandahar"])
              + el_line("Officials in Kabul said troops shelled Herat overnight.", "shelled", ["Herat"])
              + el_line("The minister arrived on Monday.", "arrived", [])
              + el_line("Protesters marched.", "marched", [], answer="reject")
              + json.dumps({"text": "No verb.", "tokens": [{"start": 0, "end": 2}], "spans": []}) + "\n"
              + "{broken\n")
    gold = event_location.read_event_locations(f)
    assert len(gold.sentences) == 3 and gold.set_aside == 1
    assert [(p.where, p.column) for p in gold.problems] == [("5", "spans"), ("6", None)]
    perfect = event_location.score(gold.sentences, [s.gold for s in gold.sentences])
    assert perfect["tokens"]["f1"] == 1.0 and perfect["exact"] == 1.0 and perfect["no_place_right"] == 1.0
    res, full = json_result(tmp_path, "event-location", f)
    assert res.exit_code == 1 and f"{f}:5: column 'spans': no VERB span" in res.stderr
    systems = full["results"][0]["systems"]
    ours, every = systems["eventwire"], systems["every place in the sentence"]
    # the clause of "shelled" holds Herat; the speaker's Kabul is another clause's place
    assert ours["tokens"]["recall"] == 1.0 and ours["tokens"]["precision"] > every["tokens"]["precision"]
    assert ours["no_place_right"] == 1.0


# ------------------------------------------------------------------------------- reference
def event(sentence: str, **fields) -> dict:
    base = {"event_type": "Battles", "sub_event_type": "Armed clash", "event_date": "2020-05-09",
            "country": "Syria", "latitude": 36.2, "longitude": 37.16, "geo_precision": 1, "actor1": None,
            "actor2": None, "assoc_actor_1": [], "assoc_actor_2": [], "claims": [],
            "evidence": [{"sentence": sentence}]}
    base.update(fields)
    return base


MINI_REF = {
    "article": "story",
    "reference_points": {"Aleppo": [36.2, 37.16]},
    "must": [
        {"id": "clash", "evidence_contains": ["clashed with rebels"], "event_type": "Battles",
         "sub_event_type_any": ["Armed clash"], "event_date": "2020-05-09", "country": "Syria",
         "max_km_from": ["Aleppo", 40], "actors_any": ["Military Forces of Syria"]},
        {"id": "second-clash", "evidence_contains": ["clashed with rebels"], "event_type": "Battles"},
    ],
    "optional": [{"id": "arrests", "evidence_contains": ["arrested"], "event_type": "Strategic developments"}],
    "must_not": [{"evidence_contains": "in 2012", "rule": "year", "value": "2012"},
                 {"evidence_contains": "would attack", "rule": "not_violent"},
                 {"evidence_contains": "has 3,000 fighters", "rule": "not_alone"}],
    "expected_event_count": [2, 3],
}


def test_reference_scoring_is_one_to_one_with_rules_and_fields(tmp_path):
    ref = reference.read_reference(write(tmp_path / "r.json", json.dumps(MINI_REF)))
    assert not ref.problems and [r.id for r in ref.events] == ["clash", "second-clash", "arrests"]
    s = "Syrian troops clashed with rebels in Aleppo, which the army would attack again."
    events = [event(s, actor1="Military Forces of Syria (2000-)"),
              event("Rebels, who took the city in 2012, have 3,000 fighters.", event_date="2020-05-09"),
              event("The rebel group has 3,000 fighters.", event_type="Strategic developments")]
    result = reference.score(ref, events)
    items = {i["id"]: i for i in result["items"]}
    # one event cites the clash sentence: it can satisfy only one of the two required items
    assert items["clash"]["found"] and not items["second-clash"]["found"]
    assert items["second-clash"]["why_not"] == "its only fully agreeing event is matched to another reference event"
    assert items["arrests"]["why_not"] == "no event cites its sentence"
    rules = {r["rule"]: r["broken_by"] for r in result["must_not_rules"]}
    assert rules == {"year": 1, "not_violent": 1, "not_alone": 1}
    assert result["required_found"] == 1 and result["count_in_range"] and not result["passed"]
    assert result["field_agreement"]["place"] == {"agree": 1, "checked": 1}
    far = reference.score(ref, [event(s, latitude=33.5, longitude=36.3, actor1="Military Forces of Syria")])
    assert far["items"][0]["fields"]["place"] is False and "place" in far["items"][0]["why_not"]
    coarse = reference.score(ref, [event(s, latitude=35.6, longitude=37.2, geo_precision=3,
                                         actor1="Military Forces of Syria")])
    assert coarse["items"][0]["found"]   # 67 km away, but only a region is known: 100 km allowed


def test_reference_problems_name_the_item_and_key(tmp_path):
    bad = dict(MINI_REF, must=[MINI_REF["must"][0], {"id": "x", "event_type": "Battles"},
                               {"evidence_contains": "y", "max_km_from": ["Homs", 10]},
                               {"evidence_contains": "z", "sub_event_type": "Armed clash"}],
               must_not=[{"evidence_contains": "q", "rule": "never"}])
    ref = reference.read_reference(write(tmp_path / "r.json", json.dumps(bad)))
    found = [(p.where, p.column) for p in ref.problems]
    assert found == [("must[1]", "evidence_contains"), ("must[2]", "max_km_from"), ("must[3]", "sub_event_type"),
                     ("must_not[0]", "rule")]
    assert len(ref.events) == 2 and len(ref.must_not) == 0
    with pytest.raises(common.UnusableFile, match="malformed JSON"):
        reference.read_reference(write(tmp_path / "b.json", "{"))
    with pytest.raises(common.UnusableFile, match="no 'must' list"):
        reference.read_reference(write(tmp_path / "e.json", "{}"))


def test_eval_reference_scores_an_events_file_and_names_bad_lines(tmp_path):
    ref = write(tmp_path / "r.json", json.dumps(MINI_REF))
    s = "Syrian troops clashed with rebels in Aleppo."
    evs = write(tmp_path / "events.jsonl", json.dumps(event(s, actor1="Military Forces of Syria")) + "\n"
                + json.dumps(event(s)) + "\n" + "not json\n" + json.dumps({"id": 1}) + "\n")
    res, full = json_result(tmp_path, "reference", ref, evs)
    assert res.exit_code == 1
    assert f"{evs}:3: malformed JSON" in res.stderr and f"{evs}:4: column 'event_type': not an event" in res.stderr
    r = full["results"][0]
    assert r["required_found"] == 2 and r["events"] == 2 and r["passed"]
    res = invoke("reference", ref)   # the article "story" is not next to the reference
    assert res.exit_code == 2 and "article 'story' not found" in res.stderr


def test_bundled_example_meets_its_reference():
    """The first user of `eval reference`: the bundled story against our own hand-coding, as a user runs it."""
    env = dict(os.environ, COLUMNS="200")
    run = subprocess.run([EXE, "eval", "reference", str(REFERENCE), "--check", "--format", "json"],
                         capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(run.stdout)
    assert result["required_found"] == result["required"] == 5
    assert result["must_not_broken"] == 0 and result["count_in_range"]
    missed = [i["id"] for i in result["items"] if not i["found"]]
    assert all(not i["required"] for i in result["items"] if i["id"] in missed)


# ------------------------------------------------------------------------------- real dev files
def test_dev_acled_files_short_runs(tmp_path):
    d = require_shared("data", "acled-dev")
    res, full = json_result(tmp_path, "acled", d / "2020_afghanistan_dkoban.csv", d / "2016_africa_aschharwood.csv",
                            "--limit", 25)
    assert res.exit_code == 0, res.output
    afg, africa = full["results"]
    assert afg["layout"] == "modern" and africa["layout"] == "old"
    assert afg["records"] == 25 and afg["systems"]["default"]["event_date_exact"] > 0.8
    assert africa["systems"]["default"]["event_type"]["n"] == 25
    res, full = json_result(tmp_path, "classify", d / "kenya_carol0128.csv", d / "2015_asia_katehara.csv",
                            "--limit", 300)
    assert res.exit_code == 0, res.output
    kenya, asia = full["results"]
    assert kenya["systems"]["default"]["sub_event_type"]["weighted_f1"] > 0.6
    assert asia["layout"] == "old" and asia["systems"]["default"]["event_type"]["accuracy"] > 0.4


def test_dev_geoparsing_entities_and_event_location_short_runs(tmp_path):
    geo = require_shared("data", "geoparsing-dev")
    res, full = json_result(tmp_path, "geoparse", geo / "lgl.xml", geo / "GeoVirus.xml", "--limit", 5)
    assert res.exit_code == 0, res.output
    for r in full["results"]:
        assert r["articles"] == 5 and r["recall"] > 0.3 and r["auc_matched"] is not None
    res, full = json_result(tmp_path, "entities", require_shared("data", "re3d-dev"), "--limit", 5)
    assert res.exit_code == 0 and full["results"][0]["documents"] == 5
    res, full = json_result(tmp_path, "event-location",
                            require_shared("data", "event-location-dev", "labeled_sentences.jsonl"), "--limit", 60)
    assert res.exit_code == 0 and full["results"][0]["sentences"] == 60
    assert full["results"][0]["systems"]["eventwire"]["tokens"]["f1"] > 0.3


def test_seed_gold_reference_agrees_with_the_shared_score_tool(tmp_path, pipeline):
    gold = require_shared("data", "seed", "gold.json")
    tool = require_shared("tools", "score_seed.py")
    res, full = json_result(tmp_path, "reference", gold)   # the article is found next to gold.json
    assert res.exit_code == 0, res.output
    ours = full["results"][0]
    text = (EXAMPLES / "qalamoun-arsal-2017-07-21.txt").read_text("utf-8")
    found = pipeline.extract(text, published="2017-07-21", source="Press Shia Agency",
                             doc_id="qalamoun-arsal-2017-07-21")
    events = write(tmp_path / "events.jsonl", "".join(json.dumps(e.to_dict()) + "\n" for e in found))
    theirs = subprocess.run([sys.executable, str(tool), str(gold), str(events)], capture_output=True, text=True)
    summary = theirs.stdout.strip().splitlines()[-1]
    assert summary.startswith(f"seed: {ours['required_found']}/{ours['required']} required events")
    assert (theirs.returncode == 0) == ours["passed"]
    assert ours["events"] == len(found)
