"""Resolution with the full gazetteer: transliteration variants, feature fit to the phrase, feature importance,
distance to the story's other places, admin containment, the user's own places, spatial phrases and the
score breakdown. Imported places are written here with made-up ids (99100xx) and coordinates."""
from __future__ import annotations

import pytest

from eventwire.geo import name_key, resolve_places, skeleton
from eventwire.geo.geonames import format_feature

ROWS = [
    # one name, three kinds of place close together: the phrase decides
    (9910001, "Zubadin", 34.500, 36.300, "P.PPL", "SY", "05", 4000, ()),
    (9910002, "Zubadin", 34.520, 36.280, "T.HLL", "SY", "05", 0, ()),
    (9910003, "Zubadin", 34.480, 36.330, "H.WAD", "SY", "05", 0, ("Wadi Zubadin",)),
    # feature importance: a district seat, a quarter and a historical place of one name
    (9910011, "Kafr Zumra", 35.100, 36.600, "P.PPLX", "SY", "06", 0, ()),
    (9910012, "Kafr Zumra", 35.300, 36.900, "P.PPLA2", "SY", "06", 0, ()),
    (9910013, "Kafr Zumra", 35.500, 36.200, "P.PPLH", "SY", "06", 0, ()),
    # distance and containment: a hamlet near Homs, a bigger namesake far away in Al-Hasakah
    (9910021, "Tall Zahab", 34.720, 36.690, "P.PPL", "SY", "11", 100, ()),
    (9910022, "Tall Zahab", 36.600, 41.000, "P.PPL", "SY", "01", 20000, ()),
]
ADMIN1 = "SY.05\tHama\tHama\t1\nSY.06\tIdlib\tIdlib\t2\nSY.11\tHoms\tHoms\t3\nSY.01\tAl-Hasakah\tAl-Hasakah\t4\n"


@pytest.fixture(scope="module")
def gaz(tmp_path_factory):
    from eventwire.geo.datadir import existing_layers
    from eventwire.geo.gazetteer import Gazetteer
    from eventwire.geo.importer import add_user_places, import_files

    src = tmp_path_factory.mktemp("src")
    (src / "SY.txt").write_text("".join(format_feature(g, n, la, lo, f, cc, a1, "", pop, alts)
                                        for g, n, la, lo, f, cc, a1, pop, alts in ROWS), "utf-8")
    (src / "admin1CodesASCII.txt").write_text(ADMIN1, "utf-8")
    data = tmp_path_factory.mktemp("data")
    assert import_files([src / "SY.txt", src / "admin1CodesASCII.txt"], data_dir=data).committed
    (src / "own.yaml").write_text("- {name: Kafr Zumra, latitude: 35.2, longitude: 36.7, country: SY, feature: P.PPL}\n"
                                  "- {name: Nuqtat Zeta, latitude: 34.6, longitude: 36.4, country: SY, "
                                  "feature: S.CKP, other_names: [Zeta checkpoint]}\n", "utf-8")
    add_user_places(src / "own.yaml", data)
    return Gazetteer.load(layers=existing_layers(data))


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    from eventwire.geo.gazetteer import Gazetteer

    return Gazetteer.load(layers=[])


def _places(nlp, gaz, text, **kw):
    return {m.text: m for m in resolve_places(nlp(text), gaz, **kw)}


# ------------------------------------------------------------------ names
@pytest.mark.parametrize("variants", [("Fleita", "Flitah", "Flita"), ("Aarsal", "Arsal", "Ersal", "Irsal"),
                                      ("Juroud Arsal", "Jurud Arsal", "Jroud Aarsal"),
                                      ("Deir ez-Zor", "Dayr az-Zawr", "Deir Ezzor", "Deir el-Zour"),
                                      ("Jisr al-Shughur", "Jisr esh-Shughur", "Jisr ash-Shughour")])
def test_transliteration_variants_share_a_skeleton(variants):
    assert len({skeleton(v) for v in variants}) == 1, [skeleton(v) for v in variants]


def test_articles_are_optional_in_the_key():
    assert name_key("al-Qariyah") == name_key("el-Qariyah") == name_key("Qariyah")
    assert name_key("ad-Dana") == name_key("Dana") and name_key("as-Suwayda") == name_key("Suwayda")
    assert name_key("Jisr esh-Shughur") == name_key("Jisr Shughur")


# ------------------------------------------------------------------ the phrase, importance, distance, containment
def test_the_phrase_picks_the_kind_of_place(gaz, nlp):
    assert _places(nlp, gaz, "Rebels seized Zubadin hill in Syria.")["Zubadin"].place.geonameid == 9910002
    assert _places(nlp, gaz, "Shells hit the town of Zubadin in Syria.")["Zubadin"].place.geonameid == 9910001
    m = _places(nlp, gaz, "Clashes were reported in Zubadin, Syria.")["Zubadin"]
    assert m.place.geonameid == 9910001 and m.geo_precision == 1  # a bare name: the populated place
    wadi = _places(nlp, gaz, "Militants hid in Wadi Zubadin in Syria.")["Wadi Zubadin"]
    assert wadi.place.geonameid == 9910003 and wadi.geo_precision == 2


def test_feature_importance_without_other_context(gaz, embedded, nlp):
    from eventwire.geo.resolve import rank_candidates

    ranked = [c for c in rank_candidates(gaz, "Kafr Zumra", ["SY"]) if c.origin == "geonames"]
    assert [c.place.geonameid for c in ranked] == [9910012, 9910011, 9910013]
    assert any("seat of a second-level" in label for label, _ in ranked[0].parts)
    assert any("historical" in label for label, _ in ranked[-1].parts)


def test_distance_to_the_other_places_of_the_story(gaz, nlp):
    ms = _places(nlp, gaz, "The army shelled Homs and Tall Zahab on Monday, Syrian media said.")
    assert ms["Tall Zahab"].place.geonameid == 9910021
    assert any("km from another place" in w for w in [ms["Tall Zahab"].why])
    ms = _places(nlp, gaz, "Clashes were reported in Tall Zahab, Syria.")
    assert ms["Tall Zahab"].place.geonameid == 9910022  # without nearby places, the larger one


def test_admin_area_written_after_the_name(gaz, nlp):
    ms = _places(nlp, gaz, "Gunmen attacked a checkpoint in Tall Zahab, Homs, on Sunday.")
    assert ms["Tall Zahab"].place.geonameid == 9910021 and ms["Tall Zahab"].place.admin1 == "Homs"


def test_the_users_own_places_win(gaz, nlp):
    ms = _places(nlp, gaz, "Fighting was reported in Kafr Zumra in Syria.")
    assert ms["Kafr Zumra"].place.geonameid is None and abs(ms["Kafr Zumra"].place.latitude - 35.2) < 1e-6
    assert "your own place" in ms["Kafr Zumra"].why
    ms = _places(nlp, gaz, "Gunmen fired on the Zeta checkpoint in Syria.")
    assert ms["Zeta"].place.feature == "S.CKP" and ms["Zeta"].place.name == "Nuqtat Zeta"


# ------------------------------------------------------------------ spatial phrases: X, never a wrong exact point
@pytest.mark.parametrize("text,name,relation,precision,point", [
    ("Clashes broke out west of Homs on Monday.", "Homs", "west of", 2, (34.73, 36.72)),
    ("Shells fell on the outskirts of Idlib.", "Idlib", "outskirts", 2, (35.93, 36.63)),
    ("Fighting was reported near Aleppo.", "Aleppo", "near", 2, (36.20, 37.16)),
    ("Militants moved between Homs and Hama overnight.", "Homs", "between", 2, (34.73, 36.72)),
    ("Militants moved between Homs and Hama overnight.", "Hama", "between", 2, (35.13, 36.75)),
    ("Clashes erupted in the Arsal border area.", "Arsal", "border", 2, (34.18, 36.42)),
    ("Fighting erupted north of Idlib province.", "Idlib", "north of", 3, (35.80, 36.60)),
    ("Rebels advanced between Idlib and Latakia provinces.", "Latakia", "between", 3, (35.60, 36.00)),
    ("Jets struck targets near the Qalamoun Mountains.", "Qalamoun Mountains", "near", 2, (34.00, 36.60)),
])
def test_spatial_phrases_resolve_to_the_named_place(embedded, nlp, text, name, relation, precision, point):
    from eventwire.geo import haversine_km

    m = _places(nlp, embedded, text)[name]
    assert m.relation == relation and m.geo_precision == precision
    assert m.place is not None and haversine_km(m.place.latitude, m.place.longitude, *point) < 60, m.place


def test_an_unknown_place_in_a_spatial_phrase_is_never_an_exact_point(embedded, nlp):
    ms = _places(nlp, embedded, "Syrian troops advanced west of Qxwvbeh hill near Homs.")
    hill = next(m for t, m in ms.items() if "Qxwvbeh" in t)
    assert hill.place is not None and hill.geo_precision >= 2 and hill.place.country == "SY"


def test_no_import_means_the_embedded_gazetteer_alone(embedded):
    assert embedded.layers == [] and embedded.origin(embedded.candidates("Homs")[0]) == "embedded"
