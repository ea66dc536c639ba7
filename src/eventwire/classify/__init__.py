"""Event typing: ACLED event types and sub-event types for sentences and short texts."""
from .classifier import Classification, EventClassifier, Trigger, find_triggers, may_hold_event
from .lexicon import TriggerLexicon, load_lexicon, normalise
from .taxonomy import NO_EVENT, Taxonomy, load_taxonomy

__all__ = ["Classification", "EventClassifier", "Trigger", "TriggerLexicon", "Taxonomy", "NO_EVENT",
           "find_triggers", "may_hold_event", "load_lexicon", "load_taxonomy", "normalise"]
