"""The vectorised k-gram and window hashes equal their gram-by-gram definitions, and distinct grams of a
long text do not collide."""

from __future__ import annotations

from tests.documents.helpers import filler
from yunshao.documents.background import WINDOW_GRAMS, windows
from yunshao.documents.normalise import normalise
from yunshao.documents.shingles import MASK, gram_hashes, shingle_hash


def _window_by_hand(grams: list[int], k: int) -> list[int]:
    """Each window's hash as ``shingle_hash`` would compute it over the k-gram hashes as 'characters'."""
    out = []
    for i in range(len(grams) - (WINDOW_GRAMS - 1) * k):
        h = 0
        for g in grams[i : i + (WINDOW_GRAMS - 1) * k + 1 : k]:
            h = (h * 0x9E3779B97F4A7C15 + g) & MASK
        z = h ^ WINDOW_GRAMS
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        out.append(z ^ (z >> 31))
    return out


def test_every_gram_hash_equals_the_hash_of_its_substring() -> None:
    text = normalise(filler(7, 600) + "ABC 1,234.50元 ㎡ 𠀀𠀁𠀂").text  # CJK, Latin, figures, a non-BMP character
    assert gram_hashes(text) == [shingle_hash(text[i : i + 5]) for i in range(len(text) - 4)]
    assert gram_hashes(text, 3) == [shingle_hash(text[i : i + 3]) for i in range(len(text) - 2)]
    assert gram_hashes("短文") == [shingle_hash("短文")]
    assert gram_hashes("") == []


def test_windows_equal_their_definition() -> None:
    grams = gram_hashes(normalise(filler(8, 300)).text)
    assert windows(grams) == _window_by_hand(grams, 5)
    assert windows(grams[:20]) == []  # shorter than one window (21 grams)
    assert len(windows(grams[:21])) == 1


def test_distinct_grams_do_not_collide() -> None:
    text = normalise(filler(9, 40_000)).text
    grams = {text[i : i + 5] for i in range(len(text) - 4)}
    assert len(grams) > 30_000
    assert len({shingle_hash(g) for g in grams}) == len(grams)
