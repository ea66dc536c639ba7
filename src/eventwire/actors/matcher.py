"""Finding actor mentions in a spaCy Doc (or Span).

Three phrase matchers, compiled once per lexicon and vocab, find (1) lexicon aliases, (2) cues —
demonyms, country names, ethnic groups, "the country's" — and (3) role nouns ("troops", "villagers").
Role phrases are assembled as ``[cue] [modifier]* noun``; overlaps are resolved longest-first, then
lexicon before rules. ``ActorMention.kind`` says how a mention was found:

- ``lexicon`` / ``user``: a named actor from the shipped / the user's lexicon;
- ``nationality_rule``: "<Nationality> troops" -> "Military Forces of <Country>";
- ``context_rule``: "the country's army", "the army", "government forces" (country from context);
- ``ethnic_rule``: "Fulani herdsmen" -> "Fulani Ethnic Militia (Nigeria)";
- ``generic``: civilians, gunmen, protesters, militants with no named group in reach;
- ``coref``: "militants"/"Takfiri terrorists" linked to a named group in the same or previous sentence;
- ``source``: the actor is named as part of a source ("Hezbollah's Military Media Center") — the
  speaker, not a fighter.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from spacy.attrs import LEMMA, LOWER
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from eventwire.actors.lexicon import ActorLexicon, alias_key, alias_variants, is_acronym
from eventwire.model import ActorMention

POSSESSIVE = {"'s", "’s", "'", "’"}
# Roles whose unmatched-country fallback is the country named in the sentence before the hint.
STATE_ROLES = {"military", "police"}
NON_STATE = {2, 3, 4}
SOURCE_LINKERS = {"-", "run", "owned", "affiliated", "controlled", "operated", "linked", "aligned", "backed"}
GROUP_NOUN_ROLES = ("militants", "militiamen")
MAX_MODIFIERS = 3
MAX_KNOWN_VERB_FORMS = 200_000
_ROLE_ORDER = ("military", "police", "unidentified", "communal", "militants", "protesters", "rioters", "civilians")


@dataclass
class _Compiled:
    alias_lower: PhraseMatcher
    alias_orth: PhraseMatcher
    cues: PhraseMatcher        # ORTH: demonyms, country names, ethnic groups
    nouns: PhraseMatcher       # LOWER: role nouns, context cues, source nouns, ethnic militia nouns
    group_nouns: frozenset[str]
    lower_index: dict[str, list]   # lower-cased alias -> targets (case-insensitive aliases)
    # (LOWER, LEMMA) string ids -> is one of the forms a role verb or a light verb (see _role_verb_tokens)
    verb_forms: dict[tuple[int, int], bool] = field(default_factory=dict)


@dataclass
class _Cand:
    start: int                 # token indices (doc-level)
    end: int
    name: str
    inter: int
    country: str | None
    kind: str
    priority: int              # 3 lexicon, 2 rule, 1 generic
    role: str | None = None
    actor: str | None = None   # lexicon actor name (for coref / merging)


def _english_tokenizer(vocab: Any):
    """spaCy's default English tokenizer on `vocab` (what `spacy.blank("en", vocab=vocab).tokenizer` is),
    made by spaCy's own tokenizer factory without building a whole blank pipeline around it."""
    from types import SimpleNamespace

    from spacy.lang.en import English
    from spacy.util import registry

    make_tokenizer = registry.tokenizers.get("spacy.Tokenizer.v1")()
    return make_tokenizer(SimpleNamespace(vocab=vocab, Defaults=English.Defaults))


def prepare_matchers(lexicon: ActorLexicon, vocab: Any) -> None:
    """Build the lexicon's phrase matchers for `vocab` now (a loader does this once, so that the first
    article does not pay for it)."""
    _compile(lexicon, vocab)


def _compile(lexicon: ActorLexicon, vocab: Any) -> _Compiled:
    """Build the phrase matchers for this lexicon and vocab (cached on the lexicon)."""
    cached = lexicon._matchers.get(id(vocab))
    if cached is not None:
        return cached
    tokenizer = _english_tokenizer(vocab)
    alias_lower = PhraseMatcher(vocab, attr="LOWER")
    alias_orth = PhraseMatcher(vocab, attr="ORTH")
    lower_index: dict[str, list] = {}
    for key, targets in lexicon.aliases.items():
        if is_acronym(key):
            alias_orth.add("A:" + key, [tokenizer(key)])
            continue
        low = key.lower()
        merged = lower_index.setdefault(low, [])
        if not merged:
            alias_lower.add("L:" + low, [tokenizer(key)])
        merged.extend(t for t in targets if t not in merged)
    cues = PhraseMatcher(vocab, attr="ORTH")
    for form, iso2 in lexicon.country_cues.items():
        cues.add("C:" + iso2, [tokenizer(form)])
        if not is_acronym(form) and form.upper() != form:
            cues.add("C:" + iso2, [tokenizer(form.upper())])  # headlines in capitals
    for form in lexicon.ethnic:
        cues.add("E:" + form, [tokenizer(form)])
    nouns = PhraseMatcher(vocab, attr="LOWER")
    for role, spec in lexicon.roles.items():
        for noun in spec.nouns:
            for v in alias_variants(noun.lower()):
                nouns.add(f"R:{role}:1", [tokenizer(v)])
        for noun in spec.cued_nouns:
            for v in alias_variants(noun.lower()):
                nouns.add(f"R:{role}:0", [tokenizer(v)])
    for noun in lexicon.ethnic_nouns:
        nouns.add("M:ethnic", [tokenizer(noun.lower())])
    for cue in lexicon.context_cues:
        for v in alias_variants(cue.lower()):
            nouns.add("X:context", [tokenizer(v)])
    for noun in lexicon.source_nouns:
        nouns.add("S:source", [tokenizer(noun.lower())])
    group_nouns = set()
    for role in GROUP_NOUN_ROLES:
        for noun in (*lexicon.roles[role].nouns, *lexicon.roles[role].cued_nouns):
            group_nouns.add(noun.lower().split()[0])
    group_nouns |= {"group", "members", "member", "cell", "cells", "affiliate", "affiliates", "claimed",
                    "supporters", "loyalists", "commander", "commanders", "leader", "leaders", "attack",
                    "attacks", "'s", "’s", "-", "positions", "fighters", "stronghold", "strongholds"}
    compiled = _Compiled(alias_lower, alias_orth, cues, nouns, frozenset(group_nouns), lower_index)
    lexicon._matchers[id(vocab)] = compiled
    return compiled


def _sentence_ids(doc: Doc) -> list[int]:
    """Sentence index per token (one sentence when the doc has no sentence boundaries)."""
    ids = [0] * len(doc)
    if not (doc.has_annotation("SENT_START") or doc.has_annotation("DEP")):
        return ids
    for i, sent in enumerate(doc.sents):
        ids[sent.start:sent.end] = [i] * (sent.end - sent.start)
    return ids


class _Context:
    """Where countries are named in the doc, for 'the country's army', 'the army', 'civilians'."""

    def __init__(self, cue_hits: list[tuple[int, int, str]], sent_ids: list[int], hint: str | None):
        cues = sorted((s, iso2) for s, _e, iso2 in cue_hits)
        self.starts = [s for s, _ in cues]
        self.isos = [iso2 for _, iso2 in cues]
        self.sent_ids = sent_ids
        self.hint = hint

    def _in_sentence(self, pos: int, before_only: bool) -> str | None:
        sid = self.sent_ids[pos] if pos < len(self.sent_ids) else None
        k = bisect_left(self.starts, pos)
        if k > 0 and self.sent_ids[self.starts[k - 1]] == sid:
            return self.isos[k - 1]
        if not before_only and k < len(self.starts) and self.sent_ids[self.starts[k]] == sid:
            return self.isos[k]
        return None

    def _in_story(self, pos: int) -> str | None:
        k = bisect_left(self.starts, pos)
        return self.isos[k - 1] if k > 0 else None

    def state_country(self, pos: int) -> str | None:
        """For 'the country's army': the sentence's last country, the hint, then the story's."""
        return self._in_sentence(pos, before_only=True) or self.hint or self._in_story(pos)

    def event_country(self, pos: int) -> str | None:
        """For generic actors (civilians, gunmen): the hint (event country), then the text around."""
        return self.hint or self._in_sentence(pos, before_only=False) or self._in_story(pos)


def find_actors(
    doc_or_span: Doc | Span,
    lexicon: ActorLexicon,
    country_hint: str | None = None,
    *,
    coref_sentences: int = 1,
    foreign_inter: int | None = 8,
) -> list[ActorMention]:
    """Actor mentions in a Doc or Span, in text order, with character offsets into ``doc.text``.

    `country_hint` (ISO2) is the event's country when known: it names generic actors ("Civilians
    (Lebanon)") and, when `foreign_inter` is set, state forces of another country get that inter code
    (ACLED codes foreign state forces as External/Other forces, 8). `coref_sentences` is how many
    sentences back a named armed group still counts as "in reach" for "militants"/"terrorists".
    """
    if isinstance(doc_or_span, Span):
        doc, lo, hi = doc_or_span.doc, doc_or_span.start, doc_or_span.end
    else:
        doc, lo, hi = doc_or_span, 0, len(doc_or_span)
    if hi <= lo:
        return []
    hint = country_hint.upper() if country_hint else None
    comp = _compile(lexicon, doc.vocab)
    strings = doc.vocab.strings
    sent_ids = _sentence_ids(doc)
    # Context cues are read from the start of the doc so that a span still knows the story's countries.
    ctx_span = doc[0:hi]

    alias_hits: list[tuple[int, int, str]] = []
    for matcher in (comp.alias_lower, comp.alias_orth):
        for mid, s, e in matcher(ctx_span):
            if s >= lo:
                alias_hits.append((s, e, strings[mid]))
    cue_hits: list[tuple[int, int, str]] = []     # country cues (ISO2)
    ethnic_hits: dict[int, list[tuple[int, str]]] = {}
    for mid, s, e in comp.cues(ctx_span):
        label = strings[mid]
        if label.startswith("C:"):
            cue_hits.append((s, e, label[2:]))
        else:
            ethnic_hits.setdefault(e, []).append((s, label[2:]))
    cue_by_end: dict[int, list[tuple[int, str]]] = {}
    for s, e, iso2 in cue_hits:
        cue_by_end.setdefault(e, []).append((s, iso2))
    role_hits: list[tuple[int, int, str, bool]] = []
    ethnic_noun_hits: list[tuple[int, int]] = []
    context_by_end: dict[int, int] = {}
    source_starts: dict[int, int] = {}
    for mid, s, e in comp.nouns(ctx_span):
        label = strings[mid]
        if label.startswith("R:"):
            _, role, standalone = label.split(":")
            if s >= lo:
                role_hits.append((s, e, role, standalone == "1"))
        elif label.startswith("M:"):
            if s >= lo:
                ethnic_noun_hits.append((s, e))
        elif label.startswith("X:"):
            context_by_end[e] = min(s, context_by_end.get(e, s))
        else:
            source_starts[s] = max(e, source_starts.get(s, e))
    ctx = _Context(cue_hits, sent_ids, hint)

    cands: list[_Cand] = []
    for s, e, key in alias_hits:
        cand = _alias_candidate(doc, s, e, key, lexicon, comp, ctx)
        if cand is not None:
            cands.append(cand)
    for s, e, role, standalone in role_hits:
        cands.extend(_role_candidates(doc, s, e, role, standalone, lexicon, cue_by_end, context_by_end, ctx, lo))
    for s, e in ethnic_noun_hits:
        cands.extend(_ethnic_candidates(doc, s, e, lexicon, ethnic_hits, ctx, lo))

    chosen = _select(cands)
    chosen = _merge_and_absorb(doc, chosen, lexicon)
    chosen = _link_generics(chosen, sent_ids, lexicon, ctx, coref_sentences)
    if doc.has_annotation("DEP") and lexicon.role_verbs:
        chosen = _apply_role_verbs(doc, chosen, lexicon, ctx, lo, hi)
    out = []
    for c in chosen:
        inter = c.inter
        if foreign_inter and hint and inter == 1 and c.country and c.country != hint:
            inter = foreign_inter
        kind = "source" if _is_source_name(doc, c, source_starts) else c.kind
        span = doc[c.start:c.end]
        out.append(ActorMention(start=span.start_char, end=span.end_char, text=span.text, name=c.name,
                                inter=inter, country=c.country, kind=kind))
    return out


def _alias_candidate(doc, s, e, key, lexicon, comp, ctx) -> _Cand | None:
    targets = comp.lower_index.get(key[2:]) if key.startswith("L:") else lexicon.aliases.get(key[2:])
    if not targets:
        return None
    country_here = ctx.event_country(s)
    state_here = ctx.state_country(s)
    chosen = None
    for t in targets:
        if t.only_in and t.only_in not in (country_here, state_here, ctx.hint):
            continue
        if t.guarded:
            nxt = doc[e].lower_ if e < len(doc) else ""
            prev = doc[s - 1].lower_ if s > 0 else ""
            if nxt not in comp.group_nouns and prev not in {"the", "pro", "anti"}:
                continue
        chosen = t
        break
    if chosen is None:
        return None
    actor = lexicon.actors[chosen.actor]
    name = actor.name_in(country_here, lexicon) if (actor.by_country or actor.template) else actor.name
    country = actor.country
    if country is None and (actor.by_country or actor.template) and name != actor.name:
        country = country_here
    kind = "user" if actor.origin == "user" else "lexicon"
    return _Cand(s, e, name, actor.inter, country, kind, 3, actor=actor.name)


@lru_cache(maxsize=100_000)
def _word_key(word: str) -> str:
    """`alias_key` of one word (computed once per distinct word: words repeat)."""
    return alias_key(word)


def _walk_modifiers(doc: Doc, start: int, lexicon: ActorLexicon, lo: int) -> list[int]:
    """Positions where a cue may end before `start`: `start` itself and after each modifier on the left."""
    ends = [start]
    pos = start
    for _ in range(MAX_MODIFIERS):
        if pos - 1 < lo:
            break
        low = doc[pos - 1].lower_
        if _word_key(low) not in lexicon.modifiers and low not in lexicon.modifiers:
            break
        pos -= 1
        ends.append(pos)
    return ends


def _role_candidates(doc, s, e, role, standalone, lexicon, cue_by_end, context_by_end, ctx, lo) -> list[_Cand]:
    for end in _walk_modifiers(doc, s, lexicon, lo):
        if end in cue_by_end:
            start, iso2 = min(cue_by_end[end])
            if start < lo:
                continue
            out = [_role_cand(lexicon, role, start, e, iso2, "nationality_rule", 2)]
            for s2, e2, iso2b in _coordinated(doc, start, cue_by_end, lo):  # "Syrian and Russian jets"
                out.append(_role_cand(lexicon, role, s2, e2, iso2b, "nationality_rule", 2))
            return out
        if end in context_by_end and context_by_end[end] >= lo:
            start = context_by_end[end]
            iso2 = ctx.state_country(start) if role in STATE_ROLES else ctx.event_country(start)
            return [_role_cand(lexicon, role, start, e, iso2, "context_rule", 2)]
    if not standalone or _inside_proper_name(doc, s, e):
        return []
    if role in STATE_ROLES:  # bare "the army", "police": the event's country first
        iso2 = ctx.hint or ctx.state_country(s)
        return [_role_cand(lexicon, role, s, e, iso2, "context_rule", 1)]
    return [_role_cand(lexicon, role, s, e, ctx.event_country(s), "generic", 1)]


def _inside_proper_name(doc: Doc, s: int, e: int) -> bool:
    """'Nduru Girls' Secondary School', 'Kenya Police Reservists FC': a title-cased noun inside a name."""
    tok = doc[s]
    if not tok.is_title or tok.is_sent_start or not doc.has_annotation("TAG"):
        return False
    if tok.pos_ != "PROPN":
        return False
    prev_title = s > 0 and doc[s - 1].is_title and doc[s - 1].pos_ == "PROPN"
    next_title = e < len(doc) and (doc[e].is_title or doc[e].text in POSSESSIVE) and doc[e].pos_ in ("PROPN", "PART")
    return prev_title or next_title


def _role_cand(lexicon, role, s, e, iso2, kind, priority) -> _Cand:
    spec = lexicon.roles[role]
    inter = spec.inter
    if spec.inter_generic:
        inter = int(spec.inter_generic)
    return _Cand(s, e, lexicon.role_name(role, iso2), inter, iso2, kind, priority, role=role)


def _coordinated(doc: Doc, start: int, hits_by_end: dict[int, list], lo: int) -> list[tuple[int, int, Any]]:
    """Cues coordinated to the left of `start`: 'Turkana and Samburu militias' -> [(Turkana)]."""
    out = []
    pos = start
    while pos - 2 >= lo and doc[pos - 1].lower_ in {"and", ",", "or", "&"}:
        end = pos - 1
        if doc[end - 1].text == "," and end - 1 > lo:  # "A, B and C"
            end -= 0
        found = hits_by_end.get(end)
        if not found:
            break
        s2, value = min(found, key=lambda h: h[0])
        if s2 < lo:
            break
        out.append((s2, end, value))
        pos = s2
    return out


def _ethnic_candidates(doc, s, e, lexicon, ethnic_hits, ctx, lo) -> list[_Cand]:
    for end in _walk_modifiers(doc, s, lexicon, lo):
        for start, form in ethnic_hits.get(end, []):
            if start < lo:
                continue
            out = []
            for s2, e2, form2 in [(start, e, form), *_coordinated(doc, start, ethnic_hits, lo)]:
                group = lexicon.ethnic[form2]
                name, country = lexicon.ethnic_militia(group, ctx.event_country(s2))
                out.append(_Cand(s2, e2, name, 4, country, "ethnic_rule", 2, role="ethnic"))
            return out
    return []


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Longest first, then lexicon before rules before generics; no overlaps."""
    taken: set[int] = set()
    chosen = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), -c.priority, c.start)):
        span = range(c.start, c.end)
        if any(i in taken for i in span):
            continue
        taken.update(span)
        chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


def _merge_and_absorb(doc: Doc, chosen: list[_Cand], lexicon: ActorLexicon) -> list[_Cand]:
    """'Hezbollah Lebanese resistance' -> one mention; 'Taliban militants' -> the generic is dropped."""
    out: list[_Cand] = []
    for c in chosen:
        if out:
            prev = out[-1]
            adjacent = all(doc[k].text in POSSESSIVE or doc[k].text == "-" for k in range(prev.end, c.start))
            if adjacent and prev.actor and c.actor == prev.actor:
                prev.end = c.end
                continue
            close = _parenthetical_end(doc, prev.end, c)
            if close is not None and prev.actor and c.actor == prev.actor:
                prev.end = close  # "al-Nusra Front (now known as Tahrir al-Sham)": one mention
                continue
            if adjacent and prev.priority == 3 and c.priority < 3 and c.kind != "nationality_rule":
                continue  # descriptor of the named actor ("Hezbollah forces"): keep the name only
        out.append(c)
    return out


def _subjects(verb) -> list:
    """Grammatical subjects of a verb, inherited through conjunction/xcomp, with their conjuncts."""
    subj = [c for c in verb.children if c.dep_ == "nsubj"]
    head = verb
    while not subj and head.dep_ in ("conj", "xcomp", "advcl") and head.head is not head:
        head = head.head
        subj = [c for c in head.children if c.dep_ == "nsubj"]
    out = []
    for s in subj:
        out.append(s)
        out.extend(c for c in s.conjuncts)
    return out


PARTITIVES = {"group", "groups", "number", "dozens", "hundreds", "thousands", "scores", "crowd", "crowds", "mob",
              "some", "many", "members", "section", "sections", "band", "gang", "team", "lot", "couple"}
NOT_PEOPLE = {"others", "other", "one", "some", "both", "all", "many", "several", "few", "each", "who", "which",
              "that", "incident", "violence", "attack", "clash", "clashes", "protest", "fire", "explosion", "bomb"}


def _head_of_partitive(tok):
    """'a group of youths' -> 'youths' (the people named inside a collective noun)."""
    if tok.lower_ in PARTITIVES:
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                objs = [g for g in child.children if g.dep_ == "pobj"]
                if objs:
                    return objs[0]
    return tok


def _between(tok) -> list:
    """Parties of 'a clash between A and B' (the nominal's 'between' object and its conjuncts)."""
    out = []
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in ("between", "among", "amongst"):
            for obj in child.children:
                if obj.dep_ == "pobj":
                    out.append(obj)
                    out.extend(obj.conjuncts)
    return out


def _verb_forms(tok) -> set[str]:
    """Lemma plus naive de-inflections (the small model's lemmatizer misses some: 'staged' -> 'stag')."""
    return _forms(tok.lower_, tok.lemma_)


def _forms(low: str, lemma: str) -> set[str]:
    """`_verb_forms` of a token written `low` (lower-cased) with lemma `lemma`."""
    forms = {lemma.lower(), low}
    for suffix in ("ing", "ed", "es", "s", "d"):
        if low.endswith(suffix) and len(low) > len(suffix) + 2:
            forms.add(low[: -len(suffix)])
    return forms


def _verb_role(tok, lexicon: ActorLexicon) -> str | None:
    is_predicate = tok.pos_ in ("VERB", "AUX") or any(c.dep_ == "nsubj" for c in tok.children) or (
        tok.pos_ == "NOUN" and any(c.dep_ == "prep" and c.lower_ == "between" for c in tok.children))
    if not is_predicate:
        return None
    forms = _verb_forms(tok)
    for form in forms:
        if form in lexicon.role_verbs:
            return lexicon.role_verbs[form]
    if forms & lexicon.light_verbs:
        for child in tok.children:
            objs = [child] if child.dep_ in ("dobj", "attr") else [
                g for g in child.children if g.dep_ == "pobj"] if child.dep_ == "prep" else []
            for obj in objs:
                if obj.lower_ in lexicon.role_nominals:
                    return lexicon.role_nominals[obj.lower_]
    return None


def _role_verb_tokens(doc: Doc, lo: int, hi: int, lexicon: ActorLexicon) -> list[int]:
    """Tokens of [lo, hi) with a role verb or a light verb among their forms: the only ones that
    `_verb_role` can give a role. Read from the doc's arrays; each distinct (word, lemma) is tested once
    per compiled lexicon."""
    strings = doc.vocab.strings
    known = _compile(lexicon, doc.vocab).verb_forms
    if len(known) > MAX_KNOWN_VERB_FORMS:
        known.clear()  # bounded memory on an endless stream of new words
    out = []
    for i, (low, lemma) in enumerate(doc.to_array([LOWER, LEMMA])[lo:hi].tolist(), lo):
        verb = known.get((low, lemma))
        if verb is None:
            verb = known[(low, lemma)] = any(f in lexicon.role_verbs or f in lexicon.light_verbs
                                             for f in _forms(strings[low], strings[lemma]))
        if verb:
            out.append(i)
    return out


def _apply_role_verbs(doc, chosen, lexicon, ctx, lo, hi) -> list[_Cand]:
    """Civilians who protest are protesters; civilians who commit violence are rioters."""
    by_token = {}
    for c in chosen:
        for i in range(c.start, c.end):
            by_token[i] = c
    added = []
    for i in _role_verb_tokens(doc, lo, hi, lexicon):
        tok = doc[i]
        role = _verb_role(tok, lexicon)
        if role is None:
            continue
        if tok.dep_ == "amod" and tok.head.pos_ == "NOUN":  # "rioting fans"
            subjects = [tok.head]
        else:
            subjects = _subjects(tok) + _between(tok)  # "a clash between supporters of two councillors"
        for subj in subjects:
            inner = _head_of_partitive(subj)
            named = by_token.get(inner.i)
            # "a group of youths" -> youths; "two groups of the Awami League", "members of X Union" -> keep
            if inner.pos_ == "NOUN" and not (named is not None and named.priority == 3):
                subj = inner
            if not lo <= subj.i < hi or subj.lower_ in NOT_PEOPLE:
                continue
            c = by_token.get(subj.i)
            if c is not None:
                if c.role in lexicon.convertible_roles and c.kind in ("generic", "nationality_rule", "context_rule"):
                    c.role, c.inter = role, lexicon.roles[role].inter
                    c.name = lexicon.role_name(role, c.country)
                continue
            if subj.pos_ != "NOUN" or any(i in by_token for i in range(subj.left_edge.i, subj.i + 1)):
                continue
            if not {subj.lower_, subj.lemma_.lower()} & lexicon.people_nouns:
                continue  # "operations by the army killed 8", "an airstrike destroyed": not people
            start = subj.left_edge.i
            while start < subj.i and doc[start].pos_ in ("DET", "NUM", "PUNCT"):
                start += 1
            iso2 = ctx.event_country(start)
            new = _role_cand(lexicon, role, start, subj.i + 1, iso2, "generic", 1)
            added.append(new)
            for i in range(new.start, new.end):
                by_token[i] = new
    return sorted(chosen + added, key=lambda c: c.start) if added else chosen


PAREN_WORDS = {"now", "known", "as", "also", "formerly", "previously", "aka", "a.k.a.", "or", "renamed", "called",
               "later", "then", "the", "its", "new", "name", "i.e.", "a", "former", ",", "since", "rebranded"}


def _parenthetical_end(doc: Doc, after: int, c: _Cand) -> int | None:
    """Token index after ')' when `c` sits in '( [now known as] ... )' right after position `after`."""
    if after >= len(doc) or doc[after].text != "(" or c.start <= after:
        return None
    if any(t.lower_ not in PAREN_WORDS for t in doc[after + 1:c.start]):
        return None
    if c.end < len(doc) and doc[c.end].text == ")":
        return c.end + 1
    return None


def _link_generics(chosen, sent_ids, lexicon, ctx, coref_sentences) -> list[_Cand]:
    """'militants'/'terrorists' -> the named group in reach (role's link_to_inter), else stays generic."""
    for c in chosen:
        spec = lexicon.roles.get(c.role) if c.role else None
        if spec is None or not spec.link_to_inter or c.kind != "generic":
            continue
        named = [n for n in chosen if n.priority == 3 and n.inter in spec.link_to_inter]
        if not named:
            continue
        sid = sent_ids[c.start]
        same = [n for n in named if sent_ids[n.start] == sid]
        target = None
        if same:
            before = [n for n in same if n.start < c.start]
            target = before[-1] if before else same[0]
        else:
            earlier = [n for n in named if sid - coref_sentences <= sent_ids[n.start] < sid]
            if earlier:
                target = earlier[-1]
        if target is not None:
            c.name, c.inter, c.country, c.kind = target.name, target.inter, target.country, "coref"
            c.actor = target.actor
    return chosen


def _is_source_name(doc: Doc, c: _Cand, source_starts: dict[int, int]) -> bool:
    """The actor names a source: "Hezbollah's Military Media Center", "a spokesman for the Taliban"."""
    pos = c.end
    while pos < len(doc) and (doc[pos].text in POSSESSIVE or doc[pos].lower_ in SOURCE_LINKERS):
        pos += 1  # "Hezbollah's", "Hezbollah-run", "Houthi-controlled"
    for skip in (0, 1):  # one free word: "Hezbollah's war media", "army's official statement"
        if pos + skip in source_starts and (skip == 0 or doc[pos].is_alpha):
            return True
    # "a spokesman for the Taliban", "sources in the Syrian army"
    j = c.start - 1
    if j >= 0 and doc[j].lower_ == "the":
        j -= 1
    if j >= 1 and doc[j].lower_ in {"for", "of", "in", "within", "close"}:
        k = j - 1
        for e in source_starts.values():
            if e - 1 == k:
                return True
    return False
