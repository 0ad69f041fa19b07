"""MinHash signatures and LSH candidate pairs, so that near-duplicate files are found among thousands (a
province's day) without comparing every pair exactly."""

from __future__ import annotations

from collections.abc import Mapping, Set

from datasketch import MinHash, MinHashLSH


def _identity(value: int) -> int:
    return value


def minhash(shingle_set: Set[int], num_perm: int = 128) -> MinHash:
    """The MinHash of a set of 64-bit shingle hashes (already hashed, so no second hash is applied)."""
    m = MinHash(num_perm=num_perm, scheme="affine64", hashfunc=_identity)
    m.update_batch(sorted(shingle_set))
    return m


def candidate_pairs(
    shingle_sets: Mapping[str, Set[int]], threshold: float = 0.1, num_perm: int = 128
) -> list[tuple[str, str]]:
    """Pairs of keys whose estimated Jaccard similarity may reach ``threshold``, each as (a, b) in the
    order of ``shingle_sets``, sorted. Empty sets (scans, empty files) pair with nothing. Keys may be
    anything unique across tenders (e.g. ``"tender/bid"``); LSH may miss pairs just above the threshold
    and returns some below it, so check candidates exactly."""
    order = {key: n for n, key in enumerate(shingle_sets)}
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    signatures: dict[str, MinHash] = {}
    for key, sset in shingle_sets.items():
        if sset:
            signatures[key] = minhash(sset, num_perm)
            lsh.insert(key, signatures[key])
    pairs: set[tuple[str, str]] = set()
    for key, signature in signatures.items():
        for other in lsh.query(signature):
            if other != key:
                a, b = sorted((key, other), key=order.__getitem__)
                pairs.add((a, b))
    return sorted(pairs, key=lambda p: (order[p[0]], order[p[1]]))
