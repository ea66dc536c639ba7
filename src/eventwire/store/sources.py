"""What `eventwire ingest` reads: files and folders of .txt/.jsonl/.csv (eventwire.io.readers), RSS/Atom
feed files, and HTML pages (main text extracted with trafilatura).

`iter_inputs(paths)` yields `(item, source_file)` pairs, item an `Article` or a `RecordError`, in a stable
order (folders are walked in sorted order), so that re-running the same command reads the same records.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any, Iterable, Iterator

from eventwire.model import Article, RecordError

ARTICLE_EXTENSIONS = {".txt", ".text", ".jsonl", ".ndjson", ".csv"}
FEED_EXTENSIONS = {".rss", ".atom", ".xml", ".rdf"}
HTML_EXTENSIONS = {".html", ".htm", ".xhtml"}
ALL_EXTENSIONS = ARTICLE_EXTENSIONS | FEED_EXTENSIONS | HTML_EXTENSIONS


def expand_paths(paths: Iterable[str]) -> tuple[list[Path], list[RecordError]]:
    """Files to read (folders walked recursively, sorted; hidden files and .meta.json sidecars left to
    their article), and an error for each path that does not exist or is of an unknown type."""
    files: list[Path] = []
    errors: list[RecordError] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if name.startswith(".") or name.endswith(".meta.json"):
                        continue
                    f = Path(root) / name
                    if f.suffix.lower() in ALL_EXTENSIONS:
                        files.append(f)
                    else:
                        errors.append(RecordError(str(f), _unknown_type(f)))
        elif p.exists():
            if p.suffix.lower() in ALL_EXTENSIONS or raw.endswith(".meta.json"):
                files.append(p)
            else:
                errors.append(RecordError(raw, _unknown_type(p)))
        else:
            errors.append(RecordError(raw, "no such file or folder"))
    return files, errors


def _unknown_type(path: Path) -> str:
    return (f"unknown file type {path.suffix or '(none)'}: expected .txt, .jsonl, .csv, "
            ".rss/.atom/.xml (feeds) or .html")


def iter_file(path: Path, max_chars: int = 1_000_000) -> Iterator[Article | RecordError]:
    suffix = path.suffix.lower()
    if suffix in FEED_EXTENSIONS:
        yield from read_feed(path, max_chars)
    elif suffix in HTML_EXTENSIONS:
        yield read_html(path, max_chars)
    else:
        from eventwire.io.readers import read_articles

        yield from read_articles([str(path)], max_chars=max_chars)


# ------------------------------------------------------------------ RSS / Atom

def read_feed(path: Path, max_chars: int = 1_000_000) -> Iterator[Article | RecordError]:
    """One Article per feed entry (its content, else its summary, as text). A file that is not XML, or
    XML that holds no RSS/Atom entry, is one RecordError naming the file and the parser's complaint."""
    import feedparser

    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield RecordError(name, f"cannot read file: {exc.strerror or exc}")
        return
    parsed = feedparser.parse(data)
    problem = _feed_problem(parsed)
    if not parsed.entries:
        yield RecordError(name, problem or "no RSS/Atom entries in this XML file")
        return
    if problem:
        yield RecordError(name, f"{problem}; its {len(parsed.entries)} readable entries are ingested")
    outlet = (parsed.feed.get("title") or "").strip() or None
    for i, entry in enumerate(parsed.entries, start=1):
        yield _feed_entry(entry, f"{name}:entry {i}", outlet, max_chars)


def _feed_problem(parsed: Any) -> str | None:
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    if type(exc).__name__ in ("CharacterEncodingOverride",):  # declared one encoding, was another: harmless
        return None
    where = ""
    if hasattr(exc, "getLineNumber"):
        where = f" at line {exc.getLineNumber()}, column {exc.getColumnNumber()}"
    return f"not a well-formed RSS/Atom feed (XML error{where}: {getattr(exc, 'getMessage', lambda: exc)()})"


def _feed_entry(entry: Any, name: str, outlet: str | None, max_chars: int) -> Article | RecordError:
    from eventwire.io.readers import make_article

    html = ""
    if entry.get("content"):
        html = " ".join(c.get("value", "") for c in entry["content"])
    html = html or entry.get("summary") or entry.get("description") or ""
    text = html_fragment_text(html)
    published = None
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        if entry.get(key):
            published = dt.date(*entry[key][:3])
            break
    source = outlet
    if entry.get("source") and entry["source"].get("title"):
        source = entry["source"]["title"]
    doc_id = entry.get("id") or entry.get("link") or name
    try:
        return make_article(text, published=published, source=source, doc_id=doc_id,
                            title=entry.get("title"), url=entry.get("link"), max_chars=max_chars)
    except ValueError as exc:
        return RecordError(name, str(exc))


def html_fragment_text(html: str) -> str:
    """The text of a feed entry's HTML (paragraphs kept apart)."""
    if "<" not in html:
        return html
    import lxml.html

    try:
        root = lxml.html.fromstring(f"<div>{html}</div>")
    except (ValueError, lxml.etree.ParserError):
        return html
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in root.iter("p", "div", "li", "h1", "h2", "h3", "h4", "blockquote"):
        block.tail = "\n\n" + (block.tail or "")
    return root.text_content().strip()


# ------------------------------------------------------------------ HTML pages

def read_html(path: Path, max_chars: int = 1_000_000) -> Article | RecordError:
    """The main text of a saved web page (trafilatura), with its title, date, site name and URL.
    A sidecar NAME.meta.json (published, source, url, id) overrides what the page says."""
    import trafilatura

    from eventwire.io.readers import BinaryFileError, decode_bytes, make_article

    name = str(path)
    try:
        raw = path.read_bytes()
        html = decode_bytes(raw)
    except OSError as exc:
        return RecordError(name, f"cannot read file: {exc.strerror or exc}")
    except BinaryFileError as exc:
        return RecordError(name, str(exc))
    if len(html) > 8 * max_chars:
        return RecordError(name, f"too large: {len(html):,} characters of HTML "
                                 f"(limit {max_chars:,}; raise --max-chars)")
    found = trafilatura.extract(html, output_format="json", with_metadata=True, include_comments=False)
    if not found:
        return RecordError(name, "no main text found in the HTML page")
    meta = json.loads(found)
    text = meta.get("text") or ""
    title = meta.get("title")
    if title and text.startswith(title + "\n"):
        text = text[len(title) + 1:]
    side = _sidecar(path)
    if isinstance(side, RecordError):
        return side
    try:
        return make_article(
            text, published=side.get("published") or meta.get("date"),
            source=side.get("source") or meta.get("sitename") or meta.get("source-hostname") or meta.get("hostname"),
            doc_id=side.get("id") or path.stem, title=side.get("title") or title,
            url=side.get("url") or meta.get("source") or meta.get("url"), max_chars=max_chars)
    except ValueError as exc:
        return RecordError(name, str(exc))


def _sidecar(path: Path) -> dict[str, Any] | RecordError:
    meta_path = path.with_name(path.stem + ".meta.json")
    if not meta_path.exists():
        return {}
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        return RecordError(str(path), f"unreadable sidecar {meta_path.name}: {exc}")
    if not isinstance(meta, dict):
        return RecordError(str(path), f"sidecar {meta_path.name} is not a JSON object")
    return meta
