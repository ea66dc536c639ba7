"""Toponym recognition on a spaCy Doc, in one pass over the tokens.

Candidates: spaCy GPE/LOC entities, plus capitalized names the gazetteer knows that the small model
labels wrongly (ORG/PERSON/NORP/PRODUCT/DATE or nothing: "Arsal", "Juroud Arsal", "Qalamoun"), plus
cue patterns ("the town of X", "X hill", "X Mountains", "X region", "Jurud X", "X countryside"), and whole
names written before a place noun ("Dawlat Abad district", "Qala-i-Barqi of X district", "the Y area of")
even where the model split them; Persian/Arabic hyphen connectors ("Mazar-e Sharif") keep a name whole.
Gazetteer or pattern evidence wins over a wrong label; common words are kept out by a stop list,
capitalization and a demand for evidence (a preposition, a place noun, or a strong gazetteer entry).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from eventwire.datafiles import load_yaml

from .normalize import ARTICLES, data_path, fold, name_key

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

    from .gazetteer import Gazetteer

MAX_NAME_TOKENS = 7
# Prepositions that also precede people and organisations ("from Shimon Peres"): no evidence on their own.
WEAK_PREPOSITIONS = frozenset({"from", "to", "at", "of", "by", "with"})
_DATELINE_END = frozenset({",", "(", "-", "–", "—", ":"})  # "al - Tharir al - Aswad" is 6 spaCy tokens


@dataclass(frozen=True)
class Toponym:
    """A place name found in the text (character offsets into doc.text)."""

    start: int
    end: int
    text: str
    source: str                      # "ner" | "gazetteer" | "pattern"
    hint: str | None = None          # feature hint from the phrase: "P", "T.HLL", "A.ADM1", "L" ...
    relation: str | None = None      # "near", "outskirts", "west of", "between", "countryside" ...
    anchor: tuple[int, int] | None = None  # inner place name for "Jurud X" / "X countryside" phrases
    country_hint: str | None = None  # ISO2 from "the Syrian town of X"
    sent: int = 0                    # sentence index


@dataclass(frozen=True)
class Cues:
    prepositions: frozenset[str]
    nouns_before_of: dict[str, str]
    nouns_after: dict[str, str]
    outskirts_prefixes: frozenset[str]
    relations_before: tuple[tuple[str, ...], ...]
    relations_after: frozenset[str]
    stop_words: frozenset[str]
    not_place_after: frozenset[str]
    not_place_before_hyphen: frozenset[str] = frozenset()
    hyphen_connectors: frozenset[str] = frozenset()
    name_nouns: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    """The cue lexicon of data/geo/cues.yaml."""
    raw = load_yaml(data_path("cues.yaml").read_text("utf-8"))
    rel = sorted((tuple(str(r).lower().split()) for r in raw["relations_before"]), key=len, reverse=True)
    return Cues(
        prepositions=frozenset(str(w).lower() for w in raw["prepositions"]),
        nouns_before_of={str(k).lower(): str(v) for k, v in raw["nouns_before_of"].items()},
        nouns_after={str(k).lower(): str(v) for k, v in raw["nouns_after"].items()},
        outskirts_prefixes=frozenset(str(w).lower() for w in raw["outskirts_prefixes"]),
        relations_before=tuple(rel),
        relations_after=frozenset(str(w).lower() for w in raw["relations_after"]),
        stop_words=frozenset(fold(str(w)) for w in raw["stop_words"]),
        not_place_after=frozenset(str(w).lower() for w in raw.get("not_place_after", ())),
        not_place_before_hyphen=frozenset(str(w).lower() for w in raw.get("not_place_before_hyphen", ())),
        hyphen_connectors=frozenset(str(w).lower() for w in raw.get("hyphen_connectors", ())),
        name_nouns=frozenset(str(w).lower() for w in raw.get("name_nouns", ())),
    )


# Place nouns after which an unknown name is taken only when a container follows ("X area of Y").
_LOOSE_NOUNS = frozenset({"city", "area", "region", "valley", "camp"})
_STRONG_FEATURES = ("A.PCLI", "A.ADM1", "L.", "T.", "H.")


def _strong(gaz: "Gazetteer", place, kind: int) -> bool:
    """A name strong enough to be a place without a cue: a country, a province, a curated region or one of
    the user's own places. Imported GeoNames hills, streams and areas are not (there are millions, named
    like common words); they need a cue ("in X", "X hill")."""
    if kind > 1 or not place.feature.startswith(_STRONG_FEATURES):
        return False
    origin = getattr(gaz, "origin", None)
    return origin is None or origin(place) != "geonames" or place.feature in ("A.PCLI", "A.ADM1")


def _is_cap_text(t: str) -> bool:
    return bool(t) and t[0].isupper() and any(ch.isalpha() for ch in t)


class _Tokens:
    """The token attributes the recogniser reads, taken from the Doc once: every `doc[i]` builds a new
    spaCy Token, and reading the same tokens again and again through it was the recogniser's main cost."""

    def __init__(self, doc: "Doc"):
        toks = list(doc)
        self.n = len(toks)
        self.text = [t.text for t in toks]
        self.lower = [t.lower_ for t in toks]
        self.ws = [bool(t.whitespace_) for t in toks]   # whitespace after the token
        self.idx = [t.idx for t in toks]
        self.is_lower = [t.is_lower for t in toks]
        self.is_sent_start = [t.is_sent_start for t in toks]
        self.cap = [_is_cap_text(t) for t in self.text]
        self.with_ws = [t + " " if w else t for t, w in zip(self.text, self.ws)]   # Token.text_with_ws
        self.sent_of = [0] * self.n
        self.sent_start_of = [0] * self.n
        for si, sent in enumerate(doc.sents):
            start, end = sent.start, sent.end
            self.sent_of[start:end] = [si] * (end - start)
            self.sent_start_of[start:end] = [start] * (end - start)

    def end_char(self, end_tok: int) -> int:
        """Character offset after tokens [.., end_tok)."""
        return self.idx[end_tok - 1] + len(self.text[end_tok - 1])

    def doc_text(self) -> str:
        """`doc.text`: every token's text and the whitespace after it."""
        return "".join(self.with_ws)

    def span_text(self, start_tok: int, end_tok: int) -> str:
        """The text of tokens [start_tok, end_tok) as `doc[start_tok:end_tok].text` gives it."""
        if start_tok >= end_tok:
            return ""
        return "".join(self.with_ws[start_tok:end_tok - 1]) + self.text[end_tok - 1]


def _connector_end(tk: _Tokens, k: int) -> int | None:
    """After a hyphen at k-1: the index of the capitalized word that a lower-case Persian/Arabic
    connector ("-e", "-ye", "-i", "-wa") at k leads to, or None."""
    n = tk.n
    if k >= n or tk.lower[k] not in load_cues().hyphen_connectors or not tk.is_lower[k]:
        return None
    if tk.ws[k] or k + 1 >= n:
        return k + 1 if k + 1 < n and tk.cap[k + 1] else None
    if tk.text[k + 1] == "-" and not tk.ws[k + 1] and k + 2 < n and tk.cap[k + 2]:
        return k + 2
    return None


def _runs(tk: _Tokens) -> list[tuple[int, int]]:
    """Token runs that can hold a proper name: capitalized words, joined by hyphens and by
    lower-case Arabic articles ("al-Tharir al-Aswad", "Wadi al-Qariyah", "Baalbek-Hermel")."""
    runs = []
    n = tk.n
    text, lower, ws, cap = tk.text, tk.lower, tk.ws, tk.cap
    i = 0
    while i < n:
        starts_article = (lower[i] in ARTICLES and i + 2 < n and text[i + 1] == "-"
                          and cap[i + 2] and not ws[i + 1] and not ws[i])
        if not (cap[i] or starts_article):
            i += 1
            continue
        j = i + 1
        while j < n:
            if text[j] == "-" and not ws[j - 1] and not ws[j] and j + 1 < n:
                k = _connector_end(tk, j + 1)
                if k is not None:  # "Mazar-e Sharif", "Band-e-Barq", "Chashmah-ye Duzakh"
                    j = k
                    continue
                j += 1
                continue
            if cap[j] and tk.is_sent_start[j] is not True:
                j += 1
                continue
            if text[j][:1] == "-" and text[j][1:2].isupper() and not ws[j - 1]:
                j += 1  # "Band-e" + "-Amir" as the tokenizer cuts "Band-e-Amir"
                continue
            if lower[j] in ARTICLES and j + 2 < n and text[j + 1] == "-" and cap[j + 2]:
                j += 1
                continue
            break
        runs.append((i, j))
        i = j
    return runs


@lru_cache(maxsize=1)
def name_runs(doc: "Doc") -> list[tuple[int, int]]:
    """Token ranges of `doc` that can hold a proper name (see `_runs`)."""
    return _runs(_Tokens(doc))


def _relations_by_length() -> tuple[tuple[int, frozenset[tuple[str, ...]]], ...]:
    """The spatial relation phrases grouped by length, longest first (one set lookup per length)."""
    by_len: dict[int, set[tuple[str, ...]]] = {}
    for rel in load_cues().relations_before:
        by_len.setdefault(len(rel), set()).add(rel)
    return tuple((n, frozenset(rels)) for n, rels in sorted(by_len.items(), reverse=True))


def _context_before(tk: _Tokens, start_tok: int, cues: Cues) -> tuple[str | None, str | None, str | None, bool]:
    """(feature hint, relation, country hint, has a cue) from the words of the sentence before token start_tok."""
    sent_start = tk.sent_start_of[start_tok]
    lower = tk.lower
    hint = relation = country = None
    cue = False
    # "the (Syrian) town of X"
    k = start_tok - 1
    if k >= sent_start and lower[k] == "of":
        m = k - 1
        if m >= sent_start and lower[m] in cues.nouns_before_of:
            hint = cues.nouns_before_of[lower[m]]
            cue = True
            if m - 1 >= 0:
                from .gazetteer import demonyms

                country = demonyms().get(fold(tk.text[m - 1]))
            if lower[m] in ("outskirts", "countryside", "vicinity"):
                relation = "outskirts" if lower[m] != "countryside" else "countryside"
    # preceding preposition (skip "the")
    k = start_tok - 1
    while k >= sent_start and lower[k] in ("the", "a"):
        k -= 1
    if k >= sent_start and lower[k] in cues.prepositions and lower[k] not in WEAK_PREPOSITIONS:
        cue = True
    # spatial relation phrase ending right before the name ("west of", "outskirts of", "near")
    words = [w for w in lower[max(sent_start, start_tok - 5):start_tok] if w != "the"]
    for size, rels in _relations_by_length():
        if len(words) >= size and tuple(words[-size:]) in rels:
            relation = relation or " ".join(words[-size:])
            cue = True
            break
    return hint, relation, country, cue


def _context(tk: _Tokens, start_tok: int, end_tok: int, cues: Cues, before=None
             ) -> tuple[str | None, str | None, str | None, bool]:
    """(feature hint, relation, country hint, has a cue) from the words around tokens [start_tok, end_tok);
    `before` is `_context_before` of start_tok when already known."""
    hint, relation, country, cue = before or _context_before(tk, start_tok, cues)
    # following place noun
    if end_tok < tk.n:
        nxt = tk.lower[end_tok]
        if nxt in cues.nouns_after:
            # the noun after the name says what the name itself is ("the area of Kabul city" -> a city)
            own = nxt not in cues.relations_after
            hint = cues.nouns_after[nxt] if (own or not hint) else hint
            cue = True
            if nxt in cues.relations_after:
                relation = relation or nxt
    return hint, relation, country, cue


@lru_cache(maxsize=100_000)
def _is_stop(text: str) -> bool:
    """A word or name never taken as a place on its own: stop words, nationality words, "Jurud", no letter."""
    from .gazetteer import demonyms

    cues = load_cues()
    f = fold(text)
    return (f in cues.stop_words or name_key(text) in cues.stop_words or f in demonyms()
            or f in cues.outskirts_prefixes or not any(ch.isalpha() for ch in f))


def find_toponyms(doc: "Doc", gaz: "Gazetteer | None" = None) -> list[Toponym]:
    """Toponyms of `doc` in text order, non-overlapping (longest wins)."""
    return toponyms_and_text(doc, gaz)[0]


def toponyms_and_text(doc: "Doc", gaz: "Gazetteer | None" = None) -> tuple[list[Toponym], str]:
    """`find_toponyms` and `doc.text` (which spaCy builds anew on every access) in one pass."""
    if gaz is None:
        from .gazetteer import load_gazetteer

        gaz = load_gazetteer()
    from eventwire.mentions.reporters import reporter_spans

    cues = load_cues()
    tk = _Tokens(doc)
    n = tk.n
    text_of, lower_of, sent_start_of = tk.text, tk.lower, tk.sent_start_of
    label_of = {}
    for ent in doc.ents:
        for t in range(ent.start, ent.end):
            label_of[t] = ent
    found: list[Toponym] = []
    taken = [False] * n
    doc_text = tk.doc_text()
    # the names of news organisations and monitors hold no place ("SANA", "Libya Herald")
    for start, end in reporter_spans(doc_text):
        for t in range(bisect_left(tk.idx, start), bisect_left(tk.idx, end)):
            taken[t] = True
    before_memo: dict[int, tuple] = {}

    def context(ts: int, te: int) -> tuple[str | None, str | None, str | None, bool]:
        before = before_memo.get(ts)
        if before is None:
            before = before_memo[ts] = _context_before(tk, ts, cues)
        return _context(tk, ts, te, cues, before)

    def add(ts: int, te: int, source: str, extra_hint: str | None = None,
            relation: str | None = None, anchor: tuple[int, int] | None = None) -> None:
        if ts >= te or any(taken[ts:te]):
            return
        if te < n and lower_of[te] in cues.not_place_after:
            return  # "West Nile virus", "Ebola outbreak": a disease named after a place
        hint, rel, country, _ = context(ts, te)
        found.append(Toponym(tk.idx[ts], tk.end_char(te), tk.span_text(ts, te), source, extra_hint or hint,
                             relation or rel, anchor, country, tk.sent_of[ts]))
        for t in range(ts, te):
            taken[t] = True

    is_stop = _is_stop

    def gaz_ok(ts: int, te: int, in_person: bool) -> bool:
        """Is tokens[ts:te] a gazetteer place with enough evidence to override the model's label?"""
        text = tk.span_text(ts, te)
        if is_stop(text) or len(name_key(text)) < 3:
            return False
        cue = context(ts, te)[3]
        if ts >= 2 and lower_of[ts - 1] in (",", "and", "or"):
            k = ts - 2  # "in al-Zalil, al-Karah and ...", "in X district, Balkh", "X (Y) district center, Z"
            while k > ts - 6 and k >= 0 and not taken[k] and (
                    lower_of[k] in cues.name_nouns or lower_of[k] in ("center", "centre", ")")):
                k = k - 1 if text_of[k] != ")" else next(
                    (m - 1 for m in range(k - 1, max(-1, k - 8), -1) if text_of[m] == "("), -1)
            if k >= 0 and taken[k]:
                cue = True
        if in_person:
            ent = label_of[ts]
            if not cue or (ts, te) != (ent.start, ent.end):
                return False  # a person's name part ("Shimon", "Hassan") is not a place
        if ts == sent_start_of[ts] and text.isupper() and te < n and text_of[te] in _DATELINE_END:
            cue = True  # dateline: "BEIRUT (Reuters) -", "COLUMBUS, Ohio -"
        hits = gaz.lookup(text, loose=cue)
        if not hits:
            return False
        if cue:
            return True
        strong = any(_strong(gaz, p, kind) for p, kind, _ in hits)
        if strong:
            return True
        if in_person:
            return False
        big = any(kind == 0 and p.population >= 100_000 for p, kind, _ in hits)
        return big and tk.is_sent_start[ts] is not True

    # 0. a capitalized name written before a place noun: "Dawlat Abad district", "the Marwa area of",
    #    "Khan Abad (Aqtash) district", "Qala-i-Barqi of Puli Alam district", "Hazrat Qishlaq and Timurak
    #    areas" - whole, even where the model split it or called it a person
    name_runs = _runs(tk)
    runs = []
    for rs, re_ in name_runs:
        i = rs
        while i < re_ and lower_of[i] in ("the", "a", "an"):
            i += 1
        j = re_
        while j > i and text_of[j - 1] == "-":
            j -= 1
        for t in range(i, j - 1):  # "Tripoli's Abu Salim district": the name starts after the possessive
            if text_of[t] in ("'s", "’s") or text_of[t].endswith(("'s", "’s", "\x92s")):
                i = t + 1
        if i < j:
            runs.append((i, j))
    run_at = {i: j for i, j in runs}

    def after_brackets(j: int) -> tuple[int, tuple[int, int] | None]:
        """Index after the run ending at j and an optional "(Other Name)" after it, with that name's span."""
        if j + 2 < n and text_of[j] == "(":
            close = next((m for m in range(j + 1, min(n, j + 8)) if text_of[m] == ")"), None)
            if close is not None and close > j + 1 and tk.cap[j + 1]:
                return close + 1, (tk.idx[j + 1], tk.end_char(close))
        return j, None

    def noun_at(k: int) -> str | None:
        return lower_of[k] if k < n and tk.is_lower[k] and lower_of[k] in cues.name_nouns else None

    def next_run(k: int) -> tuple[int, int] | None:
        while k < n and lower_of[k] in ("the", "a", "an"):
            k += 1
        return (k, run_at[k]) if k in run_at else None

    for i, j in runs:
        k, anchor = after_brackets(j)
        noun = noun_at(k)
        tied = False
        if noun is None and k < n and lower_of[k] in ("of", "and", ","):
            nr = next_run(k + 1)  # "X of Y district", "X and Y areas of"
            if nr is not None:
                k2, _ = after_brackets(nr[1])
                n2 = noun_at(k2)
                tied = n2 is not None and (lower_of[k] != "of" or n2 not in _LOOSE_NOUNS or n2 == "city")
                tied = tied and (lower_of[k] == "of" or n2.endswith("s"))
        if noun is None and not tied:
            continue
        text = tk.span_text(i, j)
        if is_stop(text) or is_stop(text_of[i]) or len(name_key(text)) < 3:
            continue
        if any(is_stop(text_of[t]) or (label_of.get(t) is not None and label_of[t].label_ in (
                "NORP", "DATE", "CARDINAL", "TIME", "MONEY", "QUANTITY")) for t in range(i, j)
               if text_of[t] != "-" and not tk.is_lower[t]):
            continue  # "Afghan National Army area", "the Taliban area"
        if noun in _LOOSE_NOUNS and not gaz.has_name(text) and not (
                k + 1 < n and lower_of[k + 1] in ("of", ",")):
            continue  # "the Bay area": only a known name, or one with a container after it
        ent = label_of.get(i)
        exact = ent is not None and (ent.start, ent.end) == (i, j) and ent.label_ in ("GPE", "LOC", "FAC")
        add(i, j, "ner" if exact else "pattern", anchor=anchor)

    # 1. spaCy GPE/LOC/FAC entities
    for ent in doc.ents:
        if ent.label_ not in ("GPE", "LOC", "FAC"):
            continue
        ts, te = ent.start, ent.end
        while ts < te and lower_of[ts] in ("the",):
            ts += 1
        if ts >= te:
            continue
        text = tk.span_text(ts, te)
        if is_stop(text) and not gaz.lookup(text, loose=False):
            continue
        if fold(text) in cues.stop_words and not (text.replace(".", "").isupper() and gaz.has_name(text)):
            continue
        if ent.label_ == "FAC" and not gaz.has_name(text):
            continue
        first = lower_of[ts]
        if first in cues.outskirts_prefixes and te - ts == 1:
            continue  # "the Jurud area": a generic word, no place
        if first in cues.outskirts_prefixes and te - ts > 1:
            add(ts, te, "ner", relation="outskirts", anchor=(tk.idx[ts + 1], tk.end_char(te)))
            continue
        add(ts, te, "ner")

    # 2. capitalized runs the model mislabelled or missed
    for rs, re_ in name_runs:
        i = rs
        while i < re_ and lower_of[i] in ("the", "a", "an"):
            i += 1
        while i < re_:
            if taken[i]:
                i += 1
                continue
            ent = label_of.get(i)
            in_person = ent is not None and ent.label_ == "PERSON"
            matched = False
            first = lower_of[i]
            # "Jurud X": the barren outskirts of X
            if first in cues.outskirts_prefixes and i + 1 < re_:
                for j in range(min(re_, i + 1 + MAX_NAME_TOKENS), i + 1, -1):
                    inner = tk.span_text(i + 1, j)
                    if gaz.has_name(inner) and not is_stop(inner):
                        add(i, j, "pattern", relation="outskirts", anchor=(tk.idx[i + 1], tk.end_char(j)))
                        i = j
                        matched = True
                        break
                if matched:
                    continue
            for j in range(min(re_, i + MAX_NAME_TOKENS), i, -1):
                if any(taken[i:j]) or text_of[j - 1] == "-":
                    continue
                if gaz_ok(i, j, in_person):
                    add(i, j, "gazetteer")
                    i = j
                    matched = True
                    break
            if matched:
                continue
            # unknown name tied to a place noun: "al-Tharir al-Aswad hill", "the town of Fleita"
            j = re_
            text = tk.span_text(i, j)
            if not is_stop(text) and not any(taken[i:j]) and not (ent is not None and ent.label_ in ("ORG", "NORP")):
                nxt = lower_of[j] if j < n else ""
                before_of = (i >= 2 and lower_of[i - 1] == "of" and lower_of[i - 2] in cues.nouns_before_of)
                if (nxt in cues.nouns_after and nxt not in ("area", "border", "city", "state", "county")) \
                        or before_of:
                    add(i, j, "pattern")
                    i = j
                    continue
            i += 1
    found.sort(key=lambda t: t.start)
    return _share_plural_noun(_share_between(found, doc_text), doc_text, cues), doc_text


def _share_plural_noun(found: list[Toponym], text: str, cues: Cues) -> list[Toponym]:
    """"Idlib and Latakia provinces", "Qara, Jarajir and Flita villages": the plural noun after the last
    name gives its hint to every name of the list."""
    out = list(found)
    for i in range(len(out) - 1, 0, -1):
        b = out[i]
        m = re.match(r"\s+([a-z]+s)\b", text[b.end:b.end + 20])
        if not m or m.group(1) not in cues.nouns_after or not b.hint:
            continue
        j = i - 1
        while j >= 0 and out[j].sent == b.sent and out[j].hint is None \
                and text[out[j].end:out[j + 1].start].strip().lower() in (",", "and", ", and", "or", ", or"):
            out[j] = replace(out[j], hint=b.hint)
            j -= 1
    return out


def _share_between(found: list[Toponym], text: str) -> list[Toponym]:
    """"between X and Y": Y is in the relation too (X got it from the words before it)."""
    out = list(found)
    for i in range(1, len(out)):
        a, b = out[i - 1], out[i]
        if a.relation == "between" and b.relation is None and a.sent == b.sent \
                and text[a.end:b.start].strip().lower() in ("and", "and the"):
            out[i] = replace(b, relation="between")
    return out
