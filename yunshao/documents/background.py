"""Document frequencies across the other tenders of a run: a passage or token that many unrelated files
contain (a legal clause, a standard form) is boilerplate and weighs little; one no other file contains is
the kind of identity the regulation calls abnormal.

A passage's rarity is read from *windows* of ``WINDOW_GRAMS`` consecutive, non-overlapping k-grams
(25 characters for k = 5), not from single k-grams: a passage stitched from common sentences in an order
no other file has is still a passage no other file has, and only windows that span the sentences see
that. Verbatim boilerplate has every window in other files and stays common.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from yunshao.documents.normalise import normalise
from yunshao.documents.shingles import U64, K, gram_array, rolling
from yunshao.documents.tokens import tokens

#: k-grams per window: 5 grams of 5 characters cover 25 characters, about one sentence.
WINDOW_GRAMS = 5


def windows(grams: Sequence[int] | U64, k: int = K) -> list[int]:
    """A hash per window of ``WINDOW_GRAMS`` k-grams, back to back (k characters apart), at each position.

    Built from the k-gram hashes, so no text is hashed twice.
    """
    return rolling(np.asarray(grams, dtype=np.uint64), WINDOW_GRAMS, step=k).tolist()


@dataclass
class HeldTwice:
    """Which items two or more (``twice``) and three or more (``more``) of the sets ``add``-ed hold, by set
    algebra rather than counting, so that tens of thousands of items per set stay in C."""

    seen: set[Any] = field(default_factory=set)
    twice: set[Any] = field(default_factory=set)
    more: set[Any] = field(default_factory=set)

    def add(self, held: Set[Any]) -> None:
        self.more |= held & self.twice
        self.twice |= held & self.seen
        self.seen |= held


@dataclass(frozen=True)
class Wanted:
    """The only shingles, windows and tokens comparisons will ask a background about: those that two or
    more bidders of some tender share (a shared passage, a shared rare token). A background that counts
    nothing else holds a province's day of files in memory; counting every shingle of every file would
    not (about 100 bytes per distinct shingle)."""

    grams: frozenset[int]
    windows: frozenset[int]
    tokens: frozenset[str]

    @classmethod
    def shared(cls, bidders: Iterable[Iterable[str]], k: int = K, minus: Iterable[str] = ()) -> Wanted:
        """What two or more of one tender's bidders (each given as the raw texts of its files) hold, less
        what the tender documents ``minus`` hold (the comparison removes those before asking)."""
        found = [HeldTwice(), HeldTwice(), HeldTwice()]
        for texts in bidders:
            held: list[set[Any]] = [set(), set(), set()]
            for text in texts:
                for into, items in zip(held, _as_list(_items(text, k)), strict=True):
                    into |= items
            for counter, h in zip(found, held, strict=True):
                counter.add(h)
        twice = [counter.twice for counter in found]
        for text in minus:
            for t, items in zip(twice, _as_list(_items(text, k)), strict=True):
                t -= items
        return cls(frozenset(twice[0]), frozenset(twice[1]), frozenset(twice[2]))

    @classmethod
    def union(cls, parts: Iterable[Wanted]) -> Wanted:
        grams: set[int] = set()
        spans: set[int] = set()
        toks: set[str] = set()
        for part in parts:
            grams |= part.grams
            spans |= part.windows
            toks |= part.tokens
        return cls(frozenset(grams), frozenset(spans), frozenset(toks))


def _as_list(items: tuple[set[int], set[int], set[str]]) -> list[set[Any]]:
    return list(items)


def _items(text: str, k: int) -> tuple[set[int], set[int], set[str]]:
    """A raw text's shingles, windows and tokens, as a background counts them."""
    norm = normalise(text).text
    grams = gram_array(norm, k)
    return set(grams.tolist()), set(windows(grams, k)), tokens(norm)


class Background:
    """Shingle, window and token document frequencies of a set of texts. Build it from the files of the
    run's *other* tenders: the files being compared must not count towards their own frequency."""

    def __init__(
        self,
        shingle_df: Counter[int],
        token_df: Counter[str],
        n_docs: int,
        minus: Background | None = None,
        window_df: Counter[int] | None = None,
    ) -> None:
        self._shingle_df = shingle_df
        self._window_df: Counter[int] = window_df if window_df is not None else Counter()
        self._token_df = token_df
        self._minus = minus
        self.n_docs: int = n_docs - (minus.n_docs if minus else 0)

    @classmethod
    def from_texts(cls, texts: Iterable[str], k: int = K, wanted: Wanted | None = None) -> Background:
        """Count, for each shingle, window and token, the number of ``texts`` that contain it (raw texts);
        with ``wanted``, only those (the others then read 0)."""
        shingle_df: Counter[int] = Counter()
        window_df: Counter[int] = Counter()
        token_df: Counter[str] = Counter()
        n = 0
        for text in texts:
            grams, spans, toks = _items(text, k)
            if wanted is not None:
                grams, spans, toks = grams & wanted.grams, spans & wanted.windows, toks & wanted.tokens
            shingle_df.update(grams)
            window_df.update(spans)
            token_df.update(toks)
            n += 1
        return cls(shingle_df, token_df, n, window_df=window_df)

    @classmethod
    def combine(cls, parts: Iterable[Background]) -> Background:
        """One background holding the texts of all ``parts`` (e.g. one per tender, built in workers)."""
        shingle_df: Counter[int] = Counter()
        window_df: Counter[int] = Counter()
        token_df: Counter[str] = Counter()
        n = 0
        for part in parts:
            if part._minus is not None:
                raise ValueError("combine backgrounds built from texts, not ones with texts excluded")
            shingle_df.update(part._shingle_df)
            window_df.update(part._window_df)
            token_df.update(part._token_df)
            n += part.n_docs
        return cls(shingle_df, token_df, n, window_df=window_df)

    def restricted(self, wanted: Wanted) -> Background:
        """This background's counts of ``wanted``'s items only (what one tender's comparisons ask about)."""
        if self._minus is not None:
            raise ValueError("restrict backgrounds built from texts, not ones with texts excluded")
        return Background(
            Counter({g: n for g, n in self._shingle_df.items() if g in wanted.grams}),
            Counter({t: n for t, n in self._token_df.items() if t in wanted.tokens}),
            self.n_docs,
            window_df=Counter({w: n for w, n in self._window_df.items() if w in wanted.windows}),
        )

    @classmethod
    def empty(cls) -> Background:
        """No other tender: every passage is as rare as can be."""
        return cls(Counter(), Counter(), 0)

    def excluding(self, texts: Iterable[str], k: int = K) -> Background:
        """This background without ``texts`` (which must be among the texts it was built from): build one
        background for a whole run, then take each tender's own files out of it, instead of rebuilding
        it from the other tenders for every tender."""
        return self.without(Background.from_texts(texts, k))

    def without(self, part: Background) -> Background:
        """This background without ``part``, a background of some of the texts it was built from (a
        tender's own files, counted once already for ``combine``)."""
        return Background(self._shingle_df, self._token_df, self.n_docs, part, self._window_df)

    def df(self, shingle: int) -> int:
        """The number of background texts that contain ``shingle``."""
        minus = self._minus.df(shingle) if self._minus else 0
        return max(0, self._shingle_df.get(shingle, 0) - minus)

    def window_df(self, window: int) -> int:
        """The number of background texts that contain ``window`` (a hash of ``windows``)."""
        minus = self._minus.window_df(window) if self._minus else 0
        return max(0, self._window_df.get(window, 0) - minus)

    def token_df(self, token: str) -> int:
        """The number of background texts that contain ``token``."""
        minus = self._minus.token_df(token) if self._minus else 0
        return max(0, self._token_df.get(token, 0) - minus)

    def rarity(self, grams: Sequence[int], k: int = K) -> float:
        """Mean of 1 / (1 + df) over the windows of a passage's consecutive k-gram hashes ``grams``: 1 when
        no background file has any stretch of it, 0.5 or less when other files have all of it. A passage
        too short for one window is judged by its k-grams."""
        spans = windows(grams, k)
        counts = [self.window_df(w) for w in spans] if spans else [self.df(g) for g in grams]
        values = [1.0 / (1 + c) for c in counts]
        return sum(values) / len(values) if values else 1.0
