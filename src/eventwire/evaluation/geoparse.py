"""Scoring the geoparser on gold XML corpora (LGL, GeoVirus): recognition and resolution.

    python -m eventwire.evaluation.geoparse ../shared/data/geoparsing-dev/lgl.xml [--limit N]

A gold toponym is matched when a predicted span overlaps it. Figures: toponym recall/precision,
accuracy within 161 km over matched toponyms, end-to-end accuracy (unmatched gold counts as wrong),
median error in km over matched toponyms.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from eventwire.geo.gazetteer import Gazetteer, haversine_km
from eventwire.geo.resolve import geoparse


def read_gold(path: str | Path) -> list[tuple[str, list[tuple[int, int, str, float | None, float | None]]]]:
    """(text, [(start, end, phrase, lat, lon)]) per article; LGL <toponym> and GeoVirus <location> alike.
    Spans are checked against the text and shifted by up to 2 characters when the offset is off."""
    root = ET.parse(str(path)).getroot()
    docs = []
    for art in root.iter("article"):
        text = art.findtext("text") or ""
        gold = []
        for node in list(art.iter("toponym")) + list(art.iter("location")):
            start, end = int(node.findtext("start")), int(node.findtext("end"))
            phrase = node.findtext("phrase") or node.findtext("name") or ""
            lat = node.findtext("lat") or node.findtext("gaztag/lat")
            lon = node.findtext("lon") or node.findtext("gaztag/lon")
            if text[start:end] != phrase:
                for delta in (-1, 1, -2, 2):
                    if text[start + delta:start + delta + len(phrase)] == phrase:
                        start, end = start + delta, start + delta + len(phrase)
                        break
            gold.append((start, end, phrase, float(lat) if lat else None, float(lon) if lon else None))
        docs.append((text, gold))
    return docs


def evaluate_geoparse_xml(path: str | Path, nlp, gaz: Gazetteer, limit: int | None = None) -> dict:
    """Recognition and resolution figures of `geoparse` on one gold XML file."""
    docs = read_gold(path)[:limit]
    n_gold = n_pred = n_match_gold = n_match_pred = 0
    n_coord = n_within = 0
    errors: list[float] = []
    t0 = time.time()
    for text, gold in docs:
        pred = geoparse(text, nlp, gaz)
        n_pred += len(pred)
        n_match_pred += sum(1 for p in pred if any(p["start"] < g[1] and g[0] < p["end"] for g in gold))
        for gs, ge, _, lat, lon in gold:
            n_gold += 1
            hits = [p for p in pred if p["start"] < ge and gs < p["end"]]
            if hits:
                n_match_gold += 1
            if lat is None:
                continue
            n_coord += 1
            hit = next((p for p in hits if p["latitude"] is not None), None)
            if hit is None:
                if hits:
                    errors.append(20000.0)
                continue
            err = haversine_km(lat, lon, hit["latitude"], hit["longitude"])
            errors.append(err)
            n_within += err <= 161
    matched_with_coords = len(errors)
    return {
        "file": str(path), "articles": len(docs), "gold_toponyms": n_gold, "predicted": n_pred,
        "recall": round(n_match_gold / max(1, n_gold), 3),
        "precision": round(n_match_pred / max(1, n_pred), 3),
        "acc161_matched": round(n_within / max(1, matched_with_coords), 3),
        "acc161_end_to_end": round(n_within / max(1, n_coord), 3),
        "median_error_km": round(statistics.median(errors), 1) if errors else None,
        "seconds": round(time.time() - t0, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--limit", type=int, default=None, help="score the first N articles only")
    args = ap.parse_args(argv)
    from eventwire.geo.gazetteer import load_gazetteer
    from eventwire.nlp import load_nlp

    nlp, gaz = load_nlp(), load_gazetteer()
    for f in args.files:
        print(json.dumps(evaluate_geoparse_xml(f, nlp, gaz, args.limit)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
