"""Mentions found in a sentence: dates, fatality counts, attribution (claims) and modality.

Each function works on plain text (and, where useful, a spaCy Span); the words they rely on live in
``eventwire/data/language/*.yaml``.
"""
from eventwire.mentions.claims import attribution_span, attribution_spans, find_attribution, is_hedged
from eventwire.mentions.dates import find_dates, resolve_event_date
from eventwire.mentions.fatalities import count_fatalities, fatality_mentions, parse_number
from eventwire.mentions.modality import LABELS as MODALITY_LABELS
from eventwire.mentions.modality import modality, modality_of_verb

__all__ = [
    "find_dates", "resolve_event_date",
    "count_fatalities", "fatality_mentions", "parse_number",
    "find_attribution", "attribution_span", "attribution_spans", "is_hedged",
    "modality", "modality_of_verb", "MODALITY_LABELS",
]
