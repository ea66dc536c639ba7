"""The command line as a user runs it: real processes, stdout only results, errors on stderr."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES

SEED_TXT = EXAMPLES / "qalamoun-arsal-2017-07-21.txt"
EXE = shutil.which("eventwire", path=str(Path(sys.executable).parent)) or "eventwire"


def run(*args, stdin: str | None = None):
    env = dict(os.environ, COLUMNS="200")
    return subprocess.run([EXE, *map(str, args)], input=stdin, capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def seed_jsonl():
    res = run("extract", SEED_TXT)
    assert res.returncode == 0, res.stderr
    return res


def test_extract_txt_with_sidecar_gives_jsonl_when_piped(seed_jsonl):
    events = [json.loads(line) for line in seed_jsonl.stdout.splitlines()]
    assert 5 <= len(events) <= 14
    assert {e["source"] for e in events} == {"Press Shia Agency"}  # from the sidecar .meta.json
    assert all(e["evidence"][0]["doc_id"] == "qalamoun-arsal-2017-07-21" for e in events)
    assert "events" in seed_jsonl.stderr  # the summary goes to stderr, not stdout


def test_extract_csv_has_acled_columns(tmp_path):
    res = run("extract", SEED_TXT, "--format", "csv")
    assert res.returncode == 0, res.stderr
    rows = list(csv.reader(io.StringIO(res.stdout)))
    from eventwire.model import ACLED_COLUMNS, OWN_COLUMNS

    assert rows[0] == ACLED_COLUMNS + OWN_COLUMNS
    assert len(rows) >= 6
    header = rows[0]
    assert all(r[header.index("country")] in ("Syria", "Lebanon") for r in rows[1:])


def test_extract_reads_jsonl_from_stdin_and_reports_bad_records(tmp_path):
    text = SEED_TXT.read_text("utf-8")
    lines = [
        json.dumps({"id": "good", "text": text, "published": "2017-07-21", "source": "Press Shia Agency"}),
        '{"id": "broken", "text": ',
        json.dumps({"id": "nodate", "text": text, "published": "21st of Smarch"}),
        json.dumps({"id": "notext", "published": "2017-07-21"}),
        json.dumps({"id": "good2", "text": text, "published": "2017-07-21", "source": "Other Outlet"}),
    ]
    res = run("extract", "-", "--input-format", "jsonl", stdin="\n".join(lines) + "\n")
    assert res.returncode == 1
    events = [json.loads(line) for line in res.stdout.splitlines()]
    assert {e["evidence"][0]["doc_id"] for e in events} == {"good", "good2"}
    assert "-:2" in res.stderr and "-:3" in res.stderr and "-:4" in res.stderr
    assert "published" in res.stderr


def test_bad_files_are_named_and_the_rest_goes_on(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 20)
    huge = tmp_path / "huge.txt"
    huge.write_text("The army shelled the village. " * 180_000, "utf-8")  # ~5.4 MB
    res = run("extract", empty, binary, huge, SEED_TXT)
    assert res.returncode == 1
    assert "empty.txt" in res.stderr and "blob.txt" in res.stderr and "huge.txt" in res.stderr
    assert "too large" in res.stderr
    assert len(res.stdout.splitlines()) >= 5  # the seed story still came out


def test_usage_errors_exit_2(tmp_path):
    assert run("extract", tmp_path / "missing.txt").returncode == 2
    assert run("extract", SEED_TXT, "--format", "pdf").returncode == 2
    assert run("no-such-command").returncode == 2


def test_classify_geoparse_entities_contracts(tmp_path):
    inp = tmp_path / "snippets.jsonl"
    inp.write_text(
        json.dumps({"id": "1", "text": "Government warplanes bombed a market in Idlib, killing 12 civilians."}) + "\n"
        + json.dumps({"id": "2", "text": "Hundreds of teachers marched peacefully in Nairobi to demand pay."}) + "\n",
        "utf-8")
    res = run("classify", inp)
    assert res.returncode == 0, res.stderr
    out = [json.loads(x) for x in res.stdout.splitlines()]
    assert [o["id"] for o in out] == ["1", "2"]
    assert out[0]["event_type"] == "Explosions/Remote violence" and out[0]["sub_event_type"] == "Air/drone strike"
    assert out[1]["sub_event_type"] == "Peaceful protest"
    assert set(out[0]) == {"id", "event_type", "sub_event_type", "score"}

    res = run("geoparse", inp)
    assert res.returncode == 0, res.stderr
    geo = [json.loads(x) for x in res.stdout.splitlines()]
    idlib = next(p for p in geo[0]["places"] if p["text"] == "Idlib")
    assert idlib["country"] == "SY" and abs(idlib["latitude"] - 35.93) < 0.6
    assert set(idlib) == {"text", "start", "end", "name", "geonameid", "latitude", "longitude", "country",
                          "admin1", "feature"}
    nairobi = next(p for p in geo[1]["places"] if p["text"] == "Nairobi")
    assert nairobi["country"] == "KE"

    res = run("entities", inp)
    assert res.returncode == 0, res.stderr
    ents = [json.loads(x) for x in res.stdout.splitlines()]
    labels = {(e["text"], e["label"]) for e in ents[0]["entities"]}
    assert ("Idlib", "Location") in labels
    text0 = "Government warplanes bombed a market in Idlib, killing 12 civilians."
    assert all(text0[e["start"]:e["end"]] == e["text"] for e in ents[0]["entities"])


def test_user_actors_file_via_cli(tmp_path):
    actors = tmp_path / "my_actors.yaml"
    actors.write_text("actors:\n- name: Kataib Example Brigade\n  inter: 3\n  country: IQ\n"
                      "  aliases: [Example Brigade]\n", encoding="utf-8")
    story = tmp_path / "story.txt"
    story.write_text("Fighters of the Example Brigade attacked an army checkpoint near Tikrit on Monday, "
                     "killing two soldiers, police said.", encoding="utf-8")
    res = run("extract", story, "--published", "2024-03-06", "--source", "Test Wire", "--actors", actors)
    assert res.returncode == 0, res.stderr
    events = [json.loads(x) for x in res.stdout.splitlines()]
    assert any(e["actor1"] == "Kataib Example Brigade" and e["event_date"] == "2024-03-04" for e in events), events
    bad = tmp_path / "bad.yaml"
    bad.write_text("actors:\n- name: Broken\n  inter: 12\n", encoding="utf-8")
    assert run("extract", story, "--actors", bad).returncode == 2
