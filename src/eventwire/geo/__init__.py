"""Places: the embedded gazetteer, toponym recognition and resolution (geoparsing)."""
from .gazetteer import (
                        Gazetteer,
                        build_index,
                        country_from_name,
                        country_name,
                        demonyms,
                        haversine_km,
                        iso_numeric,
                        load_gazetteer,
                        region,
)
from .normalize import name_key, skeleton
from .recognize import Toponym, find_toponyms
from .resolve import geoparse, precision_of, resolve_places

__all__ = ["Gazetteer", "build_index", "country_from_name", "country_name", "demonyms", "find_toponyms",
           "geoparse", "haversine_km", "iso_numeric", "load_gazetteer", "name_key", "precision_of", "region",
           "resolve_places", "skeleton", "Toponym"]
