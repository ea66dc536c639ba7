"""Command line of the event store: `ingest`, `events list`, `events show`, `export`.

Registered on the main app by eventwire/cli.py. Heavy imports (SQLAlchemy, the pipeline, pyarrow) stay
inside the functions so that `eventwire --help` stays fast. Exit codes as everywhere: 0 fine, 1 some
records failed (named on stderr, kept in the ingest-errors table), 2 usage error or a store that cannot
be opened or written.
"""
from __future__ import annotations

import datetime as dt
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

err = Console(stderr=True, highlight=False)
EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2

events_app = typer.Typer(add_completion=False, no_args_is_help=True,
                         help="Look at the merged events of the store.")

DbOpt = typer.Option(None, "--db", help="The store: a file path (SQLite) or postgresql://USER@HOST/DB. "
                                        "Default: $EVENTWIRE_DB, else events.db in the user data directory.")
TimeoutOpt = typer.Option(30.0, "--timeout", min=0.0, help="Seconds to wait for a store locked by another process.")


class ListFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


class ExportFormat(str, Enum):
    csv = "csv"
    jsonl = "jsonl"
    geojson = "geojson"
    parquet = "parquet"


def _open(db: Optional[str], timeout: float = 30.0, migrate: bool = True):
    from eventwire.store.db import StoreError, open_store

    try:
        return open_store(db, busy_timeout=timeout, migrate=migrate,
                          notify=lambda msg: err.print(f"eventwire: {msg}"))
    except StoreError as exc:
        err.print(f"[red]error:[/red] {exc}", soft_wrap=True)
        raise typer.Exit(EXIT_USAGE)


def _date(value: Optional[str], option: str) -> Optional[dt.date]:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        err.print(f"[red]error:[/red] {option} {value!r}: expected a date YYYY-MM-DD")
        raise typer.Exit(EXIT_USAGE)


def _filter(country, date_from, date_to, event_type, actor, min_outlets, limit=None):
    from eventwire.store.queries import EventFilter

    return EventFilter(country=country, date_from=_date(date_from, "--from"), date_to=_date(date_to, "--to"),
                       event_type=event_type, actor=actor, min_outlets=min_outlets or 0, limit=limit)


CountryOpt = typer.Option(None, "--country", help="Country name as ACLED writes it (Syria).")
FromOpt = typer.Option(None, "--from", help="Events on or after this date (YYYY-MM-DD).")
ToOpt = typer.Option(None, "--to", help="Events on or before this date (YYYY-MM-DD).")
TypeOpt = typer.Option(None, "--type", help="An event type or sub-event type (Battles, Air/drone strike).")
ActorOpt = typer.Option(None, "--actor", help="Part of an actor's name (hezbollah).")
MinOutletsOpt = typer.Option(0, "--min-outlets", min=0,
                             help="Only events told by at least this many independent outlets.")


def ingest(
    paths: List[str] = typer.Argument(
        ..., help="Files and folders: .txt, .jsonl, .csv, .rss/.atom/.xml feeds, .html pages."),
    db: Optional[str] = DbOpt,
    batch_size: int = typer.Option(50, "--batch-size", min=1, help="Articles written per transaction."),
    max_chars: int = typer.Option(1_000_000, "--max-chars", min=1, help="Refuse articles longer than this."),
    actors: List[Path] = typer.Option([], "--actors", help="Your own actors (YAML); may be repeated."),
    timeout: float = TimeoutOpt,
) -> None:
    """Read articles into the store: extract their events and merge reports of the same event."""
    from eventwire.store.db import StoreError
    from eventwire.store.ingest import ingest_paths

    for a in actors:
        if not a.exists():
            err.print(f"[red]error:[/red] no such actors file: {a}")
            raise typer.Exit(EXIT_USAGE)
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        err.print(f"[red]error:[/red] no such file or folder: {', '.join(missing)}")
        raise typer.Exit(EXIT_USAGE)
    store = _open(db, timeout)
    pipe = _pipeline(actors, max_chars)
    progress = _IngestProgress()
    try:
        with progress:
            summary = ingest_paths(store, pipe, paths, batch_size=batch_size, max_chars=max_chars,
                                   progress=progress.update)
    except StoreError as exc:
        err.print(f"[red]error:[/red] {exc}", soft_wrap=True)
        err.print("the articles of the batches written so far are stored; run the same command again to go on")
        raise typer.Exit(EXIT_USAGE)
    finally:
        store.close()
    for e in summary.errors:
        err.print(f"[red]error[/red] {e.record}: {e.reason}", soft_wrap=True)
    err.print(summary.line())
    err.print(f"store: {store.location.display}")
    raise typer.Exit(EXIT_SOME_FAILED if summary.failed else EXIT_OK)


def _pipeline(actors: List[Path], max_chars: int):
    from eventwire.pipeline import Pipeline

    try:
        return Pipeline(actor_files=[str(a) for a in actors], max_chars=max_chars)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_USAGE)


class _IngestProgress:
    """A live line on stderr when it is a terminal: articles read, new, duplicates, failed, events."""

    def __init__(self) -> None:
        self.progress = None
        if err.is_terminal:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                     console=err, transient=True)
            self.task = self.progress.add_task("reading articles...", total=None)

    def __enter__(self):
        if self.progress:
            self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.progress:
            self.progress.stop()

    def update(self, summary) -> None:
        if self.progress:
            self.progress.update(self.task, description=(
                f"{summary.read} read, {summary.new} new, {summary.duplicates} duplicates, {summary.failed} failed, "
                f"{len(summary.events_new)} new events"))


@events_app.command("list")
def events_list(
    db: Optional[str] = DbOpt,
    country: Optional[str] = CountryOpt,
    date_from: Optional[str] = FromOpt,
    date_to: Optional[str] = ToOpt,
    event_type: Optional[str] = TypeOpt,
    actor: Optional[str] = ActorOpt,
    min_outlets: int = MinOutletsOpt,
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most this many events."),
    fmt: Optional[ListFormat] = typer.Option(None, "--format", help="table (default on a terminal), jsonl or csv."),
) -> None:
    """Merged events, in date order, with filters."""
    from eventwire.io.writers import default_format
    from eventwire.store.export import write_text
    from eventwire.store.queries import count_events, iter_exported, list_events

    f = _filter(country, date_from, date_to, event_type, actor, min_outlets, limit)
    store = _open(db)
    with store, store.reading() as session:
        out = fmt.value if fmt else default_format(sys.stdout)
        if out == "table":
            rows = list_events(session, f)
            _print_event_table(rows, count_events(session, f))
        else:
            write_text(iter_exported(session, f), out, sys.stdout)
    raise typer.Exit(EXIT_OK)


def _print_event_table(rows, total: int) -> None:
    from rich.table import Table

    table = Table(header_style="bold", expand=True)
    table.add_column("id", no_wrap=True)
    table.add_column("date", no_wrap=True)
    for name in ("sub-event type", "actors", "location"):
        table.add_column(name, overflow="fold", ratio=2, min_width=10)
    for name in ("dead", "rep.", "out."):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("contested", overflow="fold", ratio=1, min_width=8)
    for e in rows:
        place = ", ".join(dict.fromkeys(x for x in (e.location, e.country) if x))
        table.add_row(e.event_id, str(e.event_date or ""), e.sub_event_type,
                      " vs ".join(x for x in (e.actor1, e.actor2) if x), place,
                      str(e.fatalities), str(e.n_reports), str(e.n_outlets), ", ".join(sorted(e.contested or {})))
    shown = len(rows)
    table.caption = f"{shown} of {total} events" if shown != total else f"{total} event{'s' if total != 1 else ''}"
    Console(highlight=False).print(table)


@events_app.command("show")
def events_show(
    event_id: str = typer.Argument(..., help="The event's id (as in `events list`)."),
    db: Optional[str] = DbOpt,
    fmt: Optional[ListFormat] = typer.Option(None, "--format", help="table (default on a terminal) or jsonl."),
) -> None:
    """One event: its values, its reports and why each was merged."""
    import json

    from eventwire.io.writers import default_format
    from eventwire.store.queries import event_reports, exported, get_event

    store = _open(db)
    with store, store.reading() as session:
        event = get_event(session, event_id)
        if event is None:
            err.print(f"[red]error:[/red] no event {event_id!r} in the store {store.location.display}")
            raise typer.Exit(EXIT_USAGE)
        reports = event_reports(session, event)
        out = fmt.value if fmt else default_format(sys.stdout)
        if out == "table":
            _print_event(event, reports)
        else:
            doc = exported(event, [a.doc_id for _, a, _ in reports])
            doc["merged_reports"] = [_report_doc(r, a, link) for r, a, link in reports]
            sys.stdout.write(json.dumps(doc, ensure_ascii=False, default=str) + "\n")
    raise typer.Exit(EXIT_OK)


def _report_doc(report, article, link) -> dict:
    return {"doc_id": article.doc_id, "outlet": article.outlet, "url": article.url, "title": article.title,
            "published": article.published.isoformat() if article.published else None,
            "record": report.record, "why_merged": link.reasons or [], "score": link.score}


def _print_event(event, reports) -> None:
    from rich.table import Table

    out = Console(highlight=False)
    r = event.record
    out.print(f"[bold]{event.event_id}[/bold]  {event.event_date}  {event.event_type} / {event.sub_event_type}")
    out.print(r.get("notes") or "")
    facts = Table(show_header=False, box=None)
    facts.add_column(style="bold")
    facts.add_column(overflow="fold")
    for label, value in (
            ("actors", " vs ".join(x for x in (event.actor1, event.actor2) if x) or "-"),
            ("place", ", ".join(x for x in (event.location, event.admin2, event.admin1, event.country) if x) or "-"),
            ("geo / time precision", f"{event.geo_precision or '-'} / {event.time_precision or '-'}"),
            ("fatalities", str(event.fatalities)),
            ("reports / outlets", f"{event.n_reports} / {event.n_outlets} ({r.get('source') or 'no outlet named'})"),
            ("first / last report", f"{event.first_report_at} / {event.last_report_at}")):
        facts.add_row(label, value)
    for fact, by_outlet in (event.contested or {}).items():
        facts.add_row(f"contested: {fact}", "; ".join(f"{k}: {v}" for k, v in by_outlet.items()))
    out.print(facts)
    for i, (report, article, link) in enumerate(reports, start=1):
        rec = report.record
        out.print(f"\n[bold]report {i}[/bold]: {article.doc_id} ({article.outlet or 'no outlet'}, "
                  f"{article.published or 'no date'}) {rec.get('sub_event_type')}, {rec.get('event_date')}, "
                  f"{rec.get('location') or 'no place'}, {rec.get('fatalities')} fatalities")
        for ev in rec.get("evidence") or []:
            out.print(f"  “{ev.get('sentence')}”", soft_wrap=True)
        if link.reasons:
            out.print("  why merged: " + "; ".join(link.reasons), soft_wrap=True)
        else:
            out.print("  (the first report: it created the event)")


def export(
    fmt: ExportFormat = typer.Option(..., "--format", help="csv (ACLED columns), jsonl, geojson or parquet."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (default: stdout)."),
    db: Optional[str] = DbOpt,
    country: Optional[str] = CountryOpt,
    date_from: Optional[str] = FromOpt,
    date_to: Optional[str] = ToOpt,
    event_type: Optional[str] = TypeOpt,
    actor: Optional[str] = ActorOpt,
    min_outlets: int = MinOutletsOpt,
) -> None:
    """Export merged events (with every merged report's doc_id in their evidence)."""
    from eventwire.store.export import write_parquet, write_text
    from eventwire.store.queries import iter_exported

    f = _filter(country, date_from, date_to, event_type, actor, min_outlets)
    if fmt == ExportFormat.parquet:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            err.print("[red]error:[/red] parquet export needs pyarrow: pip install 'eventwire[parquet]'")
            raise typer.Exit(EXIT_USAGE)
        if output is None and sys.stdout.isatty():
            err.print("[red]error:[/red] parquet is binary: give --output FILE or redirect stdout")
            raise typer.Exit(EXIT_USAGE)
    store = _open(db)
    with store, store.reading() as session:
        events = iter_exported(session, f)
        if fmt == ExportFormat.parquet:
            n = write_parquet(events, str(output) if output else sys.stdout.buffer)
        elif output is not None:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                n = write_text(events, fmt.value, fh)
        else:
            n = write_text(events, fmt.value, sys.stdout)
            sys.stdout.flush()
    err.print(f"{n} events exported" + (f" to {output}" if output else ""))
    raise typer.Exit(EXIT_OK)
