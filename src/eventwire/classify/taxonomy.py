"""The ACLED event taxonomy (6 event types, 25 sub-event types) loaded from data/taxonomy.yaml."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path


from eventwire.datafiles import load_yaml

NO_EVENT = "No event"


@dataclass(frozen=True)
class SubEventType:
    name: str
    event_type: str
    disorder_type: str
    description: str


@dataclass(frozen=True)
class Taxonomy:
    sub_event_types: tuple[SubEventType, ...]
    precedence: tuple[str, ...]   # first wins

    def __post_init__(self) -> None:
        names = {s.name for s in self.sub_event_types}
        missing = names.symmetric_difference(self.precedence)
        if missing:
            raise ValueError(f"taxonomy precedence and sub-event types differ: {sorted(missing)}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sub_event_types)

    def get(self, sub_event_type: str) -> SubEventType:
        for s in self.sub_event_types:
            if s.name == sub_event_type:
                return s
        raise KeyError(sub_event_type)

    def event_type(self, sub_event_type: str) -> str:
        return self.get(sub_event_type).event_type

    def disorder_type(self, sub_event_type: str) -> str:
        return self.get(sub_event_type).disorder_type

    def rank(self, sub_event_type: str) -> int:
        """Lower rank wins under ACLED precedence."""
        return self.precedence.index(sub_event_type)

    def of_event_type(self, event_type: str) -> tuple[str, ...]:
        return tuple(s.name for s in self.sub_event_types if s.event_type == event_type)


def data_path(*parts: str) -> Path:
    """Path of a file shipped in eventwire/data."""
    return Path(str(resources.files("eventwire").joinpath("data", *parts)))


def parse_taxonomy(doc: dict) -> Taxonomy:
    subs: list[SubEventType] = []
    for et in doc["event_types"]:
        for st in et["sub_event_types"]:
            subs.append(SubEventType(st["name"], et["name"], st.get("disorder_type", et["disorder_type"]),
                                     st.get("description", "")))
    return Taxonomy(tuple(subs), tuple(doc["precedence"]))


@lru_cache(maxsize=4)
def load_taxonomy(path: str | None = None) -> Taxonomy:
    """Load the taxonomy (the shipped one unless `path` is given)."""
    p = Path(path) if path else data_path("taxonomy.yaml")
    with open(p, encoding="utf-8") as fh:
        return parse_taxonomy(load_yaml(fh))


@lru_cache(maxsize=1)
def old_acled_types() -> dict[str, tuple[tuple[str, ...], str | None]]:
    """ACLED's pre-2019 event types (as written in old exports) -> (today's accepted event types, the
    sub-event type the old type determines or None), from data/acled_old_types.yaml."""
    with open(data_path("acled_old_types.yaml"), encoding="utf-8") as fh:
        doc = load_yaml(fh)
    return {str(old): (tuple(spec["event_types"]), spec.get("sub_event_type"))
            for old, spec in (doc.get("old_types") or {}).items()}
