"""Evaluation results as rich tables (the terminal view; the JSON result holds everything)."""
from __future__ import annotations

from typing import Any, Iterable

from rich.table import Table
from rich.text import Text


QUANTITY_WORDS = ("km", "second", "crashes", "articles", "toponyms", "sentences", "gold n", "(gold determines it)",
                  "moved")


def fmt(value: Any, quantity: bool = False) -> str:
    """Shares as 0.123; quantities (km, seconds, counts) as 12.3 or 1,234."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.1f}" if quantity or abs(value) > 1 else f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def header(text: str) -> Text:
    """A result's heading (a line of its own: long file names would wrap inside a table title)."""
    return Text(text, style="bold")


def metric_table(systems: list[str], rows: Iterable[tuple[str, list[Any]]]) -> Table:
    """One row per measure, one column per system."""
    table = Table()
    table.add_column("measure")
    for name in systems:
        table.add_column(name, justify="right")
    for label, values in rows:
        if all(v is None for v in values):
            continue
        quantity = any(w in label for w in QUANTITY_WORDS)
        table.add_row(label, *(fmt(v, quantity) for v in values))
    return table


def class_table(title: str, per_system: dict[str, dict | None]) -> Table | None:
    """Per-class precision/recall/F1 of the first system, and the F1 of the others, by support."""
    named = {k: v for k, v in per_system.items() if v and v.get("per_class")}
    if not named:
        return None
    first, *others = named
    table = Table(title=title, title_justify="left")
    table.add_column("label")
    for col in ("n", "pred", "P", "R", f"F1 {first}" if others else "F1"):
        table.add_column(col, justify="right", min_width=5)
    for name in others:
        table.add_column(f"F1 {name}", justify="right", min_width=5)
    other_f1 = {name: {r["label"]: r["f1"] for r in named[name]["per_class"]} for name in others}
    for row in named[first]["per_class"]:
        table.add_row(row["label"], fmt(row["support"]), fmt(row["predicted"]), fmt(row["precision"]),
                      fmt(row["recall"]), fmt(row["f1"]), *(fmt(other_f1[n].get(row["label"])) for n in others))
    return table


def confusion_table(title: str, scores: dict | None) -> Table | None:
    if not scores or not scores.get("confusions"):
        return None
    table = Table(title=title, title_justify="left")
    table.add_column("gold", no_wrap=True)
    table.add_column("predicted", no_wrap=True)
    table.add_column("count", justify="right")
    for c in scores["confusions"]:
        table.add_row(c["gold"], c["predicted"], fmt(c["count"]))
    return table


def _get(d: dict | None, *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def _header(result: dict, unit: str) -> str:
    skipped = f", {result['skipped']} skipped" if result.get("skipped") else ""
    aside = f", {result['without_notes']} without notes set aside" if result.get("without_notes") else ""
    return f"{result['file']} ({result.get('layout', '')} layout, {fmt(result['records'])} {unit}{skipped}{aside})"


def _typing_details(result: dict) -> list:
    systems = result["systems"]
    # the old layout determines few sub-event types: its table is the event types'
    task = "sub_event_type" if result.get("layout") != "old" and any(
        _get(s, "sub_event_type") for s in systems.values()) else "event_type"
    out = [class_table(f"{task} per class", {n: s.get(task) for n, s in systems.items()})]
    for name, s in systems.items():
        suffix = f" ({name})" if len(systems) > 1 else ""
        out.append(confusion_table(f"most frequent {task} confusions{suffix}", s.get(task)))
    return [t for t in out if t is not None]


def acled_tables(result: dict) -> list:
    systems = result["systems"]
    names = list(systems)

    def row(label, *keys):
        return label, [_get(systems[n], *keys) for n in names]

    rows = [
        row("any event extracted", "any_event"),
        row("event_type accuracy", "event_type", "accuracy"),
        row("sub_event_type accuracy", "sub_event_type", "accuracy"),
        row("sub_event_type weighted F1", "sub_event_type", "weighted_f1"),
        row("sub_event_type macro F1", "sub_event_type", "macro_f1"),
        row("inter1 (actor 1 type) accuracy", "inter1"),
        row("inter2 (actor 2 type) accuracy", "inter2"),
        row("actor type pair, either order", "inter_pair"),
        row("country accuracy", "country"),
        row("location within 25 km", "location_within_25km"),
        row("notes naming ACLED's location", "notes_naming_location"),
        row("location within 25 km, where the note names it", "location_within_25km_where_named"),
        row("location within 100 km", "location_within_100km"),
        row("median error km (located events)", "median_km"),
        row("event_date exact", "event_date_exact"),
        row("fatalities exact", "fatalities_exact"),
        row("fatalities within ±1", "fatalities_within_1"),
        row("crashes", "crashes"),
        row("seconds", "seconds"),
        row("records per second", "records_per_second"),
    ]
    out = [header(_header(result, "notes")), metric_table(names, rows)]
    return out + _typing_details(result)


def classify_tables(result: dict) -> list:
    systems = result["systems"]
    names = list(systems)

    def row(label, *keys):
        return label, [_get(systems[n], *keys) for n in names]

    inter = " (ACLED inter codes given)" if result.get("inter_given") else ""
    rows = [
        row("event_type accuracy", "event_type", "accuracy"),
        row("event_type weighted F1", "event_type", "weighted_f1"),
        row("sub_event_type n (gold determines it)", "sub_event_type", "n"),
        row("sub_event_type accuracy", "sub_event_type", "accuracy"),
        row("sub_event_type weighted F1", "sub_event_type", "weighted_f1"),
        row("sub_event_type macro F1", "sub_event_type", "macro_f1"),
        row("records per second", "records_per_second"),
    ]
    return [header(_header(result, "notes") + inter), metric_table(names, rows)] + _typing_details(result)


def geoparse_tables(result: dict) -> list:
    rows = [
        ("articles", [result["articles"]]), ("gold toponyms", [result["gold_toponyms"]]),
        ("gold toponyms with coordinates", [result["gold_with_coordinates"]]),
        ("predicted toponyms", [result["predicted"]]),
        ("toponym recall", [result["recall"]]), ("toponym precision", [result["precision"]]),
        ("accuracy ≤ 161 km, matched toponyms", [result["acc161_matched"]]),
        ("accuracy ≤ 161 km, end to end (unmatched = wrong)", [result["acc161_end_to_end"]]),
        ("median error km (matched)", [result["median_error_km"]]),
        ("mean error km (matched)", [result["mean_error_km"]]),
        ("AUC of the error curve, matched (lower is better)", [result["auc_matched"]]),
        ("AUC of the error curve, end to end", [result["auc_end_to_end"]]),
        ("gold spans moved to their phrase", [result["moved_gold_spans"]]),
        ("seconds", [result["seconds"]]),
    ]
    skipped = f", {result['skipped']} gold toponyms skipped" if result.get("skipped") else ""
    return [header(f"{result['file']}{skipped}"), metric_table(["eventwire"], rows)]


def entities_tables(result: dict) -> list:
    from .entities import REPORTED, SCORED

    ours = result["eventwire"]
    title = header(f"{result['directory']}: {result['documents']} documents, {result['gold_entities']} gold "
                   "entities; eventwire against confident gold (confidence-0 set aside)")
    table = Table()
    table.add_column("label", no_wrap=True)
    for col in ("gold n", "exact P", "R", "F1", "overlap P", "R", "F1"):
        table.add_column(col, justify="right")
    for lab in REPORTED + ("micro",):
        e, o = ours["exact"]["confident"][lab], ours["overlap"]["confident"][lab]
        name = f"micro, {len(SCORED)} labels" if lab == "micro" else lab
        table.add_row(name, fmt(e["gold"]), fmt(e["precision"]), fmt(e["recall"]), fmt(e["f1"]),
                      fmt(o["precision"]), fmt(o["recall"]), fmt(o["f1"]))
    systems = [k for k, v in result.items() if isinstance(v, dict) and "exact" in v]
    summary = Table(title="micro F1 by system", title_justify="left")
    summary.add_column("match, gold")
    for s in systems:
        summary.add_column(s, justify="right")
    for mode in ("exact", "overlap"):
        for setting in ("all", "confident"):
            summary.add_row(f"{mode}, {setting}", *(fmt(result[s][mode][setting]["micro"]["f1"]) for s in systems))
    return [title, table, summary]


def event_location_tables(result: dict) -> list:
    systems = result["systems"]
    names = list(systems)

    def row(label, *keys):
        return label, [_get(systems[n], *keys) for n in names]

    rows = [
        row("token precision", "tokens", "precision"), row("token recall", "tokens", "recall"),
        row("token F1", "tokens", "f1"), row("exactly the gold tokens", "exact"),
        row("gold has no place: we choose none", "no_place_right"),
        row("gold has a place: we choose none", "place_missed"),
        row("gold has a place: our choice overlaps it", "place_overlaps"),
        row("sentences without a gold place", "gold_no_place"), row("sentences with a gold place", "gold_with_place"),
    ]
    skipped = f", {result['skipped']} skipped" if result.get("skipped") else ""
    title = f"{result['file']} ({fmt(result['sentences'])} sentences{skipped}, {result['seconds']} s)"
    return [header(title), metric_table(names, rows)]


def reference_tables(result: dict) -> list:
    title = header(f"{result['reference']}: {'reference met' if result['passed'] else 'reference NOT met'}")
    summary = Table()
    summary.add_column("check")
    summary.add_column("result", justify="right")
    summary.add_row("required events found", f"{result['required_found']}/{result['required']}")
    summary.add_row("optional events found", f"{result['optional_found']}/{result['optional']}")
    summary.add_row("must-not rules broken", f"{result['must_not_broken']}/{result['must_not']}")
    rng = result["expected_event_count"]
    summary.add_row("events extracted" + (f" (expected {rng[0]}–{rng[1]})" if rng else ""),
                    f"{result['events']} ({'in range' if result['count_in_range'] else 'OUT OF RANGE'})")
    for name, t in result["field_agreement"].items():
        summary.add_row(f"field agreement: {name}", f"{t['agree']}/{t['checked']}")
    items = Table(title="reference events (fields of the matched event, or of the closest one citing its sentence)",
                  title_justify="left")
    for col in ("reference event", "kind", "found", "fields agreeing", "why not"):
        items.add_column(col, no_wrap=col == "reference event")
    for it in result["items"]:
        fields = it["fields"]
        agreeing = f"{sum(fields.values())}/{len(fields)}" if fields else "—"
        items.add_row(it["id"], "required" if it["required"] else "optional", "yes" if it["found"] else "NO",
                      agreeing, it["why_not"] or "")
    rules = Table(title="must-not rules", title_justify="left")
    for col in ("sentence containing", "rule", "broken by"):
        rules.add_column(col)
    for r in result["must_not_rules"]:
        rule = f"{r['rule']} {r['value']}" if r["value"] else r["rule"]
        rules.add_row(r["evidence_contains"], rule, f"{r['broken_by']} event(s)" if r["broken_by"] else "—")
    return [title, summary, items, rules]
