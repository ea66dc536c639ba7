"""Alembic migrations of the event store (they ship with the package; `eventwire.store.db` runs them)."""
