"""Ingest: read articles, skip those already stored, extract their events, store and merge them in
batched transactions.

Crash safety: an article, its reports and the event updates they cause are written in the same
transaction as the rest of their batch, and an article already stored is skipped before extraction
(same content hash or URL). A run killed at any point therefore leaves whole batches only, and running
the same command again stores exactly the articles that were missing.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from eventwire.model import Article, RecordError

from . import merge
from .db import Store, StoreError, describe_db_error
from .repository import article_hashes, save_article, save_error
from .sources import expand_paths, iter_file

DEFAULT_BATCH = 50
CHECK_CHUNK = 32   # articles looked up at once before extraction
MAX_BATCH_SECONDS = 10.0


@dataclass
class IngestSummary:
    read: int = 0            # input records (articles and unusable records)
    new: int = 0             # articles stored by this run
    duplicates: int = 0      # already stored (same content hash or URL), or repeated in the input
    failed: int = 0          # records that could not be read or extracted (in the ingest-errors table)
    reports: int = 0
    events_new: set[int] = field(default_factory=set)
    events_updated: set[int] = field(default_factory=set)
    errors: list[RecordError] = field(default_factory=list)
    store_seconds: float = 0.0   # time spent writing and merging (benchmarks)
    check_seconds: float = 0.0   # time spent looking up whether an article is already stored

    def line(self) -> str:
        updated = len(self.events_updated - self.events_new)
        return (f"{self.read} articles read: {self.new} new, {self.duplicates} duplicates, {self.failed} failed; "
                f"events: {len(self.events_new)} new, {updated} updated")


Progress = Callable[[IngestSummary], None]


def ingest_paths(store: Store, pipeline, paths: Iterable[str], *, batch_size: int = DEFAULT_BATCH,
                 max_chars: int = 1_000_000, progress: Progress | None = None) -> IngestSummary:
    """Ingest files and folders (see `sources`) into `store` with `pipeline`; never raises for bad
    records (they are counted, listed in the summary and kept in the ingest-errors table). Raises
    StoreError when the store itself cannot be written."""
    files, path_errors = expand_paths(paths)

    def items() -> Iterator[tuple[Article | RecordError, str | None]]:
        for e in path_errors:
            yield e, e.record
        for f in files:
            for item in iter_file(f, max_chars=max_chars):
                yield item, str(f)

    return ingest_items(store, pipeline, items(), batch_size=batch_size, progress=progress)


def ingest_items(store: Store, pipeline, items: Iterable[tuple[Article | RecordError, str | None]], *,
                 batch_size: int = DEFAULT_BATCH, progress: Progress | None = None) -> IngestSummary:
    """Ingest (record, source file) pairs: the library entry point behind `ingest_paths`."""
    summary = IngestSummary()
    rules = merge.load_rules()
    origin: dict[int, str | None] = {}
    batch: list = []
    last_commit = time.monotonic()

    def fresh() -> Iterator[Article | RecordError]:
        """The records to extract: articles not stored yet (looked up CHECK_CHUNK at a time) and errors."""
        seen: set[str] = set()
        for chunk in _chunks(items, CHECK_CHUNK):
            summary.read += len(chunk)
            started = time.perf_counter()
            stored = _stored_keys(store, [item for item, _ in chunk if isinstance(item, Article)])
            summary.check_seconds += time.perf_counter() - started
            for item, source in chunk:
                if isinstance(item, Article):
                    keys = _keys(item)
                    if keys & (seen | stored):
                        summary.duplicates += 1
                        continue
                    seen |= keys
                origin[id(item)] = source
                yield item
            if progress:
                progress(summary)

    for result in pipeline.run(fresh()):
        batch.append(result)
        if len(batch) >= batch_size or time.monotonic() - last_commit > MAX_BATCH_SECONDS:
            _write_batch(store, batch, origin, summary, rules)
            batch, last_commit = [], time.monotonic()
        if progress:
            progress(summary)
    if batch:
        _write_batch(store, batch, origin, summary, rules)
    if progress:
        progress(summary)
    return summary


def _keys(article: Article) -> set[str]:
    chash, _ = article_hashes(article)
    return {f"h:{chash}"} | ({f"u:{article.url}"} if article.url else set())


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _stored_keys(store: Store, articles: list[Article]) -> set[str]:
    """The keys (content hash, URL) of these articles that the store already holds: one query."""
    if not articles:
        return set()
    from sqlalchemy import or_, select

    from .models import ArticleRow

    hashes = [article_hashes(a)[0] for a in articles]
    urls = [a.url for a in articles if a.url]
    try:
        with store.reading() as session:
            rows = session.execute(select(ArticleRow.content_hash, ArticleRow.url).where(
                or_(ArticleRow.content_hash.in_(hashes), ArticleRow.url.in_(urls)))).all()
    except (OperationalError, DBAPIError) as exc:
        raise StoreError(describe_db_error(store.location, exc)) from None
    return {f"h:{h}" for h, _ in rows} | {f"u:{u}" for _, u in rows if u}


class _RetryCarefully(Exception):
    """An article of the batch could not be written on the fast path."""


def _write_batch(store: Store, batch: list, origin: dict[int, str | None], summary: IngestSummary,
                 rules: merge.MergeRules) -> None:
    """One transaction for the batch. Fast path: the articles one after the other. If one of them cannot
    be written (stored meanwhile by another process, a value the database refuses), the transaction is
    rolled back and the batch written again with a savepoint per article, so that only that article is
    left out (as a duplicate, or with a `store` error) and the batch goes on."""
    started = time.perf_counter()
    sources = [origin.pop(id(r.article), None) if r.article is not None else None for r in batch]
    try:
        try:
            pending = _write(store, batch, sources, rules, careful=False)
        except _RetryCarefully:
            pending = _write(store, batch, sources, rules, careful=True)
    except (OperationalError, DBAPIError) as exc:
        raise StoreError(describe_db_error(store.location, exc)) from None
    # counted only once the transaction is committed
    summary.new += pending.new
    summary.duplicates += pending.duplicates
    summary.failed += pending.failed
    summary.reports += pending.reports
    summary.errors += pending.errors
    summary.events_new |= pending.events_new
    summary.events_updated |= pending.events_updated
    summary.store_seconds += time.perf_counter() - started


def _write(store: Store, batch: list, sources: list, rules: merge.MergeRules, careful: bool) -> IngestSummary:
    pending = IngestSummary()
    with store.writing() as session:
        for result, source in zip(batch, sources):
            if result.error is not None:
                _failed(session, pending, result.error)
                continue
            if not careful:
                try:
                    saved = save_article(session, result.article, result.events, source, rules)
                except OperationalError:
                    raise                      # the store itself (locked, gone): not this article's fault
                except Exception as exc:
                    raise _RetryCarefully() from exc
            else:
                try:
                    with session.begin_nested():
                        saved = save_article(session, result.article, result.events, source, rules)
                except IntegrityError:
                    pending.duplicates += 1    # stored meanwhile by another process
                    continue
                except OperationalError:
                    raise
                except Exception as exc:       # one article's bad data never stops the batch
                    _failed(session, pending, RecordError(result.record, f"{type(exc).__name__}: {exc}", "store"))
                    continue
            if saved.duplicate:
                pending.duplicates += 1
            else:
                pending.new += 1
                pending.reports += saved.reports
                pending.events_new |= saved.events_new
                pending.events_updated |= saved.events_updated
    return pending


def _failed(session, pending: IngestSummary, err: RecordError) -> None:
    save_error(session, err.record, err.stage, err.reason)
    pending.failed += 1
    pending.errors.append(err)
