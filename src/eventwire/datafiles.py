"""Reading the package's YAML knowledge files (fast C loader when PyYAML has it)."""
from __future__ import annotations

from typing import IO, Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(source: str | bytes | IO) -> Any:
    """Like yaml.safe_load, with libyaml's C parser when available (several times faster)."""
    return yaml.load(source, Loader=_Loader)  # noqa: S506 - a safe loader
