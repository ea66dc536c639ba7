"""The training report as rich tables: the data used, the cross-validation scores and the per-class
precision/recall/F1/support table."""
from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .fitting import CVResult, Scores
from .run import TrainingRun


def print_report(run: TrainingRun, out_path: str, header: dict[str, Any], console: Console) -> None:
    console.print(data_table(run))
    if run.cv is not None:
        print_cv(run.cv, console)
    n, labels = header.get("n_train"), len(header.get("labels", []))
    console.print(f"model written to {escape(out_path)}: {n} training rows, {labels} labels, seed {run.options.seed}, "
                  f"scikit-learn {header.get('sklearn_version')}")


def data_table(run: TrainingRun) -> Table:
    t = Table(title="Training data", show_header=True, title_justify="left")
    t.add_column("file")
    t.add_column("text column")
    t.add_column("label column")
    t.add_column("rows read", justify="right")
    t.add_column("rows with errors", justify="right")
    for f in run.files:
        t.add_row(escape(f["path"]), escape(str(f["text_column"])), escape(str(f["label_column"])),
                  str(f["rows"]), str(f["errors"]))
    for reason, n in sorted(run.left_out.items(), key=lambda kv: -kv[1]):
        t.add_row(f"[dim]left out: {escape(reason)}[/dim]", "", "", f"[dim]-{n}[/dim]", "")
    if run.extra:
        t.add_row("the project's own example sentences", "text", "sub_event_type", f"+{len(run.extra)}", "")
    t.add_row("[bold]used for training[/bold]", "", "", f"[bold]{len(run.rows) + len(run.extra)}[/bold]",
              str(len(run.problems)))
    return t


def print_cv(cv: CVResult, console: Console) -> None:
    if cv.skipped_reason:
        console.print(f"cross-validation skipped: {cv.skipped_reason}")
        return
    console.print(f"{cv.folds}-fold stratified cross-validation on {cv.n_scored} of your rows (seed {cv.seed})")
    t = Table(show_header=True)
    for col in ("", "accuracy", "weighted F1", "macro F1"):
        t.add_column(col, justify="right" if col else "left")
    t.add_row("rules + model (as classify/extract use it)", *_fmt(cv.classifier))
    t.add_row("model alone", *_fmt(cv.model_only))
    console.print(t)
    folds = ", ".join(f"{x:.3f}" for x in cv.fold_weighted_f1)
    console.print(f"weighted F1 per fold (rules + model): {folds}")
    console.print(per_class_table(cv))


def _fmt(s: Scores | None) -> list[str]:
    return [f"{s.accuracy:.3f}", f"{s.weighted_f1:.3f}", f"{s.macro_f1:.3f}"] if s else ["-", "-", "-"]


def per_class_table(cv: CVResult) -> Table:
    t = Table(title="Per class (rules + model, out-of-fold predictions)", title_justify="left")
    t.add_column("sub-event type")
    for col in ("precision", "recall", "F1", "support"):
        t.add_column(col, justify="right")
    for c in cv.per_class:
        t.add_row(escape(c.label), f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}", str(c.support))
    for label, n in cv.not_scored.items():
        t.add_row(f"[dim]{escape(label)}[/dim]", "[dim]not scored[/dim]", "", "",
                  f"[dim]{n} (< {cv.folds} rows: trained on only)[/dim]")
    return t
