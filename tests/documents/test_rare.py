"""Rare shared tokens found from each token to its pair equal the pairwise definition, worked out here by
brute force over every pair of bidders."""

from __future__ import annotations

import random
from itertools import combinations

from yunshao.documents import Background
from yunshao.documents.rare import MIN_FIGURE_CHARS, rare_tokens
from yunshao.documents.tokens import telling_figure


def _brute(tokens: list[set[str]], background: Background, limit: int) -> dict[tuple[int, int], list[str]]:
    out = {}
    for i, j in combinations(range(len(tokens)), 2):
        found = [
            t
            for t in tokens[i] & tokens[j]
            if sum(t in held for held in tokens) == 2
            and background.token_df(t) == 0
            and len(t) >= MIN_FIGURE_CHARS
            and telling_figure(t)
        ]
        if found:
            out[(i, j)] = sorted(found, key=lambda t: (-len(t), t))[:limit]
    return out


def test_rare_tokens_match_the_pairwise_definition() -> None:
    rng = random.Random(5)
    vocabulary = [f"{rng.randint(10_000, 99_999)}.{rng.randint(0, 9)}元" for _ in range(60)]
    vocabulary += ["1.2.3.5万元", "153.6项"]
    background = Background.from_texts([" ".join(vocabulary[:10])])
    pairs_found = 0
    for _ in range(20):
        tokens = [set(rng.sample(vocabulary, rng.randint(0, 12))) for _ in range(rng.randint(2, 9))]
        found = rare_tokens(tokens, [[""]] * len(tokens), [set()] * len(tokens), background, 20, 5, limit=3)
        assert found == _brute(tokens, background, 3)
        pairs_found += len(found)
    assert pairs_found > 10  # the comparison is not vacuous
