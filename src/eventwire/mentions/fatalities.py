"""Reported deaths: how many people a text says were killed (GUIDE fatality conventions).

Rules, with the words in ``data/language/fatality_words.yaml`` and ``number_words.yaml``:

* a number counts only when tied to a death word: victims before a passive/adjectival death word
  ("12 soldiers were killed", "five dead") or after an active one ("killing 3 soldiers and
  2 civilians" -> 5); groups joined by "and"/"," in one clause are summed;
* the lowest credible number: "at least 12" -> 12, "between 5 and 7" / "5-7" -> 5; "up to 20" -> 20
  (the only number the report gives); numbers inside "including 2 commanders" are subsets, not added;
* vague quantities: "a few" 3, "several"/"many"/"numerous" 10, "dozens" 12, "scores" 20,
  "hundreds" 100; a plural group without a number ("soldiers were killed") 10; a singular victim
  ("killing a soldier", "a man was shot dead", "killed him") 1;
* "wounded", "injured", "casualties" are not deaths; a combined "killed and wounded" figure is not
  counted as deaths (the split is unknown);
* "no one was killed", "no casualties" -> 0; an explicit toll ("the death toll rose to 12",
  "Fatalities coded as 3", "split across 2 events (4)") overrides the rest of the text (last one wins);
* groups within one sentence are summed; across the sentences of a longer text the largest
  sentence count is kept (later sentences usually restate or detail the lede; summing them
  double-counts), unless a later sentence says the victims are more ("were also killed",
  "another", "additional"), which adds them.

``count_fatalities`` returns None when no death is mentioned (the event stage maps None -> 0).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from eventwire.mentions.lexicon import alternation, load_language

__all__ = ["count_fatalities", "fatality_mentions", "parse_number"]

_TOKEN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|[A-Za-z]+(?:'[A-Za-z]+)?|[^\sA-Za-z\d]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"“A-Z0-9])|\n+")
# Tokens that end a victim phrase when walking away from the death word.
_BOUNDARY = {
    ".", ";", ":", "(", ")", "[", "]", "\"", "“", "”", "?", "!", "/", "–", "—",
    "when", "where", "after", "while", "following", "which", "who", "whom", "because", "but",
    "during", "that", "as", "since", "before", "until", "although", "though", "if", "whereas",
}
_SUBSET = {"including", "among", "incl", "of"}
_BE = {"was", "were", "is", "are", "been", "being", "be", "have", "has", "had", "got", "get",
       "reportedly", "allegedly", "also", "later", "all", "instantly", "immediately", "both",
       "each", "subsequently", "eventually", "reported", "confirmed", "said", "believed", "to",
       "feared", "left", "found", "shot", "and", "then"}
_NOT_PLURAL = {"his", "this", "was", "has", "its", "is", "as", "us", "yes", "thus", "plus", "bus",
               "gas", "pass", "across", "press", "news", "less", "unless", "whereas", "various",
               "numerous", "previous", "serious", "dangerous", "famous", "process", "access",
               "status", "campus", "census", "series", "always", "towards", "afterwards", "sometimes"}
_ATTEMPT = {"nearly", "almost", "narrowly", "attempted", "tried", "trying", "attempting", "threatened", "threatening",
            "plotting", "planned", "planning", "vowed", "wanted"}
_NOT_OBJECT_START = {"was", "were", "is", "are", "had", "has", "have", "been", "being", "as", "for", "with",
                     "since", "because", "before", "over", "from", "outright", "instantly", "later", "there"}
_ADDITIVE = re.compile(r"(?i)\b(?:also|another|additional|further)\b")
_INJURY = {"wounded", "injured", "hurt", "wounding", "injuring", "maimed"}
_IRREGULAR_PLURALS = {"people", "men", "women", "children", "police", "personnel", "troops",
                      "staff", "militia", "youths", "persons", "folk", "civilians"}


@dataclass(frozen=True)
class _Lex:
    units: dict[str, int]
    tens: dict[str, int]
    scales: dict[str, int]
    vague: dict[str, int]
    vague_rx: re.Pattern[str]
    modifiers_rx: re.Pattern[str]
    death_after: dict[str, tuple[tuple[str, ...], ...]]
    death_before: dict[str, tuple[tuple[str, ...], ...]]
    toll_rx: re.Pattern[str]
    none_rx: re.Pattern[str]
    not_death: set[str]
    singular_det: set[str]
    singular_pron: set[str]
    plural_value: int
    split_rx: re.Pattern[str]
    not_people: frozenset[str]
    toll_regexes: tuple[re.Pattern[str], ...]
    person_nouns: frozenset[str]
    gate: re.Pattern[str]


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    nums = load_language("number_words")
    fw = load_language("fatality_words")
    num = r"(?P<n>\d[\d,]*|[a-z]+(?:[- ][a-z]+)?)"
    return _Lex(
        units={k.lower(): int(v) for k, v in nums["units"].items()},
        tens={k.lower(): int(v) for k, v in nums["tens"].items()},
        scales={k.lower(): int(v) for k, v in nums["scales"].items()},
        vague={k.lower(): int(v) for k, v in nums["vague"].items()},
        vague_rx=re.compile(rf"(?i)^(?:{alternation(list(nums['vague']))})$"),
        modifiers_rx=re.compile(rf"(?i)^(?:{alternation(nums['modifiers'])})$"),
        death_after=_by_first_word(fw["death_after"]),
        death_before=_by_first_word(fw["death_before"]),
        toll_rx=re.compile(rf"(?i)\b(?:{alternation(fw['toll_before'])})\s*(?:at\s+least\s+|about\s+|around\s+|over\s+|nearly\s+)?{num}"),
        none_rx=re.compile(rf"(?i)\b(?:{alternation(fw['none_killed'])})\b"),
        not_death={w.lower() for w in fw["not_death"] if " " not in w},
        singular_det={w.lower() for w in fw["singular_determiners"]},
        singular_pron={w.lower() for w in fw["singular_pronouns"]},
        plural_value=int(fw["plural_without_number"]),
        split_rx=re.compile(rf"(?i){fw['split_pattern']}"),
        not_people=frozenset(w.lower() for w in fw.get("not_people", [])),
        gate=re.compile(r"(?i)\b(?:" + "|".join(sorted(
            {re.escape(p.split()[0]) for p in fw["death_after"] + fw["death_before"] + fw["none_killed"]}
            | {"no", "nobody"}, key=len, reverse=True)) + r")\b"),
        person_nouns=frozenset(w.lower() for w in fw.get("person_nouns", [])),
        toll_regexes=tuple(re.compile(r.replace("NUM", num), re.IGNORECASE) for r in fw["toll_regexes"]),
    )


def parse_number(words: str) -> int | None:
    """Integer value of a written or digit number ("1,200", "twenty-five", "a dozen", "dozens")."""
    lex = _lex()
    w = " ".join(words.lower().replace("-", " ").split())
    if not w:
        return None
    if re.fullmatch(r"\d[\d,]*", w):
        return int(w.replace(",", ""))
    if w in lex.vague:
        return lex.vague[w]
    if w in lex.units and w not in ("no", "a", "an"):
        return lex.units[w]
    total, current, seen = 0, 0, False
    for part in w.split():
        if part == "and":
            continue
        if part in ("a", "an") and not seen:
            current, seen = 1, True
        elif part in lex.units and part not in ("no",):
            current += lex.units[part]
            seen = True
        elif part in lex.tens:
            current += lex.tens[part]
            seen = True
        elif part in lex.scales:
            current = max(current, 1) * lex.scales[part]
            if lex.scales[part] >= 1000:
                total, current = total + current, 0
            seen = True
        else:
            return None
    return total + current if seen else None


@lru_cache(maxsize=1)
def _months() -> frozenset[str]:
    return frozenset(k.lower() for k in load_language("time_words")["months"])


@dataclass(slots=True)
class _Tok:
    text: str
    low: str
    start: int
    end: int


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.group(), m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _number_at(toks: list[_Tok], i: int) -> tuple[int, int, bool] | None:
    """(value, tokens used, explicit) for a number expression starting at token i, else None.

    explicit is False for determiners ("a", "his") that only imply one victim.
    """
    lex = _lex()
    if i >= len(toks):
        return None
    t = toks[i]
    if t.low[0].isdigit():
        # "12-year-old" is an age, "1990s", "9mm" are not counts.
        if i + 2 < len(toks) and toks[i + 1].text == "-" and toks[i + 2].low.startswith(("year", "month", "week", "day")):
            return None
        if i + 1 < len(toks) and toks[i + 1].low in ("year", "years", "km", "kilometres", "kilometers", "miles", "metres", "meters", "percent", "%", "am", "pm", "hours", "minutes", "days", "weeks", "months"):
            return None
        if (i + 1 < len(toks) and toks[i + 1].low in _months()) or (i and toks[i - 1].low in _months()):
            return None  # a date ("9 May", "May 9"), not a count
        if re.fullmatch(r"(?:19|20)\d\d", t.low) and (
            (i + 1 < len(toks) and toks[i + 1].low in (",", ".", ")", ";"))
            or (i and toks[i - 1].low in ("in", "since", "of", "until", "by", "from", "during", "th", "st", "nd", "rd"))
            or (i and toks[i - 1].low[0].isdigit())
        ):
            return None  # a year
        value = int(t.low.replace(",", "")) if re.fullmatch(r"\d[\d,]*", t.low) else None
        if value is None:
            return None
        used = 1
        # "5 to 7", "5-7", "5 or 6" -> lowest
        if i + 2 < len(toks) and toks[i + 1].low in ("-", "to", "or", "–") and toks[i + 2].low[0].isdigit():
            used = 3
        return value, used, True
    # multiword vague quantities first ("a few", "a number of", "dozens of")
    for n in (3, 2, 1):
        phrase = " ".join(x.low for x in toks[i:i + n])
        if len(toks[i:i + n]) == n and lex.vague_rx.match(phrase):
            return lex.vague[phrase], n, True
    # written numbers, possibly hyphenated or with scales ("twenty - five", "one hundred and two")
    j, parts = i, []
    while j < len(toks):
        low = toks[j].low
        if low in lex.units or low in lex.tens or low in lex.scales or (parts and low in ("-", "and")):
            if low in ("a", "an", "no", "his", "her", "the", "another", "both", "pair", "couple") and parts:
                break
            parts.append(low)
            j += 1
            continue
        break
    while parts and parts[-1] in ("-", "and"):
        parts.pop()
        j -= 1
    if parts and j < len(toks) and toks[j].low in ("year", "years", "month", "months") and j + 1 < len(toks) and toks[j + 1].low in ("old", "-"):
        return None  # an age ("a three years old girl")
    if parts:
        if parts[0] in ("a", "an") and len(parts) == 1:
            # "a dozen" handled by units; plain "a" is a determiner
            return 1, 1, False
        if parts[0] == "no" and len(parts) == 1:
            return 0, 1, True
        value = parse_number(" ".join(p for p in parts if p != "-"))
        if value is not None:
            return value, j - i, True
    if t.low in lex.singular_det:
        return 1, 1, False
    return None


def _by_first_word(phrases: list[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Phrases indexed by their first word, longest first."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for p in sorted((tuple(x.lower().split()) for x in phrases), key=len, reverse=True):
        index.setdefault(p[0], []).append(p)
    return {k: tuple(v) for k, v in index.items()}


def _match_phrase(toks: list[_Tok], i: int, index: dict[str, tuple[tuple[str, ...], ...]]) -> int:
    """Length in tokens of the longest phrase (from an index by first word) matching at token i."""
    if i >= len(toks):
        return 0
    for p in index.get(toks[i].low, ()):
        if tuple(x.low for x in toks[i:i + len(p)]) == p:
            return len(p)
    return 0


def _is_plural_noun(low: str) -> bool:
    if low in _IRREGULAR_PLURALS:
        return True
    return len(low) > 3 and low.endswith("s") and not low.endswith("ss") and low not in _NOT_PLURAL and low.isalpha()


def _conjunct_value(toks: list[_Tok], lo: int, hi: int, after_verb: bool = False) -> tuple[int, int, int, str] | None:
    """Value of one victim conjunct toks[lo:hi]: (value, start_tok, end_tok, kind).

    kind: "number" (digits/words/vague), "det" (a/his: one victim), "plural" (no number), "pron".
    """
    lex = _lex()
    best_det = None
    k = lo
    while k < hi:
        if toks[k].low in _SUBSET:
            break  # "including 2 commanders", "2 of the 5": later numbers are subsets
        if lex.modifiers_rx.match(toks[k].low) or (k + 1 < hi and lex.modifiers_rx.match(f"{toks[k].low} {toks[k + 1].low}")):
            k += 1
            continue
        num = _number_at(toks, k)
        if num is not None:
            value, used, explicit = num
            if explicit:
                return value, k, k + used, "number"
            if best_det is None and k == lo:
                best_det = (value, k, k + used)  # a determiner counts only when it opens the group
            k += used
            continue
        k += 1
    if best_det is not None:
        # A determiner counts one victim only when its noun is singular.
        words = [t.low for t in toks[best_det[2]:hi] if t.low.isalpha()]
        if words and not _is_plural_noun(words[-1]):
            return (*best_det, "det")
        if words and _is_plural_noun(words[-1]):
            return lex.plural_value, best_det[1], hi, "plural"
        return None
    words = [t.low for t in toks[lo:hi] if t.low.isalpha() and t.low not in _BE]
    if words and _is_plural_noun(words[-1]):
        return lex.plural_value, lo, hi, "plural"
    if words and words[0] in lex.singular_pron:
        return 1, lo, hi, "pron"
    # a bare singular person noun or a name: "Lawyer killed at her home", "gunmen kill official"
    if words and len(words) <= 5 and (words[-1] in lex.person_nouns or (
            toks[lo].text[:1].isupper() and all(t.text[:1].isupper() for t in toks[lo:hi] if t.low.isalpha())
            and after_verb)):
        return 1, lo, hi, "bare"
    return None


def _split_conjuncts(toks: list[_Tok], lo: int, hi: int) -> list[tuple[int, int]]:
    out, s = [], lo
    for k in range(lo, hi):
        if toks[k].low == "and" and k >= 2 and toks[k - 2].low == "between":
            continue  # "between 5 and 7": a range, the lowest number is kept
        if toks[k].low in ("and", ",", "&", "plus") or (toks[k].low == "as" and k + 1 < hi and toks[k + 1].low == "well"):
            if s < k:
                out.append((s, k))
            s = k + 1
    if s < hi:
        out.append((s, hi))
    return out


def _subject_before(toks: list[_Tok], i: int) -> tuple[int, int]:
    """(start, end) tokens of the victim phrase before the death word at i.

    An apposition right before the verb ("1 child, a shepherd, was killed") is left out.
    """
    lex = _lex()
    k = i - 1
    # skip the verb chain: "was", "were reportedly", "was kidnapped and", "were shot and"
    while k >= 0 and (toks[k].low in _BE or (toks[k].low.endswith(("ed", "en", "shot")) and toks[k].low not in _INJURY
                                             and k + 1 < i and toks[k + 1].low == "and")):
        k -= 1
    end = k + 1
    if k >= 0 and toks[k].low == ",":
        # skip back over an apposition to the comma that opens it
        j = k - 1
        while j >= 0 and k - j <= 8 and toks[j].low not in (",", ".", ";"):
            j -= 1
        if j >= 0 and toks[j].low == ",":
            k, end = j - 1, j
    lo = end
    steps = 0
    while k >= 0 and steps < 14:
        low = toks[k].low
        if low == ")":
            # skip a short parenthesis ("Kenya Police Reservists (KPR) were killed")
            j = k - 1
            while j >= 0 and k - j <= 6 and toks[j].low not in ("(", ")"):
                j -= 1
            if j >= 0 and toks[j].low == "(":
                k = j - 1
                continue
        if low == "-" and k > 0 and toks[k - 1].end < toks[k].start:
            break  # a spaced dash separates clauses; "twenty-five", "2-5" do not
        if low in _BOUNDARY or low in lex.not_death or _match_phrase(toks, k, lex.death_after) or _match_phrase(toks, k, lex.death_before):
            break
        if low == ",":
            # continue through a list of numbered groups ("3 soldiers, 2 police and ...")
            q = k + 2 if k + 2 < len(toks) and toks[k + 1].low == "and" else k + 1
            nxt = _number_at(toks, q) if q < len(toks) else None
            if not (nxt and nxt[2]) or k == 0 or not toks[k - 1].low.isalpha():
                break
        lo = k
        k -= 1
        steps += 1
    return lo, end


def _object_after(toks: list[_Tok], j: int) -> int:
    """End token (exclusive) of the victim phrase starting at j after an active death verb."""
    lex = _lex()
    k = j
    while k < len(toks) and (lex.modifiers_rx.match(toks[k].low) or (k + 1 < len(toks) and lex.modifiers_rx.match(f"{toks[k].low} {toks[k + 1].low}"))):
        k += 2 if not lex.modifiers_rx.match(toks[k].low) else 1
    while k < len(toks) and k - j < 16:
        low = toks[k].low
        if low in _BOUNDARY or low in lex.not_death or low in ("in", "on", "at", "near", "by", "with", "from", "inside", "outside", "across", "within", "into", "during", "while"):
            break
        if low == "and" and k + 1 < len(toks) and toks[k + 1].low in lex.not_death:
            break
        if low == "," and not (k + 1 < len(toks) and (((x := _number_at(toks, k + 1)) and x[2]) or toks[k + 1].low == "and")):
            break
        k += 1
    return k


def _values(toks: list[_Tok], conjuncts: list[tuple[int, int]], numbers_only: bool,
            after_verb: bool = False) -> list[tuple[int, int, int, str]]:
    """Victim counts of coordinated groups; an unnumbered plural group is dropped when others are counted."""
    vals = [v for a, b in conjuncts if (v := _conjunct_value(toks, a, b, not numbers_only and after_verb)) is not None
            and not _not_people_in(toks, a, b)]
    if any(_not_people_in(toks, a, b) for a, b in conjuncts):
        vals = [v for v in vals if v[3] == "number"]
    if numbers_only:
        vals = [v for v in vals if v[3] == "number"]
    if any(v[3] != "plural" for v in vals):
        vals = [v for v in vals if v[3] != "plural"]
    if any(v[3] == "number" for v in vals):
        # "1 religious scholar and teacher": a bare noun next to a counted group is the same person
        vals = [v for v in vals if v[3] != "bare"]
    return vals


def _not_people_in(toks: list[_Tok], a: int, b: int) -> bool:
    nonhuman = _lex().not_people
    return any(t.low in nonhuman for t in toks[a:b])


def _sentence_mentions(text: str, offset: int) -> list[tuple[int, int, int, str]]:
    lex = _lex()
    if not lex.gate.search(text):
        return []  # no death word at all: skip tokenising
    toks = _tokens(text)
    used: set[int] = set()
    out: list[tuple[int, int, int, str]] = []

    def emit(lo: int, hi: int, value: int, a: int, b: int) -> None:
        if any(x in used for x in range(lo, hi)):
            return
        used.update(range(lo, hi))
        s, e = toks[min(lo, a)].start, toks[max(hi, b) - 1].end
        out.append((offset + s, offset + e, value, text[s:e]))

    for m in lex.none_rx.finditer(text):
        out.append((offset + m.start(), offset + m.end(), 0, m.group()))
        used.update(k for k, t in enumerate(toks) if t.start < m.end() and t.end > m.start())
    i = 0
    while i < len(toks):
        n_before = _match_phrase(toks, i, lex.death_before)
        n_after = _match_phrase(toks, i, lex.death_after)
        if not (n_before or n_after):
            i += 1
            continue
        n = max(n_before, n_after)
        nxt = [t.low for t in toks[i + n:i + n + 2]]
        prev = toks[i - 1].low if i else ""
        # "killed and wounded", "wounded and killed": a combined casualty figure, not deaths
        combined = (nxt[:1] in (["and"], ["or"]) and len(nxt) > 1 and nxt[1] in _INJURY) or (
            prev in ("and", "or") and i >= 2 and toks[i - 2].low in _INJURY)
        if combined or prev in _ATTEMPT or (i >= 2 and toks[i - 2].low in _ATTEMPT and prev == "to"):
            i += n
            continue
        passive = i > 0 and toks[i - 1].low in ("was", "were", "been", "being", "is", "are", "be", "reportedly", "allegedly")
        found: list[tuple[int, int, int, str]] = []
        if n_before and not passive:
            j = i + n_before
            if j < len(toks) and toks[j].low not in _NOT_OBJECT_START and toks[j].low not in ("of", "and", "or", ",", "in", "on", "by", "during", "near", "when", "after", "while", "."):
                found = _values(toks, _split_conjuncts(toks, j, _object_after(toks, j)), False, after_verb=True)
        if not found and (n_after or (n_before and toks[i + n_before - 1].low.endswith(("ed", "dead")))) and not (
                toks[i].low in ("death", "deaths") and nxt[:1] == ["of"]):
            lo, end = _subject_before(toks, i)
            noun_like = toks[i].low in ("deaths", "fatalities", "fatality", "death", "bodies", "lives")
            found = _values(toks, _split_conjuncts(toks, lo, end), noun_like)
        for value, s, e, _kind in found:
            emit(s, e, value, i, i + n)
        i += n
    return sorted(out)


def _sentences(text: str) -> list[tuple[int, str]]:
    out, start = [], 0
    for m in _SENTENCE.finditer(text):
        out.append((start, text[start:m.start()]))
        start = m.end()
    out.append((start, text[start:]))
    return [(s, t) for s, t in out if t.strip()]


def fatality_mentions(text: str) -> list[tuple[int, int, int, str]]:
    """Death counts in ``text`` as (start, end, number, phrase), character offsets into ``text``."""
    lex = _lex()
    out: list[tuple[int, int, int, str]] = []
    for s, sent in _sentences(text):
        out += _sentence_mentions(sent, s)
    for rx in (lex.toll_rx, *lex.toll_regexes):
        for m in rx.finditer(text):
            value = parse_number(m.group("n"))
            if value is not None:
                out.append((m.start(), m.end(), value, m.group()))
    return sorted(out)


def _explicit_total(text: str) -> int | None:
    lex = _lex()
    found: list[tuple[int, int]] = []
    for rx in lex.toll_regexes:
        for m in rx.finditer(text):
            value = parse_number(m.group("n"))
            if value is not None:
                found.append((m.start(), value))
    for m in lex.toll_rx.finditer(text):
        value = parse_number(m.group("n"))
        if value is not None:
            found.append((m.start(), value))
    for m in lex.split_rx.finditer(text):
        found.append((m.start(), int(m.group(1))))
    if not found:
        return None
    return max(found)[1]


def count_fatalities(text: Any) -> int | None:
    """Deaths reported in ``text`` (str or spaCy Span/Doc); None when no death is mentioned."""
    text = text if isinstance(text, str) else text.text
    explicit = _explicit_total(text)
    if explicit is not None:
        return explicit
    lex = _lex()
    total: int | None = None
    for s, sent in _sentences(text):
        mentions = _sentence_mentions(sent, s)
        if not mentions:
            continue
        value = sum(m[2] for m in mentions)
        if total is None:
            total = value
        elif _ADDITIVE.search(sent):
            total += value  # "3 militants were also killed": more victims, not a restatement
        else:
            total = max(total, value)
    if total is None and lex.none_rx.search(text):
        return 0
    return total
