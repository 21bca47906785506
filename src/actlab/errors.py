"""The errors actlab raises for bad input: one line naming the problem."""

from __future__ import annotations

import difflib


class ActlabError(ValueError):
    """Bad input from a user: the message names the problem and what is valid."""


def did_you_mean(word: str, choices, n: int = 3) -> str:
    """``"; did you mean x, y?"`` when there are close matches, else ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=n, cutoff=0.5)
    return f"; did you mean {', '.join(close)}?" if close else ""


def choices_text(choices) -> str:
    return ", ".join(sorted(choices))
