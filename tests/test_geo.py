"""Places: normalization, the embedded gazetteer, toponym recognition, resolution and the geoparse contract."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from eventwire.geo import (
    Gazetteer,
    country_from_name,
    country_name,
    find_toponyms,
    geoparse,
    haversine_km,
    iso_numeric,
    load_gazetteer,
    name_key,
    region,
    resolve_places,
    skeleton,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "qalamoun-arsal-2017-07-21.txt"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="module")
def nlp():
    from eventwire.nlp import load_nlp

    return load_nlp()


# ------------------------------------------------------------------ normalization
def test_name_key_folds_accents_apostrophes_articles():
    assert name_key("Ra’s Bayrūt") == "ras bayrut"
    assert name_key("al-Karah") == name_key("Karah") == "karah"
    assert name_key("Wadi al-Qariyah") == "wadi qariyah"
    assert name_key("Deir ez-Zor") == name_key("Deir Zor")
    assert name_key("the Gaza Strip") == "gaza strip"


def test_transliteration_variants_share_a_key():
    assert skeleton("Aarsâl") == skeleton("Arsal") == skeleton("Ersal")
    assert skeleton("al-Qarah") == skeleton("Kara") == skeleton("Karah")
    assert skeleton("Ain al-Hilweh") == skeleton("Ayn el-Hilwe")
    assert skeleton("Arsal") != skeleton("Homs")


# ------------------------------------------------------------------ gazetteer
def test_index_loads_fast_and_is_reused(gaz):
    t0 = time.perf_counter()
    again = Gazetteer.load(gaz.path)
    assert time.perf_counter() - t0 < 5  # generous; the measured figure is in the report/benchmarks
    assert again.candidates("Homs")


@pytest.mark.parametrize("name,iso2", [("UK", "GB"), ("Britain", "GB"), ("Great Britain", "GB"), ("USA", "US"),
                                        ("America", "US"), ("DRC", "CD"), ("Congo-Kinshasa", "CD"),
                                        ("Ivory Coast", "CI"), ("Burma", "MM"), ("Syria", "SY")])
def test_short_forms_resolve_to_countries_with_coordinates(gaz, name, iso2):
    top = gaz.candidates(name)[0]
    assert top.feature == "A.PCLI" and top.country == iso2
    assert -90 <= top.latitude <= 90 and (top.latitude, top.longitude) != (0.0, 0.0)


def test_country_centroids_are_plausible(gaz):
    assert haversine_km(gaz.country("SY").latitude, gaz.country("SY").longitude, 35.0, 38.5) < 150
    assert haversine_km(gaz.country("LB").latitude, gaz.country("LB").longitude, 33.85, 35.86) < 100


def test_admin_areas_and_regions_have_coordinates(gaz):
    texas = [p for p in gaz.candidates("Texas") if p.feature == "A.ADM1"][0]
    assert texas.country == "US" and haversine_km(texas.latitude, texas.longitude, 31.25, -99.25) < 161
    parish = gaz.candidates("Rapides Parish")[0]
    assert parish.feature == "A.ADM2" and parish.admin1 == "Louisiana"
    gaza = [p for p in gaz.candidates("the Gaza Strip") if p.country == "PS"]
    assert gaza and abs(gaza[0].latitude - 31.4) < 0.5
    kivu = gaz.candidates("Kivu")[0]
    assert kivu.country == "CD" and kivu.feature.startswith("L")
    idlib = gaz.candidates("Idlib Governorate")
    assert idlib and idlib[0].country == "SY" and idlib[0].feature == "A.ADM1"


def test_transliteration_finds_unseen_spelling(gaz):
    assert any(p.country == "LB" for p in gaz.candidates("Ersal"))


def test_country_helpers():
    assert country_name("SY") == "Syria"
    assert country_name("CD") == "Democratic Republic of Congo"
    assert country_name("PS") == "Palestine"
    assert iso_numeric("SY") == 760 and iso_numeric("LB") == 422
    assert region("SY") == "Middle East" and region("KE") == "Eastern Africa" and region("ML") == "Western Africa"
    assert country_from_name("Syrian") == "SY" and country_from_name("Lebanese") == "LB"
    assert country_from_name("the UK") == "GB" and country_from_name("us") is None
    assert country_from_name("Tuesday") is None


def test_demonyms_cover_the_worlds_countries():
    import pycountry

    from eventwire.geo import demonyms

    have = set(demonyms().values())
    sovereign = {c.alpha_2 for c in pycountry.countries if c.alpha_2 in {
        "SY", "LB", "IQ", "AF", "YE", "SO", "ML", "NG", "CD", "UA", "RU", "MM", "CO", "MX", "PH", "ET", "SD", "SS"}}
    assert sovereign <= have


# ------------------------------------------------------------------ recognition and resolution
def test_recognizes_places_the_small_model_mislabels(gaz, nlp):
    doc = nlp("Lebanese troops advanced in Juroud Arsal toward militant positions, and shells fell in Arsal.")
    texts = [t.text for t in find_toponyms(doc, gaz)]
    assert "Juroud Arsal" in texts
    assert "Arsal" in texts
    assert "Lebanese" not in texts


def test_common_words_are_not_places(gaz, nlp):
    doc = nlp("On Sunday the Army said Police of the region were deployed.")
    assert [t.text for t in find_toponyms(doc, gaz)] == []


def test_homonym_picked_by_story_country(gaz, nlp):
    doc = nlp("Clashes erupted in Tripoli, the Lebanese city, as gunmen fired on the Lebanese army.")
    m = [m for m in resolve_places(doc, gaz) if m.text == "Tripoli"][0]
    assert m.place.country == "LB" and m.why
    doc = nlp("Militias fought near Tripoli airport in western Libya on Monday.")
    m = [m for m in resolve_places(doc, gaz) if m.text == "Tripoli"][0]
    assert m.place.country == "LY"


def test_apposition_state_picks_the_town(gaz, nlp):
    doc = nlp("A woman from Alexandria, Louisiana, was arrested on Friday.")
    m = [m for m in resolve_places(doc, gaz) if m.text == "Alexandria"][0]
    assert m.place.country == "US" and m.place.admin1 == "Louisiana"


def test_unknown_place_falls_back_with_precision(gaz, nlp):
    doc = nlp("Fighters seized the Tallat al-Zurqan hill near the Syrian town of Yabroud.")
    ms = {m.text: m for m in resolve_places(doc, gaz)}
    hill = next(m for k, m in ms.items() if "Zurqan" in k)
    assert hill.place is not None and hill.place.country == "SY" and hill.geo_precision == 2
    doc = nlp("Syrian sources said the Zzqxw hill had been captured.")
    ms = [m for m in resolve_places(doc, gaz) if "Zzqxw" in m.text]
    assert ms and ms[0].place is not None and ms[0].place.country == "SY" and ms[0].geo_precision == 3


def test_geoparse_output_contract(gaz, nlp):
    text = "Protesters gathered in Nairobi, Kenya."
    out = geoparse(text, nlp, gaz)
    keys = {"text", "start", "end", "name", "geonameid", "latitude", "longitude", "country", "admin1", "feature"}
    assert out and all(set(o) == keys for o in out)
    for o in out:
        assert text[o["start"]:o["end"]] == o["text"]
    nairobi = next(o for o in out if o["text"] == "Nairobi")
    assert nairobi["country"] == "KE" and nairobi["feature"].startswith("P.")
    assert abs(nairobi["latitude"] + 1.29) < 0.3


@pytest.mark.slow
def test_seed_story(gaz, nlp):
    doc = nlp(SEED.read_text("utf-8"))
    ms = resolve_places(doc, gaz, dateline_place="DAMASCUS")
    arsal = [m for m in ms if m.text == "Arsal"]
    assert arsal and all(m.place.country == "LB" for m in arsal)
    assert all(haversine_km(m.place.latitude, m.place.longitude, 34.1794, 36.4208) < 40 for m in arsal)
    karah = [m for m in ms if "Karah" in m.text]
    assert karah and karah[0].place.country == "SY"
    qalamoun = [m for m in ms if "Qalamoun" in m.text]
    assert qalamoun and all(m.place.country == "SY" for m in qalamoun)
    hill = [m for m in ms if "Tharir" in m.text]
    assert hill and hill[0].place.country == "SY" and hill[0].geo_precision == 2  # no gazetteer entry
    for m in ms:
        assert m.place is None or m.geo_precision in (1, 2, 3)


@pytest.mark.slow
def test_dev_geoparsing_figures(gaz, nlp):
    path = SHARED / "geoparsing-dev" / "GeoVirus.xml"
    if not path.exists():
        pytest.skip(f"dev data absent: {path}")
    from eventwire.evaluation.geoparse import evaluate_geoparse_xml

    res = evaluate_geoparse_xml(path, nlp, gaz, limit=40)
    assert res["recall"] > 0.7 and res["acc161_matched"] > 0.6


def test_spatial_relation_gives_precision_two(gaz, nlp):
    doc = nlp("Artillery shelled villages on the outskirts of Homs and clashes were reported west of Aleppo.")
    ms = {m.text: m for m in resolve_places(doc, gaz)}
    assert ms["Homs"].place.country == "SY" and ms["Homs"].geo_precision == 2 and ms["Homs"].relation
    assert ms["Aleppo"].geo_precision == 2 and ms["Aleppo"].relation == "west of"
    doc = nlp("Artillery shelled Homs on Monday.")
    ms = {m.text: m for m in resolve_places(doc, gaz)}
    assert ms["Homs"].geo_precision == 1


def test_dateline_sets_story_country(gaz, nlp):
    doc = nlp("Gunmen attacked a checkpoint in Tripoli on Sunday, officials said.")
    m = [m for m in resolve_places(doc, gaz, dateline_place="BEIRUT") if m.text == "Tripoli"][0]
    assert m.place.country == "LB"


def test_disease_names_are_not_places(gaz, nlp):
    doc = nlp("Health officials confirmed two cases of West Nile virus in Dallas.")
    texts = [t.text for t in find_toponyms(doc, gaz)]
    assert "West Nile" not in texts and "Dallas" in texts


def test_index_location_is_versioned_and_overridable(tmp_path, monkeypatch):
    from eventwire.geo.gazetteer import INDEX_VERSION, default_index_path

    monkeypatch.setenv("EVENTWIRE_CACHE_DIR", str(tmp_path))
    path = default_index_path()
    assert path.parent == tmp_path and f"-v{INDEX_VERSION}-" in path.name


# ------------------------------------------------------------------ containment: "the Y area of X district, Z"
def _by_text(doc, gaz, hints=()):
    return {m.text: m for m in resolve_places(doc, gaz, country_hints=hints)}


def test_hyphen_connectors_keep_persian_names_whole(gaz, nlp):
    doc = nlp("A blast hit a market in Mazar-e Sharif city and a checkpoint in the Band-e-Qala area of "
              "Khan Abad district, Kunduz.")
    texts = [t.text for t in find_toponyms(doc, gaz)]
    assert "Mazar-e Sharif" in texts and "Band-e-Qala" in texts and "Khan Abad" in texts


def test_name_before_district_is_one_toponym_even_when_ner_splits_it(gaz, nlp):
    doc = nlp("Fighting was reported in Bala Murghab district, Badghis.")
    texts = [t.text for t in find_toponyms(doc, gaz)]
    assert "Bala Murghab" in texts and "Badghis" in texts


def test_district_comma_province_restricts_to_the_province(gaz, nlp):
    ms = _by_text(nlp("Gunmen attacked a police post in Kohsan district, Herat."), gaz, ("AF",))
    assert ms["Kohsan"].place.admin1 == "Herat" and ms["Kohsan"].geo_precision == 2
    # the name after "district," is the province, not its namesake city
    assert ms["Herat"].place.feature == "A.ADM1" and ms["Herat"].geo_precision == 3


def test_unknown_district_falls_back_to_the_province_named_not_the_country(gaz, nlp):
    ms = _by_text(nlp("Fighting was reported in Zzyqabad district, Balkh."), gaz, ("AF",))
    m = ms["Zzyqabad"]
    assert m.place.feature == "A.ADM1" and m.place.admin1 == "Balkh" and m.geo_precision == 3


def test_two_word_name_written_apart_finds_the_one_word_entry(gaz, nlp):
    ms = _by_text(nlp("Militants attacked a checkpoint in Dawlat Abad district, Faryab."), gaz, ("AF",))
    m = ms["Dawlat Abad"]
    assert m.place.country == "AF" and m.place.admin1 == "Faryab" and m.place.feature.startswith("P")


def test_foreign_homonym_loses_to_the_area_named_after_it(gaz, nlp):
    # Lahore (Pakistan) and Alexandria (Egypt/US) exist, but the phrase puts the place inside the province named
    ms = _by_text(nlp("A sniper shot a soldier in the Lahore area of Garmser district, Helmand."), gaz, ("AF",))
    assert ms["Lahore"].place.country == "AF" and ms["Lahore"].place.admin1 == "Helmand"
    assert ms["Lahore"].geo_precision >= 2
    ms = _by_text(nlp("Al Shabaab fighters attacked troops in the Alexandria area of Marka district, "
                      "Lower Shabelle."), gaz, ("SO",))
    m = ms["Alexandria"]
    assert m.place.country == "SO" and haversine_km(m.place.latitude, m.place.longitude, 1.72, 44.77) < 30
    assert m.geo_precision == 2


def test_name_in_another_province_does_not_win_over_the_province_named(gaz, nlp):
    # Sangin is a Helmand town; "Sangin area of Bala Murghab district, Badghis" is in Badghis
    ms = _by_text(nlp("A sniper killed a policeman in the Sangin area of Bala Murghab district, Badghis."),
                  gaz, ("AF",))
    assert ms["Sangin"].place.admin1 == "Badghis"


def test_area_of_a_district_in_syria_and_nigeria(gaz, nlp):
    ms = _by_text(nlp("Regime shelling hit the Kafr Nabl area of Maarrat al-Numan district, Idlib."), gaz, ("SY",))
    m = ms["Kafr Nabl"]
    assert m.place.country == "SY" and m.place.admin1 == "Idlib" and m.geo_precision <= 2
    ms = _by_text(nlp("Boko Haram insurgents raided the Zzyqa village of Gwoza district, Borno."), gaz, ("NG",))
    m = ms["Zzyqa"]
    assert m.place.country == "NG" and m.place.admin1 == "Borno" and m.geo_precision == 2


def test_area_of_a_city_stays_near_the_city(gaz, nlp):
    ms = _by_text(nlp("A bomb exploded in the Qargha area of Kabul city."), gaz, ("AF",))
    m = ms["Qargha"]
    assert haversine_km(m.place.latitude, m.place.longitude, 34.53, 69.17) < 60 and m.geo_precision == 2


def test_list_of_districts_shares_the_province(gaz, nlp):
    ms = _by_text(nlp("Clashes were reported in Jalrez, Nirkh and Chak districts, Wardak."), gaz, ("AF",))
    for name in ("Jalrez", "Nirkh", "Chak"):
        assert ms[name].place.country == "AF" and ms[name].place.admin1 == "Vardak"


def test_a_list_of_cities_is_not_containment(gaz, nlp):
    ms = _by_text(nlp("Rallies were held in Kabul, Herat and Kandahar."), gaz, ("AF",))
    assert ms["Kabul"].place.feature.startswith("P") and ms["Kabul"].geo_precision == 1
    assert ms["Herat"].place.feature.startswith("P")


def test_name_of_district_and_bracketed_other_name(gaz, nlp):
    doc = nlp("Gunmen killed a shopkeeper in Deh-i-Nawzad of Pul-e Alam district, Logar.")
    assert "Deh-i-Nawzad" in [t.text for t in find_toponyms(doc, gaz)]
    ms = _by_text(doc, gaz, ("AF",))
    assert ms["Deh-i-Nawzad"].place.admin1 == "Lowgar" and ms["Deh-i-Nawzad"].geo_precision == 2
    ms = _by_text(nlp("A soldier was killed in the Zzyqa (Zzyqi) village of Dawlat Yar district, Ghor."), gaz, ("AF",))
    assert ms["Zzyqa"].place.admin1 == "Ghowr" and ms["Zzyqa"].geo_precision == 2


def test_a_country_after_of_is_not_a_container(gaz, nlp):
    ms = _by_text(nlp("Officials hope the port will become the Dubai of Africa."), gaz)
    assert ms["Dubai"].place.country == "AE"


# ------------------------------------------------------------------ the fast paths give what the plain ones give
def test_token_table_reads_the_doc_as_spacy_does(nlp):
    from eventwire.geo.recognize import _Tokens

    doc = nlp(SEED.read_text("utf-8"))
    tk = _Tokens(doc)
    assert tk.doc_text() == doc.text
    assert tk.text == [t.text for t in doc] and tk.idx == [t.idx for t in doc]
    assert tk.sent_start_of == [t.sent.start for t in doc]
    for start in range(0, len(doc), 7):
        for end in (start, start + 1, start + 4):
            end = min(end, len(doc))
            assert tk.span_text(start, end) == doc[start:end].text
            if end > start:
                assert tk.end_char(end) == doc[start:end].end_char


def test_resolving_given_toponyms_is_the_same_as_finding_them(gaz, nlp):
    doc = nlp(SEED.read_text("utf-8"))
    found = resolve_places(doc, gaz, dateline_place="BEIRUT")
    assert found and found == resolve_places(doc, gaz, dateline_place="BEIRUT", toponyms=find_toponyms(doc, gaz))


def test_candidate_scores_without_labels_equal_the_explained_parts(gaz, nlp):
    """The resolver scores every candidate without building the explanation labels: the sums must be the
    same to the last bit (ties are broken by the first best)."""
    import dataclasses
    from collections import Counter

    from eventwire.geo.resolve import (
        _context_parts,
        _context_points,
        _Neighbours,
        _Story,
    )

    doc = nlp(SEED.read_text("utf-8"))
    toponyms = find_toponyms(doc, gaz)
    def biggest(name):  # (not `gaz.candidates`, which orders the gazetteer's cached list in place)
        return max((p for p, _, level in gaz.lookup(name) if level == 0), key=lambda p: p.population)

    arsal, homs = biggest("Arsal"), biggest("Homs")
    near = _Neighbours([arsal, homs])
    stories = [_Story(Counter(), Counter(), None),
               _Story(Counter({"LB": 5, "SY": 2}), Counter({(arsal.country, arsal.admin1): 1}), biggest("Beirut"))]
    appositions = [None, gaz.country("LB"), gaz.admin1(homs.country, homs.admin1)]
    assert appositions[2] is not None and appositions[2].feature == "A.ADM1"
    compared = 0
    for t in toponyms:
        for variant in (t, dataclasses.replace(t, hint="P", country_hint="SY")):
            for place, _, _ in gaz.lookup(variant.text)[:30]:
                for story in stories:
                    for appos in appositions:
                        for others in (_Neighbours([]), near):
                            parts = _context_parts(place, variant, story, appos, others.places)
                            assert _context_points(place, variant, story, appos, others) == sum(p for _, p in parts)
                            compared += 1
    assert compared > 500


def test_reporting_organisations_are_not_places(gaz, nlp):
    doc = nlp("State news agency SANA said the Syrian Observatory reported clashes in Aleppo, the Libya "
              "Herald added.")
    assert [t.text for t in find_toponyms(doc, gaz)] == ["Aleppo"]


def test_a_variant_spelling_is_sought_in_the_leading_country_only(gaz, nlp):
    # the story is about Syria; Russia is only the home of an actor. "Syrias" (an apostrophe lost in
    # scraping) spells like Sirius in Russia, which the story's main country rules out
    doc = nlp("Dozens of people have been killed in Syrias northern Idlib province. Government troops "
              "shelled Aleppo and Hama in Syria, Russian officials said. The Syrian army said the strikes "
              "in Syria hit rebel depots.")
    places = {m.text: m.place for m in resolve_places(doc, gaz, country_hints=("SY", "RU"))}
    assert all(p is None or p.country == "SY" for p in places.values()), places
