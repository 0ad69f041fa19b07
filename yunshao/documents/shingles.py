"""Character k-grams (Chinese has no spaces to split words on), hashed to stable 64-bit integers, so that
shingles computed by different processes or on different days can be compared (Python's ``hash`` of a
str changes with every process).

The hash is a polynomial over the Unicode code points modulo 2**64, passed through the splitmix64
finaliser so that its bits are evenly spread (MinHash and the LSH bands read them). It is computed for
every position of a text at once with numpy: hashing a 30-page file gram by gram with a cryptographic
hash took 60 ms, and every file is hashed for the background and again for the comparison.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

K = 5
U64 = npt.NDArray[np.uint64]
MASK = (1 << 64) - 1
#: odd multipliers (the golden-ratio constant and a splitmix64 one); fixed, so hashes never change
BASE = 0x9E3779B97F4A7C15
_MIX_A = 0xBF58476D1CE4E5B9
_MIX_B = 0x94D049BB133111EB


def _mix(z: U64) -> U64:
    """The splitmix64 finaliser, element-wise (uint64 arithmetic wraps modulo 2**64)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(_MIX_A)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_MIX_B)
    return z ^ (z >> np.uint64(31))


def rolling(values: U64, k: int, step: int = 1) -> U64:
    """For each position i, the polynomial of ``values[i], values[i+step], …`` (k terms), mixed."""
    n = len(values) - (k - 1) * step
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    base = np.uint64(BASE)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * base + values[j * step : j * step + n]
        return _mix(h ^ np.uint64(k))


def codes(text: str) -> U64:
    """The Unicode code points of ``text``."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def gram_array(text: str, k: int = K) -> U64:
    """The hash of ``text[i:i+k]`` for each position ``i`` (a text shorter than k: its whole as one gram)."""
    if not text:
        return np.empty(0, dtype=np.uint64)
    return rolling(codes(text), min(k, len(text)))


def gram_hashes(text: str, k: int = K) -> list[int]:
    """``gram_array`` as Python ints (what sets and dicts of the comparison hold)."""
    return gram_array(text, k).tolist()


def shingle_hash(gram: str) -> int:
    """The hash of one k-gram, gram by gram in Python integers: the definition ``rolling`` vectorises."""
    h = 0
    for c in gram:
        h = (h * BASE + ord(c)) & MASK
    z = h ^ len(gram)
    z = ((z ^ (z >> 30)) * _MIX_A) & MASK
    z = ((z ^ (z >> 27)) * _MIX_B) & MASK
    return z ^ (z >> 31)


def shingles(text: str, k: int = K) -> set[int]:
    """The set of hashed k-grams of an (already normalised) text."""
    return set(gram_hashes(text, k))
