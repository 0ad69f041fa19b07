"""A background that counts only what some tender's bidders share gives every comparison the same figures
as one that counts everything (it is there to keep a province's day in memory, not to change results)."""

from __future__ import annotations

from tests.documents.helpers import bidder, filler
from yunshao.documents import Background, Extracted, compare_tender
from yunshao.documents.background import Wanted
from yunshao.documents.tenders import Tender, compare_tenders, tender_backgrounds


def _tenders(n: int = 4) -> list[list[list[str]]]:
    """Four tenders of three bidders: boilerplate in every file, a passage and odd figures shared by two
    bidders of the first tender, the same passage once in another tender, a typo shared across tenders."""
    clause = filler(300, 80)
    passage = filler(301, 150) + "经测算，施工组织设汁需投入1.2.3.5万元。"
    tenders = []
    for t in range(n):
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


def test_the_runs_passes_over_workers_equal_a_full_background_of_the_other_tenders() -> None:
    """``compare_tenders`` (shared items less the tender documents, each tender's own counts kept for its
    bidders' shared items only, two worker processes) gives what comparing each tender against a
    background of every item of the other tenders' files gives."""
    tenders = _tenders(8)  # 8 tenders: enough for the stage to start two worker processes
    documents = [filler(300, 80)[:40] + filler(500 + t, 60) for t in range(len(tenders))]  # part of the clause
    run = [
        Tender(f"T{t}", [Extracted.from_text(documents[t])], [bidder(f"T{t}B{b}", x) for b, x in enumerate(bids)])
        for t, bids in enumerate(tenders)
    ]
    got = compare_tenders(run, workers=2)
    assert tender_backgrounds(run, workers=1).whole.n_docs == sum(len(files) for bids in tenders for files in bids)
    for t, tender in enumerate(run):
        others = [x for u, bids in enumerate(tenders) if u != t for files in bids for x in files]
        expected = compare_tender([documents[t]], tender.bidders, Background.from_texts(others))
        assert got[tender.tender_id] == expected
    assert got["T0"].pairs[0].passages  # the figures compared are not empty
