"""Builders of real files and an independent brute-force reference for the comparison tests."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import docx
from fpdf import FPDF

from yunshao.documents import BidderFiles, BidFile, Extracted, normalise

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
# Common characters, so random filler looks like Chinese but never repeats a 5-gram by chance.
POOL = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
    "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
    "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
    "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
    "必战先回则任取据处理世车"
)


def filler(seed: int, n: int) -> str:
    """``n`` random characters of the pool (seeded): text no other filler shares 5-grams with."""
    rng = random.Random(seed)
    return "".join(rng.choice(POOL) for _ in range(n))


def make_docx(
    path: Path,
    paragraphs: list[str],
    tables: list[list[list[str]]] | None = None,
    *,
    author: str | None = None,
    last_modified_by: str | None = None,
    company: str | None = None,
    template: str | None = None,
    application: str | None = None,
) -> Path:
    """A real .docx written by python-docx, with core properties and app properties set."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for rows in tables or []:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    core = document.core_properties
    core.author = author or ""
    core.last_modified_by = last_modified_by or ""
    core.created = datetime(2024, 3, 1, 9, 30)
    core.modified = datetime(2024, 3, 2, 17, 5)
    core.revision = 7
    core.title = "投标文件"
    for part in document.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = app_xml(company=company, template=template, application=application)
    document.save(str(path))
    return path


def app_xml(*, company: str | None, template: str | None, application: str | None) -> bytes:
    """docProps/app.xml with the given extended properties."""
    fields = {"Template": template, "Application": application, "Company": company}
    body = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items() if v is not None)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"{body}</Properties>"
    ).encode()


def make_pdf(path: Path, pages: list[str], *, author: str = "", creator: str = "", producer: str = "") -> Path:
    """A real PDF written by fpdf2 with DejaVu (Latin text) and document information set."""
    pdf = FPDF()
    pdf.add_font("dejavu", fname=FONT)
    pdf.set_font("dejavu", size=11)
    if author:
        pdf.set_author(author)
    if creator:
        pdf.set_creator(creator)
    if producer:
        pdf.set_producer(producer)
    pdf.set_creation_date(datetime(2024, 3, 1, 9, 30))
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def make_scanned_pdf(path: Path, n_pages: int = 2) -> Path:
    """A PDF whose pages carry only a drawn rectangle: what a scanner's output looks like to pypdf."""
    pdf = FPDF()
    for _ in range(n_pages):
        pdf.add_page()
        pdf.rect(20, 20, 150, 200, style="F")
    pdf.output(str(path))
    return path


def bidder(
    bid_id: str,
    texts: list[str] | dict[str, Extracted],
    *,
    company_name: str | None = None,
    people: dict[str, str] | None = None,
    kind: str = "technical",
) -> BidderFiles:
    """A bid whose files are the given texts (document ids ``{bid_id}-{n}``) or extracted files."""
    if isinstance(texts, dict):
        files = [BidFile(doc_id, kind, ex) for doc_id, ex in texts.items()]
    else:
        files = [BidFile(f"{bid_id}-{n}", kind, Extracted.from_text(t)) for n, t in enumerate(texts)]
    return BidderFiles(bid_id, f"C-{bid_id}", company_name, people or {}, files)


def grams(text: str, k: int = 5) -> set[str]:
    """Every k-gram of the normalised text, as strings (no hashing): the reference for Jaccard."""
    norm = normalise(text).text
    return {norm[i : i + k] for i in range(len(norm) - k + 1)}


def longest_common_substring(a: str, b: str) -> str:
    """Longest common substring by dynamic programming (O(len a × len b)): the reference for passages."""
    best, end = 0, 0
    prev = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        cur = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best, end = cur[j], i
        prev = cur
    return a[end - best : end]
