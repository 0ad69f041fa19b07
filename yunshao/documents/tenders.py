"""Compare the bidders of every tender of a run, over worker processes.

Three passes, each one tender at a time and independent across tenders, so they spread over the cores:
what some tender's bidders share beyond their tender documents (``Wanted``), then only that counted in
each tender's files (a background small enough for a province's day), then each tender compared against
the run's other tenders. The run-wide background reaches the workers once, when they start, not with
every tender.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from yunshao.documents.background import Background, Wanted
from yunshao.documents.compare import compare_tender
from yunshao.documents.model import Extracted
from yunshao.documents.pool import worker_map, worker_state
from yunshao.documents.records import BidderFiles, CompareSettings, TenderResult

Progress = Callable[[str], None]
#: tenders handed to a worker at a time
CHUNK = 4


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
    with worker_map(workers, len(jobs), CHUNK, {"whole": bg.whole}) as run:
        for i, (job, result) in enumerate(zip(jobs, run(_compare, jobs), strict=True), 1):
            results[job[0].tender_id] = result
            if progress and (i % 200 == 0 or i == len(jobs)):
                progress(f"tenders compared: {i:,} / {len(jobs):,}")
    return results


def tender_backgrounds(tenders: Sequence[Tender], workers: int | None = None, k: int = 5) -> RunBackground:
    """Pass 1: what each tender's bidders share; pass 2: each tender's files counted for what any tender
    shares (summed into the run's background as they arrive) and for what its own bidders share (kept)."""
    with worker_map(workers, len(tenders), CHUNK, {"k": k}) as run:
        shared = list(run(_shared, tenders))
    wanted = Wanted.union(shared)
    own: dict[str, Background] = {}

    def parts(results: Iterable[tuple[Background, Background]]) -> Iterator[Background]:
        for tender, (counted, kept) in zip(tenders, results, strict=True):
            own[tender.tender_id] = kept
            yield counted

    with worker_map(workers, len(tenders), CHUNK, {"k": k, "wanted": wanted}) as run:
        whole = Background.combine(parts(run(_own, zip(tenders, shared, strict=True))))
    return RunBackground(whole, own)


def _shared(tender: Tender) -> Wanted:
    return Wanted.shared(tender.bidder_texts(), worker_state()["k"], minus=[d.text for d in tender.documents])


def _own(job: tuple[Tender, Wanted]) -> tuple[Background, Background]:
    tender, shared = job
    texts = (x for files in tender.bidder_texts() for x in files)
    counted = Background.from_texts(texts, worker_state()["k"], wanted=worker_state()["wanted"])
    return counted, counted.restricted(shared)


def _compare(job: tuple[Tender, Background, CompareSettings]) -> TenderResult:
    tender, own, settings = job
    background = worker_state()["whole"].without(own)
    return compare_tender(tender.documents, tender.bidders, background, settings)


def as_tenders(
    bidders: Mapping[str, Sequence[BidderFiles]], documents: Mapping[str, Sequence[Extracted]]
) -> list[Tender]:
    """Tenders in id order from their bidders and (possibly absent) tender documents."""
    return [Tender(t, list(documents.get(t, [])), list(bidders[t])) for t in sorted(bidders)]
