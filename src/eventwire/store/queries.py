"""Reading events out of the store: filters shared by `events list` and `export`, one event with its
reports, and the exported form of an event (its record plus corroboration and contested facts)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterator

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .models import ArticleRow, EventReportRow, EventRow, IngestErrorRow, ReportRow


@dataclass(frozen=True)
class EventFilter:
    country: str | None = None          # country name as ACLED writes it ("Syria"), case-insensitive
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    event_type: str | None = None       # an event type or a sub-event type, case-insensitive
    actor: str | None = None            # part of an actor's name, case-insensitive
    min_outlets: int = 0
    limit: int | None = None


def _where(q, f: EventFilter):
    if f.country:
        q = q.where(func.lower(EventRow.country) == f.country.strip().lower())
    if f.date_from:
        q = q.where(EventRow.event_date >= f.date_from)
    if f.date_to:
        q = q.where(EventRow.event_date <= f.date_to)
    if f.event_type:
        t = f.event_type.strip().lower()
        q = q.where(or_(func.lower(EventRow.event_type) == t, func.lower(EventRow.sub_event_type) == t))
    if f.actor:
        q = q.where(func.lower(EventRow.actors).contains(f.actor.strip().lower(), autoescape=True))
    if f.min_outlets:
        q = q.where(EventRow.n_outlets >= f.min_outlets)
    return q


def list_events(session: Session, f: EventFilter = EventFilter()) -> list[EventRow]:
    q = _where(select(EventRow), f).order_by(EventRow.event_date, EventRow.id)
    if f.limit:
        q = q.limit(f.limit)
    return list(session.scalars(q))


def iter_events(session: Session, f: EventFilter = EventFilter(), chunk: int = 500) -> Iterator[EventRow]:
    """All matching events, in the order they were stored, read in chunks (exports of large stores stay
    small in memory)."""
    last: tuple[Any, int] | None = None
    n = 0
    while True:
        q = _where(select(EventRow), f).order_by(EventRow.id)
        if last is not None:
            q = q.where(EventRow.id > last[1])
        rows = list(session.scalars(q.limit(chunk)))
        if not rows:
            return
        for row in rows:
            yield row
            n += 1
            if f.limit and n >= f.limit:
                return
        last = (None, rows[-1].id)
        session.expunge_all()


def count_events(session: Session, f: EventFilter = EventFilter()) -> int:
    return session.scalar(_where(select(func.count(EventRow.id)), f)) or 0


def get_event(session: Session, key: str) -> EventRow | None:
    """By its event_id ("SYR-1A2B3C4D5E"), or by its number in the store."""
    row = session.scalar(select(EventRow).where(EventRow.event_id == key))
    if row is None and key.isdigit():
        row = session.get(EventRow, int(key))
    return row


def event_reports(session: Session, event: EventRow) -> list[tuple[ReportRow, ArticleRow, EventReportRow]]:
    rows = session.execute(
        select(ReportRow, ArticleRow, EventReportRow)
        .join(EventReportRow, EventReportRow.report_id == ReportRow.id)
        .join(ArticleRow, ArticleRow.id == ReportRow.article_id)
        .where(EventReportRow.event_id == event.id).order_by(EventReportRow.id))
    return [(r, a, link) for r, a, link in rows]


def report_doc_ids(session: Session, event_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {i: [] for i in event_ids}
    if not event_ids:
        return out
    rows = session.execute(
        select(EventReportRow.event_id, ArticleRow.doc_id)
        .join(ReportRow, ReportRow.id == EventReportRow.report_id)
        .join(ArticleRow, ArticleRow.id == ReportRow.article_id)
        .where(EventReportRow.event_id.in_(event_ids)).order_by(EventReportRow.id))
    for event_id, doc_id in rows:
        if doc_id not in out[event_id]:
            out[event_id].append(doc_id)
    return out


def exported(event: EventRow, doc_ids: list[str] | None = None) -> dict[str, Any]:
    """The event as exported: its record, then the store's columns (corroboration, contested facts)."""
    d = dict(event.record)
    d["event_id"] = event.event_id
    d["n_reports"] = event.n_reports
    d["n_outlets"] = event.n_outlets
    d["first_report_at"] = event.first_report_at.isoformat() if event.first_report_at else None
    d["last_report_at"] = event.last_report_at.isoformat() if event.last_report_at else None
    d["contested"] = event.contested or {}
    if doc_ids is not None:
        d["reports"] = doc_ids
    return d


def iter_exported(session: Session, f: EventFilter = EventFilter(), chunk: int = 500) -> Iterator[dict[str, Any]]:
    batch: list[EventRow] = []
    for row in iter_events(session, f, chunk):
        batch.append(row)
        if len(batch) >= chunk:
            yield from _with_docs(session, batch)
            batch = []
    yield from _with_docs(session, batch)


def _with_docs(session: Session, rows: list[EventRow]) -> Iterator[dict[str, Any]]:
    docs = report_doc_ids(session, [r.id for r in rows])
    for r in rows:
        yield exported(r, docs[r.id])


def ingest_errors(session: Session, limit: int | None = None) -> list[IngestErrorRow]:
    q = select(IngestErrorRow).order_by(IngestErrorRow.id.desc())
    if limit:
        q = q.limit(limit)
    return list(session.scalars(q))
