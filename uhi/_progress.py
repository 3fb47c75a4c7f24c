"""Progress callbacks: long library calls take ``progress=`` (a callable given a short step description)."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "say"]

#: ``progress(description)`` before each step, or None for silence.
Progress = Callable[[str], None] | None


def say(progress: Progress, text: str) -> None:
    """Report ``text`` to ``progress`` when one was given."""
    if progress is not None:
        progress(text)
