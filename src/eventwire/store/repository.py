"""Writing articles, reports and merged events, inside the caller's transaction (one per batch).

`save_article` stores one article with its extracted events: each event becomes a report, which then
joins the best matching event near it in time (or creates one), and that event's record is made again
from all its reports (`merge.aggregate`). `save_error` keeps a failure in the ingest-errors table.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, fields
from typing import Any, Iterable, Sequence

from sqlalchemy import Text, cast, insert, or_, select, update
from sqlalchemy.orm import Session

from eventwire.model import Article, Event

from . import merge
from .hashing import body_hash, content_hash
from .models import ArticleRow, EventReportRow, EventRow, IngestErrorRow, ReportRow, utcnow

CANDIDATE_DAYS = 31  # events whose date is further than this from a report's cannot be its event


@dataclass
class SaveResult:
    article_id: int | None = None
    duplicate: bool = False
    events_new: set[int] = field(default_factory=set)
    events_updated: set[int] = field(default_factory=set)
    reports: int = 0


def article_outlet(article: Article) -> str | None:
    return article.source or article.dateline_outlet


def article_hashes(article: Article) -> tuple[str, str]:
    return content_hash(article.text, article_outlet(article)), body_hash(article.text)


def find_duplicate(session: Session, article: Article) -> int | None:
    """The id of the stored article with the same content hash or the same URL, if any."""
    chash, _ = article_hashes(article)
    cond = ArticleRow.content_hash == chash
    if article.url:
        cond = or_(cond, ArticleRow.url == article.url)
    return session.scalar(select(ArticleRow.id).where(cond).limit(1))


def save_article(session: Session, article: Article, events: Sequence[Event], source_file: str | None,
                 rules: merge.MergeRules | None = None) -> SaveResult:
    """Store `article` and merge its events (a duplicate changes nothing). Runs in the caller's transaction."""
    rules = rules or merge.load_rules()
    result = SaveResult()
    chash, bhash = article_hashes(article)
    art, rep, link = ArticleRow.__table__, ReportRow.__table__, EventReportRow.__table__
    # the unique content hash and URL decide: a duplicate inserts nothing (also one stored meanwhile
    # by another process)
    article_id = session.execute(_insert_new(session, art).returning(art.c.id), [dict(
        doc_id=article.doc_id, content_hash=chash, body_hash=bhash, outlet=article_outlet(article),
        url=article.url, title=article.title, published=article.published, text=article.text,
        source_file=source_file, ingested_at=utcnow())]).scalar()
    if article_id is None:
        result.duplicate = True
        return result
    result.article_id = article_id
    if not events:
        return result
    meta = _ArticleMeta(article_id, article.doc_id, article_outlet(article), bhash,
                        article.published or utcnow().date(), merge.article_names(article.text, article.title, rules))
    seen: set[str] = set()
    records = []
    for ev in events:
        record = _jsonable(_event_dict(ev))
        records.append((_unique_key(record.get("event_id") or "event", seen), record))
    report_ids = session.execute(insert(rep).returning(rep.c.id, sort_by_parameter_order=True),
                                 [_report_values(article_id, key, record) for key, record in records]).scalars().all()
    rows = _nearby_events(session, [r for _, r in records], rules)
    touched: set[int] = set()   # events of this article: an article's events are distinct, never merged
    links, new = [], []
    for (key, record), report_id in zip(records, report_ids):
        event_id, row = _merge_report(session, key, record, report_id, meta, rows, touched, rules)
        if event_id is None:
            row["record"]["event_id"] = key
            new.append((report_id, row))
            continue
        touched.add(event_id)
        links.append(row)
        result.events_updated.add(event_id)
    if new:
        now = utcnow()
        for (report_id, _), event_id in zip(new, _insert_events(session, [v for _, v in new])):
            links.append(dict(event_id=event_id, report_id=report_id, reasons=[], score=0.0, linked_at=now))
            result.events_new.add(event_id)
    result.reports = len(records)
    session.execute(insert(link), links)
    return result


def _event_dict(ev: Event | dict[str, Any]) -> dict[str, Any]:
    """An event record as a dict (shallow: evidence and claims are already plain lists of dicts)."""
    if isinstance(ev, Event):
        return {f.name: getattr(ev, f.name) for f in fields(ev)}
    return dict(ev)


def _insert_new(session: Session, table):
    """INSERT that does nothing when a unique column already holds the value (SQLite and PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table).on_conflict_do_nothing()


def save_error(session: Session, record: str, stage: str, reason: str, article_id: int | None = None) -> bool:
    """Keep a failure (the same record, stage and reason is kept once: re-running adds nothing)."""
    exists = session.scalar(select(IngestErrorRow.id).where(
        IngestErrorRow.record == record[:1024], IngestErrorRow.stage == stage,
        IngestErrorRow.reason == reason).limit(1))
    if exists is not None:
        return False
    session.add(IngestErrorRow(record=record[:1024], stage=stage, reason=reason, article_id=article_id, at=utcnow()))
    return True


# ------------------------------------------------------------------ internals

def _unique_key(key: str, seen: set[str]) -> str:
    out, n = key, 1
    while out in seen:
        n += 1
        out = f"{key}#{n}"
    seen.add(out)
    return out


@dataclass(frozen=True)
class _ArticleMeta:
    id: int
    doc_id: str
    outlet: str | None
    body_hash: str
    published: dt.date
    names: frozenset[str] = frozenset()


def _report_values(article_id: int, key: str, record: dict[str, Any]) -> dict[str, Any]:
    return dict(
        article_id=article_id, report_key=key, event_type=record.get("event_type") or "",
        sub_event_type=record.get("sub_event_type") or "", event_date=merge._as_date(record.get("event_date")),
        time_precision=record.get("time_precision"), country=record.get("country"), admin1=record.get("admin1"),
        admin2=record.get("admin2"), location=record.get("location"), latitude=record.get("latitude"),
        longitude=record.get("longitude"), geo_precision=record.get("geo_precision"),
        fatalities=int(record.get("fatalities") or 0), record=record)


def _jsonable(record: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v) for k, v in record.items()}


_STATE_COLUMNS = ("id", "event_type", "sub_event_type", "event_date", "time_precision", "country", "admin1",
                  "admin2", "location", "latitude", "longitude", "geo_precision", "actors", "event_id")


def _nearby_events(session: Session, records: Sequence[dict[str, Any]],
                   rules: merge.MergeRules) -> list[tuple[dt.date, dt.date, Any]]:
    """The stored events an article's reports may join: of a compatible or neighbouring type, dated within
    a month of a report (precision is checked by `merge.contradiction`), of the same or an unknown
    country, with the days each event's date stands for. One query per group of reports dated close
    together (usually one per article); the text signature comes as text and is decoded only for the
    events that pass the checks."""
    dated = sorted(((merge._as_date(r.get("event_date")), r) for r in records if merge._as_date(r.get("event_date"))),
                   key=lambda item: item[0])
    groups: list[list[tuple[dt.date, dict[str, Any]]]] = []
    for item in dated:
        if groups and (item[0] - groups[-1][0][0]).days <= 62:
            groups[-1].append(item)
        else:
            groups.append([item])
    ev = EventRow.__table__
    month = dt.timedelta(days=31)
    rows: dict[int, Any] = {}
    for group in groups:
        types = set().union(*(merge.candidate_types(r.get("event_type") or "", rules) for _, r in group))
        countries = {r.get("country") for _, r in group}
        q = select(*(ev.c[c] for c in _STATE_COLUMNS), cast(ev.c.signature, Text).label("signature_text")).where(
            ev.c.event_type.in_(sorted(types)),
            ev.c.event_date.between(group[0][0] - month, group[-1][0] + month))
        if len(countries) == 1 and None not in countries:
            q = q.where(or_(ev.c.country == countries.pop(), ev.c.country.is_(None)))
        for row in session.execute(q).mappings():
            lo, hi = merge.date_interval(row["event_date"], row["time_precision"], rules)
            rows[row["id"]] = (lo, hi, row)
    return [rows[k] for k in sorted(rows)]   # the same order on every database: ties go to the older event


def _candidates(incoming: merge.Report, rows: Sequence[Any], exclude: set[int],
                rules: merge.MergeRules) -> list[tuple[merge.EventState, list[str]]]:
    """The events among `rows` that nothing contradicts as `incoming`'s event, with their signatures."""
    date = incoming.date
    if date is None:
        return []
    lo, hi = merge.date_interval(date, incoming.record.get("time_precision"), rules)
    types = merge.candidate_types(incoming.record.get("event_type") or "", rules)
    states = []
    for row_lo, row_hi, row in rows:
        # cheap tests first: most nearby events are of another type or day
        if row["id"] in exclude or row["event_type"] not in types or row_hi < lo or hi < row_lo:
            continue
        state_record = {k: row[k] for k in _STATE_COLUMNS[1:12]}
        state_record["event_date"] = row["event_date"].isoformat() if row["event_date"] else None
        state_record["event_id"] = row["event_id"]
        state = merge.EventState(key=row["id"], record=state_record, article_ids=frozenset(), signature=frozenset())
        actors = (row["actors"] or "").split("|")
        if merge.contradiction(incoming, state, actors, rules) is None:
            state.signature = frozenset(json.loads(row["signature_text"] or "[]"))
            states.append((state, actors))
    return states


def _merge_report(session: Session, key: str, record: dict[str, Any], report_id: int, article: _ArticleMeta,
                  rows: Sequence[Any], exclude: set[int], rules: merge.MergeRules) -> tuple[int | None, dict[str, Any]]:
    """Join one stored report to the existing event it tells: (event id, link row); or (None, the values of
    a new event made of it alone), which the caller inserts with the article's other new events."""
    ev = EventRow.__table__
    incoming = merge.Report(record=record, doc_id=article.doc_id, outlet=article.outlet,
                            body_hash=article.body_hash, published=article.published, report_id=report_id,
                            article_id=article.id,
                            signature=merge.report_signature(record, rules) | article.names)
    chosen, verdict = merge.best_match(incoming, _candidates(incoming, rows, exclude, rules), rules)
    now = utcnow()
    if chosen is None:
        return None, _event_values([incoming], key, incoming.signature) | {"created_at": now}
    members = member_reports(session, chosen.key) + [incoming]
    values = _event_values(members, chosen.record["event_id"], chosen.signature | incoming.signature)
    values["record"]["event_id"] = chosen.record["event_id"]
    session.execute(update(ev).where(ev.c.id == chosen.key).values(**values))
    return chosen.key, dict(event_id=chosen.key, report_id=report_id, reasons=verdict.reasons,
                            score=round(verdict.score, 4), linked_at=now)


def _insert_events(session: Session, new: list[dict[str, Any]]) -> list[int]:
    """New events under their first report's stable id (with a suffix if another article's report took it)."""
    ev = EventRow.__table__
    wanted = [v["record"]["event_id"] for v in new]
    taken = set(session.scalars(select(ev.c.event_id).where(ev.c.event_id.in_(wanted))))
    for v, key in zip(new, wanted):
        candidate, n = key, 1
        while candidate in taken:
            n += 1
            candidate = f"{key}-{n}"
        taken.add(candidate)
        v["event_id"] = candidate
        v["record"]["event_id"] = candidate
    return list(session.execute(insert(ev).returning(ev.c.id, sort_by_parameter_order=True), new).scalars())


def _event_values(members: Sequence[merge.Report], event_key: str, signature: Iterable[str]) -> dict[str, Any]:
    """The events row of an event made of `members` (in arrival order) with its text signature."""
    record, contested, corroboration = merge.aggregate(members, event_key)
    record = _jsonable(record)
    values: dict[str, Any] = {
        "event_type": record.get("event_type") or "", "sub_event_type": record.get("sub_event_type") or "",
        "event_date": merge._as_date(record.get("event_date")), "time_precision": record.get("time_precision"),
        "actors": "|".join(dict.fromkeys(n for m in members for n in merge.actor_names(m.record))),
        "fatalities": int(record.get("fatalities") or 0), "contested": contested,
        "signature": sorted(signature), "record": record, "updated_at": utcnow(),
    }
    for key in ("country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision",
                "actor1", "actor2"):
        values[key] = record.get(key)
    values.update(corroboration)
    return values


def member_reports(session: Session, event_id: int, rules: merge.MergeRules | None = None) -> list[merge.Report]:
    """The reports of an event, in the order they joined it."""
    rules = rules or merge.load_rules()
    rep, art, link = ReportRow.__table__, ArticleRow.__table__, EventReportRow.__table__
    rows = session.execute(
        select(rep.c.id, rep.c.record, art.c.id.label("article_id"), art.c.doc_id, art.c.outlet,
               art.c.body_hash, art.c.published, art.c.ingested_at)
        .join(link, link.c.report_id == rep.c.id).join(art, art.c.id == rep.c.article_id)
        .where(link.c.event_id == event_id).order_by(link.c.id)).mappings()
    return [merge.Report(record=r["record"], doc_id=r["doc_id"], outlet=r["outlet"], body_hash=r["body_hash"],
                         published=r["published"] or r["ingested_at"].date(), report_id=r["id"],
                         article_id=r["article_id"])
            for r in rows]


def refresh_event(session: Session, event_id: int, rules: merge.MergeRules | None = None) -> None:
    """Make an event's record and columns again from all its stored reports (after the merge rules
    changed, say); its text signature is kept: it holds names from the articles' texts."""
    ev = EventRow.__table__
    key, signature = session.execute(select(ev.c.event_id, ev.c.signature).where(ev.c.id == event_id)).one()
    values = _event_values(member_reports(session, event_id, rules), key, signature or [])
    values["record"]["event_id"] = key
    session.execute(update(ev).where(ev.c.id == event_id).values(**values))
