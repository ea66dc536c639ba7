"""Reading articles from .txt, .jsonl and .csv files (or stdin) into `Article` records.

`read_articles` yields, in input order, one `Article` or one `RecordError` per input record, so
nothing is lost and one bad record never stops a batch. JSON Lines and CSV are streamed line by
line; a .txt file is one article.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import email.utils
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from eventwire.model import Article, RecordError

from .rows import json_objects, numbered_rows
from .clean import clean_text, parse_dateline

__all__ = [
    "read_articles", "parse_published", "decode_bytes", "BinaryFileError",
    "TEXT_KEYS", "PUBLISHED_KEYS", "FORMATS",
]

FORMATS = ("txt", "jsonl", "csv")
_EXTENSIONS = {".txt": "txt", ".text": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
# Field names accepted for each Article field, first match wins.
ID_KEYS = ("id", "doc_id", "uri")
TEXT_KEYS = ("text", "content", "body", "article_content", "article_text")
PUBLISHED_KEYS = ("published", "date", "dct", "publication_date")
SOURCE_KEYS = ("source", "outlet")
TITLE_KEYS = ("title", "headline", "article_title")
URL_KEYS = ("url", "link")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class BinaryFileError(ValueError):
    """The bytes are not text."""


# --- dates -----------------------------------------------------------------------------------

_MONTHS = {
    name: i
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|urday|sday)?\.?,?\s+)?"
_TIME_TAIL = r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}.*)?"
_DMY = re.compile(rf"^{_WEEKDAY}(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)\.?,?\s+(\d{{4}}){_TIME_TAIL}$", re.I)
_MDY = re.compile(rf"^{_WEEKDAY}([a-z]+)\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}){_TIME_TAIL}$", re.I)
_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_published(value: Any, dayfirst: bool | None = None) -> dt.date:
    """Parse a publication date; raise ValueError when it is not one.

    Accepts date/datetime objects, ISO dates ("2017-07-21", "2017/07/21", "20170721"), ISO
    datetimes ("2017-07-21T10:00:00Z", "+03:00" offsets), "21 July 2017", "Friday, 21 Jul 2017",
    "July 21, 2017", "Jul. 21 2017", RFC 2822 ("Fri, 21 Jul 2017 10:00:00 GMT"). The date is taken as
    written (a datetime's own calendar day, not converted to UTC). Numeric "7/2/2016" is read only
    when unambiguous (a part > 12) or when `dayfirst` says the order.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"invalid published date {value!r}: expected YYYY-MM-DD")
    s = " ".join(value.split())
    if not s:
        raise ValueError("invalid published date '': expected YYYY-MM-DD")
    try:
        return _parse_date_str(s, dayfirst)
    except ValueError as exc:
        detail = f" ({exc})" if str(exc) else ""
        raise ValueError(
            f"invalid published date {value!r}: expected YYYY-MM-DD, an ISO datetime, "
            f"'21 July 2017', 'July 21, 2017' or an RFC 2822 date{detail}"
        ) from None


def _parse_date_str(s: str, dayfirst: bool | None) -> dt.date:
    if m := _YMD.match(s) or _COMPACT.match(s):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d", s):
        iso = s[:-1] + "+00:00" if s.endswith(("Z", "z")) else s
        return dt.datetime.fromisoformat(iso).date()
    if m := _DMY.match(s):
        return dt.date(int(m[3]), _month(m[2]), int(m[1]))
    if m := _MDY.match(s):
        return dt.date(int(m[3]), _month(m[1]), int(m[2]))
    if m := _NUMERIC.match(s):
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        if dayfirst is None:
            if a > 12 >= b:
                dayfirst = True
            elif b > 12 >= a:
                dayfirst = False
            elif a == b:
                dayfirst = True
            else:
                raise ValueError("day/month order is ambiguous")
        day, month = (a, b) if dayfirst else (b, a)
        return dt.date(year, month, day)
    if re.search(r"\d{1,2}:\d{2}", s) and re.search(r"[A-Za-z]{3}", s):
        parsed = email.utils.parsedate_tz(s)
        if parsed and parsed[0]:
            return dt.date(parsed[0], parsed[1], parsed[2])
    return _dateparser_fallback(s)


def _dateparser_fallback(s: str) -> dt.date:
    """Other written forms ("21st July 2017", "21.07.2017", "21 juillet 2017"): dateparser, strictly
    (a full date must be written; nothing is filled in from today)."""
    if not re.search(r"\d{4}", s) or re.search(r"\b(ago|yesterday|today|tomorrow|next|last)\b", s, re.I):
        raise ValueError("")
    import dateparser

    parsed = dateparser.parse(s, settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"],
                                           "DATE_ORDER": "DMY"})
    if parsed is None:
        raise ValueError("")
    return parsed.date()


def _month(name: str) -> int:
    try:
        return _MONTHS[name.lower().rstrip(".")]
    except KeyError:
        raise ValueError(f"unknown month {name!r}") from None


# --- decoding --------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def _bom_encoding(head: bytes) -> str | None:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a BOM: one NUL in nearly every other byte."""
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.7 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.7 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _guess_single_byte(sample: bytes) -> str:
    """The encoding of bytes that are not valid UTF-8.

    English news in a legacy encoding is nearly always cp1252 or latin-1 (cp1252 is its superset
    for printable text); charset-normalizer's guess is only trusted when cp1252 cannot be right
    (undefined bytes, or mostly non-ASCII letters such as Cyrillic in cp1251).
    """
    try:
        decoded = sample.decode("cp1252")
    except UnicodeDecodeError:
        decoded = None
    if decoded is not None:
        non_ascii = sum(1 for ch in decoded if ord(ch) > 127)
        letters = sum(1 for ch in decoded if ch.isalpha()) or 1
        if non_ascii / letters < 0.3:
            return "cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is not None:
        return best.encoding
    if decoded is not None:
        return "cp1252"
    raise BinaryFileError("binary file, not text")


_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\x1b")


def _control_bytes(data: bytes) -> int:
    return len(data) - len(data.translate(None, _CONTROL_BYTES))


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\n\r\f\v\x1b")
    return controls > max(2, len(text[:65536]) // 100)


def decode_bytes(data: bytes) -> str:
    """Decode a whole file: BOM (UTF-8/16/32), else UTF-8, else cp1252/latin-1 or a detected charset.

    Raises BinaryFileError for bytes that are not text (NUL bytes or control characters).
    """
    head = data[:4096]
    enc = _bom_encoding(head) or _utf16_without_bom(head)
    if enc:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            raise BinaryFileError("binary file, not text") from None
    else:
        if b"\x00" in data:
            raise BinaryFileError("binary file, not text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode(_guess_single_byte(data[:262144]), errors="replace")
    if _looks_binary(text):
        raise BinaryFileError("binary file, not text")
    return text


class _LineDecoder:
    """Decode one line of bytes at a time: UTF-8, else the file's legacy encoding (guessed once)."""

    def __init__(self) -> None:
        self.fallback: str | None = None

    def __call__(self, raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            if self.fallback is None:
                self.fallback = _guess_single_byte(raw)
            return raw.decode(self.fallback, errors="replace")


def _text_lines(stream: BinaryIO) -> Iterator[str]:
    """Lines of a binary stream as text, streamed (keeps line endings, for csv).

    Raises BinaryFileError at once when the start of the stream is not text.
    """
    head = stream.peek(4096)[:4096] if hasattr(stream, "peek") else b""
    enc = _bom_encoding(head) or _utf16_without_bom(head)
    if enc:
        yield from codecs.getreader(enc)(stream, errors="replace")
        return
    if b"\x00" in head or _control_bytes(head) > max(2, len(head) // 100):
        raise BinaryFileError("binary file, not text")
    decode = _LineDecoder()
    first = True
    for raw in stream:
        if first:
            first = False
            if raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
        yield decode(raw)


# --- records -> articles ---------------------------------------------------------------------


def _first(record: dict[str, Any], keys: Iterable[str]) -> Any:
    for key in keys:
        value = record.get(key)
        if value is not None and value != "":
            return value
    return None


def _opt_str(value: Any) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _make_article(
    record: dict[str, Any],
    name: str,
    default_id: str,
    max_chars: int,
    overrides: dict[str, Any],
    dayfirst: bool | None,
) -> Article | RecordError:
    """Build one Article from a record's fields; `overrides` (options) win over the record."""
    record = {str(k).strip().lower(): v for k, v in record.items()}
    text = _first(record, TEXT_KEYS)
    if text is None:
        if not any(k in record for k in TEXT_KEYS):
            return RecordError(name, f"missing text field (expected one of: {', '.join(TEXT_KEYS[:3])})")
        return RecordError(name, "empty text")
    if not isinstance(text, str):
        return RecordError(name, f"text field is not a string ({type(text).__name__})")
    if len(text) > max_chars:
        return RecordError(name, f"too large: {len(text):,} characters (limit {max_chars:,}; raise --max-chars)")
    if _looks_binary(text):
        return RecordError(name, "binary data, not text")
    published_raw = overrides.get("published")
    if published_raw is None:
        published_raw = _first(record, PUBLISHED_KEYS)
    published: dt.date | None = None
    if published_raw is not None and published_raw != "":
        try:
            published = parse_published(published_raw, dayfirst=dayfirst)
        except ValueError as exc:
            return RecordError(name, str(exc))
    cleaned = clean_text(text)
    if not cleaned.strip():
        return RecordError(name, "empty text")
    doc_id = _opt_str(overrides.get("doc_id")) or _opt_str(_first(record, ID_KEYS)) or default_id
    place, outlet, _ = parse_dateline(cleaned)
    return Article(
        doc_id=doc_id,
        text=cleaned,
        published=published,
        source=_opt_str(overrides.get("source")) or _opt_str(_first(record, SOURCE_KEYS)),
        title=_opt_str(_first(record, TITLE_KEYS)),
        url=_opt_str(_first(record, URL_KEYS)),
        dateline_place=place,
        dateline_outlet=outlet,
    )


def make_article(text: str, published: Any = None, source: str | None = None, doc_id: str | None = None,
                 title: str | None = None, url: str | None = None, max_chars: int = 1_000_000) -> Article:
    """One Article from Python values (the library's `Pipeline.extract`); ValueError when unusable."""
    record = {"text": text, "published": published.isoformat() if isinstance(published, dt.date) else published,
              "source": source, "title": title, "url": url}
    result = _make_article(record, doc_id or "article", doc_id or "article", max_chars, {"doc_id": doc_id}, None)
    if isinstance(result, RecordError):
        raise ValueError(result.reason)
    return result


def _read_sidecar(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """NAME.meta.json next to NAME.txt -> (meta, error)."""
    meta_path = path.with_name(path.stem + ".meta.json")
    if not meta_path.exists():
        return {}, None
    try:
        meta = json.loads(decode_bytes(meta_path.read_bytes()))
    except (ValueError, OSError) as exc:
        return None, f"unreadable sidecar {meta_path.name}: {exc}"
    if not isinstance(meta, dict):
        return None, f"sidecar {meta_path.name} is not a JSON object"
    return meta, None


def _byte_cap(max_chars: int) -> int:
    """Bytes above which a .txt input is refused without reading it (it cannot fit max_chars)."""
    return max(4 * max_chars + 4, 64 * 1024 * 1024)


def _read_txt(path: str, stream: BinaryIO | None, max_chars: int, overrides: dict[str, Any],
              dayfirst: bool | None) -> Iterator[Article | RecordError]:
    name = path
    if stream is None:
        p = Path(path)
        try:
            size = p.stat().st_size
            # A character takes at most 4 bytes: far bigger files are refused unread.
            if size > _byte_cap(max_chars):
                yield RecordError(name, f"too large: {size:,} bytes (limit {max_chars:,} characters; raise --max-chars)")
                return
            data = p.read_bytes()
        except OSError as exc:
            yield RecordError(name, f"cannot read file: {exc.strerror or exc}")
            return
        meta, error = _read_sidecar(p)
        if error:
            yield RecordError(name, error)
            return
        default_id = p.name[: -len(".txt")] if p.name.endswith(".txt") else p.stem
    else:
        data = stream.read(_byte_cap(max_chars) + 1)
        if len(data) > _byte_cap(max_chars):
            yield RecordError(name, f"too large: more than {_byte_cap(max_chars):,} bytes (limit {max_chars:,} characters; raise --max-chars)")
            return
        meta, default_id = {}, "stdin"
    if not data.strip():
        yield RecordError(name, "empty text")
        return
    try:
        text = decode_bytes(data)
    except BinaryFileError as exc:
        yield RecordError(name, str(exc))
        return
    record = {k: v for k, v in (meta or {}).items() if k not in TEXT_KEYS}
    record["text"] = text
    yield _make_article(record, name, default_id, max_chars, overrides, dayfirst)


def _read_jsonl(name: str, stream: BinaryIO, max_chars: int, overrides: dict[str, Any],
                dayfirst: bool | None) -> Iterator[Article | RecordError]:
    base = Path(name).stem if name != "-" else "stdin"
    read = 0   # lines read so far: where undecodable bytes were met

    def lines() -> Iterator[str]:
        nonlocal read
        for line in _text_lines(stream):
            read += 1
            yield line

    try:
        for lineno, record in json_objects(lines(), max_line=4 * max_chars + 1024):
            rec_name = f"{name}:{lineno}"
            if isinstance(record, str):
                hint = f" (limit {max_chars:,}; raise --max-chars)" if record.startswith("too large") else ""
                yield RecordError(rec_name, record + hint)
                continue
            yield _make_article(record, rec_name, f"{base}-{lineno}", max_chars, overrides, dayfirst)
    except BinaryFileError as exc:
        yield RecordError(name if read == 0 else f"{name}:{read + 1}", str(exc))


def _read_csv(name: str, stream: BinaryIO, max_chars: int, overrides: dict[str, Any],
              dayfirst: bool | None) -> Iterator[Article | RecordError]:
    base = Path(name).stem if name != "-" else "stdin"
    try:
        reader = csv.reader(_text_lines(stream))
        try:
            header = next(reader)
        except StopIteration:
            yield RecordError(name, "empty text")
            return
        except csv.Error as exc:
            yield RecordError(f"{name}:1", f"malformed CSV header: {exc}")
            return
        columns = [h.strip().lstrip("\ufeff").lower() for h in header]
        if not any(c in TEXT_KEYS for c in columns):
            yield RecordError(f"{name}:1", f"no text column in header (expected one of: {', '.join(TEXT_KEYS[:3])})")
            return
        for start, row in numbered_rows(reader, len(columns)):
            rec_name = f"{name}:{start}"
            if isinstance(row, str):
                # a short or long row would shift or silently lose the text: refuse it
                yield RecordError(rec_name, row)
                continue
            record = dict(zip(columns, row))
            yield _make_article(record, rec_name, f"{base}-{start}", max_chars, overrides, dayfirst)
    except BinaryFileError as exc:
        yield RecordError(name, str(exc))


def _format_of(path: str, input_format: str | None) -> str | None:
    if path == "-":
        return input_format or "jsonl"
    return _EXTENSIONS.get(Path(path).suffix.lower())


def read_articles(
    paths: list[str],
    input_format: str | None = None,
    published: Any = None,
    source: str | None = None,
    doc_id: str | None = None,
    max_chars: int = 1_000_000,
    dayfirst: bool | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[Article | RecordError]:
    """Yield one Article or RecordError per input record, in input order.

    paths: files (.txt, .jsonl, .csv; told by extension) or "-" for stdin, whose format is
    `input_format` ("txt" | "jsonl" | "csv"; default jsonl). published/source/doc_id override the
    per-record metadata (for .txt also the NAME.meta.json sidecar); doc_id is only applied to .txt
    and stdin-txt inputs (one article each). Articles longer than `max_chars` characters (before
    cleaning) are refused. `stdin` replaces sys.stdin.buffer (for tests).
    """
    if input_format is not None and input_format not in FORMATS:
        raise ValueError(f"unknown input format {input_format!r} (expected one of: {', '.join(FORMATS)})")
    overrides = {"published": published, "source": source}
    for path in paths:
        fmt = _format_of(path, input_format)
        if fmt is None and path.endswith(".meta.json"):
            # `extract dir/*` also lists the sidecars: they are read with their .txt
            if Path(path[: -len(".meta.json")] + ".txt").exists():
                continue
            yield RecordError(path, "metadata sidecar without its .txt article")
            continue
        if fmt is None:
            suffix = Path(path).suffix or "(none)"
            yield RecordError(path, f"unknown file type {suffix}: expected .txt, .jsonl or .csv")
            continue
        if fmt == "txt":
            stream = None
            if path == "-":
                stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _read_txt(path, stream, max_chars, {**overrides, "doc_id": doc_id}, dayfirst)
            continue
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            reader = _read_jsonl if fmt == "jsonl" else _read_csv
            yield from reader(path, _buffered(stream), max_chars, overrides, dayfirst)
            continue
        try:
            handle = open(path, "rb")
        except OSError as exc:
            yield RecordError(path, f"cannot read file: {exc.strerror or exc}")
            continue
        with handle:
            reader = _read_jsonl if fmt == "jsonl" else _read_csv
            yield from reader(path, handle, max_chars, overrides, dayfirst)


def _buffered(stream: BinaryIO) -> BinaryIO:
    import io

    if hasattr(stream, "peek"):
        return stream
    return io.BufferedReader(stream)  # type: ignore[arg-type]
