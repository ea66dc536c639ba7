"""Faster stand-ins for spaCy's `attribute_ruler` and rule-based `lemmatizer`, with identical output.

Both are subclasses of spaCy's own components: same patterns, lookup tables, config and serialization.
Only the way they are applied to a Doc changes.

`FastAttributeRuler`: spaCy's AttributeRuler matches all its rules with a Matcher on the Doc as it
stands, then applies the matched rules in rule order, each setting its attributes on one token of its
match (a later rule overrides what an earlier one set). Most rules of an English pipeline test one token
only (`{"TAG": "NN"}`, `{"TAG": "PRP", "LOWER": "he"}`), and whether such a rule matches depends only on a
few attribute values of that token. So what all single-token rules leave on a token is worked out once per
distinct combination of those values (values that no rule mentions are all alike) and written for a whole
Doc with one `Doc.from_array`. The other rules (several tokens, operators, regular expressions, extension
attributes) still go through a Matcher; for each token they hit, its single-token and Matcher rules are
applied together in rule order, as spaCy does. Everything is matched before anything is written.
Rules that set anything other than POS, TAG, MORPH, LEMMA or DEP make the component behave exactly like
spaCy's (no speed-up).

`CachedEnglishLemmatizer`: in "rule" mode spaCy's English lemmatizer computes a token's lemma from its
text, POS and morphology only (the key of spaCy's own cache), but reaches that cache through several
Python attribute look-ups per token and skips it for base forms. Here the lemma's string id is kept per
(orth, pos, morph) and written for a whole Doc with `Doc.from_array`; a new key is lemmatized by spaCy's
own code, whose `word in index` tests (on lists of up to 57,000 words) are answered by a set. Inside
`nlp.memory_zone()` (where new strings are dropped at its end) spaCy's own path runs.

`fast_components_config()` gives the `spacy.load` overrides that build a pipeline with these components.
The equivalence rests on spaCy 3.8's Matcher, AttributeRuler and Lemmatizer code (pyproject pins
spacy>=3.8,<3.9); tests/test_nlp.py compares the two on real and random text.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import numpy
from spacy.attrs import DEP, IDS, LEMMA, MORPH, ORTH, POS, TAG
from spacy.errors import Errors
from spacy.lang.en import English
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.language import Language
from spacy.lookups import Lookups, Table
from spacy.pipeline import AttributeRuler
from spacy.strings import get_string_id
from spacy.tokens import Doc

FAST_ATTRIBUTE_RULER = "eventwire_attribute_ruler"
CACHED_LEMMATIZER = "eventwire_english_lemmatizer"

# Token fields that a rule may set for the fast path: Doc.from_array writes them exactly as spaCy's
# set_token_attrs does (token struct only, no lexeme side effect).
SETTABLE = (POS, TAG, MORPH, LEMMA, DEP)
# Token attributes a single-token test may read: Doc.to_array reports them as the Matcher sees them.
_TESTABLE_NAMES = ("ORTH", "LOWER", "NORM", "SHAPE", "PREFIX", "SUFFIX", "LENGTH",
                   "TAG", "POS", "LEMMA", "DEP", "ENT_TYPE")
TESTABLE = frozenset(IDS[name] for name in _TESTABLE_NAMES) | frozenset(
    attr_id for name, attr_id in IDS.items() if name.startswith(("IS_", "LIKE_")) and attr_id < 64)
# Caches are emptied when they reach these sizes, so memory stays bounded on an endless stream.
MAX_CACHED_LEMMAS = 200_000  # (orth, pos, morph) keys
MAX_CACHED_VALUES = 100_000  # token attribute values (or tuples of them) per cache


# ---------------------------------------------------------------------------------------------- ruler

class _Condition(NamedTuple):
    """One test of a pattern token on one attribute: value in / not in `ids`, or `regex` search."""
    attr: int
    kind: str  # "IN", "NOT_IN" or "REGEX"
    data: Any  # frozenset of ids, or a compiled regular expression

    def holds(self, value: int, strings) -> bool:
        if self.kind == "REGEX":  # as spaCy's _RegexPredicate: search the attribute's string
            return self.data.search(strings[value]) is not None
        return (value in self.data) == (self.kind == "IN")


def _member_id(value: Any) -> int | None:
    """The id the Matcher compares a pattern value with (a string's hash, a bool or int as is)."""
    if isinstance(value, str):
        return get_string_id(value)
    if isinstance(value, (bool, int)):
        return int(value)
    return None


def _attr_conditions(attr: int, value: Any) -> list[_Condition] | None:
    """The conditions of `{ATTR: value}`, or None if not exactly testable here."""
    if not isinstance(value, dict):
        member = _member_id(value)
        return None if member is None else [_Condition(attr, "IN", frozenset((member,)))]
    conditions = []
    for op, operand in value.items():
        op = op.upper() if isinstance(op, str) else op
        if op == "REGEX" and isinstance(operand, str):
            conditions.append(_Condition(attr, op, re.compile(operand)))
        elif op in ("IN", "NOT_IN") and isinstance(operand, (list, tuple)):
            ids = [_member_id(member) for member in operand]
            if None in ids:
                return None
            conditions.append(_Condition(attr, op, frozenset(ids)))
        else:
            return None
    return conditions or None


def _spec_conditions(spec: Any, *, strict: bool) -> list[_Condition] | None:
    """The conditions one pattern token puts on a token.

    strict: all of them, or None if any is beyond what `_Condition` tests exactly (operators,
    extensions, fuzzy or comparison predicates, other attributes). Not strict: only those it can test,
    which together are a necessary condition for the token to match."""
    if not isinstance(spec, dict):
        return None
    conditions = []
    for key, value in spec.items():
        name = key.upper() if isinstance(key, str) else None
        attr = IDS.get("ORTH" if name == "TEXT" else name)
        found = _attr_conditions(attr, value) if attr in TESTABLE else None
        if found is None and strict:
            return None
        conditions.extend(found or ())
    return conditions


def _is_required(spec: Any) -> bool:
    """A pattern token that every match must use (no "OP")."""
    return isinstance(spec, dict) and not any(isinstance(k, str) and k.upper() == "OP" for k in spec)


def _remember(cache: dict, key: Any, value: Any) -> Any:
    """cache[key] = value, emptying the cache first when it is full (memory stays bounded)."""
    if len(cache) >= MAX_CACHED_VALUES:
        cache.clear()
    cache[key] = value
    return value


class _TokenTests:
    """Numbered tests (lists of conditions) of one token; `passed(values)` is the bit mask of the tests
    that a token with these values of `attrs` passes.

    Per attribute, the mask of the tests whose conditions on it hold is remembered per value. A value
    that no IN / NOT_IN condition lists fails every IN and passes every NOT_IN: only regular
    expressions, if any, need evaluating for it."""

    def __init__(self, tests: list[list[_Condition]], strings):
        self.strings = strings
        self.attrs = sorted({c.attr for test in tests for c in test})
        self.all_tests = (1 << len(tests)) - 1
        self.set_conditions: dict[int, list] = {attr: [] for attr in self.attrs}
        self.regex_conditions: dict[int, list] = {attr: [] for attr in self.attrs}
        self.listed: dict[int, set] = {attr: set() for attr in self.attrs}
        self.unlisted_mask = dict.fromkeys(self.attrs, self.all_tests)
        for t, test in enumerate(tests):
            for c in test:
                clear_bit = ~(1 << t)
                if c.kind == "REGEX":
                    self.regex_conditions[c.attr].append((clear_bit, c))
                    continue
                self.set_conditions[c.attr].append((clear_bit, c))
                self.listed[c.attr] |= c.data
                if c.kind == "IN":
                    self.unlisted_mask[c.attr] &= clear_bit
        self.masks_by_value: dict[int, dict[int, int]] = {attr: {} for attr in self.attrs}

    def passed(self, values: tuple) -> int:
        mask = self.all_tests
        for attr, value in zip(self.attrs, values):
            known = self.masks_by_value[attr]
            mask &= known[value] if value in known else self._learn(attr, value)
        return mask

    def _learn(self, attr: int, value: int) -> int:
        mask = self.unlisted_mask[attr]
        if value in self.listed[attr]:
            mask = self.all_tests
            for clear_bit, condition in self.set_conditions[attr]:
                if not condition.holds(value, self.strings):
                    mask &= clear_bit
        for clear_bit, condition in self.regex_conditions[attr]:
            if not condition.holds(value, self.strings):
                mask &= clear_bit
        return _remember(self.masks_by_value[attr], value, mask)


class _Outcome(NamedTuple):
    """What the single-token rules do to a token that passes a given set of tests."""
    rules: tuple  # the single-token rules it matches, in rule order
    values: list  # per out column, the value they leave (None: untouched)
    checks: int  # the Matcher patterns' checks it passes


class _RulerPlan:
    """How to apply one AttributeRuler's rules: single-token rules by table, the rest by Matcher.

    The tests are the single-token rules' patterns, plus one "check" per required token of each
    Matcher pattern (the conditions on it that `_Condition` can test): only a Doc where some pattern
    has all its checks passed (each by some token) is given to the Matcher, as no other can match."""

    def __init__(self, ruler: AttributeRuler, token_rules: dict[int, list], matcher_rules: list[int]):
        self.ruler = ruler
        self.out_attrs = [attr for attr in SETTABLE if any(attr in attrs for attrs in ruler.attrs)]
        column = {attr: j for j, attr in enumerate(self.out_attrs)}
        self.rule_sets = [[(column[attr], value) for attr, value in attrs.items()] for attrs in ruler.attrs]
        tests, self.rule_of_test = [], []
        for rule, rule_tests in sorted(token_rules.items()):
            tests.extend(rule_tests)
            self.rule_of_test.extend([rule] * len(rule_tests))
        self.checks_mask, self.pattern_checks = 0, []
        for rule in matcher_rules:
            for pattern in ruler.matcher.get(str(rule))[1]:
                mask = 0
                for spec in filter(_is_required, pattern):
                    conditions = _spec_conditions(spec, strict=False)
                    if conditions:
                        mask |= 1 << len(tests)
                        tests.append(conditions)
                self.pattern_checks.append(mask)
                self.checks_mask |= mask
        self.tests = _TokenTests(tests, ruler.vocab.strings)
        self.read_attrs = self.tests.attrs + self.out_attrs
        self.matcher = None
        if matcher_rules:
            self.matcher = type(ruler.matcher)(ruler.vocab, validate=ruler.validate)
            for rule in matcher_rules:
                self.matcher.add(ruler.vocab.strings.add(str(rule)), ruler.matcher.get(str(rule))[1])
        self.outcome_by_values: dict[tuple, int] = {}  # values of the tested attrs -> outcome id
        self.outcome_by_tests: dict[int, int] = {}  # mask of passed tests -> outcome id
        self.outcomes: list[_Outcome] = []
        self._tables: tuple[numpy.ndarray, numpy.ndarray] | None = None

    @classmethod
    def build(cls, ruler: AttributeRuler) -> _RulerPlan | None:
        """The plan, or None when some rule sets a field outside SETTABLE (or no rule sets anything)."""
        if not any(ruler.attrs) or any(attr not in SETTABLE for attrs in ruler.attrs for attr in attrs):
            return None
        token_rules, matcher_rules = {}, []
        for rule in range(len(ruler.attrs)):
            patterns = ruler.matcher.get(str(rule))[1]
            tests = [_spec_conditions(p[0], strict=True) if len(p) == 1 else None for p in patterns]
            if ruler.indices[rule] in (0, -1) and tests and None not in tests:
                token_rules[rule] = tests
            else:
                matcher_rules.append(rule)
        return cls(ruler, token_rules, matcher_rules)

    def apply(self, doc: Doc) -> None:
        if len(doc) == 0:
            return
        table = doc.to_array(self.read_attrs).reshape(len(doc), -1)
        n_tested = len(self.tests.attrs)
        known = self.outcome_by_values
        outcome_ids = [known[key] if key in known else self._learn(key)
                       for key in map(tuple, table[:, :n_tested].tolist())]
        hits = self._matcher_hits(doc, outcome_ids)  # all matched before anything is written, as in spaCy
        before = table[:, n_tested:]
        values, is_set = self._outcome_tables()
        rows = numpy.array(outcome_ids)
        after = numpy.where(is_set[rows], values[rows], before)
        for i, rules in hits.items():
            token_rules = self.outcomes[outcome_ids[i]].rules
            after[i] = self._apply_rules(sorted(rules.union(token_rules)), before[i].tolist())
        doc.from_array(self.out_attrs, after)

    def _learn(self, key: tuple) -> int:
        """The outcome id for a token with these values of the tested attributes."""
        passed = self.tests.passed(key)
        outcome = self.outcome_by_tests.get(passed)
        if outcome is None:
            rules = sorted({rule for t, rule in enumerate(self.rule_of_test) if passed >> t & 1})
            values = self._apply_rules(rules, [None] * len(self.out_attrs))
            outcome = self.outcome_by_tests[passed] = len(self.outcomes)
            self.outcomes.append(_Outcome(tuple(rules), values, passed & self.checks_mask))
            self._tables = None
        return _remember(self.outcome_by_values, key, outcome)

    def _apply_rules(self, rules: Iterable[int], row: list) -> list:
        """`row` after setting the attributes of `rules` in rule order (later rules win)."""
        for rule in rules:
            for j, value in self.rule_sets[rule]:
                row[j] = value
        return row

    def _outcome_tables(self) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Per outcome id, its values per out column (0 where untouched) and whether each is set."""
        if self._tables is None:
            values = numpy.array([[v or 0 for v in o.values] for o in self.outcomes], dtype=numpy.uint64)
            is_set = numpy.array([[v is not None for v in o.values] for o in self.outcomes], dtype=bool)
            self._tables = (values, is_set)
        return self._tables

    def _may_match(self, outcome_ids: list[int]) -> bool:
        """Whether some Matcher pattern has each of its checks passed by some token of the Doc."""
        seen = 0
        for outcome in set(outcome_ids):
            seen |= self.outcomes[outcome].checks
        return any(checks & seen == checks for checks in self.pattern_checks)

    def _matcher_hits(self, doc: Doc, outcome_ids: list[int]) -> dict[int, set]:
        """Token index -> the Matcher rules whose target token it is."""
        hits: dict[int, set] = defaultdict(set)
        if self.matcher is None or not self._may_match(outcome_ids):
            return hits
        strings = self.ruler.vocab.strings
        for match_id, start, end in self.matcher(doc, allow_missing=True):
            rule = int(strings[match_id])
            span = doc[start:end]
            index = self.ruler.indices[rule]
            try:
                token = span[index]
            except IndexError:
                raise ValueError(Errors.E1001.format(
                    patterns=self.ruler.matcher.get(str(rule)), span=[t.text for t in span], index=index)
                ) from None
            hits[token.i].add(rule)
        return hits


class FastAttributeRuler(AttributeRuler):
    """spaCy's AttributeRuler, applied by table for single-token rules (same result, see module doc)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._plan: _RulerPlan | None = None
        self._planned = False

    def add(self, patterns, attrs: dict, index: int = 0) -> None:
        super().add(patterns, attrs, index)
        self._planned = False

    def clear(self) -> None:
        super().clear()
        self._planned = False

    def __call__(self, doc: Doc) -> Doc:
        if not self._planned:
            self._plan, self._planned = _RulerPlan.build(self), True
        if self._plan is None:
            return super().__call__(doc)
        error_handler = self.get_error_handler()
        try:
            self._plan.apply(doc)
            return doc
        except Exception as e:  # noqa: BLE001 - spaCy's error handler decides, as in spaCy's components
            return error_handler(self.name, self, [doc], e)


@Language.factory(FAST_ATTRIBUTE_RULER, default_config={
    "validate": False, "scorer": {"@scorers": "spacy.attribute_ruler_scorer.v1"}})
def make_fast_attribute_ruler(nlp: Language, name: str, validate: bool, scorer: Callable | None):
    return FastAttributeRuler(nlp.vocab, name, validate=validate, scorer=scorer)


# ----------------------------------------------------------------------------------------- lemmatizer

class _WordList(list):
    """A list of words answering `word in words` with a set (spaCy searches its lemma index with `in`)."""

    _words: frozenset | None = None

    def __contains__(self, word: object) -> bool:
        if self._words is None:
            self._words = frozenset(self)
        return word in self._words


def _with_word_sets(lookups: Lookups) -> Lookups:
    """`lookups` with the word lists of its lemma index answering membership tests in constant time."""
    if "lemma_index" not in lookups:
        return lookups
    index = lookups.get_table("lemma_index")
    faster = Lookups()
    for name in lookups.tables:
        faster.set_table(name, lookups.get_table(name))
    faster.set_table("lemma_index", Table(name=index.name, data={
        key: _WordList(words) if isinstance(words, list) else words for key, words in index.items()}))
    return faster


class CachedEnglishLemmatizer(EnglishLemmatizer):
    """spaCy's English lemmatizer remembering the lemma of each (orth, pos, morph) it has computed.

    Its lemma index lists (searched with `in` by spaCy's rule_lemmatize) also answer with a set."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lemma_ids: dict[tuple[int, int, int], int] = {}

    def initialize(self, *args, **kwargs) -> None:
        super().initialize(*args, **kwargs)
        self._tables_loaded()

    def from_disk(self, *args, **kwargs) -> CachedEnglishLemmatizer:
        super().from_disk(*args, **kwargs)
        self._tables_loaded()
        return self

    def from_bytes(self, *args, **kwargs) -> CachedEnglishLemmatizer:
        super().from_bytes(*args, **kwargs)
        self._tables_loaded()
        return self

    def _tables_loaded(self) -> None:
        self.lookups = _with_word_sets(self.lookups)
        self._lemma_ids.clear()

    def __call__(self, doc: Doc) -> Doc:
        # Inside a memory zone new strings are dropped at its end: remembered ids could outlive them.
        if self.mode != "rule" or self.vocab.in_memory_zone:
            return super().__call__(doc)
        if not self._validated:
            self._validate_tables(Errors.E1004)
        error_handler = self.get_error_handler()
        try:
            self._set_lemmas(doc)
            return doc
        except Exception as e:  # noqa: BLE001 - spaCy's error handler decides, as in spaCy's components
            return error_handler(self.name, self, [doc], e)

    def _set_lemmas(self, doc: Doc) -> None:
        if len(doc) == 0:
            return
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = rows[:, 3].copy()
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma and not self.overwrite:
                continue
            lemma_id = self._lemma_ids.get((orth, pos, morph))
            if lemma_id is None:
                lemma_id = self._learn_lemma(doc[i], (orth, pos, morph))
            lemmas[i] = lemma_id
        doc.from_array([LEMMA], lemmas)

    def _learn_lemma(self, token, key: tuple[int, int, int]) -> int:
        lemma_id = self.vocab.strings.add(self.lemmatize(token)[0])
        if key[1]:  # without a POS spaCy warns each time: do not remember those
            if len(self._lemma_ids) >= MAX_CACHED_LEMMAS:
                self._lemma_ids.clear()
            self._lemma_ids[key] = lemma_id
        return lemma_id


@English.factory(CACHED_LEMMATIZER, assigns=["token.lemma"], default_config={
    "model": None, "mode": "rule", "overwrite": False, "scorer": {"@scorers": "spacy.lemmatizer_scorer.v1"}},
    default_score_weights={"lemma_acc": 1.0})
def make_cached_lemmatizer(nlp: Language, model, name: str, mode: str, overwrite: bool,
                           scorer: Callable | None):
    return CachedEnglishLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite, scorer=scorer)


# ------------------------------------------------------------------------------------------- install

def fast_components_config() -> dict:
    """`spacy.load(..., config=...)` overrides building an English pipeline's `attribute_ruler` and
    (rule or lookup) `lemmatizer` with the factories above; their settings and data load as for
    spaCy's own components, and the pipeline saved by `nlp.to_disk` names these factories."""
    return {"components": {"attribute_ruler": {"factory": FAST_ATTRIBUTE_RULER},
                           "lemmatizer": {"factory": CACHED_LEMMATIZER}}}
