"""From the labels a user's file holds to the classes the event classifier learns.

A label is kept when it names an ACLED sub-event type of the taxonomy (or "No event"), ignoring case and
spacing. Anything else is resolved in this order: the user's own `--map-label OLD=NEW` (NEW empty: leave
those rows out), `--no-event-label`, then — with `--map-old-acled` — the event types of ACLED's old
layout (DATA.md): an old type that determines one sub-event type becomes it; the others (Remote violence,
Violence against civilians, Strategic development, Riots/Protests) say nothing about the sub-event type
and their rows are left out, counted per old type. A label still unknown is an error naming the label
and its rows (or, with `--skip-unknown-labels`, those rows are left out and counted).
"""
from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..taxonomy import NO_EVENT, Taxonomy, old_acled_types
from .data import DataError, Example

# Old ACLED event types (before 2019, DATA.md) -> the one sub-event type they determine, or None
# (data/acled_old_types.yaml).
OLD_ACLED_TYPES: dict[str, str | None] = {old: sub for old, (_, sub) in old_acled_types().items()}


def fold(label: str) -> str:
    return " ".join(label.split()).casefold()


_OLD_BY_FOLD = {fold(k): k for k in OLD_ACLED_TYPES}


@dataclass(frozen=True)
class LabelRules:
    known: tuple[str, ...]                        # taxonomy sub-event types plus "No event"
    mapping: dict[str, str | None] = field(default_factory=dict)   # folded user label -> class or None
    map_old_acled: bool = False
    skip_unknown: bool = False

    @classmethod
    def build(cls, taxonomy: Taxonomy, map_labels: Iterable[str] = (), no_event_labels: Iterable[str] = (),
              map_old_acled: bool = False, skip_unknown: bool = False) -> "LabelRules":
        known = (*taxonomy.names, NO_EVENT)
        canonical = {fold(k): k for k in known}
        mapping: dict[str, str | None] = {}
        for spec in map_labels:
            old, new = parse_mapping(spec)
            if new and fold(new) not in canonical:
                raise DataError(f"--map-label {spec!r}: '{new}' is not an ACLED sub-event type{_hint(new, known)}")
            mapping[fold(old)] = canonical[fold(new)] if new else None
        for lab in no_event_labels:
            mapping[fold(lab)] = NO_EVENT
        return cls(known, mapping, map_old_acled, skip_unknown)


def parse_mapping(spec: str) -> tuple[str, str]:
    """'OLD=NEW' -> (OLD, NEW); NEW may be empty (leave those rows out)."""
    if "=" not in spec:
        raise DataError(f"--map-label {spec!r}: expected LABEL=SUB-EVENT TYPE (or LABEL= to leave rows out)")
    old, new = spec.split("=", 1)
    if not old.strip():
        raise DataError(f"--map-label {spec!r}: the label before '=' is empty")
    return old.strip(), new.strip()


@dataclass
class LabelledRows:
    """Examples with their class, and what was left out."""

    rows: list[Example] = field(default_factory=list)        # label = a class the model learns
    left_out: Counter = field(default_factory=Counter)       # reason -> rows
    unknown: dict[str, list[str]] = field(default_factory=dict)   # label as written -> where


def assign_classes(examples: Sequence[Example], rules: LabelRules) -> LabelledRows:
    out = LabelledRows()
    canonical = {fold(k): k for k in rules.known}
    for ex in examples:
        key = fold(ex.label)
        if key in rules.mapping:
            target = rules.mapping[key]
            if target is None:
                out.left_out[f"label '{ex.label}' mapped to nothing (--map-label)"] += 1
            else:
                out.rows.append(Example(ex.text, target, ex.where))
        elif key in canonical:
            out.rows.append(Example(ex.text, canonical[key], ex.where))
        elif rules.map_old_acled and key in _OLD_BY_FOLD:
            old = _OLD_BY_FOLD[key]
            sub = OLD_ACLED_TYPES[old]
            if sub is None:
                out.left_out[f"old ACLED type '{old}' does not determine a sub-event type"] += 1
            else:
                out.rows.append(Example(ex.text, sub, ex.where))
        else:
            out.unknown.setdefault(ex.label, []).append(ex.where)
    if out.unknown and rules.skip_unknown:
        for label, wheres in out.unknown.items():
            out.left_out[f"label '{label}' not in the taxonomy (--skip-unknown-labels)"] += len(wheres)
    return out


def unknown_labels_message(unknown: dict[str, list[str]], rules: LabelRules, shown_rows: int = 5) -> str:
    """One line per unknown label: its rows (the first few, by file), a close taxonomy name, what to do."""
    lines = ["labels that are not ACLED sub-event types (data/taxonomy.yaml):"]
    for label, wheres in sorted(unknown.items(), key=lambda kv: -len(kv[1])):
        is_old = fold(label) in _OLD_BY_FOLD
        hint = "" if is_old else _hint(label, rules.known)
        lines.append(f"  '{label}' ({len(wheres)} rows): {_rows_by_file(wheres, shown_rows)}{hint}")
    old = [lab for lab in unknown if fold(lab) in _OLD_BY_FOLD]
    if old and not rules.map_old_acled:
        lines.append("these look like old ACLED event types: add --map-old-acled to use the rows whose old type "
                     "determines the sub-event type")
    lines.append("map a label with --map-label 'LABEL=Sub-event type' (or 'LABEL=' to leave its rows out), "
                 "or leave all such rows out with --skip-unknown-labels")
    return "\n".join(lines)


def _rows_by_file(wheres: Sequence[str], shown: int) -> str:
    """'a.csv lines 2, 6, 8, ...; b.csv line 3' from 'a.csv:2'-style locations."""
    by_file: dict[str, list[str]] = {}
    for w in wheres:
        path, _, line = w.rpartition(":")
        by_file.setdefault(path or w, []).append(line)
    parts = []
    for path, lines in by_file.items():
        more = ", ..." if len(lines) > shown else ""
        parts.append(f"{path} line{'s' if len(lines) > 1 else ''} {', '.join(lines[:shown])}{more}")
    return "; ".join(parts)


def _hint(label: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(fold(label), [fold(k) for k in known], n=1, cutoff=0.75)
    if not close:
        return ""
    name = next(k for k in known if fold(k) == close[0])
    return f" (did you mean '{name}'?)"
