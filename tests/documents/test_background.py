"""A background that counts only what some tender's bidders share gives every comparison the same figures
as one that counts everything (it is there to keep a province's day in memory, not to change results)."""

from __future__ import annotations

from tests.documents.helpers import bidder, filler
from yunshao.documents import Background, compare_tender
from yunshao.documents.background import Wanted


def _tenders() -> list[list[list[str]]]:
    """Four tenders of three bidders: boilerplate in every file, a passage and odd figures shared by two
    bidders of the first tender, the same passage once in another tender, a typo shared across tenders."""
    clause = filler(300, 80)
    passage = filler(301, 150) + "经测算，施工组织设汁需投入1.2.3.5万元。"
    tenders = []
    for t in range(4):
        bids = []
        for b in range(3):
            own = filler(310 + 10 * t + b, 400)
            extra = passage if (t == 0 and b < 2) or (t == 2 and b == 0) else ""
            bids.append([clause + own + extra, filler(360 + 10 * t + b, 100)])
        tenders.append(bids)
    return tenders


def test_a_background_restricted_to_shared_items_changes_no_figure() -> None:
    tenders = _tenders()
    own_full = [Background.from_texts(x for files in bids for x in files) for bids in tenders]
    wanted = Wanted.union(Wanted.shared(bids) for bids in tenders)
    own_kept = [Background.from_texts((x for files in bids for x in files), wanted=wanted) for bids in tenders]
    full, kept = Background.combine(own_full), Background.combine(own_kept)
    assert len(kept._shingle_df) < len(full._shingle_df) / 5  # it does count far less
    for t, bids in enumerate(tenders):
        files = [bidder(f"T{t}B{b}", texts) for b, texts in enumerate(bids)]
        with_full = compare_tender([], files, full.without(own_full[t]))
        with_kept = compare_tender([], files, kept.without(own_kept[t]))
        assert with_kept == with_full
    first = compare_tender([], [bidder(f"B{b}", bids) for b, bids in enumerate(tenders[0])], kept.without(own_kept[0]))
    top = first.pairs[0]
    assert (top.bid_a, top.bid_b) == ("B0", "B1")
    assert 0 < top.passages[0].rarity < 1  # the passage is also in one other tender's file


def test_shared_means_two_bidders_not_two_files_of_one_bidder() -> None:
    text = filler(400, 60)
    alone = Wanted.shared([[text, text], [filler(401, 60)]])
    assert alone.grams == frozenset() and alone.windows == frozenset()
    both = Wanted.shared([[text], [text], [filler(402, 60)]])
    assert len(both.windows) == 60 - 25 + 1
