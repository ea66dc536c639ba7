"""Actors: the ACLED-style actor lexicon and the matcher that finds actor mentions in text."""
from eventwire.actors.lexicon import (
           Actor,
           ActorLexicon,
           Country,
           EthnicGroup,
           Role,
           default_lexicon,
           strip_period,
)
from eventwire.actors.matcher import find_actors, prepare_matchers

__all__ = ["Actor", "ActorLexicon", "Country", "EthnicGroup", "Role", "default_lexicon", "find_actors",
           "prepare_matchers", "strip_period"]
