"""Names in the wrong file: another bidder's company named in a bid (mix-up, 混装, Article 40 (5)), and a
person one bidder declared named in another bidder's files (the same staff behind two bids). Names are
searched in normalised text and reported in original coordinates."""

from __future__ import annotations

from collections.abc import Iterable

from yunshao.documents.normalise import Normalised


def find_first(norm: Normalised, needle: str, inside: Iterable[str] = ()) -> tuple[int, int] | None:
    """The original ``[start, end)`` of the first occurrence of an already normalised ``needle`` that is not
    part of an occurrence of one of the longer names ``inside`` ("谭亮" inside "谭亮佳": Chinese text has no
    spaces to mark where a name ends)."""
    if not needle:
        return None
    longer = [name for name in inside if needle in name and len(name) > len(needle)]
    at = norm.text.find(needle)
    while at >= 0:
        if not any(_covers(norm.text, at, needle, name) for name in longer):
            return norm.span(at, at + len(needle))
        at = norm.text.find(needle, at + 1)
    return None


def _covers(text: str, at: int, needle: str, name: str) -> bool:
    """Whether an occurrence of ``name`` in ``text`` contains the ``needle`` found at ``at``."""
    offset = name.find(needle)
    while offset >= 0:
        if at - offset >= 0 and text.startswith(name, at - offset):
            return True
        offset = name.find(needle, offset + 1)
    return False


def snippet(text: str, start: int, end: int, context: int) -> str:
    """The original text around ``[start, end)`` with ``context`` characters each side, on one line."""
    return " ".join(text[max(0, start - context) : end + context].split())
