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
_TARGET_BEFORE = re.compile(
    r"\b(from|against|on|targeting|targeted|attacking|attacked|toward|towards|fighting|with)"
    r"(\s+(the|a|an|its|their))?(\s+[a-z][\w’'-]*){0,2}\s*$")


@dataclass
class Clause:
    head: int                          # token index of the governing verb (or trigger)
    triggers: list[int]                # trigger token indices in this clause
    tokens: set[int] = field(default_factory=set)
    start_char: int = 0
    end_char: int = 0
    is_reporting: bool = False


@dataclass
class Roles:
    actor1: ActorMention | None = None
    assoc1: list[ActorMention] = field(default_factory=list)
    actor2: ActorMention | None = None
    assoc2: list[ActorMention] = field(default_factory=list)


_SUBJ = ("nsubj", "nsubjpass")
_FINITE_TAGS = ("VBD", "VBZ", "VBP", "MD")


def _non_finite(tok) -> bool:
    """Purpose and complement verbs ("to prevent militants from fleeing") are part of their parent clause."""
    if any(c.tag_ == "TO" for c in tok.children) or tok.dep_ in ("xcomp", "acl", "pcomp", "amod"):
        return True
    return tok.tag_ == "VBG" and not any(c.dep_ == "aux" for c in tok.children)


def _is_clause_head(tok) -> bool:
    if tok.pos_ not in ("VERB", "AUX") or _non_finite(tok):
        return False
    if tok.dep_ == "ROOT":
        return True
    has_subject = any(c.dep_ in _SUBJ for c in tok.children)
    finite = tok.tag_ in _FINITE_TAGS or any(c.dep_ in ("aux", "auxpass") for c in tok.children)
    return has_subject and finite


def governing_verb(doc, i: int) -> int:
    """The clause head that governs token i: walk up heads to the first finite clause verb."""
    tok = doc[i]
    for _ in range(40):
        if _is_clause_head(tok):
            return tok.i
        if tok.head.i == tok.i:
            return tok.i
        tok = tok.head
    return doc[i].i


def clauses(doc, trigger_tokens: list[int], reporting_lemmas: frozenset[str] = frozenset()) -> list[Clause]:
    """Partition the sentence into finite clauses; each token belongs to its nearest clause head.

    Heads are the verbs governing the triggers and every finite verb with a subject of its own
    ("X advanced in A, and in B the army advanced in C" has two). Purpose and complement verbs
    stay inside their parent clause. Clauses headed by a reporting verb ("a source said") are
    returned too but flagged by `is_reporting`, so callers can skip them."""
    if not len(doc):
        return []
    heads: dict[int, list[int]] = {}
    for t in trigger_tokens:
        heads.setdefault(governing_verb(doc, t), []).append(t)
    for tok in doc:
        if _is_clause_head(tok) and tok.i not in heads:
            heads[tok.i] = []
    if not heads:
        heads[next((t.i for t in doc if t.dep_ == "ROOT"), 0)] = []
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
        c.is_reporting = doc[h].lemma_.lower() in reporting_lemmas and not c.triggers
        idx = sorted(c.tokens)
        c.start_char = doc[idx[0]].idx
        c.end_char = doc[idx[-1]].idx + len(doc[idx[-1]])
        result.append(c)
    return result


def subject_tokens(doc, clause: Clause) -> tuple[set[int], bool]:
    """Token indices of the clause's subject (or of the verb it is conjoined to), and whether passive."""
    verb = doc[clause.head]
    for _ in range(5):
        subj = [c for c in verb.children if c.dep_ in _SUBJ]
        if subj:
            return {t.i for s in subj for t in s.subtree}, subj[0].dep_ == "nsubjpass"
        if verb.dep_ != "conj" or verb.head.i == verb.i:
            break
        verb = verb.head
    return set(), False


def clause_of_char(cs: list[Clause], doc, char: int) -> Clause | None:
    for c in cs:
        for i in c.tokens:
            t = doc[i]
            if t.idx <= char < t.idx + len(t):
                return c
    return None


def assign_roles(doc, clause: Clause, actors: list[ActorMention], text: str | None = None) -> Roles:
    """Assign the actors of one clause (offsets relative to doc.text; pass `text` when the caller
    already holds doc.text, which spaCy rebuilds on every access) to sides.

    Side 1 is the clause's subject (the agent "by X" in a passive clause); side 2 the others. When the
    parse gives no subject, position decides: before the verb is side 1. An actor right after "from",
    "against", "on", "targeting"... is a target (side 2); "backed by X", "X allies" make X an associate."""
    verb = doc[clause.head]
    text = doc.text if text is None else text
    subj, passive = subject_tokens(doc, clause)
    side1: list[ActorMention] = []
    side2: list[ActorMention] = []
    assoc1: list[ActorMention] = []
    assoc2: list[ActorMention] = []
    seen: set[str] = set()
    last_side = 0
    for a in sorted(actors, key=lambda a: a.start):
        if a.name in seen:  # a later mention of the same actor ("al-Nusra ... terrorists") keeps its side
            continue
        seen.add(a.name)
        span = doc.char_span(a.start, a.end, alignment_mode="expand")
        tok = span.root.i if span is not None and len(span) else None
        before = text[max(0, a.start - 40):a.start]
        after = text[a.end:a.end + 25]
        is_assoc = bool(_ASSOC_BEFORE.search(before)) or bool(_ASSOC_AFTER.search(after))
        if _TARGET_BEFORE.search(before):
            side = 2
        elif passive and _PASSIVE_AGENT.search(before) and not _ASSOC_BEFORE.search(before):
            side = 1
        elif subj and tok is not None:
            side = 2 if passive and tok in subj else (1 if tok in subj else 2)
        else:
            side = 1 if a.start < verb.idx else 2
        if is_assoc:
            # a backer stands with the actor it backs: the one named just before it
            if last_side:
                side = last_side
            (assoc1 if side == 1 else assoc2).append(a)
        else:
            (side1 if side == 1 else side2).append(a)
            last_side = side
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
