"""The command line's stderr console and its live status line (shared by every command group)."""
from __future__ import annotations

from rich.console import Console

err = Console(stderr=True, highlight=False)


class StatusLine:
    """A live one-line status on stderr when stderr is a terminal; silent otherwise (pipes, CI)."""

    def __init__(self, label: str, console: Console = err) -> None:
        self.label = label
        self.status = console.status(label) if console.is_terminal else None

    def __enter__(self) -> "StatusLine":
        if self.status:
            self.status.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self.status:
            self.status.__exit__(*exc)

    def show(self, text: str) -> None:
        if self.status:
            self.status.update(text)
