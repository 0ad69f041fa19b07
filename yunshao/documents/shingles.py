"""Character k-grams (Chinese has no spaces to split words on), hashed to stable 64-bit integers with
BLAKE2b, so that shingles computed by different processes or on different days can be compared (Python's
``hash`` of a str changes with every process)."""

from __future__ import annotations

from hashlib import blake2b

K = 5


def shingle_hash(gram: str) -> int:
    """The unsigned 64-bit BLAKE2b hash of a k-gram."""
    return int.from_bytes(blake2b(gram.encode("utf-8"), digest_size=8).digest(), "little")


def gram_hashes(text: str, k: int = K) -> list[int]:
    """The hash of ``text[i:i+k]`` for each position ``i`` (a text shorter than k: its whole as one gram)."""
    if len(text) < k:
        return [shingle_hash(text)] if text else []
    from_bytes = int.from_bytes
    return [
        from_bytes(blake2b(text[i : i + k].encode("utf-8"), digest_size=8).digest(), "little")
        for i in range(len(text) - k + 1)
    ]


def shingles(text: str, k: int = K) -> set[int]:
    """The set of hashed k-grams of an (already normalised) text."""
    return set(gram_hashes(text, k))
