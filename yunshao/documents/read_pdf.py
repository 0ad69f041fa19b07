"""Read a .pdf with pypdf: the text layer of each page and the document information (/Author, /Creator,
/Producer, dates). A PDF whose pages carry (almost) no text is a scan; it is flagged, not OCR'd."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from yunshao.documents.model import DocMeta, Extracted

# Fewer non-blank characters than this per page on average: the pages are images (a scan).
SCANNED_CHARS_PER_PAGE = 10


def read_pdf(path: Path) -> Extracted:
    """The pages' text and the metadata of a PDF; pypdf's exceptions propagate to ``extract``."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if reader.is_encrypted:
        reader.decrypt("")  # files protected only against editing open with the empty password
    pages = tuple((page.extract_text() or "") for page in reader.pages)
    visible = sum(len("".join(page.split())) for page in pages)
    scanned = bool(pages) and visible < SCANNED_CHARS_PER_PAGE * len(pages)
    info = reader.metadata
    meta = DocMeta()
    if info is not None:
        meta = DocMeta(
            author=_text(_safe(lambda: info.author)),
            application=_text(_safe(lambda: info.creator)),
            producer=_text(_safe(lambda: info.producer)),
            title=_text(_safe(lambda: info.title)),
            created=_date(_safe(lambda: info.creation_date)),
            modified=_date(_safe(lambda: info.modification_date)),
        )
    return Extracted(kind="pdf", text="\n".join(pages), pages=pages, meta=meta, scanned=scanned)


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _safe(get: Callable[[], object]) -> object:
    try:
        return get()
    except Exception:  # a malformed date or string must not make the whole file unreadable
        return None


def _date(value: object) -> datetime | None:
    return value if isinstance(value, datetime) else None
