"""Document frequencies across the other tenders of a run: a passage or token that many unrelated files
contain (a legal clause, a standard form) is boilerplate and weighs little; one no other file contains is
the kind of identity the regulation calls abnormal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from yunshao.documents.normalise import normalise
from yunshao.documents.shingles import K, shingles
from yunshao.documents.tokens import tokens


class Background:
    """Shingle and token document frequencies of a set of texts. Build it from the files of the run's
    *other* tenders: the files being compared must not count towards their own frequency."""

    def __init__(
        self, shingle_df: Counter[int], token_df: Counter[str], n_docs: int, minus: Background | None = None
    ) -> None:
        self._shingle_df = shingle_df
        self._token_df = token_df
        self._minus = minus
        self.n_docs: int = n_docs - (minus.n_docs if minus else 0)

    @classmethod
    def from_texts(cls, texts: Iterable[str], k: int = K) -> Background:
        """Count, for each shingle and token, the number of ``texts`` that contain it (raw texts)."""
        shingle_df: Counter[int] = Counter()
        token_df: Counter[str] = Counter()
        n = 0
        for text in texts:
            norm = normalise(text).text
            shingle_df.update(shingles(norm, k))
            token_df.update(tokens(norm))
            n += 1
        return cls(shingle_df, token_df, n)

    @classmethod
    def combine(cls, parts: Iterable[Background]) -> Background:
        """One background holding the texts of all ``parts`` (e.g. one per tender, built in workers)."""
        shingle_df: Counter[int] = Counter()
        token_df: Counter[str] = Counter()
        n = 0
        for part in parts:
            if part._minus is not None:
                raise ValueError("combine backgrounds built from texts, not ones with texts excluded")
            shingle_df.update(part._shingle_df)
            token_df.update(part._token_df)
            n += part.n_docs
        return cls(shingle_df, token_df, n)

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
        return Background(self._shingle_df, self._token_df, self.n_docs, part)

    def df(self, shingle: int) -> int:
        """The number of background texts that contain ``shingle``."""
        minus = self._minus.df(shingle) if self._minus else 0
        return max(0, self._shingle_df.get(shingle, 0) - minus)

    def token_df(self, token: str) -> int:
        """The number of background texts that contain ``token``."""
        minus = self._minus.token_df(token) if self._minus else 0
        return max(0, self._token_df.get(token, 0) - minus)

    def rarity(self, grams: Iterable[int]) -> float:
        """Mean of 1 / (1 + df) over ``grams``: 1 for text no background file has, 0.5 or less for text one
        or more background files have."""
        values = [1.0 / (1 + self.df(g)) for g in grams]
        return sum(values) / len(values) if values else 1.0
