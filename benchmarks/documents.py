"""Benchmark: reading bid files (.docx, .pdf, .txt) and comparing the bidders of each tender.

Generates N tenders × B bidders × K pages of synthetic text (seeded): Chinese for .docx and .txt, Latin
for .pdf (the machine's DejaVu font has no CJK glyphs). Each tender has its own tender text that every
bidder copies in part, the run shares a pool of legal boilerplate, and the first two bidders of each tender
share copied passages and a typo. Timed separately, each the median of ``--repeats``:

- extraction of each file type, on ``--extract-files`` files per type (a rate per file: writing 30-page
  files for a whole province's day would take longer than reading them);
- the run's background as the stage builds it (``tender_backgrounds``: what some tender's bidders share
  beyond their tender documents, then only that counted across the run), on every tender;
- every tender compared against the others (``compare_tenders``, from the extracted text: comparison does
  not depend on the format), over ``--workers`` processes as the stage runs it with the engine's threads;
- the growth with bidders per tender (``--sweep``: bidders per tender at ``--sweep-tenders`` tenders).

Peak memory is the maximum resident set size of the process and of its largest worker, at the end.

    .venv/bin/python benchmarks/documents.py [--tenders 1000] [--bidders 5] [--pages 30] [--repeats 3]
        [--extract-files 50] [--sweep 5 10 20 40 80] [--sweep-tenders 10] [--workers 2]
"""

from __future__ import annotations

import argparse
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from yunshao.documents import BidderFiles, BidFile, Extracted, extract
from yunshao.documents.tenders import RunBackground, Tender, compare_tenders, tender_backgrounds

CHARS_PER_PAGE = 1500
_R = TypeVar("_R")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
HANZI = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 2500))
WORDS = [
    "tender",
    "bid",
    "price",
    "works",
    "contract",
    "schedule",
    "quality",
    "safety",
    "plan",
    "site",
    "road",
    "bridge",
    "labour",
    "cost",
]


def hanzi(rng: random.Random, n: int) -> str:
    return "".join(rng.choices(HANZI, k=n))


def latin(rng: random.Random, n: int) -> str:
    out: list[str] = []
    while sum(len(w) + 1 for w in out) < n:
        out.append(rng.choice(WORDS) + str(rng.randint(0, 99)))
    return " ".join(out)


def synthetic_tenders(n_tenders: int, n_bidders: int, pages: int, seed: int = 7) -> list[tuple[str, list[str]]]:
    """(tender text, bidders' texts) per tender; bidders 0 and 1 collude."""
    rng = random.Random(seed)
    boilerplate = [hanzi(rng, 200) for _ in range(20)]
    out = []
    for _ in range(n_tenders):
        tender = hanzi(rng, CHARS_PER_PAGE * 2)
        copied = hanzi(rng, 400) + "施工组织设汁" + hanzi(rng, 200)
        bids = []
        for b in range(n_bidders):
            parts = [tender[: CHARS_PER_PAGE // 2], rng.choice(boilerplate)]
            if b < 2:
                parts.append(copied)
            while sum(map(len, parts)) < CHARS_PER_PAGE * pages:
                parts.append(hanzi(rng, 300))
            bids.append("".join(parts))
        out.append((tender, bids))
    return out


def write_docx(path: Path, text: str) -> None:
    import docx

    document = docx.Document()
    for i in range(0, len(text), 100):
        document.add_paragraph(text[i : i + 100])
    document.save(str(path))


def write_pdf(path: Path, text: str, pages: int) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("dejavu", fname=FONT)
    pdf.set_font("dejavu", size=9)
    step = max(1, len(text) // pages)
    for i in range(0, len(text), step):
        pdf.add_page()
        pdf.multi_cell(0, 4, text[i : i + step])
    pdf.output(str(path))


def extract_all(paths: list[Path]) -> list[Extracted]:
    return [extract(p) for p in paths]


def timed(fn: Callable[[], object], repeats: int) -> float:
    return timed_result(fn, repeats)[0]


def timed_result(fn: Callable[[], _R], repeats: int) -> tuple[float, _R]:
    """The median seconds of ``repeats`` calls and the last call's result (so it is not computed again)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenders", type=int, default=10)
    parser.add_argument("--bidders", type=int, default=5)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--extract-files", type=int, default=20, help="files per type for the extraction rate")
    parser.add_argument("--sweep", type=int, nargs="*", default=[], help="bidders per tender to compare at")
    parser.add_argument("--sweep-tenders", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1, help="worker processes, as the stage's engine threads")
    args = parser.parse_args()
    if min(args.tenders, args.bidders, args.pages, args.repeats, args.extract_files, args.sweep_tenders) < 1:
        parser.error("every count must be at least 1")
    print(f"{args.tenders} tenders × {args.bidders} bidders × {args.pages} pages of {CHARS_PER_PAGE} chars")
    print(
        f"python {platform.python_version()}, {platform.machine()}, median of {args.repeats}, {args.workers} workers\n"
    )
    print("| step | files | median s | files/s |")
    print("|---|---:|---:|---:|")
    tenders = synthetic_tenders(args.tenders, args.bidders, args.pages)
    time_extraction(tenders, args.extract_files, args.pages, args.repeats)
    found = time_comparison(tenders, args.repeats, args.workers)
    print(f"\npairs scoring above 0.5: {found} (the {args.tenders} colluding pairs expected)")
    own, worker = peak_rss_mib()
    print(f"peak RSS: {own:,.0f} MiB, largest worker {worker:,.0f} MiB")
    if args.sweep:
        print("\n| bidders per tender | files | compare s (median) | files/s | s per tender |")
        print("|---:|---:|---:|---:|---:|")
        for bidders in args.sweep:
            sweep = synthetic_tenders(args.sweep_tenders, bidders, args.pages, seed=bidders)
            run = as_run(sweep)
            seconds = timed(partial(compare_all, run, tender_backgrounds(run, 1), 1), args.repeats)
            n_files = args.sweep_tenders * bidders
            print(
                f"| {bidders} | {n_files} | {seconds:.2f} | {n_files / seconds:.1f} | "
                f"{seconds / args.sweep_tenders:.3f} |"
            )


def time_extraction(tenders: list[tuple[str, list[str]]], n_files: int, pages: int, repeats: int) -> None:
    texts = [text for _, bids in tenders for text in bids][:n_files]
    rng = random.Random(11)
    with tempfile.TemporaryDirectory(prefix="yunshao-docs-bench-") as tmp:
        root = Path(tmp)
        files: dict[str, list[Path]] = {"docx": [], "pdf": [], "txt": []}
        for i, text in enumerate(texts):
            stem = root / f"f{i}"
            write_docx(stem.with_suffix(".docx"), text)
            stem.with_suffix(".txt").write_bytes(text.encode("gb18030"))
            write_pdf(stem.with_suffix(".pdf"), latin(rng, CHARS_PER_PAGE * pages), pages)
            for kind in files:
                files[kind].append(stem.with_suffix(f".{kind}"))
        for kind, paths in files.items():
            seconds = timed(partial(extract_all, paths), repeats)
            print(f"| extract .{kind} | {len(paths)} | {seconds:.3f} | {len(paths) / seconds:.1f} |")


def as_run(tenders: list[tuple[str, list[str]]]) -> list[Tender]:
    """The synthetic tenders as the stage hands them over: one technical file per bidder."""
    return [
        Tender(
            f"t{t}",
            [Extracted.from_text(tender)],
            [
                BidderFiles(f"t{t}b{b}", f"c{b}", None, {}, [BidFile(f"d{t}_{b}", "technical", Extracted.from_text(x))])
                for b, x in enumerate(bids)
            ],
        )
        for t, (tender, bids) in enumerate(tenders)
    ]


def compare_all(run: list[Tender], background: RunBackground, workers: int) -> int:
    results = compare_tenders(run, workers=workers, background=background)
    return sum(1 for result in results.values() for p in result.pairs if p.score > 0.5)


def time_comparison(tenders: list[tuple[str, list[str]]], repeats: int, workers: int) -> int:
    n_files = sum(len(bids) for _, bids in tenders)
    run = as_run(tenders)
    seconds, background = timed_result(partial(tender_backgrounds, run, workers), repeats)
    print(f"| background (the stage's passes 1-2) | {n_files} | {seconds:.3f} | {n_files / seconds:.1f} |")
    seconds, found = timed_result(partial(compare_all, run, background, workers), repeats)
    print(f"| compare every tender (pass 3) | {n_files} | {seconds:.3f} | {n_files / seconds:.1f} |")
    return found


def peak_rss_mib() -> tuple[float, float]:
    """Peak resident set of this process and of the largest worker process (MiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


if __name__ == "__main__":
    main()
