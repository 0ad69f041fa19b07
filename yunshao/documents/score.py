"""One number per pair of bids, bounded to [0, 1], combining the independent signs as a noisy-or: each sign
s in [0, 1] with weight w leaves (1 - w·s) of the doubt, and the score is what doubt is left out:

    score = 1 - (1 - wc·containment) (1 - wp·passages) (1 - wr·rare) (1 - ws·price)

where passages = min(1, Σ passage chars × rarity / passage_saturation), rare = min(1, shared rare tokens /
rare_token_saturation) and price is 1 when the price tables share their structure. The weights put
identical errors (rare tokens, 0.9) above long rare passages (0.7) above overall overlap (0.5), as the
regulation's "identical errors" are the hardest to explain innocently."""

from __future__ import annotations

from collections.abc import Sequence

from yunshao.documents.records import CompareSettings, Passage


def pair_score(
    containment: float,
    passages: Sequence[Passage],
    rare_tokens: int,
    same_price_structure: bool,
    settings: CompareSettings,
) -> float:
    """The noisy-or score of one pair (see the module docstring)."""
    passage_part = min(1.0, sum(p.score for p in passages) / settings.passage_saturation)
    rare_part = min(1.0, rare_tokens / settings.rare_token_saturation) if settings.rare_token_saturation else 0.0
    doubt = (
        (1 - settings.weight_containment * min(1.0, max(0.0, containment)))
        * (1 - settings.weight_passages * passage_part)
        * (1 - settings.weight_rare_tokens * rare_part)
        * (1 - settings.weight_price_structure * float(same_price_structure))
    )
    return min(1.0, max(0.0, 1 - doubt))
