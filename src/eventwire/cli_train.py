"""`eventwire train ...`: the command line of training (registered in eventwire.cli). The library side
is eventwire.classify.training; it is imported only when a train command runs, so that other commands
do not pay for scikit-learn at start-up.

Exit codes as everywhere: 0 the model was written from every row; 1 the model was written, but some
rows could not be read (each named on stderr); 2 usage error (no such file or column, unknown labels,
too little data, a missing optional extra), and then no model is written."""
from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.markup import escape

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
err = Console(stderr=True, highlight=False)

train_app = typer.Typer(add_completion=False, no_args_is_help=True,
                        help="Train models on your own labelled data.")


class Features(str, Enum):
    tfidf = "tfidf"
    embeddings = "embeddings"
    both = "tfidf+embeddings"


class ClassWeight(str, Enum):
    balanced = "balanced"
    none = "none"


class TableFormat(str, Enum):
    csv = "csv"
    tsv = "tsv"
    jsonl = "jsonl"


class NoEventExamples(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


@train_app.command("events")
def events(
    sources: List[Path] = typer.Option(
        ..., "--from", help="Labelled file: .csv, .tsv or .jsonl, or - for stdin (may be repeated)."),
    input_format: Optional[TableFormat] = typer.Option(None, "--input-format",
                                                       help="What stdin holds: csv (default), tsv or jsonl."),
    out: Path = typer.Option(..., "--out", help="Where to write the model (e.g. model.bin)."),
    text_columns: List[str] = typer.Option(
        ["text", "notes"], "--text-column",
        help="Column with the event description; repeat to give alternatives (first present in each file wins)."),
    label_columns: List[str] = typer.Option(
        ["sub_event_type", "label"], "--label-column",
        help="Column with the ACLED sub-event type; repeat to give alternatives (first present wins)."),
    folds: int = typer.Option(5, "--folds", min=0, help="Stratified cross-validation folds (0: none)."),
    seed: int = typer.Option(13, "--seed", help="Seed of everything random: same data and seed, same model."),
    class_weight: ClassWeight = typer.Option(ClassWeight.balanced, "--class-weight",
                                             help="'balanced' weighs rare sub-event types up."),
    include_examples: bool = typer.Option(False, "--include-examples",
                                          help="Add the project's own example sentences to your rows."),
    no_event_examples: NoEventExamples = typer.Option(
        NoEventExamples.auto, "--no-event-examples",
        help="Add the project's own 'No event' sentences: auto (when your data has no 'No event' rows), "
             "always or never."),
    no_event_labels: List[str] = typer.Option([], "--no-event-label",
                                              help="A label of yours meaning 'not an event' (may be repeated)."),
    map_labels: List[str] = typer.Option([], "--map-label",
                                         help="'LABEL=Sub-event type' (or 'LABEL=' to leave its rows out)."),
    map_old_acled: bool = typer.Option(False, "--map-old-acled",
                                       help="Map old ACLED event types that determine one sub-event type; "
                                            "leave the others out."),
    skip_unknown: bool = typer.Option(False, "--skip-unknown-labels",
                                      help="Leave out rows whose label is not in the taxonomy (else: error)."),
    filter_column: Optional[str] = typer.Option(None, "--filter-column", help="Use only rows where this column ..."),
    filter_values: List[str] = typer.Option([], "--filter-value", help="... has one of these values (repeat)."),
    features: Features = typer.Option(Features.tfidf, "--features",
                                      help="tfidf, or sentence embeddings (needs the optional embeddings extra)."),
    embedding_model: Optional[str] = typer.Option(
        None, "--embedding-model",
        help="Local sentence-transformers folder (default: the one the embeddings extra installs)."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the full report (CV, counts) as JSON."),
) -> None:
    """Fit the event classifier on your labelled data (e.g. your own ACLED export)."""
    if folds == 1:
        _usage("--folds must be 0 (no cross-validation) or at least 2")
    if bool(filter_column) != bool(filter_values):
        _usage("--filter-column and --filter-value go together")
    for s in sources:
        if str(s) != "-" and not s.is_file():
            _usage(f"no such file: {s}")
    if out.is_dir() or not out.parent.is_dir():
        _usage(f"cannot write the model to {out}: " + ("a folder" if out.is_dir() else "its folder does not exist"))

    from eventwire.classify.model import save_model
    from eventwire.classify.taxonomy import load_taxonomy

    from eventwire.classify.training.data import Columns, DataError
    from eventwire.classify.training.embeddings import EmbeddingsUnavailable, resolve_encoder_path
    from eventwire.classify.training.fitting import TrainingOptions
    from eventwire.classify.training.labels import LabelRules
    from eventwire.classify.training.report import print_report
    from eventwire.classify.training.run import train_events

    options = TrainingOptions(folds=folds, seed=seed, features=features.value, embedding_model=embedding_model,
                              class_weight=None if class_weight is ClassWeight.none else "balanced")
    columns = Columns(tuple(text_columns), tuple(label_columns), filter_column, tuple(filter_values))
    try:
        if features is not Features.tfidf:
            resolve_encoder_path(embedding_model)   # fail before reading anything
        rules = LabelRules.build(load_taxonomy(), map_labels, no_event_labels, map_old_acled, skip_unknown)
        run = train_events(sources, columns, rules, options, include_examples, no_event_examples.value,
                           progress=lambda msg: err.print(f"[dim]{escape(msg)}...[/dim]"),
                           stdin_format=input_format.value if input_format else None)
    except (DataError, EmbeddingsUnavailable) as exc:
        _usage(str(exc))
    try:
        header = save_model(run.model, out, run.metadata())
    except OSError as exc:
        _usage(f"cannot write the model to {out}: {exc.strerror or exc}")
    for p in run.problems:
        err.print(f"[red]error[/red] {escape(p.where)}: {escape(p.reason)}", soft_wrap=True)
    print_report(run, str(out), header, Console(highlight=False))
    if json_out:
        try:
            json_out.write_text(json.dumps(run.report(header), indent=2, ensure_ascii=False), encoding="utf-8")
        except OSError as exc:
            _usage(f"cannot write the report to {json_out}: {exc.strerror or exc}")
    n_read = len(run.rows) + len(run.problems) + sum(run.left_out.values())
    err.print(f"{n_read} rows read, {len(run.rows)} used, {len(run.problems)} with errors, "
              f"{sum(run.left_out.values())} left out")
    raise typer.Exit(EXIT_SOME_FAILED if run.problems else EXIT_OK)


def _usage(message: str) -> None:
    err.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
    raise typer.Exit(EXIT_USAGE)
