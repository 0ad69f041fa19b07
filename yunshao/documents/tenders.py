"""Compare the bidders of every tender of a run, over worker processes.

Three passes, each one tender at a time and independent across tenders, so they spread over the cores:
what some tender's bidders share beyond their tender documents (``Wanted``), then only that counted in
each tender's files (a background small enough for a province's day), then each tender compared against
the run's other tenders. The run-wide background reaches the workers once, when they start, not with
every tender.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from yunshao.documents.background import Background, Wanted
from yunshao.documents.compare import compare_tender
from yunshao.documents.model import Extracted
from yunshao.documents.records import BidderFiles, CompareSettings, TenderResult

_A = TypeVar("_A")
_R = TypeVar("_R")
Progress = Callable[[str], None]
#: state a worker receives once at start (the run-wide background, the wanted items)
_WORKER: dict[str, Any] = {}


@dataclass(frozen=True)
class Tender:
    """One tender's documents and its bidders' files."""

    tender_id: str
    documents: Sequence[Extracted]
    bidders: Sequence[BidderFiles]

    def bidder_texts(self) -> list[list[str]]:
        return [[f.extracted.text for f in b.files] for b in self.bidders]


@dataclass(frozen=True)
class RunBackground:
    """The run's background (``whole``) and, per tender, its own files' counts of what its bidders share
    (``own``): a comparison asks only about those, so that is all ``whole.without`` needs to subtract.
    Keeping each tender's counts of everything any tender shares instead held 10 GiB for 5,000 files."""

    whole: Background
    own: Mapping[str, Background]


def compare_tenders(
    tenders: Sequence[Tender],
    settings: CompareSettings | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    background: RunBackground | None = None,
) -> dict[str, TenderResult]:
    """Every tender with two or more bidders compared against the run's other tenders' files
    (``background``: when already built by ``tender_backgrounds``)."""
    settings = settings or CompareSettings()
    bg = background if background is not None else tender_backgrounds(tenders, workers, settings.shingle_k)
    jobs = [(t, bg.own[t.tender_id], settings) for t in tenders if len(t.bidders) >= 2]
    results: dict[str, TenderResult] = {}
    with _pool(workers, len(jobs), {"whole": bg.whole}) as run:
        for i, (job, result) in enumerate(zip(jobs, run(_compare, jobs), strict=True), 1):
            results[job[0].tender_id] = result
            if progress and (i % 200 == 0 or i == len(jobs)):
                progress(f"tenders compared: {i:,} / {len(jobs):,}")
    return results


def tender_backgrounds(tenders: Sequence[Tender], workers: int | None = None, k: int = 5) -> RunBackground:
    """Pass 1: what each tender's bidders share; pass 2: each tender's files counted for what any tender
    shares (summed into the run's background as they arrive) and for what its own bidders share (kept)."""
    with _pool(workers, len(tenders), {"k": k}) as run:
        shared = list(run(_shared, tenders))
    wanted = Wanted.union(shared)
    own: dict[str, Background] = {}

    def parts(results: Iterable[tuple[Background, Background]]) -> Iterator[Background]:
        for tender, (counted, kept) in zip(tenders, results, strict=True):
            own[tender.tender_id] = kept
            yield counted

    with _pool(workers, len(tenders), {"k": k, "wanted": wanted}) as run:
        whole = Background.combine(parts(run(_own, zip(tenders, shared, strict=True))))
    return RunBackground(whole, own)


def _shared(tender: Tender) -> Wanted:
    return Wanted.shared(tender.bidder_texts(), _WORKER["k"], minus=[d.text for d in tender.documents])


def _own(job: tuple[Tender, Wanted]) -> tuple[Background, Background]:
    tender, shared = job
    texts = (x for files in tender.bidder_texts() for x in files)
    counted = Background.from_texts(texts, _WORKER["k"], wanted=_WORKER["wanted"])
    return counted, counted.restricted(shared)


def _compare(job: tuple[Tender, Background, CompareSettings]) -> TenderResult:
    tender, own, settings = job
    background = _WORKER["whole"].without(own)
    return compare_tender(tender.documents, tender.bidders, background, settings)


def _set_worker(state: dict[str, Any]) -> None:
    _WORKER.clear()
    _WORKER.update(state)


@contextmanager
def _pool(
    workers: int | None, jobs: int, state: dict[str, Any]
) -> Iterator[Callable[[Callable[[_A], _R], Iterable[_A]], Iterator[_R]]]:
    """``map`` in this process for one worker or a few jobs, else over worker processes given ``state``."""
    n = max(1, min(workers or os.cpu_count() or 1, jobs // 4 or 1))
    _set_worker(state)
    try:
        if n == 1:
            yield map
        else:
            with ProcessPoolExecutor(max_workers=n, initializer=_set_worker, initargs=(state,)) as pool:
                yield lambda fn, items: pool.map(fn, items, chunksize=4)
    finally:
        _WORKER.clear()


def as_tenders(
    bidders: Mapping[str, Sequence[BidderFiles]], documents: Mapping[str, Sequence[Extracted]]
) -> list[Tender]:
    """Tenders in id order from their bidders and (possibly absent) tender documents."""
    return [Tender(t, list(documents.get(t, [])), list(bidders[t])) for t in sorted(bidders)]
