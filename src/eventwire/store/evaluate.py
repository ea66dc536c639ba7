"""`eval merge DIR`: how well the store merges news articles into events, on gva-dev (SemEval-2018 Task 5:
US gun-violence articles with the id of the incident each one reports).

The articles are ingested in publication order into a fresh store (a temporary SQLite file unless
`db` is given). Measured:
- B-cubed precision / recall / F1 of articles -> events. An article belongs to the event that holds
  most of its evidence; an article in no event is its own cluster. Baseline: one event per article
  (every article its own cluster: precision 1, recall = mean 1/|incident's articles|).
- Per incident, the event that most of its articles belong to, against the incident's record:
  fatalities exact (num_killed), date exact, place within 25 km (incident_lat_long.json). Baseline: the
  event of the incident's first article alone (what one report says, before merging).
"""
from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional
from urllib.parse import urlparse

PLACE_KM = 25.0
_ARCHIVE = re.compile(r"^https?://web\.archive\.org/web/[0-9a-z_]+/(.+)$", re.I)


@dataclass
class GvaData:
    docs: list[dict[str, Any]]           # in publication order
    incidents: dict[str, dict[str, Any]]
    coords: dict[str, tuple[float, float]]


def outlet_of(uri: str | None) -> str | None:
    """The outlet's host name from an article URL (web.archive.org copies name the original)."""
    if not uri:
        return None
    m = _ARCHIVE.match(uri)
    host = urlparse(m.group(1) if m else uri).hostname or ""
    return host.removeprefix("www.") or None


def read_gva(gva_dir: Path, limit: int | None = None) -> GvaData:
    """documents.jsonl, incidents.jsonl, incident_lat_long.json; `limit`: the articles of the first N
    incidents (by the first publication date of their articles), so that clusters stay whole."""
    from eventwire.evaluation.common import UnusableFile

    paths = {n: gva_dir / n for n in ("documents.jsonl", "incidents.jsonl", "incident_lat_long.json")}
    for name, p in paths.items():
        if not p.is_file():
            raise UnusableFile(p, f"missing {name} (expected the gva-dev layout)")
    docs = [json.loads(line) for line in paths["documents.jsonl"].read_text("utf-8").splitlines() if line.strip()]
    docs = [d for d in docs if d.get("gva_incident_id") is not None]
    docs.sort(key=lambda d: (d.get("dct") or "", d.get("id") or ""))
    if limit:
        keep: list[str] = []
        for d in docs:
            inc = str(d["gva_incident_id"])
            if inc not in keep:
                keep.append(inc)
        chosen = set(keep[:limit])
        docs = [d for d in docs if str(d["gva_incident_id"]) in chosen]
    incidents = {}
    for line in paths["incidents.jsonl"].read_text("utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            incidents[str(rec["incident_uri"])] = rec
    raw_coords = json.loads(paths["incident_lat_long.json"].read_text("utf-8"))
    coords = {k: (float(v[0]), float(v[1])) for k, v in raw_coords.items()}
    return GvaData(docs, incidents, coords)


def gva_items(docs: Iterable[dict[str, Any]]):
    """(Article or RecordError, source) pairs for ingest, with the outlet taken from the URL's host."""
    from eventwire.io.readers import make_article
    from eventwire.model import RecordError

    for d in docs:
        try:
            yield make_article(d.get("content") or "", published=d.get("dct"), source=outlet_of(d.get("uri")),
                               doc_id=d["id"], title=d.get("title"), url=d.get("uri")), "gva-dev"
        except ValueError as exc:
            yield RecordError(d["id"], str(exc)), "gva-dev"


# ------------------------------------------------------------------ measures

def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    """B-cubed precision, recall and F1 of a clustering of the items of `gold` (item -> cluster label)."""
    pred_members: dict[str, set[str]] = defaultdict(set)
    gold_members: dict[str, set[str]] = defaultdict(set)
    for item in gold:
        pred_members[predicted[item]].add(item)
        gold_members[gold[item]].add(item)
    p = r = 0.0
    for item in gold:
        c, g = pred_members[predicted[item]], gold_members[gold[item]]
        both = len(c & g)
        p += both / len(c)
        r += both / len(g)
    n = len(gold) or 1
    p, r = p / n, r / n
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def main_events(session) -> dict[str, int]:
    """doc_id -> the event holding most of that article's evidence (ties: the earlier event)."""
    from sqlalchemy import select

    from .models import ArticleRow, EventReportRow, ReportRow

    weight: dict[str, Counter] = defaultdict(Counter)
    rows = session.execute(select(ArticleRow.doc_id, EventReportRow.event_id, ReportRow.record)
                           .join(ReportRow, ReportRow.article_id == ArticleRow.id)
                           .join(EventReportRow, EventReportRow.report_id == ReportRow.id))
    for doc_id, event_id, record in rows:
        n = sum(1 for e in record.get("evidence") or [] if e.get("doc_id") == doc_id) or 1
        weight[doc_id][event_id] += n
    return {doc: min(c, key=lambda e: (-c[e], e)) for doc, c in weight.items()}


def _stored_doc(session, docs: list[dict[str, Any]]) -> dict[str, str]:
    """doc_id -> doc_id of the stored article it is (itself, or the earlier duplicate it was skipped for)."""
    from sqlalchemy import select

    from eventwire.io.readers import make_article

    from .models import ArticleRow
    from .repository import article_hashes

    by_hash, by_url = {}, {}
    for doc_id, chash, url in session.execute(select(ArticleRow.doc_id, ArticleRow.content_hash, ArticleRow.url)):
        by_hash[chash] = doc_id
        if url:
            by_url[url] = doc_id
    out = {}
    for d in docs:
        try:
            art = make_article(d.get("content") or "", published=d.get("dct"), source=outlet_of(d.get("uri")),
                               doc_id=d["id"], url=d.get("uri"))
        except ValueError:
            continue
        stored = by_hash.get(article_hashes(art)[0]) or by_url.get(art.url or "")
        if stored:
            out[d["id"]] = stored
    return out


def _incident_date(text: str | None) -> dt.date | None:
    for fmt in ("%B %d, %Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text or "", fmt).date()
        except ValueError:
            continue
    return None


def _score_incident(event: dict[str, Any] | None, incident: dict[str, Any], coords) -> dict[str, Optional[bool]]:
    from .merge import haversine_km

    if event is None:
        return {"fatalities": False, "date": False, "place": False if coords else None}
    place = None
    if coords:
        lat, lon = event.get("latitude"), event.get("longitude")
        place = lat is not None and haversine_km(lat, lon, coords[0], coords[1]) <= PLACE_KM
    return {"fatalities": int(event.get("fatalities") or 0) == int(incident.get("num_killed") or 0),
            "date": event.get("event_date") == (_incident_date(incident.get("date")) or dt.date.min).isoformat(),
            "place": place}


def evaluate_merge(gva_dir: Path, limit: int | None = None, db: str | None = None, pipeline=None,
                   batch_size: int = 50) -> dict[str, Any]:
    """Ingest gva-dev into a fresh store and measure merging (see the module's docstring)."""
    from .db import open_store
    from .ingest import ingest_items
    from .models import EventRow

    data = read_gva(gva_dir, limit)
    if pipeline is None:
        from eventwire.pipeline import Pipeline

        pipeline = Pipeline()
    tmp = None
    if db is None:
        tmp = tempfile.TemporaryDirectory(prefix="eventwire-eval-merge-")
        db = str(Path(tmp.name) / "events.db")
    store = open_store(db)
    try:
        summary = ingest_items(store, pipeline, gva_items(data.docs), batch_size=batch_size)
        with store.reading() as session:
            main = main_events(session)
            stored = _stored_doc(session, data.docs)
            events = {e.id: e for e in session.query(EventRow)}
            records = {i: e.record for i, e in events.items()}
            n_merged = sum(1 for e in events.values() if e.n_reports > 1)
            multi_article = sum(1 for e in events.values()
                                if len({ev.get("doc_id") for ev in e.record.get("evidence") or []}) > 1)
    finally:
        store.close()
        if tmp is not None:
            tmp.cleanup()
    gold = {d["id"]: str(d["gva_incident_id"]) for d in data.docs}
    doc_event = {d: main.get(stored.get(d, d)) for d in gold}
    predicted = {d: (f"e{doc_event[d]}" if doc_event[d] is not None else f"doc:{d}") for d in gold}
    baseline = {d: f"doc:{d}" for d in gold}
    per_incident = _incident_scores(data, doc_event, records)
    return {
        "data": str(gva_dir), "articles": len(gold), "incidents": len(set(gold.values())),
        "ingest": {"read": summary.read, "new": summary.new, "duplicates": summary.duplicates,
                   "failed": summary.failed, "reports": summary.reports, "events": len(records),
                   "events_with_several_reports": n_merged, "events_with_several_articles": multi_article},
        "articles_in_an_event": sum(1 for d in gold if doc_event[d] is not None),
        "bcubed": bcubed(predicted, gold), "bcubed_baseline_one_event_per_article": bcubed(baseline, gold),
        **per_incident,
    }


def _incident_scores(data: GvaData, doc_event: dict[str, int | None], records: dict[int, dict]) -> dict[str, Any]:
    by_incident: dict[str, list[str]] = defaultdict(list)
    for d in data.docs:
        by_incident[str(d["gva_incident_id"])].append(d["id"])
    merged = Counter()
    first = Counter()
    counted = Counter()
    for inc_id, doc_ids in by_incident.items():
        incident = data.incidents.get(inc_id)
        if incident is None:
            continue
        coords = data.coords.get(inc_id)
        events = Counter(doc_event[d] for d in doc_ids if doc_event[d] is not None)
        chosen = min(events, key=lambda e: (-events[e], e)) if events else None
        lone = doc_event[doc_ids[0]]
        for name, ok in _score_incident(records.get(chosen) if chosen else None, incident, coords).items():
            if ok is not None:
                merged[name] += ok
                counted[name] += 1
        for name, ok in _score_incident(records.get(lone) if lone else None, incident, coords).items():
            if ok is not None:
                first[name] += ok
        counted["with_event"] += chosen is not None
        counted["incidents"] += 1
    return {
        "incidents_scored": counted["incidents"], "incidents_with_an_event": counted["with_event"],
        "per_incident": {k: merged[k] / (counted[k] or 1) for k in ("fatalities", "date", "place")},
        "per_incident_first_article_only": {k: first[k] / (counted[k] or 1) for k in ("fatalities", "date", "place")},
        "place_scored_incidents": counted["place"],
    }


# ------------------------------------------------------------------ command (registered as `eval merge`)

def merge_command(
    data_dir: Path,
    limit: Optional[int] = None,
    db: Optional[str] = None,
    json_path: Optional[Path] = None,
) -> None:
    """Articles -> events on gva-dev: B-cubed P/R/F1 against one event per article; per-incident
    fatalities, date and place (25 km) of the merged event against one article's event."""
    import sys

    import typer
    from rich.console import Console

    from eventwire.evaluation.common import UnusableFile

    err = Console(stderr=True, highlight=False)
    if not data_dir.is_dir():
        err.print(f"[red]error:[/red] no such folder: {data_dir}")
        raise typer.Exit(2)
    try:
        result = evaluate_merge(data_dir, limit=limit, db=db)
    except UnusableFile as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)
    if json_path is not None:
        json_path.write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    if sys.stdout.isatty():
        Console(highlight=False).print(render(result))
    else:
        sys.stdout.write(json.dumps(result) + "\n")
    raise typer.Exit(0)


def render(result: dict[str, Any]):
    from rich.table import Table

    t = Table(title=f"merge: {result['articles']:,} articles, {result['incidents']:,} incidents ({result['data']})",
              header_style="bold")
    t.add_column("measure")
    t.add_column("store (merged)", justify="right")
    t.add_column("baseline", justify="right")
    b, base = result["bcubed"], result["bcubed_baseline_one_event_per_article"]
    for k in ("precision", "recall", "f1"):
        t.add_row(f"B-cubed {k}", f"{b[k]:.3f}", f"{base[k]:.3f}")
    m, f = result["per_incident"], result["per_incident_first_article_only"]
    for k, label in (("fatalities", "fatalities exact"), ("date", "date exact"), ("place", f"place ≤ {PLACE_KM:g} km")):
        t.add_row(f"per incident: {label}", f"{m[k]:.3f}", f"{f[k]:.3f}")
    return t


def _typer_command():
    """`merge_command` with typer's parameter declarations, for `eval_app.command("merge")(...)`."""
    import typer

    def merge(
        data_dir: Path = typer.Argument(
            ..., help="The gva-dev folder (documents.jsonl, incidents.jsonl, incident_lat_long.json)."),
        limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Only the articles of the first N incidents."),
        db: Optional[str] = typer.Option(None, "--db",
                                         help="Ingest into this store instead of a temporary SQLite file."),
        json_path: Optional[Path] = typer.Option(None, "--json", help="Also write the result as JSON to this file."),
    ) -> None:
        """Articles -> events on gva-dev (B-cubed vs one event per article; fatalities, date, place per incident)."""
        merge_command(data_dir, limit=limit, db=db, json_path=json_path)

    return merge


merge = _typer_command()
