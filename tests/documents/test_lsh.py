"""MinHash LSH candidate pairs across many documents against exact Jaccard."""

from __future__ import annotations

import random

from yunshao.documents import candidate_pairs


def _jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b)


def test_candidates_find_similar_sets_and_skip_unrelated() -> None:
    rng = random.Random(5)
    base = {rng.getrandbits(64) for _ in range(2000)}
    sets: dict[str, set[int]] = {}
    for n in range(40):  # unrelated documents
        sets[f"t{n}/x"] = {rng.getrandbits(64) for _ in range(2000)}
    kept = set(list(base)[:1700])
    sets["t1/a"] = base
    sets["t1/b"] = kept | {rng.getrandbits(64) for _ in range(300)}  # Jaccard 1700/2300 ≈ 0.74
    sets["t2/empty"] = set()
    pairs = candidate_pairs(sets, threshold=0.3, num_perm=128)
    assert ("t1/a", "t1/b") in pairs
    assert _jaccard(sets["t1/a"], sets["t1/b"]) > 0.7
    # every pair LSH missed is truly below the threshold (nothing similar is lost)
    keys = list(sets)
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            if sets[a] and sets[b] and _jaccard(sets[a], sets[b]) >= 0.5:
                assert (a, b) in pairs
    assert all("t2/empty" not in p for p in pairs)
    assert len(pairs) < 10  # unrelated sets (Jaccard ≈ 0) are almost never candidates
    assert pairs == sorted(pairs, key=lambda p: (keys.index(p[0]), keys.index(p[1])))
