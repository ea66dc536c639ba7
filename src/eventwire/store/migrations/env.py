"""Alembic environment: the store passes its own open connection (`config.attributes["connection"]`),
so migrations run inside eventwire without an alembic.ini. With the `alembic` command line, give the
database URL with `-x url=...`."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from eventwire.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    engine = create_engine(url)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - SQL scripts are not how the store is migrated
    raise SystemExit("offline migrations are not supported: run them against a database")
run_migrations_online()
