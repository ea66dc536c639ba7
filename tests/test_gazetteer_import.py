"""`eventwire gazetteer import / add / info / lookup / reset`: the user's index built from GeoNames-format files
written here (small, made-up ids), bad input with clear messages, and the previous index kept intact."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.geo.datadir import existing_layers, imported_index_path, user_index_path
from eventwire.geo.gazetteer import Gazetteer
from eventwire.geo.geonames import GazetteerError, format_feature
from eventwire.geo.importer import add_user_places, import_files

ROWS = {
    "SY": [format_feature(9903001, "Tallat Musa", 34.05, 36.40, "T.HLL", "SY", "08", "1", 0, ("Tal Moussa",)),
           format_feature(9903002, "Flitah", 34.03, 36.40, "P.PPL", "SY", "08", "1", 3500, ("Fleita", "فليطة")),
           format_feature(9903003, "Wadi Zzqaf", 34.10, 36.50, "H.WAD", "SY", "08", "", 0, ()),
           format_feature(9903004, "Muhafazat Rif Dimashq", 33.6, 36.6, "A.ADM1", "SY", "08", "", 2_800_000, ())],
    "LB": [format_feature(9904001, "Wadi Hmeid", 34.16, 36.47, "H.WAD", "LB", "12", "", 0, ("Wadi Hmaid",)),
           format_feature(9904002, "Ras Baalbek Camp", 34.26, 36.42, "S.CMPRF", "LB", "12", "", 0, ())],
}
ADMIN1 = "SY.08\tRif Dimashq\tRif-dimashq\t1\nLB.12\tBaalbek-Hermel\tBaalbek-Hermel\t2\n"
ADMIN2 = "SY.08.1\tAn Nabk\tAn Nabk\t3\n"


def _write(folder: Path, cc: str, rows: list[str], as_zip: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = "".join(rows)
    if as_zip:
        path = folder / f"{cc}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(f"{cc}.txt", text)
        return path
    path = folder / f"{cc}.txt"
    path.write_text(text, "utf-8")
    return path


@pytest.fixture()
def files(tmp_path) -> list[Path]:
    src = tmp_path / "src"
    out = [_write(src, "SY", ROWS["SY"], as_zip=True), _write(src, "LB", ROWS["LB"])]
    (src / "admin1CodesASCII.txt").write_text(ADMIN1, "utf-8")
    (src / "admin2Codes.txt").write_text(ADMIN2, "utf-8")
    return out + [src / "admin1CodesASCII.txt", src / "admin2Codes.txt"]


def _gaz(data: Path) -> Gazetteer:
    return Gazetteer.load(layers=existing_layers(data))


def _ids(gaz: Gazetteer, name: str) -> set[int]:
    return {p.geonameid for p, _, _ in gaz.lookup(name) if p.geonameid}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cli(args: list[str], data: Path):
    return CliRunner().invoke(app, args, env={"EVENTWIRE_DATA_DIR": str(data)})


# ------------------------------------------------------------------ importing
def test_import_builds_a_layer_beside_the_embedded_gazetteer(files, tmp_path):
    data = tmp_path / "data"
    assert _gaz(data).layers == []  # nothing imported: the embedded gazetteer alone, as before
    result = import_files(files, data_dir=data)
    assert result.committed and not result.failed and result.skipped_rows == 0
    gaz = _gaz(data)
    hill = next(p for p, _, _ in gaz.lookup("Tal Moussa") if p.geonameid == 9903001)
    assert hill.feature == "T.HLL" and hill.country == "SY" and hill.admin1 == "Rif-dimashq" and hill.admin2 == "An Nabk"
    assert gaz.origin(hill) == "geonames"
    assert 9903002 in _ids(gaz, "Fleita") and 9903002 in _ids(gaz, "Flitah")   # alternate and own name
    assert 9903004 in _ids(gaz, "Rif Dimashq")                                   # "Muhafazat X" filed under X
    assert gaz.candidates("Homs")                                                 # the embedded places are still there
    assert gaz.country("SY").feature == "A.PCLI"
    assert not list(data.glob("gazetteer/.*"))                                   # no temporary file left


def test_feature_class_filter(files, tmp_path):
    data = tmp_path / "data"
    import_files(files, data_dir=data, classes="P,T")
    gaz = _gaz(data)
    assert 9903001 in _ids(gaz, "Tallat Musa") and 9904001 not in _ids(gaz, "Wadi Hmeid")
    with pytest.raises(GazetteerError, match="unknown feature class"):
        import_files(files, data_dir=data, classes="PQ")


def test_a_country_file_replaces_that_country_only(files, tmp_path):
    data = tmp_path / "data"
    import_files(files, data_dir=data)
    newer = _write(tmp_path / "newer", "SY", ROWS["SY"][1:])  # the hill is gone from the new SY file
    import_files([newer], data_dir=data)
    gaz = _gaz(data)
    assert 9903001 not in _ids(gaz, "Tallat Musa") | _ids(gaz, "Tal Moussa") and 9903002 in _ids(gaz, "Flitah")
    assert 9904001 in _ids(gaz, "Wadi Hmeid")  # LB untouched
    extract = tmp_path / "extract" / "cities-extract.txt"  # not a country file: adds/updates by id only
    extract.parent.mkdir()
    extract.write_text(format_feature(9903002, "Flitah", 34.04, 36.41, "P.PPLA3", "SY", "08", "", 4000), "utf-8")
    import_files([extract], data_dir=data)
    gaz = _gaz(data)
    flitah = next(p for p, _, _ in gaz.lookup("Flitah") if p.geonameid == 9903002)
    assert flitah.feature == "P.PPLA3" and 9903003 in _ids(gaz, "Wadi Zzqaf")
    everything = tmp_path / "all" / "allCountries.txt"
    everything.parent.mkdir()
    everything.write_text(ROWS["LB"][0], "utf-8")
    import_files([everything], data_dir=data)
    gaz = _gaz(data)
    assert 9903002 not in _ids(gaz, "Flitah") and 9904001 in _ids(gaz, "Wadi Hmeid")
    assert gaz.layers[0].size()["places"] == 1


def test_bad_rows_are_named_and_skipped_good_rows_kept(tmp_path):
    src = tmp_path / "src"
    bad = [ROWS["SY"][0],
           "9903100\tShort row\n",
           format_feature(9903101, "Nowhere", 95.0, 36.0, "P.PPL", "SY"),
           format_feature(9903102, "Elsewhere", 34.0, 36.0, "P.PPL", "QQ"),
           format_feature(9903103, "Oddclass", 34.0, 36.0, "X.PPL", "SY"),
           "abc" + format_feature(9903104, "Badid", 34.0, 36.0, "P.PPL", "SY"),
           ROWS["SY"][1]]
    path = _write(src, "SY", bad)
    problems = []
    result = import_files([path], data_dir=tmp_path / "data", on_problem=problems.append)
    assert result.committed and result.skipped_rows == 5
    text = [str(p) for p in problems]
    assert text[0] == "SY.txt:2: expected 19 tab-separated columns, found 2"
    assert text[1].startswith("SY.txt:3: column 5 (latitude): 95.00000 is out of range")
    assert text[2] == "SY.txt:4: column 9 (country code): unknown country code 'QQ'"
    assert text[3].startswith("SY.txt:5: column 7 (feature class): unknown feature class 'X'")
    assert text[4].startswith("SY.txt:6: column 1 (geonameid): 'abc9903104' is not a number")
    gaz = _gaz(tmp_path / "data")
    assert 9903001 in _ids(gaz, "Tallat Musa") and 9903002 in _ids(gaz, "Flitah")


def test_bad_files_leave_the_previous_index_intact(files, tmp_path):
    data = tmp_path / "data"
    import_files(files, data_dir=data)
    index = imported_index_path(data)
    before = _digest(index)
    bad = tmp_path / "bad"
    bad.mkdir()
    # a truncated zip (a download cut short)
    whole = _write(bad, "IQ", [format_feature(9905000 + i, f"Qaryat {i}", 33.0, 44.0, "P.PPL", "IQ")
                               for i in range(500)], as_zip=True).read_bytes()
    truncated = bad / "IQ.zip"
    truncated.write_bytes(whole[: len(whole) // 2])
    # a zip whose data is damaged (its CRC check fails while reading)
    stored = bad / "YE.zip"
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("YE.txt", format_feature(9906001, "Zzbid", 14.2, 43.3, "P.PPL", "YE") * 3)
    raw = bytearray(stored.read_bytes())
    at = raw.index(b"Zzbid")
    raw[at:at + 5] = b"QQQQQ"
    stored.write_bytes(bytes(raw))
    # something that is not a GeoNames table at all
    csv_file = bad / "places.txt"
    csv_file.write_text("name,lat,lon\n" * 150, "utf-8")
    for path, message in ((truncated, "not a readable zip file (truncated"), (stored, "damaged or truncated"),
                          (csv_file, "does not look like a GeoNames table")):
        result = import_files([path], data_dir=data)
        assert not result.committed and message in result.failed[0].error, result.failed[0].error
        assert path.name in result.failed[0].error
        assert _digest(index) == before
    # with a good file beside a bad one: the good one is imported, the bad one named
    good = _write(tmp_path / "good", "JO", [format_feature(9907001, "Zzarqa Camp", 32.0, 36.1, "S.CMPRF", "JO")])
    result = import_files([truncated, good], data_dir=data)
    assert result.committed and [f.file for f in result.failed] == [str(truncated)]
    assert 9907001 in _ids(_gaz(data), "Zzarqa Camp") and 9903001 in _ids(_gaz(data), "Tallat Musa")
    assert not list(data.glob("gazetteer/.*"))


def test_an_interrupted_import_changes_nothing(files, tmp_path):
    data = tmp_path / "data"
    import_files(files[1:], data_dir=data)
    before = _digest(imported_index_path(data))
    big = _write(tmp_path / "big", "SY", [format_feature(9908000 + i, f"Zzfarm {i}", 34.0, 36.0, "S.FRM", "SY")
                                         for i in range(12_000)])

    def interrupt(label, done, total):
        if done < total:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_files([big], data_dir=data, progress=interrupt)
    assert _digest(imported_index_path(data)) == before
    assert not list(data.glob("gazetteer/.*"))
    assert 9908001 not in _ids(_gaz(data), "Zzfarm 1")


def test_layers_are_picked_up_by_load_gazetteer(files, tmp_path):
    from eventwire.geo import load_gazetteer

    data = tmp_path / "data"
    first = load_gazetteer(data_dir=data)
    assert first.layers == []
    import_files(files, data_dir=data)
    second = load_gazetteer(data_dir=data)
    assert second is not first and 9903001 in _ids(second, "Tallat Musa")
    assert load_gazetteer(data_dir=data) is second


# ------------------------------------------------------------------ the user's own places
PLACES_YAML = """
places:
  - name: Camp Zzeta
    latitude: 34.27
    longitude: 36.41
    country: LB
    feature: S.CMPRF
    other_names: [Zzeta camp, Mukhayyam Zzeta]
  - name: Flitah
    latitude: 34.031
    longitude: 36.399
    country: SY
    feature: P.PPL
  - name: Broken
    latitude: 123
    longitude: 36
    country: SY
  - name: Nocountry
    latitude: 34
    longitude: 36
    country: Syria
"""


def test_own_places_take_priority_and_bad_entries_are_named(files, tmp_path):
    data = tmp_path / "data"
    import_files(files, data_dir=data)
    yaml_file = tmp_path / "places.yaml"
    yaml_file.write_text(PLACES_YAML, "utf-8")
    problems: list[str] = []
    added, held, index = add_user_places(yaml_file, data, problems.append)
    assert (added, held, index) == (2, 2, user_index_path(data))
    assert problems == [f"{yaml_file}: place 3 ('Broken'): latitude: 123 is out of range (-90 to 90)",
                        f"{yaml_file}: place 4 ('Nocountry'): country: 'SYRIA' is not an ISO 3166-1 alpha-2 code"]
    gaz = _gaz(data)
    first = gaz.candidates("Flitah")[0]
    assert gaz.origin(first) == "user" and first.geonameid is None and abs(first.latitude - 34.031) < 1e-6
    camp = gaz.candidates("Mukhayyam Zzeta")[0]
    assert camp.feature == "S.CMPRF" and gaz.origin(camp) == "user"
    # adding again updates by name and country, and keeps the others
    yaml_file.write_text("- {name: Camp Zzeta, latitude: 34.28, longitude: 36.42, country: LB, feature: S.CMP}\n")
    added, held, _ = add_user_places(yaml_file, data)
    assert (added, held) == (1, 2)
    camp = _gaz(data).candidates("Camp Zzeta")[0]
    assert camp.feature == "S.CMP" and abs(camp.latitude - 34.28) < 1e-6
    yaml_file.write_text("places: [name: x\n")
    with pytest.raises(GazetteerError, match="not readable YAML .line"):
        add_user_places(yaml_file, data)


# ------------------------------------------------------------------ the commands
def test_cli_import_info_lookup_reset(files, tmp_path):
    data = tmp_path / "data"
    res = _cli(["gazetteer", "import", *map(str, files)], data)
    assert res.exit_code == 0, res.stderr
    assert "rows imported" in res.stderr and res.stdout == ""
    info = json.loads(_cli(["gazetteer", "info", "--format", "jsonl"], data).stdout)
    assert info["imported"]["by_class"] == {"A": 1, "H": 2, "P": 1, "S": 1, "T": 1}
    assert info["imported"]["by_country"]["LB"] == {"H": 1, "S": 1}
    assert info["embedded"]["places"] > 200_000 and info["own_places"] is None
    rows = [json.loads(x) for x in _cli(["gazetteer", "lookup", "Tal Moussa hill", "--country", "SY", "--explain",
                                         "--format", "jsonl"], data).stdout.splitlines()]
    assert rows[0]["geonameid"] == 9903001 and rows[0]["source"] == "geonames"
    reasons = [p["reason"] for p in rows[0]["parts"]]
    assert "fits 'T.HLL' phrase" in reasons and "story country SY" in reasons
    assert abs(sum(p["points"] for p in rows[0]["parts"]) - rows[0]["score"]) < 0.05
    table = _cli(["gazetteer", "lookup", "Fleita", "--country", "SY", "--explain", "--format", "table"], data)
    assert "winner" in table.stdout and "Flitah" in table.stdout
    only_h = _cli(["gazetteer", "lookup", "Wadi Hmaid", "--feature", "H", "--format", "jsonl"], data)
    assert all(json.loads(x)["feature"].startswith("H.") for x in only_h.stdout.splitlines())
    assert _cli(["gazetteer", "lookup", "Qxqxqxq"], data).exit_code == 1
    assert _cli(["gazetteer", "lookup", "Arsal", "--near", "north"], data).exit_code == 2
    assert _cli(["gazetteer", "import", str(tmp_path / "missing.zip")], data).exit_code == 2
    res = _cli(["gazetteer", "reset"], data)
    assert res.exit_code == 0 and not imported_index_path(data).exists()


def test_cli_import_exit_code_when_rows_are_skipped(tmp_path):
    path = _write(tmp_path / "src", "LB", ROWS["LB"] + ["only\tthree\tcolumns\n"])
    res = _cli(["gazetteer", "import", str(path)], tmp_path / "data")
    assert res.exit_code == 1
    assert "LB.txt:3: expected 19 tab-separated columns, found 3" in res.stderr and "1 rows skipped" in res.stderr


def test_the_installed_command_runs(files, tmp_path):
    env = {**os.environ, "EVENTWIRE_DATA_DIR": str(tmp_path / "data")}
    exe = [sys.executable, "-m", "eventwire.cli"]
    res = subprocess.run(exe + ["gazetteer", "import", str(files[1])], capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr
    res = subprocess.run(exe + ["gazetteer", "lookup", "Wadi Hmeid"], capture_output=True, text=True, env=env)
    assert res.returncode == 0 and json.loads(res.stdout.splitlines()[0])["geonameid"] == 9904001


def test_worker_processes_build_the_same_index(tmp_path, monkeypatch):
    """A large file is parsed and keyed in worker processes: the index must hold exactly the same rows."""
    import sqlite3

    import eventwire.geo.importer as importer

    rows = [format_feature(9909000 + i, f"Zzqarya {i % 700}", 30 + i % 90 * 0.1, 40 + i % 70 * 0.1, "P.PPL", "IQ",
                           "07", "", i % 50, (f"Qarya {i}", f"Zzkarya {i % 700}")) for i in range(3000)]
    rows.insert(5, "broken\trow\n")
    path = _write(tmp_path / "src", "IQ", rows)
    monkeypatch.setattr(importer, "CHUNK_LINES", 500)
    monkeypatch.setattr(importer, "PARALLEL_BYTES", 1)
    monkeypatch.setattr(importer, "PARALLEL_ROWS", 1)
    dumps = []
    for workers in (2, 1):
        problems = []
        result = import_files([path], data_dir=tmp_path / f"data{workers}", workers=workers,
                              on_problem=problems.append)
        assert result.committed and [str(p) for p in problems] == ["IQ.txt:6: expected 19 tab-separated columns, "
                                                                    "found 2"]
        conn = sqlite3.connect(imported_index_path(tmp_path / f"data{workers}"))
        dumps.append([conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in ("place", "term", "name",
                                                                                          "skel", "admin")])
        conn.close()
    assert dumps[0] == dumps[1] and len(dumps[0][0]) == 3000
