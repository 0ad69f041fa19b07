"""Maximal common substrings of two normalised texts, found by seeding on shared k-grams and growing each
seed along its diagonal; k-grams of the tender documents break a run, so text every bidder copied from the
tender never forms (or lengthens) a passage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Set


def common_runs(
    text_a: str,
    text_b: str,
    grams_a: list[int],
    grams_b: list[int],
    excluded: Set[int],
    k: int,
    min_chars: int,
    max_occurrences: int = 50,
) -> list[tuple[int, int, int]]:
    """Non-overlapping common substrings of ``text_a`` and ``text_b`` of at least ``min_chars`` characters,
    as ``(start_a, start_b, length)`` in normalised coordinates, longest first. A gram found more than
    ``max_occurrences`` times in either text (a ruled line, a repeated heading) seeds nothing, which keeps
    the work linear on repetitive files."""
    common = set(grams_a) & set(grams_b)
    common -= excluded
    if not common:
        return []
    index: dict[int, list[int]] = defaultdict(list)
    for j, g in enumerate(grams_b):
        if g in common:
            index[g].append(j)
    count_a: dict[int, int] = defaultdict(int)
    for g in grams_a:
        if g in common:
            count_a[g] += 1
    open_runs: dict[int, tuple[int, int]] = {}  # diagonal -> (first i, last i)
    runs: list[tuple[int, int, int]] = []

    def close(d: int, first: int, last: int) -> None:
        length = last - first + k
        if length >= min_chars and text_a[first : first + length] == text_b[first + d : first + d + length]:
            runs.append((first, first + d, length))

    for i, g in enumerate(grams_a):
        if g not in common:
            continue
        positions = index[g]
        if len(positions) > max_occurrences or count_a[g] > max_occurrences:
            continue
        for j in positions:
            d = j - i
            run = open_runs.get(d)
            if run is not None and run[1] == i - 1:
                open_runs[d] = (run[0], i)
            else:
                if run is not None:
                    close(d, *run)
                open_runs[d] = (i, i)
    for d, run in open_runs.items():
        close(d, *run)
    runs.sort(key=lambda r: (-r[2], r[0], r[1]))
    chosen: list[tuple[int, int, int]] = []
    for a, b, n in runs:
        if all((a + n <= a2 or a2 + n2 <= a) and (b + n <= b2 or b2 + n2 <= b) for a2, b2, n2 in chosen):
            chosen.append((a, b, n))
    return chosen
