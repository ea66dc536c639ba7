"""The event store, on SQLite and on PostgreSQL: ingest, idempotence, merging, crash safety, migrations,
bad input and faults, the commands. The PostgreSQL variant runs when EVENTWIRE_TEST_PG_DSN names a server
where that user may create databases (`.ci/run` starts one); otherwise it is skipped with that reason."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.store import cli as store_cli
from eventwire.store.db import StoreError, open_store, upgrade
from eventwire.store.ingest import ingest_paths
from eventwire.store.models import ArticleRow, EventReportRow, EventRow, IngestErrorRow, ReportRow

EXE = shutil.which("eventwire", path=str(Path(sys.executable).parent)) or "eventwire"
PG_ENV = "EVENTWIRE_TEST_PG_DSN"
runner = CliRunner()

# Three reports of one clash (Reuters, the same wire text reprinted by the Daily Star, Al-Manar's own
# story with another death toll) and one air strike elsewhere: written for these tests.
NEWS = [
    {"id": "a1", "source": "Reuters", "published": "2017-07-21", "url": "https://example.org/a1",
     "text": "BEIRUT (Reuters) - Hezbollah fighters clashed with Nusra Front militants in the outskirts of Arsal "
             "on Friday, killing five militants, a security source said. The fighting lasted several hours."},
    {"id": "b1", "source": "Al-Manar", "published": "2017-07-21", "url": "https://example.org/b1",
     "text": "Hezbollah fighters clashed with Nusra Front militants near Arsal on Friday and killed eight "
             "militants, the Military Media Center said."},
    {"id": "c1", "source": "Daily Star", "published": "2017-07-21",
     "text": "BEIRUT (Reuters) - Hezbollah fighters clashed with Nusra Front militants in the outskirts of Arsal "
             "on Friday, killing five militants, a security source said. The fighting lasted several hours."},
    {"id": "d1", "source": "AFP", "published": "2017-07-25",
     "text": "Syrian army aircraft struck rebel positions in Daraa on Tuesday, killing three civilians, "
             "a monitor said."},
]
TOWNS = ["Daraa", "Idlib", "Homs", "Hama", "Raqqa", "Deir ez-Zor", "Palmyra", "Douma", "Latakia", "Tartus",
         "Qamishli", "Manbij", "Saraqib", "Azaz", "Afrin", "Kobani", "Hasakah", "Bukamal", "Tadmur", "Jableh"]


def strikes(n: int) -> list[dict]:
    """n distinct one-event articles (a town and a week each)."""
    out = []
    for i in range(n):
        town, week = TOWNS[i % len(TOWNS)], i // len(TOWNS)
        out.append({"id": f"s{i}", "source": "Monitor", "published": f"2017-{8 + week:02d}-11",
                    "text": f"Syrian army aircraft struck rebel positions in {town} on Tuesday, killing "
                            f"{2 + i} civilians, a monitor said."})
    return out


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return path


# ------------------------------------------------------------------ backends

def _pg_admin() -> str:
    dsn = os.environ.get(PG_ENV)
    if not dsn:
        pytest.skip(f"PostgreSQL variant: no server given; set {PG_ENV}=postgresql://USER@HOST:PORT/DB "
                    "(USER must be allowed to create databases; .ci/run starts one)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL variant: psycopg is not installed (pip install 'eventwire[postgres]')")
    return dsn


def _pg_exec(admin: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """A fresh, empty store location of each kind."""
    if request.param == "sqlite":
        yield str(tmp_path / "events.db")
        return
    from sqlalchemy.engine import make_url

    admin = _pg_admin()
    name = f"ew_test_{uuid.uuid4().hex[:12]}"
    _pg_exec(admin, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        _pg_exec(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def counts(store) -> dict[str, int]:
    with store.reading() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t))
                for t in (ArticleRow, ReportRow, EventRow, EventReportRow, IngestErrorRow)}


# ------------------------------------------------------------------ ingest and merge

def test_ingest_merges_reports_and_is_idempotent(db, pipeline, tmp_path):
    news = write_jsonl(tmp_path / "news.jsonl", NEWS)
    with open_store(db) as store:
        first = ingest_paths(store, pipeline, [str(news)], batch_size=2)
        assert (first.read, first.new, first.duplicates, first.failed) == (4, 4, 0, 0)
        assert len(first.events_new) == 2
        with store.reading() as s:
            clash = s.scalar(select(EventRow).where(EventRow.country == "Lebanon"))
            assert (clash.n_reports, clash.n_outlets) == (3, 2)   # the Daily Star reprinted Reuters' wire
            assert clash.fatalities == 5                          # the lowest credible count
            assert clash.contested["fatalities"] == {"Reuters": 5, "Al-Manar": 8, "Daily Star": 5}
            assert {e["doc_id"] for e in clash.record["evidence"]} == {"a1", "b1", "c1"}
            reasons = [link.reasons for link in clash.links]
            assert reasons[0] == [] and all(any("dates agree" in r for r in rs) for rs in reasons[1:])
        before = counts(store)
        again = ingest_paths(store, pipeline, [str(news)])
        assert (again.new, again.duplicates, len(again.events_new), len(again.events_updated)) == (0, 4, 0, 0)
        # the same URL with edited text, and the same text from another file: still the same articles
        edited = dict(NEWS[0], text=NEWS[0]["text"] + " Updated.")
        copy = dict(NEWS[3], id="other-id")
        third = ingest_paths(store, pipeline, [str(write_jsonl(tmp_path / "again.jsonl", [edited, copy]))])
        assert (third.new, third.duplicates) == (0, 2)
        assert counts(store) == before


def test_commands_ingest_list_show_export(db, pipeline, tmp_path, monkeypatch):
    monkeypatch.setattr(store_cli, "_pipeline", lambda actors, max_chars: pipeline)
    news = write_jsonl(tmp_path / "news.jsonl", NEWS)
    res = runner.invoke(app, ["ingest", str(news), "--db", db])
    assert res.exit_code == 0, res.output
    assert "4 articles read: 4 new, 0 duplicates, 0 failed; events: 2 new, 0 updated" in res.stderr

    def listed(*args):
        r = runner.invoke(app, ["events", "list", "--db", db, "--format", "jsonl", *args])
        assert r.exit_code == 0, r.output
        return [json.loads(line) for line in r.stdout.splitlines()]

    assert len(listed()) == 2
    assert [e["country"] for e in listed("--country", "lebanon")] == ["Lebanon"]
    assert [e["n_outlets"] for e in listed("--min-outlets", "2")] == [2]
    assert [e["sub_event_type"] for e in listed("--type", "air/drone strike")] == ["Air/drone strike"]
    assert len(listed("--actor", "hezbollah")) == 1
    assert [e["event_date"] for e in listed("--from", "2017-07-22", "--to", "2017-07-31")] == ["2017-07-25"]
    bad = runner.invoke(app, ["events", "list", "--db", db, "--from", "yesterday"])
    assert bad.exit_code == 2 and "expected a date" in bad.stderr

    clash = listed("--country", "Lebanon")[0]
    shown = runner.invoke(app, ["events", "show", clash["event_id"], "--db", db, "--format", "jsonl"])
    assert shown.exit_code == 0, shown.output
    detail = json.loads(shown.stdout)
    assert [r["doc_id"] for r in detail["merged_reports"]] == ["a1", "b1", "c1"]
    assert detail["merged_reports"][1]["why_merged"] and detail["merged_reports"][0]["why_merged"] == []
    table = runner.invoke(app, ["events", "show", clash["event_id"], "--db", db, "--format", "table"])
    assert "why merged" in table.stdout and "contested: fatalities" in table.stdout
    missing = runner.invoke(app, ["events", "show", "NOPE-1", "--db", db])
    assert missing.exit_code == 2 and "no event 'NOPE-1'" in missing.stderr

    out = runner.invoke(app, ["export", "--format", "csv", "--db", db, "--min-outlets", "2"])
    lines = out.stdout.splitlines()
    assert lines[0].startswith("event_id_cnty,event_date,year,time_precision,disorder_type,event_type")
    assert len(lines) == 2 and '""doc_id"": ""c1""' in lines[1]
    geo = json.loads(runner.invoke(app, ["export", "--format", "geojson", "--db", db]).stdout)
    assert len(geo["features"]) == 2 and all(f["geometry"] for f in geo["features"])
    pq = pytest.importorskip("pyarrow.parquet")
    target = tmp_path / "events.parquet"
    done = runner.invoke(app, ["export", "--format", "parquet", "--db", db, "-o", str(target)])
    assert done.exit_code == 0 and "2 events exported" in done.stderr
    rows = pq.read_table(target).to_pylist()
    merged = next(r for r in rows if r["n_reports"] == 3)
    assert sorted(merged["reports"]) == ["a1", "b1", "c1"]
    assert {e["doc_id"] for e in merged["evidence"]} == {"a1", "b1", "c1"}
    assert json.loads(merged["contested"])["fatalities"]["Al-Manar"] == 8


def test_failures_are_recorded_and_the_batch_goes_on(db, pipeline, tmp_path, monkeypatch):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "broken.rss").write_text("this is not XML <<<", "utf-8")
    (folder / "feed.xml").write_text(RSS, "utf-8")
    (folder / "page.html").write_text(HTML, "utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    long_text = "Syrian army aircraft struck rebel positions in Idlib on Tuesday. " * 40
    write_jsonl(folder / "mixed.jsonl", [NEWS[3], {"id": "empty", "text": " "},
                                         {"id": "long", "text": long_text, "published": "2017-07-25"}])
    with (folder / "mixed.jsonl").open("a") as fh:
        fh.write("{not json\n")
    monkeypatch.setattr(pipeline, "max_chars", 1000)   # the long article fails in extraction
    with open_store(db) as store:
        summary = ingest_paths(store, pipeline, [str(folder)])
        reasons = {(e.stage, e.reason.split(" (")[0].split(":")[0]) for e in summary.errors}
        assert ("read", "not a well-formed RSS/Atom feed") in reasons
        assert any("syntax error" in e.reason for e in summary.errors if e.record.endswith("broken.rss"))
        assert any(stage == "extract" and r.startswith("too large") for stage, r in reasons)
        assert {e.record.rsplit("/", 1)[-1] for e in summary.errors} >= {"broken.rss", "notes.pdf", "mixed.jsonl:2",
                                                                          "mixed.jsonl:4", "long"}
        assert summary.new == 3 and summary.failed == 5    # the feed entry, the page, the good jsonl line
        with store.reading() as s:
            stored = {a.doc_id: a for a in s.scalars(select(ArticleRow))}
            kept = {(e.record.rsplit("/", 1)[-1], e.stage) for e in s.scalars(select(IngestErrorRow))}
        assert stored["page"].outlet == "Example News" and stored["page"].published.isoformat() == "2017-07-21"
        assert stored["https://example.org/rss/1"].title == "Army shells rebel-held town"
        assert ("long", "extract") in kept and ("broken.rss", "read") in kept and len(kept) == 5
        before = counts(store)
        ingest_paths(store, pipeline, [str(folder)])
        assert counts(store) == before                     # failures are kept once, not per run


def test_killed_ingest_completes_on_rerun(db, tmp_path):
    """SIGKILL in the middle of a run, then the same command again: every article once, nothing lost."""
    articles = strikes(40)
    news = write_jsonl(tmp_path / "stream.jsonl", articles)
    cmd = [EXE, "ingest", str(news), "--db", db, "--batch-size", "2"]
    store = open_store(db)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        stored = 0
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            stored = counts(store)["articles"]
            if stored >= 4:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL, f"the run ended before it could be killed: {proc.stderr.read()}"
    partial = counts(store)["articles"]
    assert 4 <= partial < len(articles)
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(articles) - partial} new, {partial} duplicates, 0 failed" in rerun.stderr
    with store.reading() as s:
        doc_ids = s.scalars(select(ArticleRow.doc_id)).all()
        per_article = s.execute(select(ReportRow.article_id, func.count()).group_by(ReportRow.article_id)).all()
        linked = s.scalar(select(func.count()).select_from(EventReportRow))
        n_reports = s.scalar(select(func.sum(EventRow.n_reports)))
    store.close()
    assert sorted(doc_ids) == sorted(a["id"] for a in articles)        # no duplicate, no missing article
    assert len(per_article) == len(articles) and all(n == 1 for _, n in per_article)
    assert linked == n_reports == len(articles)                           # every report in exactly one event


def test_older_schema_is_upgraded_in_place(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import text

    from eventwire.store.db import create_store_engine, resolve_location
    from eventwire.store.hashing import body_hash
    from eventwire.store.models import Base

    engine = create_store_engine(resolve_location(db))
    upgrade(engine, "0001")              # the store as the first release made it
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO articles (doc_id, content_hash, outlet, url, title, published, text, "
                          "ingested_at) VALUES ('old', 'h1', 'Reuters', NULL, NULL, '2017-07-21', "
                          "'BEIRUT (Reuters) - Old text.', '2020-01-01 00:00:00')"))
    engine.dispose()
    said: list[str] = []
    with open_store(db, notify=said.append) as store:
        assert said == ["upgrading the store's schema from 0001 to 0002"]
        with store.reading() as s:
            old = s.scalar(select(ArticleRow).where(ArticleRow.doc_id == "old"))
            assert old.body_hash == body_hash("BEIRUT (Reuters) - Old text.")
        with store.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    said.clear()
    open_store(db, notify=said.append).close()
    assert said == []                     # nothing to do the second time


# ------------------------------------------------------------------ faults when opening

def test_store_that_cannot_be_opened_says_why(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="not an SQLite database"):
        open_store(str(junk))
    with pytest.raises(StoreError, match="it is a folder"):
        open_store(str(tmp_path))
    res = runner.invoke(app, ["events", "list", "--db", str(junk)])
    assert res.exit_code == 2 and "not an SQLite database" in res.stderr
    with pytest.raises(StoreError, match="unsupported database 'mysql'"):
        open_store("mysql://user@localhost/db")

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE mine (x)").connection.commit()
    with pytest.raises(StoreError, match="holds other tables"):
        open_store(str(other))

    newer = tmp_path / "newer.db"
    open_store(str(newer)).close()
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer than this eventwire"):
        open_store(str(newer))


def test_locked_store_is_reported_not_waited_forever(tmp_path, pipeline):
    path = tmp_path / "events.db"
    open_store(str(path)).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")          # another process writing
    try:
        store = open_store(str(path), busy_timeout=0.2)
        news = write_jsonl(tmp_path / "news.jsonl", NEWS[3:])
        with pytest.raises(StoreError, match="locked by another process"):
            ingest_paths(store, pipeline, [str(news)])
        store.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with open_store(str(path)) as store:       # once released, the same ingest goes through
        assert ingest_paths(store, pipeline, [str(news)]).new == 1


def test_unreachable_postgresql_is_reported():
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError, match="cannot connect to the store .*is the PostgreSQL server running"):
        open_store("postgresql://nobody@127.0.0.1:1/none")


def test_where_the_store_is(monkeypatch, tmp_path):
    from eventwire.store.db import resolve_location

    monkeypatch.delenv("EVENTWIRE_DB", raising=False)
    monkeypatch.setenv("EVENTWIRE_DATA_DIR", str(tmp_path))
    assert resolve_location(None).display == str(tmp_path / "events.db")
    monkeypatch.setenv("EVENTWIRE_DB", "postgresql://me:secret@db.example/ev")
    loc = resolve_location(None)
    assert loc.url.startswith("postgresql+psycopg://me:secret@") and "secret" not in loc.display
    assert resolve_location(str(tmp_path / "x.db")).display == str(tmp_path / "x.db")


# ------------------------------------------------------------------ feeds and pages

RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Levant Wire</title>
<item><title>Army shells rebel-held town</title><link>https://example.org/rss/1</link>
<pubDate>Tue, 25 Jul 2017 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Syrian army artillery shelled rebel positions in Saraqib on Tuesday,
killing two fighters, a monitor said.&lt;/p&gt;</description></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Sahel Monitor</title>
<entry><title>Clash near Gao</title><id>urn:x:1</id><link href="https://example.org/atom/1"/>
<updated>2020-03-02T08:00:00Z</updated>
<content type="html">&lt;p&gt;Soldiers clashed with militants near Gao on Sunday.&lt;/p&gt;
&lt;p&gt;Two soldiers died.&lt;/p&gt;</content></entry>
</feed>"""
HTML = """<html><head><title>Clashes in Aleppo | Example News</title>
<meta property="og:site_name" content="Example News"><meta property="article:published_time" content="2017-07-21">
</head><body><nav>Home | World | Sport</nav><article><h1>Clashes in Aleppo</h1>
<p>ALEPPO (Example News) - Syrian army troops clashed with Islamic State fighters near Aleppo on Friday, killing
five fighters, a military source said.</p><p>The fighting lasted for several hours in the eastern countryside of
the city, residents said.</p></article>
<footer>Copyright 2017 Example News. All rights reserved.</footer></body></html>"""


def test_feed_entries_and_pages_become_articles(tmp_path):
    from eventwire.model import Article, RecordError
    from eventwire.store.sources import read_feed, read_html

    (tmp_path / "a.rss").write_text(RSS, "utf-8")
    (tmp_path / "b.atom").write_text(ATOM, "utf-8")
    (tmp_path / "c.xml").write_text('<?xml version="1.0"?><note>hello</note>', "utf-8")
    (tmp_path / "d.html").write_text(HTML, "utf-8")
    (tmp_path / "e.html").write_text("<html><head><title>x</title></head><body><script>var a = 1;</script>"
                                     "</body></html>", "utf-8")
    [rss] = list(read_feed(tmp_path / "a.rss"))
    assert isinstance(rss, Article)
    assert (rss.source, rss.url, rss.published.isoformat()) == (
        "Levant Wire", "https://example.org/rss/1", "2017-07-25")
    assert rss.text.startswith("Syrian army artillery shelled") and "<p>" not in rss.text
    [atom] = list(read_feed(tmp_path / "b.atom"))
    assert atom.doc_id == "urn:x:1" and atom.published.isoformat() == "2020-03-02" and "\n" in atom.text
    [none] = list(read_feed(tmp_path / "c.xml"))
    assert isinstance(none, RecordError) and none.reason == "no RSS/Atom entries in this XML file"
    page = read_html(tmp_path / "d.html")
    assert isinstance(page, Article) and page.source == "Example News" and page.title == "Clashes in Aleppo"
    assert page.text.startswith("ALEPPO (Example News)") and "Copyright" not in page.text and "Home" not in page.text
    assert page.dateline_place.upper() == "ALEPPO"
    empty = read_html(tmp_path / "e.html")
    assert isinstance(empty, RecordError) and empty.reason == "no main text found in the HTML page"


def test_an_article_that_cannot_be_stored_is_left_out_alone(db, pipeline, tmp_path, monkeypatch):
    """A failure while writing one article rolls back that article only; the rest of its batch is stored."""
    from eventwire.store import repository

    real = repository.merge.aggregate

    def refuse_b1(reports, event_id):
        if any(r.doc_id == "b1" for r in reports):
            raise ValueError("cannot merge this one")
        return real(reports, event_id)

    monkeypatch.setattr(repository.merge, "aggregate", refuse_b1)
    with open_store(db) as store:
        summary = ingest_paths(store, pipeline, [str(write_jsonl(tmp_path / "news.jsonl", NEWS))])
        assert (summary.new, summary.failed) == (3, 1)
        assert [(e.record, e.stage, e.reason) for e in summary.errors] == [
            ("b1", "store", "ValueError: cannot merge this one")]
        with store.reading() as s:
            assert sorted(s.scalars(select(ArticleRow.doc_id))) == ["a1", "c1", "d1"]
            assert s.scalar(select(func.count()).select_from(ReportRow)) == 3
            assert s.scalar(select(IngestErrorRow.stage).where(IngestErrorRow.record == "b1")) == "store"


def test_eval_merge_on_a_gva_sample(pipeline, tmp_path):
    from conftest import require_shared

    from eventwire.store.evaluate import evaluate_merge

    gva = require_shared("data", "gva-dev")
    result = evaluate_merge(gva, limit=4, pipeline=pipeline)
    assert result["incidents"] == 4 and result["articles"] >= 4
    assert result["bcubed_baseline_one_event_per_article"]["precision"] == 1.0
    assert 0.0 < result["bcubed"]["f1"] <= 1.0
    assert set(result["per_incident"]) == {"fatalities", "date", "place"}
    counted = result["ingest"]
    assert counted["new"] + counted["duplicates"] + counted["failed"] == counted["read"]
    missing = runner.invoke(app, ["eval", "merge", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no such folder" in missing.stderr
