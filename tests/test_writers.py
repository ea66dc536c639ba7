"""Writing events: JSON Lines, ACLED-ordered CSV, GeoJSON and a rich table."""
from __future__ import annotations

import csv
import io
import json

import pytest

from eventwire.io.writers import (
    CSV_COLUMNS, default_format, event_to_row, write_events, write_records,
)
from eventwire.model import Event

# The order GUIDE.md ("The event record") lists, written out here so the test fails if model.py drifts.
GUIDE_CSV_ORDER = (
    "event_id_cnty, event_date, year, time_precision, disorder_type, event_type, sub_event_type, actor1, "
    "assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction, civilian_targeting, iso, region, "
    "country, admin1, admin2, admin3, location, latitude, longitude, geo_precision, source, source_scale, "
    "notes, fatalities, tags, timestamp, evidence, claims, confidence"
).split(", ")


def make_events() -> list[Event]:
    shelling = Event(
        event_id="ew-3f2a", event_date="2017-07-21", year=2017, time_precision=1,
        disorder_type="Political violence", event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        actor1="Military Forces of Syria", assoc_actor_1=["Hezbollah", "Militia (Pro-Government)"], inter1=1,
        actor2="Hayat Tahrir al-Sham", inter2=2, interaction=12,
        iso=760, region="Middle East", country="Syria", admin1="Rif Dimashq", admin2="An Nabk",
        location="Fleita", latitude=33.9986, longitude=36.5403, geo_precision=2,
        source="Press Shia Agency; Reuters", source_scale="National-International",
        notes="On 21 July 2017, Syrian forces shelled positions near Fleita — \"heavy\" losses, claims say.",
        fatalities=3, tags="casualties unknown",
        evidence=[{"doc_id": "a1", "sentence": "The Syrian Army targeted gatherings.", "start": 10, "end": 46}],
        claims=[{"doc_id": "a1", "outlet": "Press Shia Agency", "attributed_to": None,
                 "reporting_verb": None, "hedged": False}],
        confidence=0.82,
    )
    protest = Event(
        event_id="ew-9b10", event_date="2017-07-18", year=2017, time_precision=2,
        disorder_type="Demonstrations", event_type="Protests", sub_event_type="Peaceful protest",
        actor1="Protesters (Lebanon)", inter1=6, interaction=60, country="Lebanon",
        location=None, latitude=None, longitude=None, geo_precision=3, source="Reuters",
        fatalities=0, confidence=0.5,
    )
    return [shelling, protest]


def test_csv_columns_exactly_as_guide():
    assert CSV_COLUMNS == GUIDE_CSV_ORDER
    out = io.StringIO()
    assert write_events(make_events(), "csv", out) == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == GUIDE_CSV_ORDER
    assert len(rows) == 3 and all(len(r) == len(GUIDE_CSV_ORDER) for r in rows)


def test_csv_values():
    out = io.StringIO()
    write_events(make_events(), "csv", out)
    first, second = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert first["event_id_cnty"] == "ew-3f2a"
    assert first["assoc_actor_1"] == "Hezbollah; Militia (Pro-Government)"
    assert first["assoc_actor_2"] == ""
    assert first["latitude"] == "33.9986" and first["iso"] == "760" and first["fatalities"] == "3"
    assert first["notes"].startswith("On 21 July 2017") and '"heavy"' in first["notes"]
    assert json.loads(first["evidence"])[0]["start"] == 10
    assert json.loads(first["claims"])[0]["outlet"] == "Press Shia Agency"
    assert first["timestamp"] == ""  # reproducible by default
    assert first["confidence"] == "0.82"
    assert second["latitude"] == "" and second["location"] == "" and json.loads(second["evidence"]) == []


def test_csv_timestamp_and_dict_input():
    row = event_to_row(make_events()[0].to_dict(), timestamp=1500000000)
    assert row[CSV_COLUMNS.index("timestamp")] == "1500000000"
    assert row[0] == "ew-3f2a"


def test_csv_streams_a_generator():
    written = []

    def gen():
        for e in make_events():
            written.append(e.event_id)
            yield e

    out = io.StringIO()
    write_events(gen(), "csv", out)
    assert written == ["ew-3f2a", "ew-9b10"]


def test_jsonl_round_trip():
    out = io.StringIO()
    events = make_events()
    assert write_events(iter(events), "jsonl", out) == 2
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert [json.loads(x) for x in lines] == [e.to_dict() for e in events]
    assert "—" in lines[0]  # ensure_ascii=False keeps the text readable


def test_geojson_is_valid_feature_collection():
    out = io.StringIO()
    write_events(make_events(), "geojson", out)
    doc = json.loads(out.getvalue())
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 2
    located, unlocated = doc["features"]
    for feature in doc["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
    assert located["geometry"] == {"type": "Point", "coordinates": [36.5403, 33.9986]}  # lon, lat
    assert located["properties"]["sub_event_type"] == "Shelling/artillery/missile attack"
    assert unlocated["geometry"] is None


def test_geojson_empty():
    out = io.StringIO()
    write_events([], "geojson", out)
    assert json.loads(out.getvalue()) == {"type": "FeatureCollection", "features": []}


def test_table_renders():
    out = io.StringIO()
    assert write_events(make_events(), "table", out, width=200) == 2
    text = out.getvalue()
    for header in ("date", "type / sub-type", "actor1", "actor2", "location", "country", "fatalities", "source"):
        assert header in text
    assert "2017-07-21" in text and "Military Forces of Syria" in text and "Fleita" in text
    assert "Explosions/Remote violence /" in text and "Shelling/artillery/missile attack" in text
    assert "2 events" in text
    assert "\x1b[" not in text  # no colour codes when writing to a file
    lines = text.splitlines()
    assert lines[0].startswith("┏") and lines[0].endswith("┓")  # the table fits: not cropped
    assert max(len(line) for line in lines) <= 200


@pytest.mark.parametrize("width", [80, 120])
def test_table_fits_narrow_terminals(width):
    out = io.StringIO()
    write_events(make_events(), "table", out, width=width)
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    assert lines[0].endswith("┓") and max(len(line) for line in lines) <= width


def test_unknown_format():
    with pytest.raises(ValueError, match="unknown format"):
        write_events(make_events(), "xml", io.StringIO())


def test_default_format():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert default_format(Tty()) == "table"
    assert default_format(io.StringIO()) == "jsonl"


def test_write_records_jsonl_table_csv():
    records = [
        {"id": "1", "event_type": "Battles", "sub_event_type": "Armed clash", "score": 0.91},
        {"id": "2", "places": [{"text": "Aleppo", "start": 0, "end": 6}]},
    ]
    out = io.StringIO()
    assert write_records(records, "jsonl", out) == 2
    assert [json.loads(x) for x in out.getvalue().splitlines()] == records

    out = io.StringIO()
    write_records(records, "table", out, width=200)
    text = out.getvalue()
    assert "Armed clash" in text and "Aleppo" in text and "sub_event_type" in text and "2 records" in text

    out = io.StringIO()
    write_records(iter(records), "csv", out, columns=["id", "places"])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["id", "places"] and rows[1] == ["1", ""]
    assert json.loads(rows[2][1])[0]["text"] == "Aleppo"
