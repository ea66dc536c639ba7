"""Command line: a thin shell over the library.

Conventions (GUIDE.md): every command reads files or `-` for stdin; results go to stdout (a rich
table on a terminal, JSON Lines otherwise, `--format` overrides); per-record errors and progress go
to stderr. Exit codes: 0 all records fine, 1 some records failed (named on stderr), 2 usage error.
"""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Iterable, Iterator, List, Optional

import typer

from eventwire.console import StatusLine, err

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn news reports of armed conflict into an ACLED-style event dataset.")

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


class OutFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    geojson = "geojson"
    table = "table"


class RecordFormat(str, Enum):
    jsonl = "jsonl"
    table = "table"


class InFormat(str, Enum):
    txt = "txt"
    jsonl = "jsonl"
    csv = "csv"


FilesArg = typer.Argument(..., help="Input files (.txt, .jsonl, .csv) or - for stdin.")
InputFormatOpt = typer.Option(None, "--input-format", help="What stdin holds: txt, jsonl or csv.")
MaxCharsOpt = typer.Option(1_000_000, "--max-chars", min=1, help="Refuse articles longer than this.")
ModelOpt = typer.Option(None, "--model", help="Event classifier trained with `eventwire train events`.")


def _check_files(files: List[str]) -> None:
    for f in files:
        if f != "-" and not Path(f).exists():
            err.print(f"[red]error:[/red] no such file: {f}")
            raise typer.Exit(EXIT_USAGE)


def _report(errors: list, n_records: int, what: str, n_out: int) -> int:
    for e in errors:
        err.print(f"[red]error[/red] {e.record}: {e.reason}", markup=True, soft_wrap=True)
    err.print(f"{n_records} records, {n_out} {what}, {len(errors)} failed")
    return EXIT_SOME_FAILED if errors else EXIT_OK


@app.command()
def extract(
    files: List[str] = FilesArg,
    fmt: Optional[OutFormat] = typer.Option(None, "--format", help="jsonl, csv (ACLED columns), geojson or table."),
    input_format: Optional[InFormat] = InputFormatOpt,
    published: Optional[str] = typer.Option(None, "--published", help="Publication date of .txt input (YYYY-MM-DD)."),
    source: Optional[str] = typer.Option(None, "--source", help="Outlet of .txt input."),
    doc_id: Optional[str] = typer.Option(None, "--id", help="Document id of .txt input."),
    actors: List[Path] = typer.Option([], "--actors", help="Your own actors (YAML); may be repeated."),
    max_chars: int = MaxCharsOpt,
    model: Optional[Path] = ModelOpt,
    dayfirst: Optional[bool] = typer.Option(
        None, "--dayfirst/--monthfirst",
        help="How to read numeric published dates such as 7/2/2016 (by default only unambiguous ones are read)."),
) -> None:
    """Extract events from articles."""
    from eventwire.io.readers import read_articles
    from eventwire.io.writers import default_format, write_events
    from eventwire.pipeline import Pipeline

    _check_files(files)
    for a in actors:
        if not a.exists():
            err.print(f"[red]error:[/red] no such actors file: {a}")
            raise typer.Exit(EXIT_USAGE)
    try:
        classifier = _load_classifier(model) if model else None
        pipe = Pipeline(actor_files=[str(a) for a in actors], max_chars=max_chars, classifier=classifier)
    except ValueError as exc:  # a user's actor file that does not load
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_USAGE)
    records = read_articles(files, input_format=input_format.value if input_format else None,
                            published=published, source=source, doc_id=doc_id, max_chars=max_chars,
                            dayfirst=dayfirst)
    errors: list = []
    counts = {"records": 0, "events": 0}

    progress = StatusLine("reading articles...")

    def events() -> Iterator:
        for result in pipe.run(records):
            counts["records"] += 1
            progress.show(f"{counts['records']} articles processed")
            if result.error is not None:
                errors.append(result.error)
                continue
            counts["events"] += len(result.events)
            yield from result.events

    out_fmt = fmt.value if fmt else default_format(sys.stdout)
    with progress:
        write_events(events(), out_fmt, sys.stdout)
    sys.stdout.flush()
    raise typer.Exit(_report(errors, counts["records"], "events", counts["events"]))


def _run_records(files: List[str], input_format: Optional[InFormat], fmt: Optional[RecordFormat],
                 fn, what: str) -> None:
    """Shared body of the one-record-in, one-record-out evaluation commands."""
    from eventwire.io.readers import read_articles
    from eventwire.io.writers import default_format, write_records

    _check_files(files)
    errors: list = []
    counts = {"records": 0}

    def results() -> Iterable[dict]:
        for item in read_articles(files, input_format=input_format.value if input_format else None):
            counts["records"] += 1
            if hasattr(item, "reason"):
                errors.append(item)
                continue
            try:
                yield fn(item)
            except Exception as exc:  # errors are values at record level
                from eventwire.model import RecordError

                errors.append(RecordError(item.doc_id, f"{type(exc).__name__}: {exc}", what))

    out_fmt = fmt.value if fmt else default_format(sys.stdout)
    write_records(results(), out_fmt, sys.stdout)
    sys.stdout.flush()
    raise typer.Exit(_report(errors, counts["records"], "results", counts["records"] - len(errors)))


@app.command()
def classify(
    files: List[str] = FilesArg,
    fmt: Optional[RecordFormat] = typer.Option(None, "--format", help="jsonl or table."),
    input_format: Optional[InFormat] = InputFormatOpt,
    model: Optional[Path] = ModelOpt,
) -> None:
    """Event type and sub-event type of short event descriptions: lines {"id","text"}."""
    clf = _load_classifier(model)

    def one(article) -> dict:
        c = clf.classify(article.text)
        return {"id": article.doc_id, "event_type": c.event_type, "sub_event_type": c.sub_event_type,
                "score": round(float(c.score), 4)}

    _run_records(files, input_format, fmt, one, "classify")


@app.command()
def geoparse(
    files: List[str] = FilesArg,
    fmt: Optional[RecordFormat] = typer.Option(None, "--format", help="jsonl or table."),
    input_format: Optional[InFormat] = InputFormatOpt,
) -> None:
    """Places in texts, resolved to coordinates: lines {"id","text"}."""
    from eventwire.geo import geoparse as geoparse_text
    from eventwire.geo import load_gazetteer
    from eventwire.nlp import load_nlp

    nlp, gaz = load_nlp(), load_gazetteer()
    _run_records(files, input_format, fmt,
                 lambda a: {"id": a.doc_id, "places": geoparse_text(a.text, nlp, gaz)}, "geoparse")


@app.command()
def entities(
    files: List[str] = FilesArg,
    fmt: Optional[RecordFormat] = typer.Option(None, "--format", help="jsonl or table."),
    input_format: Optional[InFormat] = InputFormatOpt,
) -> None:
    """Named entities with re3d-style labels: lines {"id","text"}."""
    from eventwire.mentions.entities import entities_for_text
    from eventwire.nlp import load_nlp

    nlp = load_nlp()
    _run_records(files, input_format, fmt,
                 lambda a: {"id": a.doc_id, "entities": entities_for_text(a.text, nlp)}, "entities")


def _load_classifier(model: Optional[Path]):
    """The event classifier (default, or a user's --model file); a model that does not load is a usage error."""
    from eventwire.classify import EventClassifier
    from eventwire.classify.model import ModelFileError

    if model is not None and not model.is_file():
        err.print(f"[red]error:[/red] no such model file: {model}")
        raise typer.Exit(EXIT_USAGE)
    try:
        return EventClassifier.load(model_path=model)
    except (ModelFileError, ValueError) as exc:   # ValueError: model classes not in the taxonomy
        err.print(f"[red]error:[/red] {exc}", markup=True, soft_wrap=True)
        raise typer.Exit(EXIT_USAGE)


from eventwire.cli_train import train_app  # noqa: E402  (the `train` command group)

app.add_typer(train_app, name="train")

from eventwire.evaluation.cli import eval_app  # noqa: E402  (the `eval` command group; imports no model)

app.add_typer(eval_app, name="eval")

from eventwire.store import cli as store_cli  # noqa: E402  (ingest / events / export; imports no database)

app.command("ingest")(store_cli.ingest)
app.command("export")(store_cli.export)
app.add_typer(store_cli.events_app, name="events")

from eventwire.geo.cli import app as gazetteer_app  # noqa: E402  (the `gazetteer` group; imports typer/rich only)

app.add_typer(gazetteer_app, name="gazetteer")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
