"""Time expressions: find them in text and resolve them against the publication date.

Conventions (GUIDE "Conventions where ACLED leaves room"):

* ``time_precision`` 1 = exact day, 2 = within a week (date = the middle of that week),
  3 = within a month (date = the 15th, or the first/last day when the text says beginning/end).
* "on Friday" is the most recent Friday on or before publication (publication day included);
  "last Friday" is the most recent Friday strictly before publication; "next Friday" is future.
* A day and month without a year ("On 27 November") takes the most recent such day on or before
  publication; a month alone ("in July") the most recent such month (previous year when the month
  is after the publication month).
* "As reported on 21 March 2020", "On or before 3 May" keep the date but widen it to precision 2.
* A day range ("6-7 August", "between 3 and 5 May") is dated to its first day (ACLED's practice for
  events spanning days) with precision 1 for two consecutive days, 2 up to a week, 3 beyond.
* At equal precision an explicit date beats a weekday or relative phrase ("on Sunday [5 April]").
* A year alone earlier than the publication year ("in 2014") is ``kind="past_year"``, dated 1 July
  of that year with precision 3, so the event stage drops it (history is never today's event).
* A month resolved from publication ("earlier this month", "in July" in a July article) is never
  dated after the publication day (the 15th becomes the publication day when that is earlier).
* Future phrases ("tomorrow", "next week") are ``kind="future"`` with no date.
* Without a publication date only expressions that carry their own year resolve.

Detection is regex-first (fast, offsets exact); ``dateparser`` is only a fallback of
:func:`parse_published` for unusual publication-date formats.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from eventwire.model import DateMention
from eventwire.mentions.lexicon import alternation, load_language

__all__ = ["find_dates", "resolve_event_date"]

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}


@dataclass(frozen=True)
class _Patterns:
    lookback: re.Pattern[str]
    month_gate: re.Pattern[str]
    explicit: list[tuple[str, re.Pattern[str]]]
    relative: list[tuple[str, re.Pattern[str]]]
    months: dict[str, int]
    weekdays: dict[str, int]
    words: dict[str, Any]


def _titled(names: list[str]) -> str:
    """Alternation matching capitalised or upper-case forms only (so "may" the verb is not May)."""
    forms: list[str] = []
    for name in names:
        forms += [name.capitalize(), name.upper()]
    return alternation(forms)


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    words = load_language("time_words")
    months = {k.lower(): int(v) for k, v in words["months"].items()}
    weekdays_all = {k.lower(): int(v) for k, v in words["weekdays"].items()}
    full_weekdays = [k for k in weekdays_all if len(k) > 4]

    mon = rf"(?P<mon>{_titled(list(months))})\.?"
    longest: dict[int, str] = {}
    for name_, num in months.items():
        if len(name_) > len(longest.get(num, "")):
            longest[num] = name_
    mon_full = rf"(?P<mon>{_titled(list(longest.values()))})"
    wd_prefix = ""
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
    day1 = r"(?P<day1>[0-3]?\d)(?:st|nd|rd|th)?"
    year = r"(?P<year>(?:19|20)\d\d)(?![\d,.]\d)"
    approx = alternation(words.get("approximate_date_prefixes", []))
    pre = ""  # prefixes are read by looking back from a match (fast: no optional group at the start)
    lookback = re.compile(
        rf"(?:\b(?P<approx>(?i:{approx}))\s+(?:the\s+)?)?(?:\b(?i:between|from)\s+)?"
        rf"(?:\b(?:{_titled(full_weekdays)}),?\s+(?:the\s+)?)?$"
    )
    rng = r"\s*(?:-|–|—|to|and|&|until|through)\s*"

    explicit = [
        # 6-7 August 2019 / between 3 and 5 May
        ("range_dm", rf"{pre}{wd_prefix}\b{day1}{rng}{day}(?:\s+of)?[\s-]+{mon}(?:,?\s+{year})?\b"),
        # August 6-7, 2019 / from March 3rd - 5th
        ("range_md", rf"{pre}{wd_prefix}\b{mon}\s+{day1}{rng}{day}\b(?:,?\s+{year}\b)?"),
        # 21 July 2017 / Friday, 21st of July, 2017 / 01-January-2015
        ("dmy", rf"{pre}{wd_prefix}\b{day}(?:\s+of)?[\s-]+{mon}[\s,-]+{year}\b"),
        # July 21, 2017 / December 31 2019
        ("mdy", rf"{pre}{wd_prefix}\b{mon}\s+{day}(?:,\s*|\s+){year}\b"),
        # 2017-07-21
        ("iso", rf"{pre}\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]?\d)-(?P<day>[0-3]?\d)\b"),
        # 21/07/2017, 21.07.2017, 21-07-2017 (day first unless impossible)
        ("numeric", rf"{pre}\b(?P<a>[0-3]?\d)[/.-](?P<b>[01]?\d)[/.-](?P<year>(?:19|20)\d\d)\b"),
        # 21 July / July 21st (year from publication)
        ("dm", rf"{pre}{wd_prefix}\b{day}(?:\s+of)?\s+{mon}\b"),
        ("md", rf"{pre}{wd_prefix}\b{mon}\s+{day}\b(?!\s*(?:-|:|\d))"),
        # 15/04 (day/month, year from publication); only after "on"
        ("numeric_dm", rf"(?i:\b(?:on|of)\s+(?:the\s+)?(?:evening\s+of\s+|morning\s+of\s+|night\s+of\s+)?){pre}\b(?P<a>[0-3]?\d)/(?P<b>[01]?\d)\b(?![/.]\d)"),
        # in July 2017 / early July 2017 / end of July, 2017
        ("my", rf"(?:(?P<pos>(?i:{_position_alternation(words)}))[\s-]*)?\b{mon_full},?\s+{year}\b"),
        # in July / Earlier in July / early July / mid-July / last July
        ("month", rf"(?P<cue>(?i:{_position_alternation(words)}|in|during|since|last|this|of|on|from|until))[\s-]*\b{mon_full}\b(?!\s*\d)"),
    ]
    relative = [
        ("days_ago", r"(?i)\b(?P<n>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?P<unit>days?|weeks?|months?)\s+ago\b"),
        ("future", rf"(?i)\b(?:{alternation(words['future'])})\b"),
        ("rel_day", rf"(?i)\b(?:early\s+|late\s+)?(?P<phrase>{alternation(list(words['relative_days']))})\b"),
        ("rel_week", rf"(?i)\b(?P<phrase>{alternation(list(words['relative_weeks']))})\b"),
        ("rel_month", rf"(?i)\b(?P<phrase>{alternation(list(words['relative_months']))})\b"),
        ("weekday", rf"(?P<q>(?i:last|this\s+past|this|next|early\s+on|late\s+on|early|late|on|since|by)\s+)?\b(?P<wd>{_titled(full_weekdays)})\b(?:'s)?(?:\s+(?P<part>(?i:{alternation(words['day_parts'])})))?"),
        ("year", r"(?i:\b(?P<cue>in|during|since|back\s+in|by|until|from|of)\s+(?:(?:early|late|mid)[\s-]+)?)(?P<year>(?:19|20)\d\d)\b(?![\d,.]\d|\s*(?:-|to)\s*\d)(?!\s+(?:people|militants|fighters|soldiers|troops|refugees|civilians|houses|families|km|kilometres|kilometers|metres|meters|miles))"),
    ]
    return _Patterns(
        lookback=lookback,
        month_gate=re.compile(rf"\b(?:{_titled(list(months))})\b|\d[/.-]\d"),
        explicit=[(n, re.compile(p)) for n, p in explicit],
        relative=[(n, re.compile(p)) for n, p in relative],
        months=months,
        weekdays=weekdays_all,
        words=words,
    )


def _position_alternation(words: dict[str, Any]) -> str:
    return alternation(words["month_start"] + words["month_end"] + words["month_mid"] + ["earlier in", "later in"])


def _position(cue: str | None, words: dict[str, Any]) -> str:
    if not cue:
        return "mid"
    c = " ".join(cue.lower().replace("-", " ").split())
    if c in {" ".join(x.replace("-", " ").split()) for x in words["month_start"]}:
        return "start"
    if c in {" ".join(x.replace("-", " ").split()) for x in words["month_end"]}:
        return "end"
    return "mid"


def _month_date(year: int, month: int, position: str) -> dt.date:
    if position == "start":
        return dt.date(year, month, 1)
    if position == "end":
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date(year, month, 15)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year_for(month: int, day: int, published: dt.date | None) -> int | None:
    """Most recent year in which (month, day) falls on or before publication (1 day tolerance)."""
    if published is None:
        return None
    cand = _safe_date(published.year, month, day) or _safe_date(published.year, month, 28)
    if cand is not None and cand > published + dt.timedelta(days=1):
        return published.year - 1
    return published.year


def _week_middle(monday: dt.date, published: dt.date | None) -> dt.date:
    mid = monday + dt.timedelta(days=3)
    if published is not None and mid > published:
        return max(monday, published)
    return mid


def _range_precision(span_days: int) -> int:
    return 1 if span_days <= 1 else 2 if span_days <= 7 else 3


def _explicit(name: str, m: re.Match[str], published: dt.date | None, pat: _Patterns,
              approx: bool = False) -> tuple[dt.date | None, int, str] | None:
    """(date, precision, kind) for an explicit pattern match, or None when the match is not a date."""
    g = m.groupdict()
    month = pat.months.get(g["mon"].lower().rstrip(".")) if g.get("mon") else None
    if name in ("dmy", "mdy"):
        d = _safe_date(int(g["year"]), month, int(g["day"]))
        return (d, 2 if approx else 1, "explicit") if d else None
    if name == "iso":
        d = _safe_date(int(g["year"]), int(g["month"]), int(g["day"]))
        return (d, 2 if approx else 1, "explicit") if d else None
    if name in ("numeric", "numeric_dm"):
        a, b = int(g["a"]), int(g["b"])
        day_, mon_ = (a, b) if b <= 12 else (b, a)
        year = int(g["year"]) if g.get("year") else _year_for(mon_, day_, published)
        if year is None:
            return (None, 1, "explicit") if _safe_date(2000, mon_, day_) else None
        d = _safe_date(year, mon_, day_)
        return (d, 2 if approx else 1, "explicit") if d else None
    if name in ("dm", "md"):
        day_ = int(g["day"])
        if not 1 <= day_ <= 31:
            return None
        year = _year_for(month, day_, published)
        if year is None:
            return (None, 1, "explicit") if _safe_date(2000, month, day_) else None
        d = _safe_date(year, month, day_)
        return (d, 2 if approx else 1, "explicit") if d else None
    if name in ("range_dm", "range_md"):
        d1, d2 = int(g["day1"]), int(g["day"])
        if not (1 <= d1 < d2 <= 31):
            return None
        year = int(g["year"]) if g.get("year") else _year_for(month, d1, published)
        if year is None:
            return (None, 1, "explicit")
        d = _safe_date(year, month, d1)
        if d is None:
            return None
        return d, max(_range_precision(d2 - d1), 2 if approx else 1), "explicit"
    if name == "my":
        return _month_date(int(g["year"]), month, _position(g.get("pos"), pat.words)), 3, "explicit"
    if name == "month":
        cue = (g.get("cue") or "").lower()
        if published is None:
            return None, 3, "relative"
        year = published.year if month <= published.month else published.year - 1
        if cue == "last" and month >= published.month:
            year = published.year - 1
        return min(_month_date(year, month, _position(cue, pat.words)), published), 3, "relative"
    return None


def _relative(name: str, m: re.Match[str], published: dt.date | None, pat: _Patterns) -> tuple[dt.date | None, int, str] | None:
    g = m.groupdict()
    words = pat.words
    if name == "future":
        return None, 1, "future"
    if name == "days_ago":
        n_raw = g["n"].lower()
        n = int(n_raw) if n_raw.isdigit() else _NUMBER_WORDS[n_raw]
        unit = g["unit"].lower().rstrip("s")
        if published is None:
            return None, 1, "relative"
        if unit == "day":
            return published - dt.timedelta(days=n), 1, "relative"
        if unit == "week":
            return published - dt.timedelta(days=7 * n), 2, "relative"
        y, mth = divmod(published.year * 12 + published.month - 1 - n, 12)
        return dt.date(y, mth + 1, 15), 3, "relative"
    if name == "rel_day":
        offset = _lookup(words["relative_days"], g["phrase"])
        if published is None or offset is None:
            return None, 1, "relative"
        return published + dt.timedelta(days=int(offset)), 1, "relative"
    if name == "rel_week":
        which = _lookup(words["relative_weeks"], g["phrase"])
        if published is None:
            return None, 2, "relative"
        monday = published - dt.timedelta(days=published.weekday())
        if which == "previous":
            return monday - dt.timedelta(days=4), 2, "relative"
        if which == "current":
            return _week_middle(monday, published), 2, "relative"
        if which == "weekend":
            back = (published.weekday() - 5) % 7
            return published - dt.timedelta(days=back), 2, "relative"
        return published - dt.timedelta(days=3), 2, "relative"  # past7: middle of the last 7 days
    if name == "rel_month":
        back = _lookup(words["relative_months"], g["phrase"])
        if back is None:
            return None, 3, "relative"
        if published is None:
            return None, 3, "relative"
        y, mth = divmod(published.year * 12 + published.month - 1 - int(back), 12)
        return min(dt.date(y, mth + 1, 15), published), 3, "relative"
    if name == "weekday":
        q = " ".join((g.get("q") or "").lower().split())
        target = pat.weekdays[g["wd"].lower()]
        if q == "next":
            return None, 1, "future"
        if published is None:
            return None, 1, "weekday"
        back = (published.weekday() - target) % 7
        if q in ("last", "this past") and back == 0:
            back = 7
        return published - dt.timedelta(days=back), 1, "weekday"
    if name == "year":
        year = int(g["year"])
        if published is None or year > published.year:
            return None, 3, "year"
        if year < published.year:
            return dt.date(year, 7, 1), 3, "past_year"
        return None, 3, "year"
    return None


def _lookup(table: dict[str, Any], phrase: str) -> Any:
    return table.get(" ".join(phrase.lower().split()))


def find_dates(text: str, published: dt.date | None = None) -> list[DateMention]:
    """All time expressions in ``text`` (character offsets), resolved against ``published``.

    Unresolvable expressions are kept with ``date=None`` so callers can see them.
    """
    return list(_find_dates(text, published))


@lru_cache(maxsize=1024)
def _find_dates(text: str, published: dt.date | None) -> tuple[DateMention, ...]:
    """find_dates, remembered: modality and the event date read the same sentence (DateMention is
    immutable)."""
    pat = _patterns()
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    groups = [(pat.relative, _relative)]
    if pat.month_gate.search(text):
        groups.insert(0, (pat.explicit, _explicit))
    for group, resolver in groups:
        for name, rx in group:
            for m in rx.finditer(text):
                s, e = m.span()
                # Trim leading whitespace captured by optional prefixes.
                while s < e and text[s].isspace():
                    s += 1
                if s >= e or not free(s, e):
                    continue
                if resolver is _explicit:
                    back = pat.lookback.search(text, max(0, s - 60), s)
                    approx = bool(back and back.group("approx"))
                    if back and back.start() < s and free(back.start(), e):
                        s = back.start()
                    res = _explicit(name, m, published, pat, approx)
                else:
                    res = resolver(name, m, published, pat)
                if res is None:
                    continue
                date, precision, kind = res
                taken.append((s, e))
                found.append(DateMention(s, e, text[s:e], date, precision, kind))
    found.sort(key=lambda d: d.start)
    return tuple(found)


_SINCE_BEFORE = re.compile(r"\bsince\s+(?:(?:early|late|mid)[\s-]+)?$", re.IGNORECASE)


def resolve_event_date(sentence_text: Any, published: dt.date | None, default: DateMention | None = None) -> DateMention | None:
    """The date that applies to the event in one sentence (``str`` or spaCy ``Span``).

    Preference: a resolved present-tense mention with the finest precision (first one on ties);
    otherwise a ``past_year`` mention (so the caller can drop it as history); otherwise a
    ``future`` mention; otherwise ``default`` (e.g. the article's previous date or None).
    """
    text = sentence_text if isinstance(sentence_text, str) else sentence_text.text
    mentions = find_dates(text, published)
    # "divided since July 2012": the month or year a state began is not when the event happened
    current = [d for d in mentions if d.date is not None and d.kind not in ("past_year", "future")
               and not (d.time_precision >= 3 and _SINCE_BEFORE.search(text, 0, d.start))]
    if current:
        return min(current, key=lambda d: (d.time_precision, d.kind != "explicit", d.start))
    for kind in ("past_year", "future"):
        for d in mentions:
            if d.kind == kind:
                return d
    return default


