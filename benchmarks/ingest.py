"""Ingest throughput: extraction alone vs extraction + the event store (writing and merging), on SQLite
and on PostgreSQL, in the same process and run.

    python benchmarks/ingest.py [--articles N] [--rounds K] [--corpus gva|fa-kes] [--pg DSN]

Real news from ../shared/data (GVA dev documents by default: local news about shootings, about four
events per article, so merging has work to do), or the bundled example repeated when it is absent.
The pipeline is loaded once. Each round runs, one after the other on the same articles:
  extract   `Pipeline.run` over the articles (what `eventwire extract` does), results dropped;
  sqlite    `ingest_items` into a new SQLite store (WAL) in a temporary folder;
  postgres  `ingest_items` into a new PostgreSQL database (created and dropped), when --pg or
            EVENTWIRE_TEST_PG_DSN names a server where that user may create databases.
Reported: articles/s of each side (median over rounds), the end-to-end overhead of each store over
extraction (median of per-round ratios), and the store's own share measured inside the ingest run
(time writing/merging + looking up duplicates, over the rest), which is not blurred by the machine's
drift between runs. Target (issue 5): store + merging ≤ 15% on top of extraction.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "benchmarks"))


def load_articles(corpus: str, n: int):
    from pipeline import SEED, load_texts  # benchmarks/pipeline.py: the same corpora

    from eventwire.io.readers import make_article

    if (DATA / "gva-dev").exists() or corpus == "fa-kes":
        arts, what = load_texts(corpus, n)
    else:
        text = SEED.read_text("utf-8")
        arts = [{"id": f"seed-{i}", "text": f"{text}\n\n(copy {i})", "published": "2017-07-21",
                 "source": "Press Shia Agency"} for i in range(n)]
        what = f"{n} copies of the bundled example"
    out = []
    for a in arts:
        try:
            out.append(make_article(a["text"], published=a.get("published"), source=a.get("source"), doc_id=a["id"]))
        except ValueError:
            continue
    return out, what


def time_extract(pipe, articles) -> float:
    started = time.perf_counter()
    for _ in pipe.run(articles):
        pass
    return time.perf_counter() - started


def time_ingest(pipe, articles, db: str) -> tuple[float, float, int]:
    from eventwire.store import ingest_items, open_store

    store = open_store(db)
    try:
        started = time.perf_counter()
        summary = ingest_items(store, pipe, ((a, "bench") for a in articles))
        total = time.perf_counter() - started
    finally:
        store.close()
    return total, summary.store_seconds + summary.check_seconds, summary.reports


class PgDatabase:
    """A fresh database on the given server for one round, dropped afterwards."""

    def __init__(self, dsn: str):
        self.admin = dsn
        self.name = f"ew_bench_{uuid.uuid4().hex[:10]}"

    def _exec(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(sql)

    def __enter__(self) -> str:
        from sqlalchemy.engine import make_url

        self._exec(f'CREATE DATABASE "{self.name}"')
        return make_url(self.admin).set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *exc) -> None:
        self._exec(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=150)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--corpus", choices=["gva", "fa-kes"], default="gva")
    ap.add_argument("--pg", default=os.environ.get("EVENTWIRE_TEST_PG_DSN"),
                    help="postgresql://USER@HOST:PORT/DB of a server where USER may create databases")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()

    from eventwire.pipeline import Pipeline

    articles, what = load_articles(args.corpus, args.articles)
    pipe = Pipeline()
    time_extract(pipe, articles[:10])  # warm-up: lazy patterns, caches
    sides: dict[str, list[float]] = {"extract": [], "sqlite": [], "postgres": []}
    own: dict[str, list[float]] = {"sqlite": [], "postgres": []}
    reports = 0
    for r in range(args.rounds):
        sides["extract"].append(time_extract(pipe, articles))
        with tempfile.TemporaryDirectory() as tmp:
            total, store_s, reports = time_ingest(pipe, articles, str(Path(tmp) / "events.db"))
        sides["sqlite"].append(total)
        own["sqlite"].append(store_s / (total - store_s))
        if args.pg:
            with PgDatabase(args.pg) as url:
                total, store_s, _ = time_ingest(pipe, articles, url)
            sides["postgres"].append(total)
            own["postgres"].append(store_s / (total - store_s))
        print(f"round {r + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in sides.items() if v), file=sys.stderr)
    n = len(articles)
    result = {"articles": what, "n": n, "reports": reports, "rounds": args.rounds, "sides": {}}
    print(f"\n{what}, {reports} reports, {args.rounds} rounds (medians)\n")
    print(f"{'side':<10} {'articles/s':>10} {'overhead vs extract (end to end)':>34} {'store share inside ingest':>27}")
    base = statistics.median(sides["extract"])
    print(f"{'extract':<10} {n / base:>10.2f} {'':>34} {'':>27}")
    result["sides"]["extract"] = {"articles_per_s": n / base}
    for side in ("sqlite", "postgres"):
        if not sides[side]:
            print(f"{side:<10} {'(no server: give --pg DSN)':>10}")
            continue
        ratio = statistics.median(t / e - 1 for t, e in zip(sides[side], sides["extract"]))
        share = statistics.median(own[side])
        print(f"{side:<10} {n / statistics.median(sides[side]):>10.2f} {ratio:>+33.1%} {share:>+26.1%}")
        result["sides"][side] = {"articles_per_s": n / statistics.median(sides[side]),
                                 "overhead_end_to_end": ratio, "store_share": share}
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
