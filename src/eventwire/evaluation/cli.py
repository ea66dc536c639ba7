"""`eventwire eval ...`: one subcommand per kind of gold data (a thin shell over evaluation/*).

Each subcommand prints its result to stdout (rich tables on a terminal, one JSON object per
evaluated file otherwise; `--format` overrides), writes the full result as JSON with `--json FILE`,
and reports unusable rows on stderr naming the file, the row and the column.
Exit codes: 0 every row was used; 1 some rows were skipped (named on stderr); 2 a file could not be
evaluated at all (missing, unreadable, wrong layout) or a usage error.

Adding a subcommand: a function decorated with `@eval_app.command("name")` that reads its gold with
a reader returning (items, problems), evaluates, and hands the results to `Session.finish` with a
renderer from evaluation.render. Heavy libraries (spaCy, scikit-learn) are imported inside the
command functions only, so that `eventwire --help` stays fast.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Callable, List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from eventwire.console import StatusLine

from .common import Problem, UnusableFile

eval_app = typer.Typer(no_args_is_help=True, add_completion=False,
                       help="Measure eventwire on gold data: ACLED exports, geoparsing corpora, re3d, "
                            "event-location sentences, hand-coded references.")
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK, EXIT_SKIPPED, EXIT_UNUSABLE = 0, 1, 2
SHOWN_PROBLEMS = 20  # per file on stderr; all of them go to --json


class EvalFormat(str, Enum):
    table = "table"
    json = "json"


JsonOpt = typer.Option(None, "--json", help="Also write the full result as JSON to this file.")
FormatOpt = typer.Option(None, "--format",
                         help="table or json (default: table on a terminal, one JSON object per file otherwise).")
LimitOpt = typer.Option(None, "--limit", min=1, help="Evaluate only the first N usable records of each file.")
ModelOpt = typer.Option(None, "--model", help="A classifier trained with `eventwire train`: reported beside "
                                              "the default one.")


@dataclass
class Session:
    """What one `eval` run collected: results, problems and unusable files; decides the exit code."""

    command: str
    results: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unusable: list[UnusableFile] = field(default_factory=list)

    def attempt(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(*args)`; an unusable file is reported and remembered (None returned), the run goes on."""
        try:
            return fn(*args)
        except UnusableFile as exc:
            err.print(f"[red]error[/red] {escape(exc.file)}: {escape(exc.message)}")
            self.unusable.append(exc)
            return None

    def read_all(self, paths: List[Path], read: Callable[[Path], Any], unit: str) -> list:
        """Read every gold file; report its problems (and what it lacks); keep the usable ones."""
        golds = []
        for path in paths:
            gold = self.attempt(read, path)
            if gold is None:
                continue
            for warning in getattr(gold, "warnings", []):
                err.print(f"[yellow]warning[/yellow] {escape(str(path))}: {escape(warning)}")
            self.report_problems(gold.problems, _count(gold), unit, str(path))
            golds.append(gold)
        return golds

    def report_problems(self, problems: list[Problem], used: int, unit: str, file: str) -> None:
        for p in problems[:SHOWN_PROBLEMS]:
            err.print(f"[red]error[/red] {escape(str(p))}")
        if len(problems) > SHOWN_PROBLEMS:
            err.print(f"... and {len(problems) - SHOWN_PROBLEMS} more (all of them in the --json result)")
        err.print(f"{escape(file)}: {used:,} {unit} evaluated, {len(problems):,} skipped")
        self.problems.extend(problems)

    def finish(self, fmt: Optional[EvalFormat], json_path: Optional[Path], render: Callable[[dict], list],
               extra_exit: int = EXIT_OK) -> None:
        full = {"command": f"eval {self.command}", "results": self.results,
                "skipped": len(self.problems), "problems": [p.to_dict() for p in self.problems],
                "unusable_files": [{"file": u.file, "message": u.message} for u in self.unusable]}
        if json_path is not None:
            try:
                json_path.write_text(json.dumps(full, indent=1, ensure_ascii=False, default=str) + "\n", "utf-8")
            except OSError as exc:
                err.print(f"[red]error:[/red] cannot write {escape(str(json_path))}: {escape(str(exc.strerror or exc))}")
                raise typer.Exit(EXIT_UNUSABLE) from None
        as_table = fmt == EvalFormat.table or (fmt is None and sys.stdout.isatty())
        if as_table:
            out = Console(highlight=False)
            for result in self.results:
                for part in render(result):
                    out.print(part)
                    if not isinstance(part, Text):  # a heading sits right above its table
                        out.print()
        else:
            for result in self.results:
                sys.stdout.write(json.dumps(result, ensure_ascii=False, default=str) + "\n")
        sys.stdout.flush()
        if self.unusable:
            raise typer.Exit(EXIT_UNUSABLE)
        raise typer.Exit(EXIT_SKIPPED if self.problems else extra_exit)


class Progress(StatusLine):
    """'label: what i/n' on stderr when stderr is a terminal; silent otherwise."""

    def update(self, what: str, i: int, n: int) -> None:
        if i == n or i % 20 == 0:
            self.show(f"{self.label}: {what} {i:,}/{n:,}")


def _require_paths(paths: List[Path], want_dir: bool = False) -> None:
    for p in paths:
        if not p.exists():
            err.print(f"[red]error:[/red] no such {'folder' if want_dir else 'file'}: {escape(str(p))}")
            raise typer.Exit(EXIT_UNUSABLE)


def _classifiers(model: Optional[Path]) -> dict[str, Any]:
    """The default classifier, and the user's model beside it when given."""
    from eventwire.classify import EventClassifier

    out = {"default": EventClassifier.load()}
    if model is not None:
        _require_paths([model])
        try:
            out[f"model {model.name}"] = EventClassifier.load(model_path=model)
        except Exception as exc:  # a file that is not a model we can use
            err.print(f"[red]error:[/red] cannot load the model {escape(str(model))}: {type(exc).__name__}: {escape(str(exc))}")
            raise typer.Exit(EXIT_UNUSABLE)
    return out


def _count(gold) -> int:
    """How many gold items a read file holds, whatever its kind."""
    for name in ("rows", "sentences", "entities"):
        if hasattr(gold, name):
            return len(getattr(gold, name))
    return sum(len(t) for _, t in gold.articles)


# ------------------------------------------------------------------------------- subcommands
@eval_app.command("acled")
def acled_cmd(
    files: List[Path] = typer.Argument(..., help="ACLED exports (.csv), modern or old column layout."),
    limit: Optional[int] = LimitOpt,
    published_column: Optional[str] = typer.Option(
        None, "--published-column",
        help="Pass this column's date as each note's publication date (by default none is passed: "
             "the notes carry their own dates)."),
    model: Optional[Path] = ModelOpt,
    json_path: Optional[Path] = JsonOpt,
    fmt: Optional[EvalFormat] = FormatOpt,
) -> None:
    """`extract` on ACLED notes: event type, sub-event type, actor types, country, place, date, fatalities."""
    from . import acled
    from eventwire.pipeline import Pipeline

    _require_paths(files + ([model] if model else []))
    session = Session("acled")
    golds = session.read_all(files, lambda f: acled.read_acled(f, limit, published_column), "notes")
    if golds:
        classifiers = _classifiers(model)
        default = Pipeline(classifier=classifiers["default"])
        pipes = {name: default if name == "default" else
                 Pipeline(nlp=default.nlp, gazetteer=default.gazetteer, actors=default.actors, classifier=clf)
                 for name, clf in classifiers.items()}
        for gold in golds:
            with Progress(f"extract {Path(gold.file).name}") as progress:
                session.results.append(acled.evaluate_file(gold, pipes, progress.update))
    session.finish(fmt, json_path, _render("acled_tables"))


@eval_app.command("classify")
def classify_cmd(
    files: List[Path] = typer.Argument(..., help="ACLED exports (.csv), modern or old column layout."),
    limit: Optional[int] = LimitOpt,
    model: Optional[Path] = ModelOpt,
    inter: bool = typer.Option(False, "--inter", help="Also pass ACLED's inter1/inter2 actor types."),
    json_path: Optional[Path] = JsonOpt,
    fmt: Optional[EvalFormat] = FormatOpt,
) -> None:
    """The event classifier alone on ACLED notes: sub-event type accuracy, weighted and macro F1."""
    from . import acled, classify

    _require_paths(files + ([model] if model else []))
    session = Session("classify")
    measures = classify.MEASURES_WITH_INTER if inter else classify.MEASURES
    golds = session.read_all(files, lambda f: acled.read_acled(f, limit, measures=measures), "notes")
    if golds:
        classifiers = _classifiers(model)
        for gold in golds:
            session.results.append(classify.evaluate_file(gold, classifiers, inter))
    session.finish(fmt, json_path, _render("classify_tables"))


@eval_app.command("geoparse")
def geoparse_cmd(
    files: List[Path] = typer.Argument(..., help="Gold XML in the LGL / GeoVirus / GeoWebNews layout."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Evaluate only the first N articles of each file."),
    json_path: Optional[Path] = JsonOpt,
    fmt: Optional[EvalFormat] = FormatOpt,
) -> None:
    """Toponym recognition and resolution: recall, precision, accuracy within 161 km, error km, AUC."""
    from . import geoparse
    from eventwire.geo import load_gazetteer
    from eventwire.nlp import load_nlp

    _require_paths(files)
    session = Session("geoparse")
    golds = session.read_all(files, lambda f: geoparse.read_gold(f, limit), "gold toponyms")
    if golds:
        nlp, gaz = load_nlp(), load_gazetteer()
        for gold in golds:
            with Progress(f"geoparse {Path(gold.file).name}"):
                session.results.append(geoparse.evaluate_gold(gold, nlp, gaz))
    session.finish(fmt, json_path, _render("geoparse_tables"))


@eval_app.command("entities")
def entities_cmd(
    directory: Path = typer.Argument(..., help="A re3d folder (source folders with documents.json, entities.json)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Evaluate only the first N documents."),
    json_path: Optional[Path] = JsonOpt,
    fmt: Optional[EvalFormat] = FormatOpt,
) -> None:
    """Entities (re3d labels): per-label precision, recall, F1 and micro F1, exact span and overlap."""
    from . import entities
    from eventwire.nlp import load_nlp

    _require_paths([directory], want_dir=True)
    session = Session("entities")
    for gold in session.read_all([directory], lambda d: entities.read_re3d(d, limit), "gold entities"):
        with Progress(f"entities {directory.name}"):
            session.results.append(entities.evaluate_gold(gold, load_nlp()))
    session.finish(fmt, json_path, _render("entities_tables"))


@eval_app.command("event-location")
def event_location_cmd(
    files: List[Path] = typer.Argument(..., help="JSON Lines: text, tokens, a VERB span and LOCATION spans."),
    limit: Optional[int] = LimitOpt,
    json_path: Optional[Path] = JsonOpt,
    fmt: Optional[EvalFormat] = FormatOpt,
) -> None:
    """The place of a given event verb: token precision/recall/F1 of the place we choose."""
    from . import event_location
    from eventwire.geo import load_gazetteer
    from eventwire.nlp import load_nlp

    _require_paths(files)
    session = Session("event-location")
    golds = session.read_all(files, lambda f: event_location.read_event_locations(f, limit), "sentences")
    if golds:
        nlp, gaz = load_nlp(), load_gazetteer()
        for gold in golds:
            with Progress(f"event-location {Path(gold.file).name}") as progress:
                session.results.append(event_location.evaluate_gold(
                    gold, nlp, gaz, lambda i, n: progress.update("sentences", i, n)))
    session.finish(fmt, json_path, _render("event_location_tables"))


@eval_app.command("reference")
def reference_cmd(
    reference: Path = typer.Argument(..., help="A hand-coded reference (docs/REFERENCE_FORMAT.md)."),
    events: Optional[Path] = typer.Argument(
        None, help="Events to score (JSON Lines, `eventwire extract` output). Default: extract the article(s) "
                   "the reference names."),
    check: bool = typer.Option(False, "--check", help="Exit 1 when the reference is not met (a required event "
                                                      "missed, a must-not rule broken, a count out of range)."),
    json_path: Optional[Path] = JsonOpt,
    fmt: Optional[EvalFormat] = FormatOpt,
) -> None:
    """Extraction against a hand-coded reference: required/optional events found, must-not rules, fields."""
    from . import reference as ref_mod

    _require_paths([reference] + ([events] if events else []))
    session = Session("reference")
    ref = session.attempt(ref_mod.read_reference, reference)
    if ref is not None:
        if events is not None:
            found = session.attempt(ref_mod.read_events, events)
        else:
            found = session.attempt(ref_mod.extract_articles, ref, _pipeline)
        if found is not None:
            evs, problems = found
            session.report_problems(ref.problems + problems, len(ref.events), "reference events", ref.file)
            session.results.append(ref_mod.score(ref, evs))
    passed = all(r["passed"] for r in session.results) and bool(session.results)
    session.finish(fmt, json_path, _render("reference_tables"), EXIT_SKIPPED if check and not passed else EXIT_OK)


def _pipeline():
    from eventwire.pipeline import Pipeline

    return Pipeline()


def _render(name: str) -> Callable[[dict], list]:
    def render(result: dict) -> list:
        from . import render as r

        return getattr(r, name)(result)

    return render


from eventwire.store.evaluate import merge as _merge_cmd  # noqa: E402  (`eval merge`: the event store's merging)

eval_app.command("merge")(_merge_cmd)
