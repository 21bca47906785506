"""The errors actlab raises for bad input: one line naming the problem."""

from __future__ import annotations

import difflib


class ActlabError(ValueError):
    """Bad input from a user: the message names the problem and what is valid."""


def did_you_mean(word: str, choices, n: int = 3) -> str:
    """``"; did you mean x, y?"`` when there are close matches, else ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=n, cutoff=0.5)
    return f"; did you mean {', '.join(close)}?" if close else ""


def require_within(owner: str, name: str, value: float, low: float, high: float):
    """Refuse a parameter outside ``[low, high]`` (where the kernels are exact)."""
    if not low <= value <= high:
        raise ActlabError(
            f"{owner} {name} must lie in [{low:g}, {high:g}], got {value!r}"
        )


def choices_text(choices) -> str:
    return ", ".join(sorted(choices))
