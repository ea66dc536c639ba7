"""eventwire: news reports of armed conflict in, an ACLED-style event dataset out.

    import eventwire
    pipe = eventwire.Pipeline()          # loads models and gazetteer once
    events = pipe.extract(text, published="2017-07-21", source="Press Shia Agency", doc_id="a1")
"""
from eventwire.model import Article, Event, RecordError

__version__ = "0.1.0"
__all__ = ["Pipeline", "Article", "Event", "RecordError", "__version__"]


def __getattr__(name):  # the pipeline pulls in spaCy: import it only when asked for
    if name == "Pipeline":
        from eventwire.pipeline import Pipeline

        return Pipeline
    raise AttributeError(name)
