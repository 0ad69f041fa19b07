"""Identical errors: tokens that exactly two bidders share and nothing else in the run contains — the same
odd figure ("1.2.3.5万元"), the same wrong character pair ("设汁" for 设计). The regulation's "identical
errors" are the hardest sign to explain innocently, so they weigh more than any common phrase."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence, Set

from yunshao.documents.background import Background, HeldTwice
from yunshao.documents.shingles import shingle_hash
from yunshao.documents.tokens import is_cjk_bigram, telling_figure

MIN_FIGURE_CHARS = 4
MAX_OCCURRENCES = 20


def rare_tokens(
    tokens: Sequence[Set[str]],
    texts: Sequence[Sequence[str]],
    grams: Sequence[Set[int]],
    background: Background,
    min_background_docs: int,
    k: int,
    limit: int,
) -> dict[tuple[int, int], list[str]]:
    """For each pair (i, j) of bidders (by index), the tokens of ``tokens`` (tender tokens already removed)
    that only i and j hold and the background lacks. A Chinese bigram counts only when the background has
    at least ``min_background_docs`` texts (a small one lacks ordinary words) and when one of the k-grams
    around it in i's normalised ``texts`` is also among j's ``grams``: the same error in the same place,
    not two unrelated uses of an uncommon word."""
    bigrams_ok = background.n_docs >= min_background_docs
    out: dict[tuple[int, int], list[str]] = defaultdict(list)
    # from each token to the one pair holding it, not over every pair: linear in the bidders' tokens
    for t, (i, j) in _held_twice(tokens).items():
        if background.token_df(t) != 0:
            continue
        if is_cjk_bigram(t):
            if not bigrams_ok or not _in_shared_context(t, texts[i], grams[j], k):
                continue
        elif len(t) < MIN_FIGURE_CHARS or not telling_figure(t):
            continue
        out[(i, j)].append(t)
    for found in out.values():
        found.sort(key=lambda t: (is_cjk_bigram(t), -len(t), t))
    return {pair: found[:limit] for pair, found in sorted(out.items())}


def _held_twice(tokens: Sequence[Set[str]]) -> dict[str, tuple[int, int]]:
    """Each token exactly two bidders hold, with the two (a bidder holds tens of thousands of tokens, few
    of them shared: the holders are looked up for those few only)."""
    found = HeldTwice()
    for held in tokens:
        found.add(held)
    twice = found.twice - found.more
    holders: dict[str, list[int]] = defaultdict(list)
    for i, held in enumerate(tokens):
        for t in twice & held:
            holders[t].append(i)
    return {t: (who[0], who[1]) for t, who in holders.items()}


def _in_shared_context(token: str, texts: Sequence[str], other_grams: Set[int], k: int) -> bool:
    for text in texts:
        at, seen = text.find(token), 0
        while at >= 0 and seen < MAX_OCCURRENCES:
            for start in range(max(0, at + len(token) - k), at + 1):
                gram = text[start : start + k]
                if len(gram) == k and shingle_hash(gram) in other_grams:
                    return True
            at, seen = text.find(token, at + 1), seen + 1
    return False
