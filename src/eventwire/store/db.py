"""Opening the store: where it is, connecting, and bringing its schema up to date.

The store is one SQLite file (WAL mode) in the user's data directory by default, a file given with
`--db PATH`, or a PostgreSQL database given as `--db postgresql://...` (or EVENTWIRE_DB). Opening runs
the Alembic migrations that the database lacks, so a store made by an older eventwire is upgraded in
place (said on stderr by the CLI). Everything that can go wrong while opening is a `StoreError` with
a message a user can act on.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import event as sa_event
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

DB_FILENAME = "events.db"
DEFAULT_BUSY_TIMEOUT_S = 30.0


class StoreError(RuntimeError):
    """The store cannot be opened, upgraded or written; the message says why and what to do."""


@dataclass(frozen=True)
class StoreLocation:
    url: str          # SQLAlchemy URL
    display: str      # what to show a user (a path, or the URL without its password)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")


def default_db_path() -> Path:
    """EVENTWIRE_DATA_DIR/events.db, else the platform's user data directory for eventwire."""
    base = os.environ.get("EVENTWIRE_DATA_DIR")
    if not base:
        from platformdirs import user_data_dir

        base = user_data_dir("eventwire")
    return Path(base) / DB_FILENAME


def resolve_location(db: str | None = None) -> StoreLocation:
    """Where the store is: `db` (a path or a database URL), else EVENTWIRE_DB, else the default file."""
    value = db or os.environ.get("EVENTWIRE_DB") or str(default_db_path())
    if "://" in value:
        try:
            url = make_url(value)
        except ArgumentError:
            raise StoreError(
                f"not a database URL: {value!r} (expected postgresql://USER@HOST/DB or a file path)") from None
        backend = url.get_backend_name()
        if backend in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        elif backend != "sqlite":
            raise StoreError(f"unsupported database {backend!r}: use a file path (SQLite) or postgresql://...")
        return StoreLocation(url.render_as_string(hide_password=False), url.render_as_string(hide_password=True))
    path = Path(value).expanduser()
    return StoreLocation(f"sqlite:///{path}", str(path))


def create_store_engine(location: StoreLocation, busy_timeout: float = DEFAULT_BUSY_TIMEOUT_S) -> Engine:
    from sqlalchemy import create_engine

    if location.is_sqlite:
        path = Path(location.display)
        if path.is_dir():
            raise StoreError(f"cannot open the store {path}: it is a folder (give a file path)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the store's folder {path.parent}: {exc.strerror or exc}") from None
        engine = create_engine(location.url, connect_args={"timeout": busy_timeout})
        sa_event.listen(engine, "connect", _sqlite_pragmas)
        sa_event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise StoreError("a PostgreSQL store needs psycopg: pip install 'eventwire[postgres]'") from None
    return create_engine(location.url, pool_pre_ping=True,
                         connect_args={"connect_timeout": 10,
                                       "options": f"-c lock_timeout={int(busy_timeout * 1000)}"})


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # Python's sqlite3 would open transactions itself; SQLAlchemy's "begin" event does it instead, so
    # that a writing transaction can take the write lock at once (BEGIN IMMEDIATE: waits for another
    # writer up to the busy timeout instead of failing when a read lock cannot be upgraded)
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def _alembic_config(connection: Connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(None)  # type: ignore[arg-type]
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head", notify: Callable[[str], None] | None = None) -> None:
    """Bring the schema to `revision` (each migration in its own transaction)."""
    from alembic import command
    from alembic.script import ScriptDirectory

    with engine.connect() as conn:
        cfg = _alembic_config(conn)
        script = ScriptDirectory.from_config(cfg)
        current = current_revision(conn)
        known = {r.revision for r in script.walk_revisions()}
        if current is not None and current not in known:
            raise StoreError(
                f"the store's schema ({current}) is newer than this eventwire knows ({script.get_current_head()}): "
                "upgrade eventwire")
        if current is None and _has_foreign_tables(conn):
            raise StoreError("this database holds other tables and no eventwire schema: "
                             "give an empty database or an eventwire store")
        target = script.get_current_head() if revision == "head" else revision
        if current == target:
            return
        if current is not None and notify:
            notify(f"upgrading the store's schema from {current} to {target}")
        command.upgrade(cfg, revision)
        conn.commit()


def _has_foreign_tables(conn: Connection) -> bool:
    names = set(inspect(conn).get_table_names())
    return bool(names - {"alembic_version"})


class Store:
    """An open store: an engine and a session factory, with the schema at head."""

    def __init__(self, location: StoreLocation, engine: Engine):
        self.location = location
        self.engine = engine
        self.session = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session for one writing transaction: committed at the end, rolled back on error. On SQLite
        the write lock is taken when it starts (another writer is waited for up to the busy timeout)."""
        with self.engine.connect() as conn:
            if self.location.is_sqlite:
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with Session(bind=conn, expire_on_commit=False) as session:
                with session.begin():
                    yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.session() as session:
            yield session

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_store(db: str | None = None, *, migrate: bool = True, busy_timeout: float = DEFAULT_BUSY_TIMEOUT_S,
               notify: Callable[[str], None] | None = None) -> Store:
    """Open (and create or upgrade) the store at `db` (path or URL; None: EVENTWIRE_DB or the default file)."""
    location = resolve_location(db)
    engine = create_store_engine(location, busy_timeout)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        if migrate:
            upgrade(engine, notify=notify)
    except StoreError:
        engine.dispose()
        raise
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        raise StoreError(describe_db_error(location, exc)) from None
    return Store(location, engine)


def describe_db_error(location: StoreLocation, exc: BaseException) -> str:
    """A user's message for a database error (locked, not a database, refused, ...)."""
    raw = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    low = raw.lower()
    where = location.display
    if "database is locked" in low or "lock timeout" in low or "could not obtain lock" in low:
        return (f"the store {where} is locked by another process (another `eventwire ingest`?): "
                "wait for it to finish, or use another --db")
    if "file is not a database" in low or "file is encrypted" in low:
        return f"cannot open the store {where}: the file is not an SQLite database"
    if "unable to open database file" in low:
        return f"cannot open the store {where}: unable to open the file (check the path and its permissions)"
    if "readonly" in low or "read-only" in low:
        return f"cannot write the store {where}: it is read-only"
    if "connection refused" in low or "could not connect" in low or "connection failed" in low:
        return f"cannot connect to the store {where}: {raw} (is the PostgreSQL server running?)"
    if "does not exist" in low and "database" in low:
        return f"cannot open the store {where}: {raw} (create the database first: createdb NAME)"
    if "authentication failed" in low or "password" in low:
        return f"cannot connect to the store {where}: {raw}"
    return f"store {where}: {raw}"
