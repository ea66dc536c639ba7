"""Who did what to whom inside one sentence: clauses around event triggers, and actor roles.

Works on a parsed spaCy Doc of ONE sentence. A clause is the part of the sentence governed by one
event verb (a trigger noun such as "battle" or "advances" is governed by its verb). Actors on the
subject side of the verb are side 1, the others side 2; "backed by X", "X allies", "supported by X"
make X an associate of the side it supports.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from eventwire.model import ActorMention

_ASSOC_BEFORE = re.compile(
    r"(backed|supported|aided|assisted|accompanied|reinforced|joined)\s+by(\s+the)?\s*$"
    r"|with\s+(the\s+)?(support|help|backing|assistance)\s+(of|from)(\s+the)?\s*$"
    r"|alongside(\s+the)?\s*$|together\s+with(\s+the)?\s*$|and\s+(their|its|his)\s*$",
    re.I,
)
_ASSOC_AFTER = re.compile(r"^\W{0,2}\s*(allies|ally|allied\s+\w+|proxies|partners|affiliates)\b", re.I)
_PASSIVE_AGENT = re.compile(r"\bby(\s+the)?\s*$", re.I)


@dataclass
class Clause:
    head: int                          # token index of the governing verb (or trigger)
    triggers: list[int]                # trigger token indices in this clause
    tokens: set[int] = field(default_factory=set)
    start_char: int = 0
    end_char: int = 0


@dataclass
class Roles:
    actor1: ActorMention | None = None
    assoc1: list[ActorMention] = field(default_factory=list)
    actor2: ActorMention | None = None
    assoc2: list[ActorMention] = field(default_factory=list)


def governing_verb(doc, i: int) -> int:
    """The verb that governs token i (itself if a verb): walk up heads until a VERB/AUX."""
    tok = doc[i]
    seen = 0
    while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i and seen < 20:
        tok = tok.head
        seen += 1
    return tok.i if tok.pos_ in ("VERB", "AUX") else doc[i].i


def clauses(doc, trigger_tokens: list[int]) -> list[Clause]:
    """Partition the sentence among the verbs that govern the triggers.

    Each token belongs to the nearest governing verb among its ancestors; tokens under none of them
    belong to the first clause. Verbs joined by `conj` without a subject of their own share the
    subject of the verb they are joined to (handled in `roles`, by position)."""
    if not len(doc):
        return []
    heads: dict[int, list[int]] = {}
    for t in trigger_tokens or [next((t.i for t in doc if t.dep_ == "ROOT"), 0)]:
        heads.setdefault(governing_verb(doc, t), []).append(t)
    order = sorted(heads)
    out = {h: Clause(head=h, triggers=sorted(heads[h])) for h in order}
    for tok in doc:
        owner = None
        cur = tok
        for _ in range(40):
            if cur.i in out:
                owner = cur.i
                break
            if cur.head.i == cur.i:
                break
            cur = cur.head
        out[owner if owner is not None else order[0]].tokens.add(tok.i)
    result = []
    for h in order:
        c = out[h]
        idx = sorted(c.tokens)
        c.start_char = doc[idx[0]].idx
        c.end_char = doc[idx[-1]].idx + len(doc[idx[-1]])
        result.append(c)
    return result


def clause_of_char(cs: list[Clause], doc, char: int) -> Clause | None:
    for c in cs:
        for i in c.tokens:
            t = doc[i]
            if t.idx <= char < t.idx + len(t):
                return c
    return None


def assign_roles(doc, clause: Clause, actors: list[ActorMention], subject_hint: list[ActorMention]) -> Roles:
    """Assign actors (offsets relative to doc.text) of one clause to sides.

    `subject_hint`: actors of the sentence that stand before the first clause's verb, used when a
    conjoined verb has no subject of its own ("Syrian forces ... advanced and seized X")."""
    verb = doc[clause.head]
    text = doc.text
    side1: list[ActorMention] = []
    side2: list[ActorMention] = []
    assoc1: list[ActorMention] = []
    assoc2: list[ActorMention] = []
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
    for a in sorted(actors, key=lambda a: a.start):
        before = text[max(0, a.start - 40):a.start]
        after = text[a.end:a.end + 25]
        is_assoc = bool(_ASSOC_BEFORE.search(before)) or bool(_ASSOC_AFTER.search(after))
        if a.start < verb.idx:
            side = 1
        elif passive and _PASSIVE_AGENT.search(before) and not _ASSOC_BEFORE.search(before):
            side = 1
        else:
            side = 2
        if is_assoc:
            (assoc1 if side == 1 or a.start < verb.idx + 60 and side1 else assoc2).append(a)
        else:
            (side1 if side == 1 else side2).append(a)
    if not side1 and subject_hint:
        side1 = list(subject_hint)
    roles = Roles()
    if side1:
        roles.actor1 = side1[0]
        roles.assoc1 = _unique([a for a in side1[1:] + assoc1 if a.name != side1[0].name])
    elif assoc1:
        roles.assoc1 = _unique(assoc1)
    if side2:
        roles.actor2 = side2[0]
        roles.assoc2 = _unique([a for a in side2[1:] + assoc2 if a.name != side2[0].name])
    return roles


def _unique(actors: list[ActorMention]) -> list[ActorMention]:
    seen, out = set(), []
    for a in actors:
        if a.name not in seen:
            seen.add(a.name)
            out.append(a)
    return out
