"""Where the user's gazetteer data lives: imported GeoNames index, the user's own places, downloads.

$EVENTWIRE_DATA_DIR, else the platform's user data directory (platformdirs.user_data_dir("eventwire")).
Nothing is written there unless the user runs `eventwire gazetteer download/import/add`.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

IMPORTED_INDEX = "geonames.sqlite"
USER_INDEX = "user-places.sqlite"
DOWNLOADS = "downloads"
MANIFEST = "manifest.json"


def data_dir(override: str | Path | None = None) -> Path:
    """The data directory: `override`, $EVENTWIRE_DATA_DIR, or the platform's user data dir."""
    if override:
        return Path(override)
    env = os.environ.get("EVENTWIRE_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("eventwire"))


def imported_index_path(root: str | Path | None = None) -> Path:
    return data_dir(root) / "gazetteer" / IMPORTED_INDEX


def user_index_path(root: str | Path | None = None) -> Path:
    return data_dir(root) / "gazetteer" / USER_INDEX


def downloads_dir(root: str | Path | None = None) -> Path:
    return data_dir(root) / "gazetteer" / DOWNLOADS


def existing_layers(root: str | Path | None = None) -> list[Path]:
    """The user's index files that exist, highest priority first (own places, then imported GeoNames)."""
    return [p for p in (user_index_path(root), imported_index_path(root)) if p.exists()]


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MB blocks (downloads are checked and imports recorded with it)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
