"""Names in the wrong file: another bidder's company named in a bid (mix-up, 混装, Article 40 (4)), and a
person one bidder declared named in another bidder's files (the same staff behind two bids). Names are
searched in normalised text and reported in original coordinates."""

from __future__ import annotations

from yunshao.documents.normalise import Normalised


def find_first(norm: Normalised, needle: str) -> tuple[int, int] | None:
    """The original ``[start, end)`` of the first occurrence of an already normalised ``needle``."""
    if not needle:
        return None
    at = norm.text.find(needle)
    if at < 0:
        return None
    return norm.span(at, at + len(needle))


def snippet(text: str, start: int, end: int, context: int) -> str:
    """The original text around ``[start, end)`` with ``context`` characters each side, on one line."""
    return " ".join(text[max(0, start - context) : end + context].split())
