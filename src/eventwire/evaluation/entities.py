"""Score the entity stage on dstl re3d (mongoexport JSON lines per source folder).

    python -m eventwire.evaluation.entities ../shared/data/re3d-dev

Reports, for our recognizer and for the bare spaCy label mapping in the same run: per-label
precision / recall / F1 and the micro F1 over the eight scored labels, with exact-span and
overlap matching, once against all gold entities and once with the doubtful ones (confidence 0)
set aside (a prediction that only matches a doubtful entity then counts neither way).
"""
from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from eventwire.mentions.entities import (
    SCORED_LABELS,
    EntityOptions,
    EntityRecognizer,
    baseline_entities,
)

REPORTED_LABELS = SCORED_LABELS + ("Quantity", "Money")


@dataclass(frozen=True)
class GoldEntity:
    doc_id: str
    start: int
    end: int
    label: str
    confidence: float


def _json_lines(path: Path) -> Iterable[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                yield json.loads(line)


def load_re3d(directory: str | Path) -> tuple[dict[str, str], list[GoldEntity]]:
    """Documents (id -> text) and gold entities of every source folder under ``directory``."""
    root = Path(directory)
    texts: dict[str, str] = {}
    gold: list[GoldEntity] = []
    for folder in sorted(p for p in root.iterdir() if (p / "documents.json").exists()):
        for d in _json_lines(folder / "documents.json"):
            texts[d["_id"]] = d["text"]
        for e in _json_lines(folder / "entities.json"):
            gold.append(GoldEntity(e["documentId"], int(e["begin"]), int(e["end"]), e["type"],
                                   float(e.get("confidence", 1))))
    return texts, gold


def _prf(tp_p: int, n_p: int, tp_g: int, n_g: int) -> dict[str, float]:
    p = tp_p / n_p if n_p else 0.0
    r = tp_g / n_g if n_g else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "predicted": n_p, "gold": n_g}


def score(pred: list[tuple[str, int, int, str]], gold: list[GoldEntity], *, overlap: bool,
          exclude_doubtful: bool) -> dict[str, Any]:
    """Per-label and micro (over SCORED_LABELS) precision/recall/F1.

    ``pred`` holds (doc_id, start, end, label). With ``overlap`` a prediction matches a gold
    entity of the same label whose span it overlaps; otherwise spans must be identical.
    """
    by_key: dict[tuple[str, str], list[GoldEntity]] = defaultdict(list)
    for g in gold:
        by_key[(g.doc_id, g.label)].append(g)

    def matches(p, g: GoldEntity) -> bool:
        if overlap:
            return p[1] < g.end and g.start < p[2]
        return p[1] == g.start and p[2] == g.end

    counts = {lab: [0, 0, 0, 0] for lab in REPORTED_LABELS}  # tp_pred, n_pred, tp_gold, n_gold
    matched_gold: set[int] = set()
    for p in pred:
        if p[3] not in counts:
            continue
        hits = [g for g in by_key.get((p[0], p[3]), []) if matches(p, g)]
        if exclude_doubtful and hits and all(g.confidence == 0 for g in hits):
            continue  # matches only doubtful gold: neither right nor wrong
        c = counts[p[3]]
        c[1] += 1
        if any(g.confidence > 0 or not exclude_doubtful for g in hits):
            c[0] += 1
        for g in hits:
            matched_gold.add(id(g))
    for g in gold:
        if g.label not in counts or (exclude_doubtful and g.confidence == 0):
            continue
        c = counts[g.label]
        c[3] += 1
        if id(g) in matched_gold:
            c[2] += 1
    result: dict[str, Any] = {lab: _prf(c[0], c[1], c[2], c[3]) for lab, c in counts.items()}
    tot = [sum(counts[lab][i] for lab in SCORED_LABELS) for i in range(4)]
    result["micro"] = _prf(*tot)
    return result


def evaluate_re3d(directory: str | Path, nlp,
                  systems: dict[str, Callable] | None = None) -> dict[str, Any]:
    """Score each system (name -> function(Doc) -> entities) on re3d in ``directory``.

    Default systems: ``eventwire`` (our recognizer), ``+pronouns`` (the same with re3d's pronoun
    mentions switched on) and ``spacy`` (bare label mapping).
    Returns ``{system: {"exact"|"overlap": {"all"|"confident": scores}}}`` plus ``documents``.
    """
    texts, gold = load_re3d(directory)
    if systems is None:
        systems = {
            "eventwire": EntityRecognizer(nlp),
            "+pronouns": EntityRecognizer(nlp, options=EntityOptions(pronouns=True)),
            "spacy": baseline_entities,
        }
    ids = sorted(texts)
    preds: dict[str, list[tuple[str, int, int, str]]] = {name: [] for name in systems}
    for doc_id, doc in zip(ids, nlp.pipe(texts[i] for i in ids)):
        for name, fn in systems.items():
            for ent in fn(doc):
                preds[name].append((doc_id, ent["start"], ent["end"], ent["label"]))
    out: dict[str, Any] = {"documents": len(ids), "gold_entities": len(gold)}
    for name, pred in preds.items():
        out[name] = {
            mode: {
                setting: score(pred, gold, overlap=(mode == "overlap"),
                               exclude_doubtful=(setting == "confident"))
                for setting in ("all", "confident")
            }
            for mode in ("exact", "overlap")
        }
    return out


def format_report(result: dict[str, Any]) -> str:
    """A plain-text table: one row per label, F1 (P/R) per system and setting."""
    systems = [k for k in result if isinstance(result[k], dict)]
    lines = [f"re3d: {result['documents']} documents, {result['gold_entities']} gold entities"]
    for mode in ("exact", "overlap"):
        for setting in ("all", "confident"):
            lines.append("")
            lines.append(f"== {mode} match, gold: {setting}"
                         + (" (confidence-0 gold set aside)" if setting == "confident" else ""))
            head = f"{'label':<18}" + "".join(f"{s + ' P/R/F1':>26}" for s in systems)
            lines.append(head)
            for lab in REPORTED_LABELS + ("micro",):
                row = f"{lab + ('*' if lab == 'micro' else ''):<18}"
                for s in systems:
                    m = result[s][mode][setting][lab]
                    row += f"{m['precision']:>9.3f}{m['recall']:>8.3f}{m['f1']:>9.3f}"
                lines.append(row)
    lines.append("")
    lines.append("* micro over: " + ", ".join(SCORED_LABELS))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m eventwire.evaluation.entities RE3D_DIR [--json]", file=sys.stderr)
        return 2
    from eventwire.nlp import load_nlp

    result = evaluate_re3d(args[0], load_nlp())
    print(json.dumps(result, indent=1) if "--json" in args else format_report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
