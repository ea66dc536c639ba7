"""Typed entity mentions in re3d style (``eventwire entities``).

spaCy's named entities are mapped to our ten labels and then corrected with the lexicons and
cue lists in ``eventwire/data/entities/*.yaml``:

* weapons, military platforms and vehicles come from term lexicons (phrases, proper names and
  designation patterns such as ``Su-24`` or ``AK-47``), extended left over their modifiers
  ("a heavy machine gun", "ISIL tanks");
* nationality, ethnic, religious and language words become Nationality;
* descriptive mentions ("the Iraqi security forces", "a senior commander", "the city") become
  Organisation / Person / Location, as re3d annotates them;
* known armed groups and capitalised runs ending in an organisation cue ("... Democratic Forces",
  "Ministry of ...") become Organisation; titles are kept in Person spans ("Prime Minister X").

Output entities are dicts ``{"text", "start", "end", "label"}`` with character offsets into the
document text, sorted by start and never overlapping.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable


from eventwire.datafiles import load_yaml
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token

LABELS = (
    "Person", "Organisation", "Location", "Nationality", "Weapon", "MilitaryPlatform",
    "Vehicle", "Temporal", "Quantity", "Money",
)
SCORED_LABELS = LABELS[:8]

# spaCy (OntoNotes) label -> our label; labels not listed are dropped unless a lexicon claims them.
SPACY_LABEL_MAP = {
    "PERSON": "Person",
    "ORG": "Organisation",
    "GPE": "Location",
    "LOC": "Location",
    "FAC": "Location",
    "NORP": "Nationality",
    "LANGUAGE": "Nationality",
    "DATE": "Temporal",
    "TIME": "Temporal",
    "CARDINAL": "Quantity",
    "QUANTITY": "Quantity",
    "PERCENT": "Quantity",
    "MONEY": "Money",
}

# Candidate priorities: on overlap the longer span wins, then the higher priority.
_P_SPACY, _P_CUE, _P_DESCRIPTIVE, _P_NAME, _P_TERM = 1, 2, 3, 4, 5
_COMPASS = {
    "northern", "southern", "eastern", "western", "central", "north", "south", "east", "west",
    "northeastern", "northwestern", "southeastern", "southwestern", "north-eastern",
    "north-western", "south-eastern", "south-western", "northeast", "northwest", "southeast",
    "southwest", "upper", "lower", "greater",
}
_ARTICLES = {"a", "an", "the"}
# prepositions that spaCy sometimes tags PROPN at the start of a name ("Near Palmyra")
_SPATIAL_PREPOSITIONS = {"near", "outside", "around", "across", "inside", "throughout"}
_NOUNISH = {"NOUN", "PROPN", "NUM", "X"}
_CONNECTORS = {"of", "for", "and", "&", "-", "–", "on", "in", "the", "de", "al", "al-"}


# --------------------------------------------------------------------------- lexicon loading
@dataclass(frozen=True)
class TermLexicon:
    """One term lexicon (Weapon, MilitaryPlatform or Vehicle)."""

    label: str
    phrases: tuple[str, ...]
    names: tuple[str, ...]
    patterns: tuple[str, ...]
    modifiers: frozenset[str]
    followers: frozenset[str] = frozenset()
    ship_prefixes: frozenset[str] = frozenset()
    hull_codes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class EntityLexicon:
    """All knowledge the entity stage uses, read from YAML files."""

    terms: tuple[TermLexicon, ...]
    nationality_words: frozenset[str]
    peoples: frozenset[str]
    nationality_affix_patterns: tuple[str, ...]
    person_roles: frozenset[str]
    group_heads: frozenset[str]
    place_heads: frozenset[str]
    vague_heads: frozenset[str]
    person_titles: frozenset[str]
    organisation_cues: frozenset[str]
    organisation_names: tuple[str, ...]
    person_pronouns: frozenset[str]
    group_pronouns: frozenset[str]
    number_hedges: tuple[tuple[str, ...], ...] = ()
    locative_prepositions: frozenset[str] = frozenset()
    actor_prepositions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class EntityOptions:
    """Switches for the correction rules (all on except pronouns)."""

    descriptive: bool = True      # descriptive noun phrases -> Person/Organisation/Location
    pronouns: bool = False        # re3d also tags pronouns ("he", "we"); off by default
    actor_countries: bool = True  # a country that acts (grammatical subject) -> Organisation
    determiners: bool = True      # keep a leading "the" in names ("the United States")


def _data_dir() -> Path:
    return Path(str(resources.files("eventwire") / "data" / "entities"))


def _read_yaml(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return load_yaml(fh) or {}


def _lower_set(items: Iterable[str] | None) -> frozenset[str]:
    return frozenset(str(x).lower() for x in (items or []))


@lru_cache(maxsize=8)
def load_entity_lexicon(directory: str | None = None) -> EntityLexicon:
    """Read the entity lexicons from ``directory`` (default: the packaged data)."""
    base = Path(directory) if directory else _data_dir()
    terms = []
    for name in ("weapons.yaml", "platforms.yaml", "vehicles.yaml"):
        data = _read_yaml(base / name)
        terms.append(TermLexicon(
            label=data["label"],
            phrases=tuple(str(p).lower() for p in data.get("phrases") or []),
            names=tuple(str(p) for p in data.get("names") or []),
            patterns=tuple(data.get("patterns") or []),
            modifiers=_lower_set(data.get("modifiers")),
            followers=_lower_set(data.get("followers")),
            ship_prefixes=frozenset(str(x) for x in data.get("ship_prefixes") or []),
            hull_codes=frozenset(str(x) for x in data.get("hull_codes") or []),
        ))
    nat = _read_yaml(base / "nationalities.yaml")
    words = set()
    for key in ("demonyms", "ethnic_religious", "languages", "peoples"):
        words.update(str(w) for w in nat.get(key) or [])
    men = _read_yaml(base / "mentions.yaml")
    return EntityLexicon(
        terms=tuple(terms),
        nationality_words=frozenset(words),
        peoples=frozenset(str(w) for w in nat.get("peoples") or []),
        nationality_affix_patterns=tuple(nat.get("affix_patterns") or []),
        person_roles=_lower_set(men.get("person_roles")),
        group_heads=_lower_set(men.get("group_heads")),
        place_heads=_lower_set(men.get("place_heads")),
        vague_heads=_lower_set(men.get("vague_heads")),
        person_titles=_lower_set(men.get("person_titles")),
        organisation_cues=frozenset(str(w) for w in men.get("organisation_cues") or []),
        organisation_names=tuple(str(w) for w in men.get("organisation_names") or []),
        person_pronouns=frozenset(str(w) for w in men.get("person_pronouns") or []),
        group_pronouns=frozenset(str(w) for w in men.get("group_pronouns") or []),
        number_hedges=tuple(sorted((tuple(str(h).lower().split()) for h in men.get("number_hedges") or []),
                                   key=len, reverse=True)),
        locative_prepositions=_lower_set(men.get("locative_prepositions")),
        actor_prepositions=_lower_set(men.get("actor_prepositions")),
    )


def _plural(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith("man"):
        return word[:-3] + "men"
    return word + "s"


# --------------------------------------------------------------------------- recognizer
@dataclass(frozen=True)
class _Cand:
    start: int  # token indices
    end: int
    label: str
    priority: int


class EntityRecognizer:
    """Matchers built once for one spaCy pipeline; call it on a parsed Doc.

    >>> rec = EntityRecognizer(nlp)            # doctest: +SKIP
    >>> rec(nlp("Two Su-24 jets struck Idlib."))  # doctest: +SKIP
    """

    def __init__(self, nlp, lexicon: EntityLexicon | None = None,
                 options: EntityOptions | None = None) -> None:
        self.lexicon = lexicon or load_entity_lexicon()
        self.options = options or EntityOptions()
        vocab = nlp.vocab
        tokenize = nlp.tokenizer
        self._terms = PhraseMatcher(vocab, attr="LOWER")
        self._names = PhraseMatcher(vocab, attr="ORTH")
        self._patterns = Matcher(vocab)
        self._modifiers: dict[str, frozenset[str]] = {}
        for lex in self.lexicon.terms:
            self._modifiers[lex.label] = lex.modifiers
            phrases = set(lex.phrases)
            for p in lex.phrases:
                head, _, last = p.rpartition(" ")
                phrases.add((head + " " if head else "") + _plural(last))
            self._terms.add(lex.label, [tokenize(p) for p in sorted(phrases)])
            names = set(lex.names) | {_plural(n) for n in lex.names}
            self._names.add(lex.label, [tokenize(n) for n in sorted(names)])
            if lex.patterns:
                self._patterns.add(lex.label, [[{"TEXT": {"REGEX": rx}}] for rx in lex.patterns])
        self._orgs = PhraseMatcher(vocab, attr="ORTH")
        self._orgs.add("Organisation", [tokenize(n) for n in self.lexicon.organisation_names])
        words = sorted(self.lexicon.nationality_words, key=len, reverse=True)
        alternation = "|".join(re.escape(w) for w in words)
        self._nationality_rx = [
            re.compile(p.replace("{word}", f"(?:{alternation})")) for p in
            self.lexicon.nationality_affix_patterns
        ] or [re.compile(f"^(?:{alternation})$")]
        self._org_names_set = frozenset(self.lexicon.organisation_names)
        # match ids are string hashes, identical in every vocab: map them back without a vocab
        self._label_of = {vocab.strings.add(label): label for label in LABELS}
        self._peoples = self.lexicon.peoples
        self._followers = {lex.label: lex.followers for lex in self.lexicon.terms}
        self._ship_prefixes = frozenset().union(*(lex.ship_prefixes for lex in self.lexicon.terms))
        self._hull_codes = frozenset().union(*(lex.hull_codes for lex in self.lexicon.terms))

    # ---------------------------------------------------------------- public
    def __call__(self, doc: Doc) -> list[dict[str, Any]]:
        cands: list[_Cand] = []
        cands += self._spacy_candidates(doc)
        cands += self._term_candidates(doc)
        cands += self._nationality_candidates(doc)
        cands += self._organisation_candidates(doc)
        if self.options.descriptive:
            cands += self._descriptive_candidates(doc)
        if self.options.pronouns:
            cands += self._pronoun_candidates(doc)
        return _resolve(doc, cands)

    # ---------------------------------------------------------------- spaCy NER, corrected
    def _spacy_candidates(self, doc: Doc) -> list[_Cand]:
        out = []
        lex = self.lexicon
        for ent in doc.ents:
            label = SPACY_LABEL_MAP.get(ent.label_)
            if label is None:
                continue
            start, end = ent.start, ent.end
            # "Near Palmyra" tagged as a person: a leading preposition marks a place
            first = doc[start]
            if end - start > 1 and label in ("Person", "Organisation", "Nationality", "Location") \
                    and (first.pos_ == "ADP" or first.lower_ in _SPATIAL_PREPOSITIONS):
                if first.lower_ in lex.locative_prepositions:
                    label = "Location"
                start += 1
            text = doc[start:end].text
            bare = text.removeprefix("the ").removeprefix("The ")
            if bare in self._org_names_set or bare in self._peoples:
                label = "Organisation"  # armed groups; "Syrians": a body of people
            elif label in ("Nationality", "Organisation", "Person") and self._is_nationality(text):
                label = "Nationality"
            elif label in ("Person", "Nationality") and self._placed(doc, start, end):
                label = "Location"  # "in Raqqah", "eastern Aleppo" mislabelled as a person/people
            elif label == "Nationality" and doc[end - 1].tag_ in ("NNPS", "NNS"):
                label = "Organisation"  # "Marines", "Democrats": a body of people
            if label == "Location":
                while start > 0 and doc[start - 1].lower_ in _COMPASS and doc[start - 1].pos_ in ("ADJ", "PROPN", "NOUN"):
                    start -= 1
                if self.options.actor_countries and ent.label_ == "GPE" and self._acts(doc[start:end]):
                    label = "Organisation"
            if label == "Person":
                start = self._title_start(doc, start)
            if label in ("Quantity", "Temporal"):
                start = self._strip_hedges(doc, start, end)
                if end - start == 1 and _not_a_number_or_time(doc[start]):
                    continue
            if label in ("Organisation", "Location") and self.options.determiners:
                start = _with_article(doc, start, end)
            if start < end:
                out.append(_Cand(start, end, label, _P_SPACY))
        return out

    def _placed(self, doc: Doc, start: int, end: int) -> bool:
        """True when a name is governed by a locative preposition or a compass word."""
        if start > 0 and doc[start - 1].lower_ in _COMPASS:
            return True
        root = doc[start:end].root
        while root.dep_ == "conj" and root.head != root:
            root = root.head
        return root.dep_ == "pobj" and root.head.lower_ in self.lexicon.locative_prepositions

    def _acts(self, span: Span) -> bool:
        """A country used as an actor: subject, possessor, or object of with/by/against."""
        root = span.root
        while root.dep_ == "conj" and root.head != root:  # "France and the UK condemned ..."
            root = root.head
        dep = root.dep_
        if dep in ("nsubj", "nsubjpass"):
            return root.head.pos_ in ("VERB", "AUX")
        if dep == "poss":
            return True
        if dep == "compound":  # "U.S. support", but not "Mosul province"
            head = root.head
            return head.pos_ == "NOUN" and head.lemma_.lower() not in self.lexicon.place_heads
        if dep == "pobj":
            return root.head.lower_ in self.lexicon.actor_prepositions
        return False

    def _strip_hedges(self, doc: Doc, start: int, end: int) -> int:
        """Drop "about", "more than" ... in front of a number."""
        for hedge in self.lexicon.number_hedges:
            n = len(hedge)
            if end - start > n and tuple(t.lower_ for t in doc[start:start + n]) == hedge:
                return start + n
        return start

    def _title_start(self, doc: Doc, start: int) -> int:
        """Extend a person name left over its titles ("U.S. Secretary of State John Kerry")."""
        titles = self.lexicon.person_titles
        i = start
        while i > 0:
            tok = doc[i - 1]
            low = tok.lower_
            if tok.text == "." and i > 1 and doc[i - 2].lower_ + "." in titles:
                i -= 2  # "Lt ." split by the tokenizer
                continue
            if low in titles and (tok.is_title or tok.is_upper or low == "of" or tok.text.endswith(".")):
                if low == "of" and (i - 2 < 0 or doc[i - 2].lower_ not in titles):
                    break
                i -= 1
                continue
            if i < start and (tok.ent_type_ in ("GPE", "NORP", "ORG") or self._is_nationality(tok.text)) \
                    and doc[i].lower_ in titles and doc[i].lower_ != "of":
                i -= 1  # "Russian Foreign Minister ...", "U.S. Secretary ..."
                continue
            break
        while i < start and doc[i].lower_ == "of":
            i += 1
        return i

    # ---------------------------------------------------------------- term lexicons
    def _term_candidates(self, doc: Doc) -> list[_Cand]:
        spans: list[tuple[int, int, str, bool]] = []
        for matcher, designation in ((self._terms, False), (self._names, True), (self._patterns, True)):
            for match_id, s, e in matcher(doc):
                spans.append((s, e, self._label_of[match_id], designation))
        out = []
        ends: dict[int, _Cand] = {}
        for s, e, label, designation in spans:
            last = doc[e - 1]
            if label == "MilitaryPlatform":  # kept for "the frigate FS Forbin" whatever its tag
                ends[e] = _Cand(self._extend_modifiers(doc, s, e, label), e, label, _P_TERM)
            if not designation and last.pos_ not in _NOUNISH:
                continue  # "shell" as a verb, "mine" as a pronoun, "technical" as an adjective
            if last.dep_ in ("compound", "amod", "nmod") and not (s <= last.head.i < e):
                head = last.head.lemma_.lower()
                if head in self.lexicon.group_heads or head in self.lexicon.person_roles \
                        or head in self.lexicon.place_heads:
                    continue  # "mortar team", "weapons inspector", "drone base"
            if designation:
                e = self._extend_followers(doc, e, label)
            s = self._extend_modifiers(doc, s, e, label)
            out.append(_Cand(s, e, label, _P_TERM))
        ships = self._ship_candidates(doc)
        for ship in ships:  # "the frigate FS Forbin"
            if ship.start in ends:
                out.append(_Cand(ends[ship.start].start, ship.end, ship.label, _P_TERM))
        return out + ships

    def _extend_followers(self, doc: Doc, e: int, label: str) -> int:
        """"Su-24 jets", "F-16 Fighting Falcons": extend a designation to the right."""
        followers = self._followers.get(label, frozenset())
        k = 0
        while e < len(doc) and k < 3:
            tok = doc[e]
            if tok.lower_ in followers or (tok.pos_ == "PROPN" and tok.is_title and not tok.ent_type_ in ("GPE", "PERSON", "DATE")):
                e += 1
                k += 1
            else:
                break
        return e

    def _ship_candidates(self, doc: Doc) -> list[_Cand]:
        out = []
        n = len(doc)
        for tok in doc:
            if tok.text in self._ship_prefixes and tok.i + 1 < n and doc[tok.i + 1].is_title:
                e = tok.i + 1
                while e < n and (doc[e].is_title or (doc[e].lower_ in ("de", "of", "la", "le", "du") and e + 1 < n and doc[e + 1].is_title)):
                    e += 1
                out.append(_Cand(tok.i, e, "MilitaryPlatform", _P_TERM))
            elif (tok.text in self._hull_codes and tok.i > 0 and doc[tok.i - 1].text == "("
                  and tok.i + 1 < n and doc[tok.i + 1].like_num):
                out.append(_Cand(tok.i, tok.i + 2, "MilitaryPlatform", _P_TERM))
        return out

    def _extend_modifiers(self, doc: Doc, s: int, e: int, label: str) -> int:
        mods = self._modifiers.get(label, frozenset())
        head = doc[e - 1]
        while s > 0:
            tok = doc[s - 1]
            low = tok.lower_
            inside = s <= tok.head.i < e or tok.head == head
            if tok.whitespace_ == "" and (tok.text in ("-", "–") or doc[s].text in ("-", "–")):
                s -= 1  # glued by a hyphen: "Ground-based", "U.S.-made"
            elif low in mods or (inside and tok.pos_ != "NUM" and (
                    tok.dep_ == "compound" or (tok.dep_ == "amod" and tok.text[:1].isupper()))):
                s -= 1
            elif inside and tok.dep_ == "case" and s > 1:  # possessive 's
                s -= 1
            elif inside and tok.dep_ == "poss" and tok.pos_ in ("PROPN", "NOUN"):
                s -= 1
            else:
                break
        if s > 0 and doc[s - 1].lower_ in _ARTICLES and doc[s - 1].dep_ == "det":
            s -= 1
        return s

    # ---------------------------------------------------------------- nationalities
    def _is_nationality(self, text: str) -> bool:
        return any(rx.match(text) for rx in self._nationality_rx)

    def _nationality_candidates(self, doc: Doc) -> list[_Cand]:
        out = []
        for tok in doc:
            if not (tok.text[:1].isupper() or tok.text[:4] in ("non-", "anti", "pro-")):
                continue
            if not self._is_nationality(tok.text):
                continue
            if tok.text in self._peoples:  # "Syrians", "the Iraqis": a body of people
                s = tok.i - 1 if tok.i > 0 and doc[tok.i - 1].lower_ == "the" else tok.i
                out.append(_Cand(s, tok.i + 1, "Organisation", _P_SPACY))
            else:
                out.append(_Cand(tok.i, tok.i + 1, "Nationality", _P_SPACY))
        return out

    # ---------------------------------------------------------------- organisations
    def _organisation_candidates(self, doc: Doc) -> list[_Cand]:
        out = []
        for _, s, e in self._orgs(doc):
            if doc[s:e].text.isupper() and len(doc[s:e].text) <= 3 and _shouting(doc, s):
                continue
            if self.options.determiners:
                s = _with_article(doc, s, e)
            out.append(_Cand(s, e, "Organisation", _P_NAME))
        cues = self.lexicon.organisation_cues
        for tok in doc:
            if tok.text not in cues or tok.i == 0:
                continue
            s = tok.i
            while s > 0:
                prev = doc[s - 1]
                if _capitalised(prev) or (prev.like_num and prev.text[:1].isdigit()):
                    s -= 1
                elif prev.lower_ in _CONNECTORS and s > 1 and _capitalised(doc[s - 2]) and prev.lower_ != "the":
                    s -= 1
                else:
                    break
            e = tok.i + 1
            if e < len(doc) and doc[e].lower_ in ("of", "for") and e + 1 < len(doc):
                j = e + 1
                if doc[j].lower_ == "the":
                    j += 1
                k = j
                while k < len(doc) and _capitalised(doc[k]):
                    k += 1
                if k > j:
                    e = k
            while s < tok.i and doc[s].is_sent_start and doc[s].pos_ not in ("PROPN",):
                s += 1  # a capitalised sentence-initial common word is not part of the name
            if e - s < 2:
                continue
            if self.options.determiners:
                s = _with_article(doc, s, e)
            out.append(_Cand(s, e, "Organisation", _P_CUE))
        return out

    # ---------------------------------------------------------------- descriptive mentions
    def _descriptive_candidates(self, doc: Doc) -> list[_Cand]:
        lex = self.lexicon
        out = []
        for chunk in doc.noun_chunks:
            root = chunk.root
            if root.pos_ == "PRON" or root.ent_type_ in ("PERSON", "GPE", "DATE", "TIME", "MONEY"):
                continue
            lemma = root.lemma_.lower()
            if lemma in lex.vague_heads or root.lower_ in lex.vague_heads:
                continue
            prev = doc[root.i - 1].lower_ if root.i > chunk.start else ""
            keys = {lemma, root.lower_, f"{prev} {lemma}", f"{prev} {root.lower_}"}
            label = None
            plural = root.tag_ in ("NNS", "NNPS") or root.lower_ != lemma
            if keys & lex.group_heads:
                label = "Organisation"
            elif keys & lex.person_roles:
                label = "Organisation" if plural else "Person"
            elif keys & lex.place_heads:
                label = "Location"
            if label is None:
                continue
            s, e = chunk.start, chunk.end
            while s < e and (doc[s].pos_ in ("PUNCT", "CCONJ", "ADV") or doc[s].like_num
                             or doc[s].lower_ in ("more", "than", "at", "least", "about", "some")):
                s += 1  # numbers stay Quantity: "three ISIL tactical units"
            # "the city of Mosul", "the Government of Iraq", "the people of Syria"
            if label in ("Location", "Organisation") and e + 1 < len(doc) and doc[e].lower_ == "of":
                nxt = doc[e + 1]
                if nxt.ent_type_ in ("GPE", "LOC", "ORG", "FAC") and nxt.ent_iob_ == "B":
                    ent_end = e + 2
                    while ent_end < len(doc) and doc[ent_end].ent_iob_ == "I":
                        ent_end += 1
                    e = ent_end
            if s < e:
                out.append(_Cand(s, e, label, _P_DESCRIPTIVE))
        return out

    def _pronoun_candidates(self, doc: Doc) -> list[_Cand]:
        out = []
        for tok in doc:
            if tok.text in self.lexicon.person_pronouns:
                out.append(_Cand(tok.i, tok.i + 1, "Person", _P_SPACY))
            elif tok.text in self.lexicon.group_pronouns:
                out.append(_Cand(tok.i, tok.i + 1, "Organisation", _P_SPACY))
        return out


def _not_a_number_or_time(tok: Token) -> bool:
    """"one of them" (a pronoun use) and "daily" (a frequency) are not Quantity/Temporal."""
    if tok.lower_ == "one" and tok.dep_ != "nummod":
        return True
    return tok.pos_ in ("ADV", "ADJ") and tok.lower_.endswith("ly")


def _with_article(doc: Doc, start: int, end: int) -> int:
    """Include a preceding "the" that belongs to this name ("the United States")."""
    if start > 0 and doc[start - 1].lower_ == "the" and doc[start].lower_ != "the":
        det = doc[start - 1]
        if det.head.i < start - 1 or det.head.i >= end:
            return start  # "the" of another noun: "the Mosul offensive"
        return start - 1
    return start


def _capitalised(tok: Token) -> bool:
    return (tok.is_title or tok.is_upper or tok.text[:1].isupper()) and tok.is_alpha or \
        (tok.text[:1].isupper() and "." in tok.text)


def _shouting(doc: Doc, i: int) -> bool:
    """True when the sentence around token i is written in capitals (a headline)."""
    sent = doc[i].sent
    letters = [t for t in sent if t.is_alpha]
    return len(letters) > 3 and sum(t.is_upper for t in letters) > 0.8 * len(letters)


def _resolve(doc: Doc, cands: list[_Cand]) -> list[dict[str, Any]]:
    """Keep non-overlapping candidates: longer first, then higher priority, then earlier."""
    taken = [False] * len(doc)
    kept: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), -c.priority, c.start)):
        if c.end - c.start > 1 and doc[c.end - 1].lower_ in ("'s", "’s"):
            c = _Cand(c.start, c.end - 1, c.label, c.priority)  # "Central Command's"
        if c.start >= c.end or any(taken[c.start:c.end]):
            continue
        for i in range(c.start, c.end):
            taken[i] = True
        kept.append(c)
    out = []
    full = doc.text  # built on each access: read once
    for c in sorted(kept, key=lambda c: c.start):
        start = doc[c.start].idx
        end = doc[c.end - 1].idx + len(doc[c.end - 1])
        text = full[start:end]
        stripped = text.rstrip(" \n\t,;:")
        end -= len(text) - len(stripped)
        lead = len(stripped) - len(stripped.lstrip(" \n\t,;:\"'“”‘’"))
        start += lead
        if end <= start:
            continue
        out.append({"text": full[start:end], "start": start, "end": end, "label": c.label})
    return out


# --------------------------------------------------------------------------- functional API
@lru_cache(maxsize=4)
def default_recognizer(nlp) -> EntityRecognizer:
    """One recognizer per loaded pipeline, with the packaged lexicons and default options."""
    return EntityRecognizer(nlp)


def extract_entities(doc: Doc, recognizer: EntityRecognizer | None = None) -> list[dict[str, Any]]:
    """Entities of a parsed Doc as ``[{"text","start","end","label"}]`` (character offsets)."""
    if recognizer is None:
        recognizer = default_recognizer(_tokenizer_owner(doc))
    return recognizer(doc)


def entities_for_text(text: str, nlp, recognizer: EntityRecognizer | None = None) -> list[dict[str, Any]]:
    """Parse ``text`` with ``nlp`` and return its entities."""
    return extract_entities(nlp(text), recognizer or default_recognizer(nlp))


def baseline_entities(doc: Doc) -> list[dict[str, Any]]:
    """The bare spaCy mapping (no corrections), for measurement side by side."""
    out = []
    for ent in doc.ents:
        label = SPACY_LABEL_MAP.get(ent.label_)
        if label:
            out.append({"text": ent.text, "start": ent.start_char, "end": ent.end_char, "label": label})
    return out


@lru_cache(maxsize=1)
def _blank_english():
    import spacy

    return spacy.blank("en")


def _tokenizer_owner(doc: Doc):
    """A pipeline to build a recognizer from when only a Doc is given (English tokenizer)."""
    return _blank_english()
