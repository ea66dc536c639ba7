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
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

import yaml

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
    hyphen_connectors: frozenset[str] = frozenset()
    name_nouns: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    """The cue lexicon of data/geo/cues.yaml."""
    raw = yaml.safe_load(data_path("cues.yaml").read_text("utf-8"))
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


def _connector_end(doc, k: int) -> int | None:
    """After a hyphen at k-1: the index of the capitalized word that a lower-case Persian/Arabic
    connector ("-e", "-ye", "-i", "-wa") at k leads to, or None."""
    n = len(doc)
    if k >= n or doc[k].lower_ not in load_cues().hyphen_connectors or not doc[k].is_lower:
        return None
    if doc[k].whitespace_ or k + 1 >= n:
        return k + 1 if k + 1 < n and _is_cap(doc[k + 1]) else None
    if doc[k + 1].text == "-" and not doc[k + 1].whitespace_ and k + 2 < n and _is_cap(doc[k + 2]):
        return k + 2
    return None


def _is_cap(tok) -> bool:
    t = tok.text
    return bool(t) and t[0].isupper() and any(ch.isalpha() for ch in t)


def _runs(doc) -> list[tuple[int, int]]:
    """Token runs that can hold a proper name: capitalized words, joined by hyphens and by
    lower-case Arabic articles ("al-Tharir al-Aswad", "Wadi al-Qariyah", "Baalbek-Hermel")."""
    runs = []
    n = len(doc)
    i = 0
    while i < n:
        tok = doc[i]
        starts_article = (tok.lower_ in ARTICLES and i + 2 < n and doc[i + 1].text == "-"
                          and _is_cap(doc[i + 2]) and not doc[i + 1].whitespace_ and not tok.whitespace_)
        if not (_is_cap(tok) or starts_article):
            i += 1
            continue
        j = i + 1
        while j < n:
            t = doc[j]
            prev = doc[j - 1]
            if t.text == "-" and not prev.whitespace_ and not t.whitespace_ and j + 1 < n:
                k = _connector_end(doc, j + 1)
                if k is not None:  # "Mazar-e Sharif", "Band-e-Barq", "Chashmah-ye Duzakh"
                    j = k
                    continue
                j += 1
                continue
            if _is_cap(t) and t.is_sent_start is not True:
                j += 1
                continue
            if t.text[:1] == "-" and t.text[1:2].isupper() and not prev.whitespace_:
                j += 1  # "Band-e" + "-Amir" as the tokenizer cuts "Band-e-Amir"
                continue
            if (t.lower_ in ARTICLES and j + 2 < n and doc[j + 1].text == "-" and _is_cap(doc[j + 2])):
                j += 1
                continue
            break
        runs.append((i, j))
        i = j
    return runs


def _country_adj(doc, i: int) -> str | None:
    from .gazetteer import demonyms

    if i >= 0:
        return demonyms().get(fold(doc[i].text))
    return None


def _context(doc, start_tok: int, end_tok: int, cues: Cues, sent_start: int = 0
             ) -> tuple[str | None, str | None, str | None, bool]:
    """(feature hint, relation, country hint, has a cue) from the words around tokens [start_tok, end_tok)."""
    hint = relation = country = None
    cue = False
    # "the (Syrian) town of X"
    k = start_tok - 1
    if k >= sent_start and doc[k].lower_ == "of":
        m = k - 1
        if m >= sent_start and doc[m].lower_ in cues.nouns_before_of:
            hint = cues.nouns_before_of[doc[m].lower_]
            cue = True
            country = _country_adj(doc, m - 1)
            if doc[m].lower_ in ("outskirts", "countryside", "vicinity"):
                relation = "outskirts" if doc[m].lower_ != "countryside" else "countryside"
    # preceding preposition (skip "the")
    k = start_tok - 1
    while k >= sent_start and doc[k].lower_ in ("the", "a"):
        k -= 1
    if k >= sent_start and doc[k].lower_ in cues.prepositions and doc[k].lower_ not in WEAK_PREPOSITIONS:
        cue = True
    # spatial relation phrase ending right before the name ("west of", "outskirts of", "near")
    words = [t.lower_ for t in doc[max(sent_start, start_tok - 5):start_tok] if t.lower_ not in ("the",)]
    for rel in cues.relations_before:
        if len(words) >= len(rel) and tuple(words[-len(rel):]) == rel:
            relation = relation or " ".join(rel)
            cue = True
            break
    # following place noun
    if end_tok < len(doc):
        nxt = doc[end_tok].lower_
        if nxt in cues.nouns_after:
            # the noun after the name says what the name itself is ("the area of Kabul city" -> a city)
            own = nxt not in cues.relations_after
            hint = cues.nouns_after[nxt] if (own or not hint) else hint
            cue = True
            if nxt in cues.relations_after:
                relation = relation or nxt
    return hint, relation, country, cue


def find_toponyms(doc: "Doc", gaz: "Gazetteer | None" = None) -> list[Toponym]:
    """Toponyms of `doc` in text order, non-overlapping (longest wins)."""
    if gaz is None:
        from .gazetteer import load_gazetteer

        gaz = load_gazetteer()
    from .gazetteer import demonyms

    cues = load_cues()
    dem = demonyms()
    sent_of = [0] * len(doc)
    sent_start_of = [0] * len(doc)
    for si, s in enumerate(doc.sents):
        for t in range(s.start, s.end):
            sent_of[t] = si
            sent_start_of[t] = s.start
    label_of = {}
    for ent in doc.ents:
        for t in range(ent.start, ent.end):
            label_of[t] = ent
    found: list[Toponym] = []
    taken = [False] * len(doc)

    def add(ts: int, te: int, source: str, extra_hint: str | None = None,
            relation: str | None = None, anchor: tuple[int, int] | None = None) -> None:
        if ts >= te or any(taken[ts:te]):
            return
        if te < len(doc) and doc[te].lower_ in cues.not_place_after:
            return  # "West Nile virus", "Ebola outbreak": a disease named after a place
        hint, rel, country, _ = _context(doc, ts, te, cues, sent_start_of[ts])
        span = doc[ts:te]
        found.append(Toponym(span.start_char, span.end_char, span.text, source, extra_hint or hint,
                             relation or rel, anchor, country, sent_of[ts]))
        for t in range(ts, te):
            taken[t] = True

    def is_stop(text: str) -> bool:
        f = fold(text)
        return (f in cues.stop_words or name_key(text) in cues.stop_words or f in dem
                or f in cues.outskirts_prefixes or not any(ch.isalpha() for ch in f))

    def gaz_ok(ts: int, te: int, in_person: bool) -> bool:
        """Is tokens[ts:te] a gazetteer place with enough evidence to override the model's label?"""
        text = doc[ts:te].text
        if is_stop(text) or len(name_key(text)) < 3:
            return False
        hint, rel, country, cue = _context(doc, ts, te, cues, sent_start_of[ts])
        if ts >= 2 and doc[ts - 1].lower_ in (",", "and", "or"):
            k = ts - 2  # "in al-Zalil, al-Karah and ...", "in X district, Balkh", "X (Y) district center, Z"
            while k > ts - 6 and k >= 0 and not taken[k] and (
                    doc[k].lower_ in cues.name_nouns or doc[k].lower_ in ("center", "centre", ")")):
                k = k - 1 if doc[k].text != ")" else next(
                    (m - 1 for m in range(k - 1, max(-1, k - 8), -1) if doc[m].text == "("), -1)
            if k >= 0 and taken[k]:
                cue = True
        if in_person:
            ent = label_of[ts]
            if not cue or (ts, te) != (ent.start, ent.end):
                return False  # a person's name part ("Shimon", "Hassan") is not a place
        if (ts == sent_start_of[ts] and text.isupper() and te < len(doc) and doc[te].text in _DATELINE_END
                and doc[ts].idx - doc[ts].sent.start_char < 3):
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
        return big and doc[ts].is_sent_start is not True

    # 0. a capitalized name written before a place noun: "Dawlat Abad district", "the Marwa area of",
    #    "Khan Abad (Aqtash) district", "Qala-i-Barqi of Puli Alam district", "Hazrat Qishlaq and Timurak
    #    areas" - whole, even where the model split it or called it a person
    runs = []
    for rs, re_ in _runs(doc):
        i = rs
        while i < re_ and doc[i].lower_ in ("the", "a", "an"):
            i += 1
        j = re_
        while j > i and doc[j - 1].text == "-":
            j -= 1
        for t in range(i, j - 1):  # "Tripoli's Abu Salim district": the name starts after the possessive
            if doc[t].text in ("'s", "’s") or doc[t].text.endswith(("'s", "’s", "\x92s")):
                i = t + 1
        if i < j:
            runs.append((i, j))
    run_at = {i: j for i, j in runs}

    def after_brackets(j: int) -> tuple[int, tuple[int, int] | None]:
        """Index after the run ending at j and an optional "(Other Name)" after it, with that name's span."""
        if j + 2 < len(doc) and doc[j].text == "(":
            close = next((m for m in range(j + 1, min(len(doc), j + 8)) if doc[m].text == ")"), None)
            if close is not None and close > j + 1 and _is_cap(doc[j + 1]):
                inner = doc[j + 1:close]
                return close + 1, (inner.start_char, inner.end_char)
        return j, None

    def noun_at(k: int) -> str | None:
        return doc[k].lower_ if k < len(doc) and doc[k].is_lower and doc[k].lower_ in cues.name_nouns else None

    def next_run(k: int) -> tuple[int, int] | None:
        while k < len(doc) and doc[k].lower_ in ("the", "a", "an"):
            k += 1
        return (k, run_at[k]) if k in run_at else None

    for i, j in runs:
        k, anchor = after_brackets(j)
        noun = noun_at(k)
        tied = False
        if noun is None and k < len(doc) and doc[k].lower_ in ("of", "and", ","):
            nr = next_run(k + 1)  # "X of Y district", "X and Y areas of"
            if nr is not None:
                k2, _ = after_brackets(nr[1])
                n2 = noun_at(k2)
                tied = n2 is not None and (doc[k].lower_ != "of" or n2 not in _LOOSE_NOUNS or n2 == "city")
                tied = tied and (doc[k].lower_ == "of" or n2.endswith("s"))
        if noun is None and not tied:
            continue
        text = doc[i:j].text
        if is_stop(text) or is_stop(doc[i].text) or len(name_key(text)) < 3:
            continue
        if any(is_stop(doc[t].text) or (label_of.get(t) is not None and label_of[t].label_ in (
                "NORP", "DATE", "CARDINAL", "TIME", "MONEY", "QUANTITY")) for t in range(i, j)
               if doc[t].text != "-" and not doc[t].is_lower):
            continue  # "Afghan National Army area", "the Taliban area"
        if noun in _LOOSE_NOUNS and not gaz.has_name(text) and not (
                k + 1 < len(doc) and doc[k + 1].lower_ in ("of", ",")):
            continue  # "the Bay area": only a known name, or one with a container after it
        ent = label_of.get(i)
        exact = ent is not None and (ent.start, ent.end) == (i, j) and ent.label_ in ("GPE", "LOC", "FAC")
        add(i, j, "ner" if exact else "pattern", anchor=anchor)

    # 1. spaCy GPE/LOC/FAC entities
    for ent in doc.ents:
        if ent.label_ not in ("GPE", "LOC", "FAC"):
            continue
        ts, te = ent.start, ent.end
        while ts < te and doc[ts].lower_ in ("the",):
            ts += 1
        if ts >= te:
            continue
        text = doc[ts:te].text
        if is_stop(text) and not gaz.lookup(text, loose=False):
            continue
        if fold(text) in cues.stop_words and not (text.replace(".", "").isupper() and gaz.has_name(text)):
            continue
        if ent.label_ == "FAC" and not gaz.has_name(text):
            continue
        first = doc[ts].lower_
        if first in cues.outskirts_prefixes and te - ts == 1:
            continue  # "the Jurud area": a generic word, no place
        if first in cues.outskirts_prefixes and te - ts > 1:
            add(ts, te, "ner", relation="outskirts", anchor=(doc[ts + 1].idx, doc[te - 1].idx + len(doc[te - 1])))
            continue
        add(ts, te, "ner")

    # 2. capitalized runs the model mislabelled or missed
    for rs, re_ in _runs(doc):
        i = rs
        while i < re_ and doc[i].lower_ in ("the", "a", "an"):
            i += 1
        while i < re_:
            if taken[i]:
                i += 1
                continue
            ent = label_of.get(i)
            in_person = ent is not None and ent.label_ == "PERSON"
            matched = False
            first = doc[i].lower_
            # "Jurud X": the barren outskirts of X
            if first in cues.outskirts_prefixes and i + 1 < re_:
                for j in range(min(re_, i + 1 + MAX_NAME_TOKENS), i + 1, -1):
                    if gaz.has_name(doc[i + 1:j].text) and not is_stop(doc[i + 1:j].text):
                        inner = doc[i + 1:j]
                        add(i, j, "pattern", relation="outskirts", anchor=(inner.start_char, inner.end_char))
                        i = j
                        matched = True
                        break
                if matched:
                    continue
            for j in range(min(re_, i + MAX_NAME_TOKENS), i, -1):
                if any(taken[i:j]) or doc[j - 1].text == "-":
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
            text = doc[i:j].text
            if not is_stop(text) and not any(taken[i:j]) and not (ent is not None and ent.label_ in ("ORG", "NORP")):
                hint, rel, country, cue = _context(doc, i, j, cues, sent_start_of[i])
                nxt = doc[j].lower_ if j < len(doc) else ""
                before_of = (i >= 2 and doc[i - 1].lower_ == "of" and doc[i - 2].lower_ in cues.nouns_before_of)
                if (nxt in cues.nouns_after and nxt not in ("area", "border", "city", "state", "county")) \
                        or before_of:
                    add(i, j, "pattern")
                    i = j
                    continue
            i += 1
    found.sort(key=lambda t: t.start)
    return _share_plural_noun(_share_between(found, doc.text), doc.text, cues)


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
