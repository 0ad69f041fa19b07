"""Benchmark: reading bid files (.docx, .pdf, .txt) and comparing the bidders of each tender.

Generates N tenders × B bidders × K pages of synthetic text (seeded): Chinese for .docx and .txt, Latin
for .pdf (the machine's DejaVu font has no CJK glyphs). Each tender has its own tender text that every
bidder copies in part, the run shares a pool of legal boilerplate, and the first two bidders of each tender
share copied passages and a typo. Extraction of each file type, the background (built from the whole run,
each tender's own files then taken out) and ``compare_tender`` per tender are timed separately; each is
repeated and the median printed, as files per second.

    .venv/bin/python benchmarks/documents.py [--tenders 10] [--bidders 5] [--pages 5] [--repeats 3]
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from yunshao.documents import Background, BidderFiles, BidFile, Extracted, compare_tender, extract

CHARS_PER_PAGE = 1500
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
    return "".join(rng.choice(HANZI) for _ in range(n))


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
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenders", type=int, default=10)
    parser.add_argument("--bidders", type=int, default=5)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if min(args.tenders, args.bidders, args.pages, args.repeats) < 1:
        parser.error("every count must be at least 1")

    tenders = synthetic_tenders(args.tenders, args.bidders, args.pages)
    rng = random.Random(11)
    with tempfile.TemporaryDirectory(prefix="yunshao-docs-bench-") as tmp:
        root = Path(tmp)
        files: dict[str, list[Path]] = {"docx": [], "pdf": [], "txt": []}
        for t, (_, bids) in enumerate(tenders):
            for b, text in enumerate(bids):
                stem = root / f"t{t}_b{b}"
                write_docx(stem.with_suffix(".docx"), text)
                stem.with_suffix(".txt").write_bytes(text.encode("gb18030"))
                write_pdf(stem.with_suffix(".pdf"), latin(rng, CHARS_PER_PAGE * args.pages), args.pages)
                for kind in files:
                    files[kind].append(stem.with_suffix(f".{kind}"))

        print(f"{args.tenders} tenders × {args.bidders} bidders × {args.pages} pages of {CHARS_PER_PAGE} chars")
        print(f"python {platform.python_version()}, {platform.machine()}, median of {args.repeats}\n")
        print("| step | files | median s | files/s |")
        print("|---|---:|---:|---:|")
        for kind, paths in files.items():
            seconds = timed(partial(extract_all, paths), args.repeats)
            print(f"| extract .{kind} | {len(paths)} | {seconds:.3f} | {len(paths) / seconds:.1f} |")

        extracted = [[extract(root / f"t{t}_b{b}.docx") for b in range(args.bidders)] for t in range(args.tenders)]
        n_files = args.tenders * args.bidders

        def backgrounds() -> list[Background]:
            # one background for the run, each tender's own files taken out of it (a province's day)
            whole = Background.from_texts(e.text for files_of_tender in extracted for e in files_of_tender)
            return [whole.excluding(e.text for e in extracted[t]) for t in range(args.tenders)]

        seconds = timed(backgrounds, args.repeats)
        print(f"| background (run, minus each tender) | {n_files} | {seconds:.3f} | {n_files / seconds:.1f} |")
        bgs = backgrounds()

        def compare_all() -> int:
            found = 0
            for t, (tender, _) in enumerate(tenders):
                bids = [
                    BidderFiles(f"t{t}b{b}", f"c{b}", None, {}, [BidFile(f"d{t}_{b}", "technical", ex)])
                    for b, ex in enumerate(extracted[t])
                ]
                result = compare_tender([Extracted.from_text(tender)], bids, bgs[t])
                found += sum(1 for p in result.pairs if p.score > 0.5)
            return found

        seconds = timed(compare_all, args.repeats)
        print(f"| compare_tender | {n_files} | {seconds:.3f} | {n_files / seconds:.1f} |")
        print(f"\npairs scoring above 0.5: {compare_all()} (the {args.tenders} colluding pairs expected)")


if __name__ == "__main__":
    main()
