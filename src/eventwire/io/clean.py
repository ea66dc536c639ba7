"""Cleaning article text and reading its dateline.

`clean_text` returns the text that becomes `Article.text`: every later offset (evidence, mentions)
points into it, so cleaning happens once, here, before anything else looks at the text.
`parse_dateline` only *reports* the dateline ("DAMASCUS (Press Shia Agency) –"); it never removes it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path


from eventwire.datafiles import load_yaml

__all__ = ["Boilerplate", "load_boilerplate", "clean_text", "parse_dateline"]


@dataclass(frozen=True)
class Boilerplate:
    """Compiled boilerplate patterns (see data/boilerplate.yaml)."""

    line: tuple[re.Pattern[str], ...]
    inline: tuple[re.Pattern[str], ...]
    max_line_chars: int = 200

    @property
    def line_any(self) -> re.Pattern[str]:
        """All line patterns as one alternation (one regex pass per line)."""
        return _alternation(self.line)


@lru_cache(maxsize=16)
def _alternation(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    if not patterns:
        return re.compile(r"(?!)")
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)


def _compile(data: dict) -> tuple[list[re.Pattern[str]], list[re.Pattern[str]], int | None]:
    line = [re.compile(rf"(?:{p})", re.IGNORECASE) for p in data.get("line") or []]
    inline = [re.compile(p, re.IGNORECASE) for p in data.get("inline") or []]
    return line, inline, data.get("max_line_chars")


@lru_cache(maxsize=8)
def load_boilerplate(extra_path: str | None = None) -> Boilerplate:
    """Load the packaged patterns, plus a user's YAML file with the same keys when given."""
    text = resources.files("eventwire.data").joinpath("boilerplate.yaml").read_text(encoding="utf-8")
    line, inline, max_chars = _compile(load_yaml(text) or {})
    if extra_path:
        extra = load_yaml(Path(extra_path).read_text(encoding="utf-8")) or {}
        more_line, more_inline, more_max = _compile(extra)
        line += more_line
        inline += more_inline
        max_chars = more_max or max_chars
    return Boilerplate(tuple(line), tuple(inline), int(max_chars or 200))


# Characters that only get in the way: zero-width marks and soft hyphens are dropped; exotic
# spaces become plain spaces.
_DROP = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u3000\t\v\f"), " ")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SPACE_RUN = re.compile(r" {2,}")


def clean_text(text: str, boilerplate: Boilerplate | None = None) -> str:
    """Normalise an article body; the result is `Article.text`.

    - Unicode NFC; newlines to "\\n" (also U+2028/U+2029 and NEL); exotic spaces to " ";
      zero-width characters, soft hyphens and control characters dropped;
    - whole boilerplate lines dropped (share/subscribe/cookies/"Read more"/copyright/photo credits
      ...) and inline photo credits removed, following data/boilerplate.yaml;
    - trailing spaces trimmed, runs of spaces collapsed, at most one blank line between paragraphs,
      no leading/trailing blank lines.
    The dateline is kept.
    """
    bp = boilerplate or load_boilerplate()
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\x85", "\n")
    text = text.translate(_DROP).translate(_SPACES)
    text = _CONTROL.sub("", text)

    line_any = bp.line_any
    out: list[str] = []
    for raw in text.split("\n"):
        line = _SPACE_RUN.sub(" ", raw).strip()
        if line and len(line) <= bp.max_line_chars and line_any.fullmatch(line):
            continue
        for pattern in bp.inline:
            line = pattern.sub("", line)
        line = line.strip()
        if not line:
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


# --- datelines -------------------------------------------------------------------------------

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?)"
# An upper-case place word: "DAMASCUS", "AL-QAIM", "ST.", "N'DJAMENA", "GAZA", "BEIRUT/AMMAN".
_CAPS_WORD = r"[A-Z][A-Z'’.\-]*[A-Z.](?:/[A-Z][A-Z'’.\-]*[A-Z])*"
_TITLE_WORD = r"(?:al-|el-|ad-|as-|ar-)?[A-Z][a-zA-Z'’.\-]*[a-z.]"
_CAPS_PLACE = rf"{_CAPS_WORD}(?:\s+{_CAPS_WORD}){{0,3}}"
_TITLE_PLACE = rf"{_TITLE_WORD}(?:\s+(?:{_TITLE_WORD}|al|el|de|of)){{0,3}}"
_REGION = rf"(?:{_TITLE_PLACE}|{_CAPS_PLACE})"
_DASH = r"(?:--|[-–—―:])"

_DATELINE = re.compile(
    rf"""
    (?P<place>{_CAPS_PLACE}|{_TITLE_PLACE})           # DAMASCUS / Maiduguri
    (?P<region>,\s*{_REGION})?                        # , Somalia / , Nigeria
    (?P<date>,?\s*{_DATE})?                           # , July 21
    (?:,?\s*\((?P<paren>[^()\n]{{1,60}})\))?            # (Reuters) / (Feb. 4, 2014)
    \s*(?P<dash>{_DASH})\s+
    """,
    re.VERBOSE,
)
_PAREN_DATE = re.compile(rf"^\s*(?:{_DATE}|\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}})\s*$")
_NOT_PLACES = {"UPDATE", "UPDATED", "BREAKING", "EXCLUSIVE", "ANALYSIS", "OPINION", "WATCH", "VIDEO",
               "PHOTOS", "LIVE", "EDITORIAL", "COMMENT", "NOTE", "CORRECTION", "URGENT", "FLASH"}


def _title_case(place: str) -> str:
    """Title-case the upper-case words of a place as written ("GAZA CITY" -> "Gaza City")."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if not word.isupper() or len(word) <= 1:
            return word
        return re.sub(r"[A-Z]+", lambda m: m.group(0)[0] + m.group(0)[1:].lower(), word)

    return re.sub(r"[^\s,/\-]+", fix, place)


def parse_dateline(text: str, max_lines: int = 3) -> tuple[str | None, str | None, int]:
    """Find a dateline at the start of one of the first `max_lines` non-empty lines.

    Returns (place, outlet, body_start): place title-cased as written ("Damascus",
    "Mogadishu, Somalia"), outlet from the parentheses ("Reuters") unless they hold a date, and the
    offset in `text` where the body starts after the dash. (None, None, 0) when there is none.
    """
    pos = 0
    seen = 0
    while pos < len(text) and seen < max_lines:
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end]
        if line.strip():
            seen += 1
            lead = len(line) - len(line.lstrip())
            found = _match_dateline(line[lead:])
            if found:
                place, outlet, offset = found
                return place, outlet, pos + lead + offset
        pos = end + 1
    return None, None, 0


_LABEL = re.compile(r"(?:UPDATED?|BREAKING(?: NEWS)?|EXCLUSIVE|URGENT|FLASH|WATCH|VIDEO)\b[^:\n]{0,30}:\s*", re.I)


def _match_dateline(line: str) -> tuple[str, str | None, int] | None:
    skip = 0
    label = _LABEL.match(line)
    if label:  # "UPDATE: ROCKFORD, Ill. (WIFR) -- ..."
        skip = label.end()
        line = line[skip:]
    m = _DATELINE.match(line)
    if not m:
        return None
    place = m.group("place")
    caps = place.replace("/", "").replace("-", "").replace(".", "").replace(" ", "").isupper()
    if caps and place.split()[0].strip(".") in _NOT_PLACES:
        return None
    paren = (m.group("paren") or "").strip()
    paren_is_date = bool(paren) and bool(_PAREN_DATE.match(paren))
    outlet = paren if paren and not paren_is_date else None
    has_context = bool(m.group("region") or m.group("date") or paren)
    dash = m.group("dash")
    if not caps:
        # "Maiduguri, Nigeria —" or "Kabul (AP) —": a title-case word alone before a dash is
        # far too often an ordinary sentence start ("Meanwhile – ...").
        if not has_context or dash == ":":
            return None
    elif len(place) < 3 and not has_context:
        return None
    if outlet and not re.search(r"[A-Za-z]", outlet):
        outlet = None
    if outlet and len(outlet.split()) > 6:
        return None
    name = _title_case(place)
    region = (m.group("region") or "").lstrip(", ").strip()
    if region:
        # "CA", "S.C.", "USA" are abbreviations: kept as written.
        name += ", " + (region if re.fullmatch(r"[A-Z.]{1,4}", region) else _title_case(region))
    return name, outlet, skip + m.end()
