"""Places: the embedded gazetteer, the user's imported GeoNames data and own places, toponym recognition
and resolution (geoparsing).

Names are imported on first use (PEP 562), so that `eventwire --help` and `import eventwire.geo.cli`
stay cheap.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "Gazetteer": "gazetteer", "build_index": "gazetteer", "country_from_name": "gazetteer",
    "country_name": "gazetteer", "demonyms": "gazetteer", "haversine_km": "gazetteer", "iso_numeric": "gazetteer",
    "load_gazetteer": "gazetteer", "region": "gazetteer",
    "name_key": "normalize", "skeleton": "normalize",
    "Toponym": "recognize", "find_toponyms": "recognize",
    "geoparse": "resolve", "precision_of": "resolve", "resolve_places": "resolve", "rank_candidates": "resolve",
    "import_files": "importer", "add_user_places": "importer",
    "GazetteerError": "geonames",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'eventwire.geo' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
