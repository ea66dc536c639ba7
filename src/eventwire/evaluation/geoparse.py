"""The geoparser on gold XML corpora (LGL, GeoVirus, GeoWebNews-style): recognition and resolution.

    eventwire eval geoparse FILE.xml... [--limit N]

Layout: <article> elements, each with <text> and gold toponyms as <toponym> (LGL: <start>, <end>,
<phrase>, <gaztag><lat>/<lon>) or <location> (GeoVirus: <start>, <end>, <name>, <lat>, <lon>).
A gold span that does not hold its phrase is moved by up to 2 characters to where it does (GeoVirus
offsets are one character late). A gold toponym is matched when a predicted span overlaps it.

Figures: toponym recall and precision; over the matched toponyms with gold coordinates, accuracy
within 161 km, median and mean error km and the AUC of the error curve (common.error_curve_auc);
end to end (every gold toponym with coordinates, an unmatched one counting as wrong, at the largest
error 20039 km for the AUC). A matched toponym that we did not resolve also counts at 20039 km.
"""
from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .common import EARTH_HALF_CIRCUMFERENCE_KM, Problem, UnusableFile, distance_km, error_curve_auc, \
    mean_or_none, median_or_none, ratio, read_text_file

ACC_KM = 161.0


class _BadToponym(ValueError):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


@dataclass(frozen=True)
class GoldToponym:
    start: int
    end: int
    phrase: str
    point: tuple[float, float] | None   # None: the corpus gives no coordinates (recognition only)


@dataclass
class GeoGold:
    file: str
    articles: list[tuple[str, list[GoldToponym]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    moved_spans: int = 0                # gold offsets corrected to where the phrase is


def _float(node: ET.Element, *paths: str) -> float | None:
    for path in paths:
        value = node.findtext(path)
        if value is not None and value.strip():
            return float(value)
    return None


def _fix_span(text: str, start: int, end: int, phrase: str) -> tuple[int, int] | None:
    """(start, end) holding `phrase`, allowing offsets off by up to 2 characters; None when not found."""
    if not phrase or text[start:end] == phrase:
        return start, end
    for delta in (-1, 1, -2, 2):
        s = start + delta
        if s >= 0 and text[s:s + len(phrase)] == phrase:
            return s, s + len(phrase)
    return None


def _gold_toponym(node: ET.Element, text: str) -> tuple[GoldToponym, bool]:
    """One gold toponym element (and whether its span was moved); _BadToponym when unusable."""
    try:
        start, end = int(node.findtext("start", "")), int(node.findtext("end", ""))
    except ValueError:
        raise _BadToponym("start/end", f"<start>/<end> not integers: {node.findtext('start')!r}, "
                                      f"{node.findtext('end')!r}") from None
    if not 0 <= start < end <= len(text):
        raise _BadToponym("start/end", f"span {start}-{end} outside the text ({len(text)} characters)")
    phrase = (node.findtext("phrase") or node.findtext("name") or "").strip()
    try:
        lat, lon = _float(node, "lat", "gaztag/lat"), _float(node, "lon", "gaztag/lon")
    except ValueError:
        raise _BadToponym("lat/lon", "coordinates are not numbers") from None
    if (lat is None) != (lon is None) or (lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180)):
        raise _BadToponym("lat/lon", f"unusable coordinates {lat}, {lon}")
    fixed = _fix_span(text, start, end, phrase)
    span = fixed or (start, end)
    return GoldToponym(span[0], span[1], phrase, (lat, lon) if lat is not None else None), span != (start, end)


def read_gold(path: str | Path, limit: int | None = None) -> GeoGold:
    """Articles and their gold toponyms; unusable toponyms are collected as problems."""
    text = read_text_file(path)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise UnusableFile(path, f"malformed XML: {exc}") from None
    articles = list(root.iter("article"))
    if not articles:
        raise UnusableFile(path, f"no <article> elements (root is <{root.tag}>): expected LGL/GeoVirus-style XML")
    gold = GeoGold(str(path))
    for k, art in enumerate(articles[:limit], start=1):
        where = f"article {k}" + (f", docid {art.get('docid')}" if art.get("docid") else "")
        body = art.findtext("text")
        if body is None:
            gold.problems.append(Problem(gold.file, where, "text", "article without <text>: skipped"))
            continue
        toponyms = []
        for j, node in enumerate(list(art.iter("toponym")) + list(art.iter("location")), start=1):
            try:
                toponym, moved = _gold_toponym(node, body)
            except _BadToponym as bad:
                gold.problems.append(Problem(gold.file, f"{where}, toponym {j}", bad.column, bad.message))
                continue
            gold.moved_spans += moved
            toponyms.append(toponym)
        gold.articles.append((body, toponyms))
    return gold


def score(gold: GeoGold, predictions: list[list[dict]]) -> dict[str, Any]:
    """Recognition and resolution figures; `predictions` holds the geoparse() output per article."""
    n_gold = n_pred = pred_ok = gold_found = 0
    matched_errors: list[float] = []   # matched gold toponyms with coordinates
    n_with_point = 0
    for (_, toponyms), pred in zip(gold.articles, predictions):
        n_pred += len(pred)
        pred_ok += sum(1 for p in pred if any(p["start"] < g.end and g.start < p["end"] for g in toponyms))
        for g in toponyms:
            n_gold += 1
            hits = [p for p in pred if p["start"] < g.end and g.start < p["end"]]
            gold_found += bool(hits)
            if g.point is None:
                continue
            n_with_point += 1
            if not hits:
                continue
            hit = next((p for p in hits if p.get("latitude") is not None), None)
            matched_errors.append(distance_km(g.point, (hit["latitude"], hit["longitude"]))
                                  if hit else EARTH_HALF_CIRCUMFERENCE_KM)
    within = sum(e <= ACC_KM for e in matched_errors)
    end_to_end = matched_errors + [EARTH_HALF_CIRCUMFERENCE_KM] * (n_with_point - len(matched_errors))
    return {
        "articles": len(gold.articles), "gold_toponyms": n_gold, "gold_with_coordinates": n_with_point,
        "predicted": n_pred, "recall": ratio(gold_found, n_gold), "precision": ratio(pred_ok, n_pred),
        "matched_with_coordinates": len(matched_errors),
        "acc161_matched": ratio(within, len(matched_errors)),
        "acc161_end_to_end": ratio(within, n_with_point),
        "median_error_km": median_or_none(matched_errors), "mean_error_km": mean_or_none(matched_errors),
        "auc_matched": error_curve_auc(matched_errors), "auc_end_to_end": error_curve_auc(end_to_end),
    }


def evaluate_gold(gold: GeoGold, nlp, gaz) -> dict[str, Any]:
    """Run the geoparser over the articles of a read gold file and score it."""
    from eventwire.geo.resolve import geoparse

    t0 = time.perf_counter()
    predictions = [geoparse(text, nlp, gaz) for text, _ in gold.articles]
    seconds = time.perf_counter() - t0
    result = {"file": gold.file, "skipped": len(gold.problems), "moved_gold_spans": gold.moved_spans}
    result.update(score(gold, predictions))
    result.update(seconds=round(seconds, 1),
                  articles_per_second=round(len(gold.articles) / seconds, 2) if seconds > 0 else None)
    return result


def evaluate_geoparse_xml(path: str | Path, nlp, gaz, limit: int | None = None) -> dict[str, Any]:
    """Recognition and resolution figures of `geoparse` on one gold XML file (the first `limit` articles)."""
    return evaluate_gold(read_gold(path, limit), nlp, gaz)
