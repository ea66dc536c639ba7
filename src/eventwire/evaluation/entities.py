"""The entity stage on dstl re3d (mongoexport JSON lines per source folder).

    eventwire eval entities RE3D_DIR

Layout: RE3D_DIR holds source folders (or is one), each with documents.json ({"_id", "text"} per
line) and entities.json ({"documentId", "begin", "end", "type", "confidence"?} per line).
Reports, for our recognizer and for the bare spaCy label mapping in the same run: per-label
precision / recall / F1 and the micro F1 over the eight scored labels, with exact-span and
overlap matching, once against all gold entities and once with the doubtful ones (confidence 0)
set aside (a prediction that only matches a doubtful entity then counts neither way).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from eventwire.mentions.entities import SCORED_LABELS as SCORED
from eventwire.mentions.entities import EntityOptions, EntityRecognizer, baseline_entities

from .common import Problem, UnusableFile, json_lines, prf

REPORTED = SCORED + ("Quantity", "Money")


@dataclass(frozen=True)
class GoldEntity:
    doc_id: str
    start: int
    end: int
    label: str
    confidence: float


@dataclass
class Re3dGold:
    directory: str
    texts: dict[str, str] = field(default_factory=dict)
    entities: list[GoldEntity] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def source_folders(directory: str | Path) -> list[Path]:
    """The re3d source folders under `directory` (or `directory` itself); UnusableFile when none."""
    root = Path(directory)
    if not root.is_dir():
        raise UnusableFile(root, "not a folder: expected a re3d folder holding documents.json and entities.json")
    folders = [root] if (root / "documents.json").exists() else sorted(
        p for p in root.iterdir() if (p / "documents.json").exists())
    if not folders:
        raise UnusableFile(root, "no documents.json in it or in its sub-folders: not a re3d folder")
    for f in folders:
        if not (f / "entities.json").exists():
            raise UnusableFile(f, "documents.json without entities.json")
    return folders


def read_re3d(directory: str | Path, limit: int | None = None) -> Re3dGold:
    """Documents and gold entities of every source folder (the first `limit` documents in id order)."""
    gold = Re3dGold(str(directory))
    for folder in source_folders(directory):
        docs = folder / "documents.json"
        for lineno, d in json_lines(docs, gold.problems):
            if not isinstance(d.get("_id"), str) or not isinstance(d.get("text"), str):
                gold.problems.append(Problem(str(docs), str(lineno), "_id/text", "missing document id or text"))
                continue
            gold.texts[d["_id"]] = d["text"]
        ents = folder / "entities.json"
        for lineno, e in json_lines(ents, gold.problems):
            entity = _gold_entity(e, gold.texts)
            if isinstance(entity, GoldEntity):
                gold.entities.append(entity)
            else:
                gold.problems.append(Problem(str(ents), str(lineno), entity[0], entity[1]))
    if limit is not None:
        keep = set(sorted(gold.texts)[:limit])
        gold.texts = {k: v for k, v in gold.texts.items() if k in keep}
        gold.entities = [e for e in gold.entities if e.doc_id in keep]
    return gold


def _gold_entity(e: dict[str, Any], texts: dict[str, str]) -> GoldEntity | tuple[str, str]:
    """The entity, or (column, reason) when it cannot be used."""
    doc_id = e.get("documentId")
    if doc_id not in texts:
        return "documentId", f"unknown document {doc_id!r}"
    try:
        start, end = int(e["begin"]), int(e["end"])
        confidence = float(e.get("confidence", 1))
    except (KeyError, TypeError, ValueError):
        return "begin/end", "begin/end (or confidence) missing or not numbers"
    if not 0 <= start < end <= len(texts[doc_id]):
        return "begin/end", f"span {start}-{end} outside the document ({len(texts[doc_id])} characters)"
    if not isinstance(e.get("type"), str):
        return "type", "missing entity type"
    return GoldEntity(doc_id, start, end, e["type"], confidence)


def load_re3d(directory: str | Path) -> tuple[dict[str, str], list[GoldEntity]]:
    """Documents (id -> text) and gold entities of every source folder under ``directory``."""
    gold = read_re3d(directory)
    return gold.texts, gold.entities


def score(pred: list[tuple[str, int, int, str]], gold: list[GoldEntity], *, overlap: bool,
          exclude_doubtful: bool) -> dict[str, Any]:
    """Per-label and micro (over SCORED) precision/recall/F1.

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

    counts = {lab: [0, 0, 0, 0] for lab in REPORTED}  # tp_pred, n_pred, tp_gold, n_gold
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
    result: dict[str, Any] = {lab: prf(c[0], c[1], c[2], c[3]) for lab, c in counts.items()}
    tot = [sum(counts[lab][i] for lab in SCORED) for i in range(4)]
    result["micro"] = prf(*tot)
    return result


def default_systems(nlp) -> dict[str, Callable]:
    """Our recognizer, the same with re3d's pronoun mentions switched on, and bare spaCy."""
    return {"eventwire": EntityRecognizer(nlp),
            "+pronouns": EntityRecognizer(nlp, options=EntityOptions(pronouns=True)),
            "spacy": baseline_entities}


def evaluate_gold(gold: Re3dGold, nlp, systems: dict[str, Callable] | None = None) -> dict[str, Any]:
    """Score each system (name -> function(Doc) -> entities) on read re3d data.

    Returns ``{system: {"exact"|"overlap": {"all"|"confident": scores}}}`` plus ``documents``,
    ``gold_entities`` and ``skipped`` (unusable gold lines)."""
    systems = systems if systems is not None else default_systems(nlp)
    ids = sorted(gold.texts)
    preds: dict[str, list[tuple[str, int, int, str]]] = {name: [] for name in systems}
    for doc_id, doc in zip(ids, nlp.pipe(gold.texts[i] for i in ids)):
        for name, fn in systems.items():
            for ent in fn(doc):
                preds[name].append((doc_id, ent["start"], ent["end"], ent["label"]))
    out: dict[str, Any] = {"directory": gold.directory, "documents": len(ids), "gold_entities": len(gold.entities),
                           "skipped": len(gold.problems)}
    for name, pred in preds.items():
        out[name] = {mode: {setting: score(pred, gold.entities, overlap=(mode == "overlap"),
                                           exclude_doubtful=(setting == "confident"))
                            for setting in ("all", "confident")}
                     for mode in ("exact", "overlap")}
    return out


def evaluate_re3d(directory: str | Path, nlp, systems: dict[str, Callable] | None = None,
                  limit: int | None = None) -> dict[str, Any]:
    """Score each system on re3d in ``directory`` (see evaluate_gold)."""
    return evaluate_gold(read_re3d(directory, limit), nlp, systems)
