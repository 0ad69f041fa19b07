"""Make two copies of the same text compare equal however they were typed or laid out: NFKC (full width to
half width), no whitespace (line breaks and spaces move with layout), one form per punctuation mark
(Chinese and Western quotes, dashes, commas), Latin in lower case. Punctuation is kept: a shared odd comma
or a shared typo is evidence. ``offsets`` maps each normalised character back to the original text so
that passages are reported where a reader will find them."""

from __future__ import annotations

import unicodedata
from array import array
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

# Variants of one mark, mapped to one form after NFKC (which already maps full-width ，：；（）！？ etc.).
PUNCTUATION = {
    "。": ".",
    "、": ",",
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "〝": '"',
    "〞": '"',
    "「": '"',
    "」": '"',
    "『": '"',
    "』": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "【": "[",
    "】": "]",
    "〔": "[",
    "〕": "]",
    "〖": "[",
    "〗": "]",
    "《": "<",
    "》": ">",
    "〈": "<",
    "〉": ">",
    "—": "-",
    "–": "-",
    "―": "-",
    "‐": "-",
    "‑": "-",
    "−": "-",
    "～": "~",
    "〜": "~",
    "・": "·",
    "•": "·",
    "．": ".",
}


@dataclass(frozen=True)
class Normalised:
    """The normalised text and, for each of its characters, the index of the original character."""

    text: str
    offsets: array

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` of the normalised ``[start, end)`` (``end`` exclusive, > start)."""
        return self.offsets[start], self.offsets[end - 1] + 1


@lru_cache(maxsize=65536)
def _char(c: str) -> str:
    if c.isspace():
        return ""
    out = []
    for d in unicodedata.normalize("NFKC", c):
        if d.isspace():
            continue
        d = PUNCTUATION.get(d, d)
        out.append(d.lower() if d.isascii() else d)
    return "".join(out)


def normalise(text: str) -> Normalised:
    """Normalise ``text`` character by character (so each output character has one original index)."""
    table = {c: _char(c) for c in set(text)}
    parts = list(map(table.__getitem__, text))
    if all(len(v) == 1 for v in table.values()):
        return Normalised("".join(parts), array("q", range(len(text))))
    if all(len(v) <= 1 for v in table.values()):  # only whitespace dropped: the usual case
        return Normalised("".join(parts), array("q", compress(range(len(text)), parts)))
    offsets = array("q")
    for i, n in enumerate(parts):
        if n:
            offsets.extend([i] * len(n))
    return Normalised("".join(parts), offsets)
