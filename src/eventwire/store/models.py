"""The store's tables (SQLAlchemy 2 declarative models).

articles ──< reports >── event_reports ──> events      ingest_errors (nothing is dropped silently)

- `articles`: one row per distinct article. `content_hash` (outlet + normalised text) and `url` are
  unique, which is what makes ingesting the same article twice a no-op; `body_hash` (normalised text
  alone) tells a wire story reprinted by several outlets.
- `reports`: one per event per article, as the pipeline extracted it (the full event record, with its
  evidence and claims, in `record`), plus the columns merging reads.
- `events`: merged events, the values chosen by ACLED's rules, corroboration counts and contested facts;
  `record` holds the merged event record as exported.
- `event_reports`: which report belongs to which event, and why it was merged (`reasons`).
- `ingest_errors`: an article (or input record) that failed, at which stage, why, and when.

The schema is changed only by the Alembic migrations in `eventwire/store/migrations/versions`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    # names as the migrations write them, so that the migrated schema and these models compare equal
    metadata = MetaData(naming_convention={"ix": "ix_%(column_0_label)s",
                                           "uq": "uq_%(table_name)s_%(column_0_name)s"})


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class ArticleRow(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(512), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    body_hash: Mapped[str] = mapped_column(String(64), index=True)
    outlet: Mapped[Optional[str]] = mapped_column(String(512))
    url: Mapped[Optional[str]] = mapped_column(String(2048), unique=True)
    title: Mapped[Optional[str]] = mapped_column(Text)
    published: Mapped[Optional[dt.date]] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    source_file: Mapped[Optional[str]] = mapped_column(Text)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    reports: Mapped[list["ReportRow"]] = relationship(back_populates="article")


class ReportRow(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    report_key: Mapped[str] = mapped_column(String(64))      # the pipeline's stable event_id
    event_type: Mapped[str] = mapped_column(String(64))
    sub_event_type: Mapped[str] = mapped_column(String(64))
    event_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    time_precision: Mapped[Optional[int]] = mapped_column(Integer)
    country: Mapped[Optional[str]] = mapped_column(String(128))
    admin1: Mapped[Optional[str]] = mapped_column(String(256))
    admin2: Mapped[Optional[str]] = mapped_column(String(256))
    location: Mapped[Optional[str]] = mapped_column(String(256))
    latitude: Mapped[Optional[float]] = mapped_column(Float)
    longitude: Mapped[Optional[float]] = mapped_column(Float)
    geo_precision: Mapped[Optional[int]] = mapped_column(Integer)
    fatalities: Mapped[int] = mapped_column(Integer, default=0)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)      # Event.to_dict(): evidence, claims, ...

    article: Mapped[ArticleRow] = relationship(back_populates="reports")
    link: Mapped[Optional["EventReportRow"]] = relationship(back_populates="report", uselist=False)

    __table_args__ = (UniqueConstraint("article_id", "report_key", name="uq_reports_article_key"),)


class EventRow(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    event_type: Mapped[str] = mapped_column(String(64))
    sub_event_type: Mapped[str] = mapped_column(String(64))
    event_date: Mapped[Optional[dt.date]] = mapped_column(Date, index=True)
    time_precision: Mapped[Optional[int]] = mapped_column(Integer)
    country: Mapped[Optional[str]] = mapped_column(String(128), index=True)
    admin1: Mapped[Optional[str]] = mapped_column(String(256))
    admin2: Mapped[Optional[str]] = mapped_column(String(256))
    location: Mapped[Optional[str]] = mapped_column(String(256))
    latitude: Mapped[Optional[float]] = mapped_column(Float)
    longitude: Mapped[Optional[float]] = mapped_column(Float)
    geo_precision: Mapped[Optional[int]] = mapped_column(Integer)
    actor1: Mapped[Optional[str]] = mapped_column(String(256))
    actor2: Mapped[Optional[str]] = mapped_column(String(256))
    # every actor name of every report, "|"-joined (the --actor filter)
    actors: Mapped[str] = mapped_column(Text, default="", server_default="")
    fatalities: Mapped[int] = mapped_column(Integer, default=0)
    n_reports: Mapped[int] = mapped_column(Integer, default=0)
    n_outlets: Mapped[int] = mapped_column(Integer, default=0)
    first_report_at: Mapped[Optional[dt.date]] = mapped_column(Date)
    last_report_at: Mapped[Optional[dt.date]] = mapped_column(Date)
    contested: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON, default=dict)
    signature: Mapped[Optional[list[str]]] = mapped_column(JSON, default=list)  # evidence words, for merging
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    links: Mapped[list["EventReportRow"]] = relationship(back_populates="event", order_by="EventReportRow.id")


class EventReportRow(Base):
    __tablename__ = "event_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), unique=True)
    reasons: Mapped[Optional[list[str]]] = mapped_column(JSON, default=list)  # why merged (empty: created the event)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    linked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    event: Mapped[EventRow] = relationship(back_populates="links")
    report: Mapped[ReportRow] = relationship(back_populates="link")


class IngestErrorRow(Base):
    __tablename__ = "ingest_errors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record: Mapped[str] = mapped_column(String(1024), index=True)   # "file.jsonl:12" or the doc id
    article_id: Mapped[Optional[int]] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    stage: Mapped[str] = mapped_column(String(32))                 # read | extract | store
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# merging looks for events of given types within a date range: type first, then the range
Index("ix_events_type_date", EventRow.event_type, EventRow.event_date)
