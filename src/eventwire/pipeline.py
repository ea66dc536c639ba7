"""The pipeline: Article -> sentences -> parsed event sentences -> mentions -> candidates -> events.

Only sentences that can hold an event (a cheap lexical pre-filter) are parsed; they are parsed in
batches with `nlp.pipe`, joined into one Doc per chunk so that places are resolved with the whole
story as context, and each sentence then yields candidates that are merged into ACLED units.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Iterable, Iterator

from eventwire.events.roles import Roles
from eventwire.model import ActorMention, Article, Claim, DateMention, Event, PlaceMention, RecordError
from eventwire.sentences import Sentence, split_sentences

DEFAULT_MAX_CHARS = 1_000_000
CHUNK_SENTENCES = 200  # sentences parsed and resolved together (bounded memory for huge articles)
RUN_BATCH = 16         # articles whose event sentences `run` parses in one nlp.pipe call


class ArticleTooLarge(ValueError):
    pass


@dataclass
class ArticleResult:
    """What one input record gave: its events, or the error that stopped it (never both lost)."""

    record: str
    article: Article | None
    events: list[Event] = field(default_factory=list)
    error: RecordError | None = None


@dataclass
class _Context:
    """What the story has told so far, read in order (discourse state)."""

    published: dt.date | None
    anchor_date: dt.date | None
    anchor_precision: int | None
    country_hint: str | None = None
    last_side1: list[ActorMention] = field(default_factory=list)
    last_side1_paragraph: int = -9
    last_place: PlaceMention | None = None
    last_place_paragraph: int = -9


class Pipeline:
    """Loads models, lexicons and the gazetteer once; `extract` turns one article into events."""

    def __init__(self, nlp=None, gazetteer=None, actors=None, classifier=None,
                 actor_files: Iterable[str] = (), max_chars: int = DEFAULT_MAX_CHARS):
        from concurrent.futures import ThreadPoolExecutor

        from eventwire.actors import ActorLexicon, prepare_matchers
        from eventwire.geo import load_gazetteer
        from eventwire.nlp import load_nlp

        # The classifier (scikit-learn import, trigger patterns) loads in a second thread while spaCy
        # loads here: both spend much of their time outside the GIL (files, shared libraries).
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(_load_classifier) if classifier is None else None
            self.nlp = nlp if nlp is not None else load_nlp()
            self.gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
            self.actors = actors if actors is not None else ActorLexicon.load(extra=list(actor_files))
            prepare_matchers(self.actors, self.nlp.vocab)
            if pending is not None and not pending.done():
                _warm_up()   # while the classifier is still loading: what the first article would build
            self.classifier = classifier if pending is None else pending.result()
        self.max_chars = max_chars

    # ------------------------------------------------------------------ public API
    def extract(self, text: str, published: str | dt.date | None = None, source: str | None = None,
                doc_id: str | None = None, title: str | None = None, url: str | None = None) -> list[Event]:
        """Events of one article. Raises ValueError for unusable input (too large, bad date)."""
        from eventwire.io.readers import make_article

        article = make_article(text, published=published, source=source, doc_id=doc_id, title=title,
                               url=url, max_chars=self.max_chars)
        return self.extract_article(article)

    def run(self, items: Iterable[Article | RecordError], batch: int = RUN_BATCH) -> Iterator[ArticleResult]:
        """Process a stream of read records, in order; errors are values, one per failed record.

        The event sentences of up to `batch` articles are parsed in one `nlp.pipe` call (spaCy is
        faster on larger batches); results still come out one per record, in input order."""
        pending: list[Article | RecordError] = []
        for item in items:
            pending.append(item)
            if len(pending) >= batch:
                yield from self._run_batch(pending)
                pending = []
        if pending:
            yield from self._run_batch(pending)

    def _run_batch(self, items: list[Article | RecordError]) -> Iterator[ArticleResult]:
        jobs: dict[int, tuple[list[Sentence], list[Sentence]]] = {}
        for i, item in enumerate(items):
            if isinstance(item, Article) and len(item.text) <= self.max_chars:
                try:
                    sentences = split_sentences(item.text)
                    selected = self._select(sentences)
                except Exception:  # reported below, when the article is extracted on its own
                    continue
                if len(selected) <= CHUNK_SENTENCES:   # long articles are parsed chunk by chunk
                    jobs[i] = (sentences, selected)
        try:
            parsed = dict(zip(jobs, self._parse([(items[i], jobs[i][1]) for i in jobs])))
        except Exception:  # a text spaCy cannot take: each article is parsed on its own and fails alone
            parsed = {}
        for i, item in enumerate(items):
            if isinstance(item, RecordError):
                yield ArticleResult(item.record, None, error=item)
                continue
            pre = (jobs[i][0], jobs[i][1], parsed[i]) if i in parsed else None
            try:
                yield ArticleResult(item.doc_id, item, self._extract(item, pre))
            except Exception as exc:  # one bad article never stops a batch
                reason = str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"
                yield ArticleResult(item.doc_id, item, error=RecordError(item.doc_id, reason, "extract"))

    def extract_article(self, article: Article) -> list[Event]:
        return self._extract(article)

    def _extract(self, article: Article, parsed=None) -> list[Event]:
        """Events of one article; `parsed`: (sentences, selected sentences, their _Parsed chunk) when
        the caller has already parsed them (see `run`)."""
        from eventwire.events.candidate import merge_candidates
        from eventwire.events.record import build_event
        from eventwire.io.clean import parse_dateline

        if len(article.text) > self.max_chars:
            raise ArticleTooLarge(
                f"too large: {len(article.text)} characters (limit {self.max_chars}; raise --max-chars)")
        if parsed is None:
            sentences = split_sentences(article.text)
            selected, pre = self._select(sentences), None
        else:
            sentences, selected, pre = parsed
        ctx = _Context(published=article.published, anchor_date=article.published,
                       anchor_precision=2 if article.published else None,
                       country_hint=self._story_country(article))
        _, _, body_start = parse_dateline(article.text)
        candidates = []
        for start in range(0, len(selected), CHUNK_SENTENCES):
            chunk = selected[start:start + CHUNK_SENTENCES]
            chunk_parsed = pre if pre is not None else self._parse([(article, chunk)])[0]
            candidates.extend(self._chunk_candidates(article, chunk, ctx, body_start, chunk_parsed))
        units = merge_candidates(candidates)
        _count_unit_fatalities(units, sentences, article.published)
        outlets = [o for o in (article.source or article.dateline_outlet,) if o]
        return [build_event(u, outlets) for u in units]

    def _select(self, sentences: list[Sentence]) -> list[Sentence]:
        """Only sentences with an event trigger can give events: the others are never parsed."""
        return [s for s in sentences if self.classifier.has_trigger(s.text)]

    # ------------------------------------------------------------------ stages
    def _story_country(self, article: Article) -> str | None:
        from eventwire.geo import country_from_name

        if article.dateline_place:
            for part in reversed([p.strip() for p in article.dateline_place.split(",")]):
                iso = country_from_name(part)
                if iso:
                    return iso
            for place in self.gazetteer.candidates(article.dateline_place.split(",")[0])[:1]:
                return place.country
        return None

    def _parse(self, chunks: list[tuple[Article, list[Sentence]]]) -> list["_Parsed"]:
        """Parse chunks of selected sentences (of one or many articles) in one go.

        The tagger and parser run on every sentence; the actors of each chunk are found; spaCy's NER
        then runs, in one batch, only on the sentences with a capitalized name that the actor lexicon
        and the gazetteer leave open (see `mentions.ner_gate`)."""
        import numpy
        from spacy.attrs import ENT_IOB, ENT_TYPE
        from spacy.tokens import Doc

        from eventwire.actors import find_actors
        from eventwire.mentions.ner_gate import label_nationalities, needs_ner

        with_ner = "ner" in self.nlp.pipe_names
        texts = [s.text for _, chunk in chunks for s in chunk]
        docs = iter(list(self.nlp.pipe(texts, batch_size=64, disable=["ner"] if with_ner else [])))
        out, to_tag = [], []
        for article, chunk in chunks:
            chunk_docs = [next(docs) for _ in chunk]
            joined = Doc.from_docs(chunk_docs, ensure_whitespace=True) if chunk_docs else None
            # character offset of each sentence's doc inside the joined doc
            offsets, tok = [], 0
            for d in chunk_docs:
                offsets.append(joined[tok].idx - d[0].idx if len(d) else 0)
                tok += len(d)
            # Whether state forces are foreign (ACLED inter 8) depends on the event's country, decided
            # when the record is built, so no country is imposed here.
            actors = (find_actors(joined, self.actors, country_hint=self._story_country(article),
                                  foreign_inter=None) if joined is not None else [])
            ner_by = []
            for sent, d, lo in zip(chunk, chunk_docs, offsets):   # sent.text == d.text
                covered = [(a.start - lo, a.end - lo) for a in actors if lo <= a.start < lo + len(sent.text)]
                if with_ner and needs_ner(d, covered, self.gazetteer, text=sent.text):
                    to_tag.append(d)
                    ner_by.append("model")
                else:
                    label_nationalities(d)
                    ner_by.append("lexicons")
            out.append(_Parsed(chunk_docs, joined, offsets, actors, ner_by))
        if to_tag:
            for _ in self.nlp.get_pipe("ner").pipe(to_tag, batch_size=64):
                pass
        for parsed in out:  # the sentences' entity labels, now set, into their joined doc
            if parsed.joined is not None:
                labels = numpy.concatenate([d.to_array([ENT_IOB, ENT_TYPE]) for d in parsed.docs])
                parsed.joined.from_array([ENT_IOB, ENT_TYPE], labels)
        return out

    def _chunk_candidates(self, article: Article, chunk: list[Sentence], ctx: _Context, body_start: int,
                          parsed: "_Parsed"):
        from eventwire.geo import resolve_places

        docs, offsets, all_actors = parsed.docs, parsed.offsets, parsed.actors
        if not docs:
            return []
        hints = _country_hints(all_actors, ctx)
        places = resolve_places(parsed.joined, self.gazetteer, dateline_place=article.dateline_place,
                                country_hints=hints)
        readings: list[_Reading] = []
        for i, (sent, sdoc) in enumerate(zip(chunk, docs)):
            lo, hi = offsets[i], offsets[i] + len(sent.text)   # sdoc.text == sent.text
            # the dateline names where the story was filed, not where events happened
            local = [_shift(p, -lo) for p in places
                     if lo <= p.start and p.end <= hi and sent.start + p.start - lo >= body_start]
            local = [p for p in local
                     if not _attributive(p, sent.text) and not _foreign_doer(p, sdoc, hints[:1])]
            actors = [_shift(a, -lo) for a in all_actors if lo <= a.start and a.end <= hi]
            readings.extend(self._read_sentence(article, sent, sdoc, local, actors, ctx))
        # one batched call for all clauses of the chunk (the classifier's per-call cost dominates)
        classes = self.classifier.classify_many(
            [r.text for r in readings],
            inter1=[r.roles.actor1.inter if r.roles.actor1 else None for r in readings],
            inter2=[r.roles.actor2.inter if r.roles.actor2 else None for r in readings], asserted=True)
        out = []
        for reading, cls in zip(readings, classes):
            out.extend(self._decide(article, reading, cls, ctx))
        return out

    def _read_sentence(self, article: Article, sent: Sentence, sdoc, places: list[PlaceMention],
                       found: list[ActorMention], ctx: _Context) -> list["_Reading"]:
        """Everything one asserted, dated sentence says, clause by clause (before typing)."""
        from eventwire.classify import find_triggers
        from eventwire.events.roles import assign_roles, clauses
        from eventwire.mentions.claims import attribution_spans, find_attribution
        from eventwire.mentions.dates import resolve_event_date
        from eventwire.mentions.modality import modality

        whole = sdoc[:]
        if modality(whole, ctx.published, text=sent.text) != "asserted":
            return []
        date = resolve_event_date(sent.text, ctx.published, default=_default_date(ctx))
        if date is None or date.date is None or date.kind in ("past_year", "future"):
            return []
        if date.kind != "default":
            ctx.anchor_date, ctx.anchor_precision = date.date, date.time_precision
        triggers = [t.token_index for t in find_triggers(whole, self.classifier.lexicon, text=sent.text)]
        if not triggers:
            return []
        claim = find_attribution(sent.text, article.source or article.dateline_outlet, article.doc_id)
        speakers = attribution_spans(sent.text) or []
        in_speaker = [a.kind == "source" or any(lo <= a.start < hi for lo, hi in speakers) for a in found]
        actors = [a for a, sp in zip(found, in_speaker) if not sp]
        # a party's own media office speaking for it ("Hezbollah's Military Media Center")
        speaker_actors = [a for a, sp in zip(found, in_speaker) if sp and a.inter in (1, 2, 3, 4, 8)]
        out = []
        for clause in clauses(sdoc, triggers, _reporting_lemmas()):
            if clause.is_reporting:
                continue
            roles = assign_roles(sdoc, clause,
                                 [a for a in actors if clause.start_char <= a.start < clause.end_char],
                                 text=sent.text)
            c_places = [p for p in places if clause.start_char <= p.start < clause.end_char] or places
            out.append(_Reading(sent, sent.text[clause.start_char:clause.end_char], roles, c_places, date,
                                claim, speaker_actors))
        return out

    def _decide(self, article: Article, r: "_Reading", cls, ctx: _Context):
        """Candidates of one typed clause, read in story order (actors and places carry over)."""
        from eventwire.events.candidate import Candidate

        if not cls.is_event:
            return []
        roles, sent = r.roles, r.sentence
        if roles.actor1 is None and r.speaker_actors and (
                roles.actor2 is None or roles.actor2.name != r.speaker_actors[0].name):
            roles.actor1 = r.speaker_actors[0]
        if roles.actor1 is None and ctx.last_side1 and sent.paragraph - ctx.last_side1_paragraph <= 2:
            roles.actor1 = ctx.last_side1[0]
            roles.assoc1 = [a for a in ctx.last_side1[1:] if not roles.actor2 or a.name != roles.actor2.name]
        if roles.actor1 is not None and roles.actor2 is not None and roles.actor1.name == roles.actor2.name:
            roles.actor2 = None  # an actor is not its own opponent (a retold or inherited subject)
        if roles.actor1 is not None:
            ctx.last_side1 = [roles.actor1] + roles.assoc1
            ctx.last_side1_paragraph = sent.paragraph
        c_places: list[PlaceMention | None] = list(_event_places(r.places))
        if not c_places:
            if ctx.last_place is not None and sent.paragraph - ctx.last_place_paragraph <= 2:
                c_places = [ctx.last_place]
            else:
                c_places = [None]
        out = []
        for place in c_places:
            if place is not None:
                ctx.last_place, ctx.last_place_paragraph = place, sent.paragraph
            out.append(Candidate(
                doc_id=article.doc_id, sentence_start=sent.start, sentence_end=sent.end,
                sentence=sent.text, paragraph=sent.paragraph,
                event_type=cls.event_type, sub_event_type=cls.sub_event_type,
                disorder_type=cls.disorder_type, score=cls.score,
                date=r.date.date, time_precision=r.date.time_precision,
                actor1=roles.actor1, actor2=roles.actor2, assoc1=list(roles.assoc1),
                assoc2=list(roles.assoc2), place=place, claims=[r.claim],
            ))
        return out


@dataclass
class _Parsed:
    """A chunk's parsed sentences, their joined Doc and where each starts in it, and the chunk's actors."""

    docs: list
    joined: object      # spacy Doc of the whole chunk (None for an empty chunk)
    offsets: list[int]
    actors: list[ActorMention]
    ner_by: list[str]   # per sentence: "model" (spaCy's NER ran) or "lexicons" (our lexicons sufficed)


@dataclass
class _Reading:
    """One clause of an asserted, dated sentence, before its event type is known."""

    sentence: Sentence
    text: str
    roles: Roles
    places: list[PlaceMention]
    date: DateMention
    claim: Claim
    speaker_actors: list[ActorMention]


def _warm_up() -> None:
    """Build the lexicons that the first article would otherwise build (cached for the process)."""
    from eventwire.geo.recognize import load_cues
    from eventwire.mentions.claims import _lex as claim_lexicon
    from eventwire.mentions.dates import _patterns as date_patterns
    from eventwire.mentions.fatalities import _lex as fatality_lexicon
    from eventwire.mentions.modality import _cues as modality_cues
    from eventwire.mentions.ner_gate import _known as gate_knowledge
    from eventwire.mentions.reporters import reporter_spans

    for build in (modality_cues, date_patterns, claim_lexicon, fatality_lexicon, gate_knowledge, load_cues):
        build()
    reporter_spans("")


def _load_classifier():
    from eventwire.classify import EventClassifier

    return EventClassifier.load()


@lru_cache(maxsize=1)
def _reporting_lemmas() -> frozenset[str]:
    from eventwire.mentions.lexicon import load_language

    return frozenset(load_language("reporting_verbs")["verbs"].values())


def _country_hints(actors: list[ActorMention], ctx: _Context) -> tuple[str, ...]:
    """Countries the story is about: the dateline's, then the home countries of the actors it names
    ("Taliban" -> Afghanistan), most named first. They steer the choice among homonymous places."""
    from collections import Counter

    counts = Counter(a.country for a in actors if a.country)
    hints = [ctx.country_hint] if ctx.country_hint else []
    return tuple(dict.fromkeys(hints + [c for c, _ in counts.most_common(3)]))


def _count_unit_fatalities(units, sentences: list[Sentence], published: dt.date | None = None) -> None:
    """Deaths of each event: counted over its evidence sentences and the sentences that follow them
    in the same paragraph without telling another event ("Three soldiers died. Fatalities coded as 0").
    A sentence's deaths are counted for the first event that cites it only, never twice. A following
    sentence that is background (a whole war's toll, history) adds none."""
    from eventwire.mentions.fatalities import count_fatalities
    from eventwire.mentions.modality import modality

    index = {s.start: i for i, s in enumerate(sentences)}
    event_sentences = {e[1] for u in units for e in u.evidence}
    used: set[int] = set()
    for u in units:
        picked: list[int] = []
        for _, start, _, _ in sorted(u.evidence, key=lambda e: e[1]):
            i = index.get(start)
            if i is None:
                continue
            picked.append(i)
            j = i + 1
            while (j < len(sentences) and sentences[j].start not in event_sentences
                   and sentences[j].paragraph == sentences[i].paragraph):
                if modality(sentences[j].text, published) != "background":
                    picked.append(j)
                j += 1
        fresh = [i for i in dict.fromkeys(picked) if i not in used]
        used.update(fresh)
        u.fatalities = count_fatalities(" ".join(sentences[i].text for i in fresh)) if fresh else None


def _default_date(ctx: _Context):
    """The date a sentence without its own time expression inherits: the story's current date."""
    if ctx.anchor_date is None:
        return None
    return DateMention(0, 0, "", ctx.anchor_date, ctx.anchor_precision or 2, kind="default")


def _attributive(p: PlaceMention, text: str) -> bool:
    """"the Britain-based monitor", "US-backed fighters": a place that says who someone is, not where the
    event happened (still a place mention for `geoparse`)."""
    from eventwire.geo.recognize import load_cues

    m = _HYPHEN_WORD.match(text, p.end)
    return bool(m) and m.group(1).lower() in load_cues().not_place_before_hyphen


_HYPHEN_WORD = re.compile(r"-([A-Za-z]+)")


def _foreign_doer(p: PlaceMention, sdoc, home: tuple[str, ...]) -> bool:
    """"Russia bombed the town", "U.S. air strikes hit...": a foreign country named as the doer (subject
    or noun modifier) is a party, not where the event happened. `home`: the story's main country."""
    if not home or p.place is None or p.place.feature not in _COUNTRY_LEVEL or p.place.country == home[0]:
        return False
    span = sdoc.char_span(p.start, p.end, alignment_mode="expand")
    return span is not None and span.root.dep_ in ("nsubj", "nsubjpass", "compound")


def _shift(p, delta: int):
    """The same mention with offsets moved by `delta` (from the chunk's Doc into one sentence's)."""
    return replace(p, start=p.start + delta, end=p.end + delta)


_COUNTRY_LEVEL = ("A.PCLI", "A.PCL", "A.PCLD", "A.PCLF", "A.PCLS", "A.PCLIX", "A.TERR")


def _event_places(places: list[PlaceMention]) -> list[PlaceMention]:
    """One event per distinct place of the clause; a country named next to a more specific place
    is context, not a place of its own."""
    resolved = [p for p in places if p.place is not None]
    specific = [p for p in resolved if p.place.feature not in _COUNTRY_LEVEL]
    chosen = specific or resolved
    best: dict[tuple, PlaceMention] = {}
    for p in chosen:
        key = (p.place.geonameid, p.place.name, p.place.country)
        if key not in best or p.geo_precision < best[key].geo_precision:
            best[key] = p
    # When the clause names precise places, the regions that contain them ("A, B and C in the X
    # region") and region-level fallbacks add no event of their own.
    out = list(best.values())
    if any(p.geo_precision == 1 for p in out):
        out = [p for p in out if p.geo_precision == 1 or p.place.feature.startswith("P.")]
    if any(p.geo_precision < 3 for p in out):
        out = [p for p in out if p.geo_precision < 3]
    return out
