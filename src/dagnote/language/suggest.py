""""Did you mean": the closest of the words a place accepts, for a word it does not."""

from __future__ import annotations

import difflib
from collections.abc import Sequence


def did_you_mean(word: str, choices: Sequence[str], cutoff: float = 0.7) -> str:
    """`` (did you mean 'min'?)`` for the closest of ``choices``, or nothing.

    A word that starts with a choice of three letters or more counts as close
    (``minimize`` -> ``min``, which difflib's ratio alone finds too far).
    """
    low = word.lower()
    by_lower = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(low, list(by_lower), n=1, cutoff=cutoff)
    starts = [c for c in by_lower if len(c) >= 3 and low.startswith(c) and low != c]
    best = close or starts
    return f" (did you mean '{by_lower[best[0]]}'?)" if best else ""
