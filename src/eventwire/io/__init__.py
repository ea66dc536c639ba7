"""Reading articles in, writing events out."""
from .clean import clean_text, load_boilerplate, parse_dateline
from .readers import decode_bytes, parse_published, read_articles
from .writers import default_format, event_to_row, write_events, write_records

__all__ = [
    "clean_text", "load_boilerplate", "parse_dateline",
    "decode_bytes", "parse_published", "read_articles",
    "default_format", "event_to_row", "write_events", "write_records",
]
