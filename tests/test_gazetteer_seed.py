"""The seed story against an imported GeoNames-format gazetteer written here with made-up ids and coordinates
(and decoys: homonyms in other countries, a populous namesake far away, a same-country namesake far from the
story, a village named like a hill). Every place of the story must resolve to the intended made-up feature:
this proves the import, the transliteration variants and the ranking - not real-world truth."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from eventwire.geo.geonames import format_feature

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "qalamoun-arsal-2017-07-21.txt"

# (id, name written as GeoNames might, alternates, lat, lon, feature, cc, admin1 code, population)
# Ids 99001xx: the story's places; 99009xx: decoys. Coordinates are made up (a cluster, not the real points).
STORY = [
    (9900101, "Flitah", ("Flita",), 34.0300, 36.4000, "P.PPL", "SY", "08", 3500),
    (9900102, "Tilal Flitah", ("Fleita Hills",), 34.0450, 36.3850, "T.HLLS", "SY", "08", 0),
    (9900103, "At Tharir al Aswad", (), 34.0200, 36.4100, "T.HLL", "SY", "08", 0),
    (9900104, "Tallat al Hajj Muhsin", ("Al Hajj Muhsin",), 34.0600, 36.3800, "T.HLL", "SY", "08", 0),
    (9900105, "Az Zalil", (), 34.0900, 36.5600, "P.PPL", "SY", "08", 150),
    (9900106, "Tallat al Burkan", (), 34.0700, 36.3500, "T.HLL", "SY", "08", 0),
    (9900107, "Jibal al Ilm", ("Al Elm Mountains",), 34.1000, 36.6000, "T.MTS", "SY", "08", 0),
    (9900201, "Jurud 'Irsal", ("Jroud Aarsal",), 34.2000, 36.5000, "T.MTS", "LB", "12", 0),
    (9900202, "Qanza", (), 34.1600, 36.5200, "T.HLL", "LB", "12", 0),
    (9900203, "Wadi al Qariya", (), 34.1400, 36.5300, "H.WAD", "LB", "12", 0),
]
DECOYS = [
    (9900901, "Az Zalil", (), 35.3000, 40.1000, "P.PPL", "SY", "09", 12000),     # same country, far, more populous
    (9900902, "Tallat al Burkan", (), 36.5000, 37.0000, "P.PPL", "SY", "09", 2000),  # a village named like the hill
    (9900903, "Flita", ("Fleita",), 33.0000, 44.0000, "P.PPL", "IQ", "07", 25000),  # homonym, another country
    (9900904, "Qanzah", (), 32.5000, 44.5000, "P.PPL", "IQ", "07", 8000),
    (9900905, "Wadi al Qariyah", (), 33.5000, 43.0000, "H.WAD", "IQ", "07", 0),
    (9900906, "Arsal", ("Ersal",), 39.0000, 35.0000, "P.PPLA", "TR", "71", 900000),  # populous namesake far away
]
# Places cities500 also holds: GeoNames ids are shared, so the imported record (made-up point) must supersede it.
SHARED_IDS = {"Aarsal": ("LB", "12", ("Arsal", "Ersal", "Irsal"), 34.1850, 36.4300, 40000),
              "Qarah": ("SY", "08", ("Al Qarah", "Kara"), 34.1450, 36.7300, 20000)}


def _write(path: Path, rows) -> None:
    path.write_text("".join(format_feature(gid, name, lat, lon, feat, cc, a1, "", pop, alts)
                            for gid, name, alts, lat, lon, feat, cc, a1, pop in rows), "utf-8")


@pytest.fixture(scope="module")
def seed_gazetteer(tmp_path_factory):
    """Imports the written files into a temporary data dir; returns (gazetteer, expected id per toponym, points)."""
    from eventwire.geo.gazetteer import Gazetteer, load_gazetteer
    from eventwire.geo.importer import import_files

    embedded = load_gazetteer(data_dir=tmp_path_factory.mktemp("empty"))
    shared = []
    for name, (cc, a1, alts, lat, lon, pop) in SHARED_IDS.items():
        gid = next(p.geonameid for p in embedded.candidates(name) if p.country == cc and p.geonameid)
        shared.append((gid, name, alts, lat, lon, "P.PPL", cc, a1, pop))
    rows = STORY + DECOYS + shared
    src = tmp_path_factory.mktemp("geonames")
    _write(src / "SY.txt", [r for r in rows if r[6] == "SY"])
    with zipfile.ZipFile(src / "SY.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(src / "SY.txt", "SY.txt")
    (src / "SY.txt").unlink()
    for cc in ("LB", "IQ", "TR"):
        _write(src / f"{cc}.txt", [r for r in rows if r[6] == cc])
    (src / "admin1CodesASCII.txt").write_text("SY.08\tRif Dimashq\tRif-dimashq\t1\nLB.12\tBaalbek-Hermel\t"
                                              "Baalbek-Hermel\t2\n", "utf-8")
    data = tmp_path_factory.mktemp("data")
    result = import_files(sorted(src.iterdir()), data_dir=data)
    assert result.committed and not result.failed and result.skipped_rows == 0
    from eventwire.geo.datadir import existing_layers

    gaz = Gazetteer.load(layers=existing_layers(data))
    ids = {r[1]: r[0] for r in shared}
    points = {r[0]: (r[3], r[4]) for r in rows}
    return gaz, ids, points


def _expected(ids: dict) -> dict[str, int]:
    return {"Fleita": 9900101, "al-Tharir al-Aswad": 9900103, "Juroud Arsal": 9900201, "Qanzah": 9900202,
            "Wadi al-Qariyah": 9900203, "al-Haj Mohsen": 9900104, "al-Zalil": 9900105, "al-Karah": ids["Qarah"],
            "al-Elm Mountains": 9900107, "Tallat al-Burkan": 9900106, "Arsal": ids["Aarsal"]}


@pytest.mark.slow
def test_every_place_of_the_seed_story_resolves_to_the_intended_feature(seed_gazetteer, nlp):
    from eventwire.geo import resolve_places

    gaz, ids, points = seed_gazetteer
    doc = nlp(SEED.read_text("utf-8"))
    mentions = resolve_places(doc, gaz, dateline_place="DAMASCUS")
    expected = _expected(ids)
    seen = set()
    for m in mentions:
        text = "al-Elm Mountains" if m.text == "al-Elm" else m.text  # with or without its noun
        want = expected.get(text)
        if want is None:
            continue
        seen.add(text)
        after = doc.text[m.end:m.end + 7]
        if m.text == "Fleita" and after.startswith(" hills"):
            want = 9900102  # "Fleita hills": the hills, not the village
        assert m.place is not None and m.place.geonameid == want, (m.text, m.place, m.why)
        assert (round(m.place.latitude, 4), round(m.place.longitude, 4)) == points[want], m.text
        assert m.why
    assert seen == set(expected)


# Events of the story (by a phrase of their evidence) and the made-up features they may be placed on.
EVENT_PLACES = {"al-Tharir al-Aswad hill": {9900103, 9900101},
                "advanced in Juroud Arsal": {9900201, 9900202, 9900203},
                "reached al-Haj Mohsen": {9900104, 9900102},
                "gatherings in al-Zalil": {9900105, "Qarah", 9900107},
                "seized the Tallat al-Burkan": {9900106},
                "battle to cleanse Arsal outskirts": {"Aarsal"}}


@pytest.mark.slow
def test_seed_events_are_placed_on_the_imported_features(seed_gazetteer, nlp):
    from eventwire.pipeline import Pipeline

    gaz, ids, points = seed_gazetteer
    pipe = Pipeline(nlp=nlp, gazetteer=gaz)
    events = pipe.extract(SEED.read_text("utf-8"), published="2017-07-21", source="Press Shia Agency")
    decoy_points = {(r[3], r[4]) for r in DECOYS}
    for e in events:
        assert (round(e.latitude, 4), round(e.longitude, 4)) not in decoy_points, e.location
    for phrase, allowed in EVENT_PLACES.items():
        allowed_points = {points[ids.get(a, a)] for a in allowed}
        placed = [(round(e.latitude, 4), round(e.longitude, 4)) for e in events
                  if any(phrase in ev["sentence"] for ev in e.evidence)]
        assert placed and all(p in allowed_points for p in placed), (phrase, placed)
