"""The durable event store: ingest a news stream, keep every report, merge reports of the same event.

    from eventwire.store import open_store, ingest_paths
    store = open_store("events.db")            # or "postgresql://user@host/db"; None: the default file
    summary = ingest_paths(store, eventwire.Pipeline(), ["news/"])

Nothing heavy is imported until used (the CLI imports this package to build its help).
"""
from __future__ import annotations

from typing import Any

__all__ = ["open_store", "Store", "StoreError", "ingest_paths", "ingest_items", "IngestSummary",
           "EventFilter", "default_db_path"]

_LAZY = {
    "open_store": "db", "Store": "db", "StoreError": "db", "default_db_path": "db",
    "ingest_paths": "ingest", "ingest_items": "ingest", "IngestSummary": "ingest",
    "EventFilter": "queries",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f"eventwire.store.{_LAZY[name]}"), name)
    raise AttributeError(name)
