"""What extraction returns: the text, its pages and tables, and the metadata that can show who compiled a
file (Article 40: files compiled by the same unit or person)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class DocMeta:
    """Authoring metadata; every field is optional because most files carry only some of it."""

    author: str | None = None
    last_modified_by: str | None = None
    company: str | None = None
    application: str | None = None
    template: str | None = None
    created: datetime | None = None
    modified: datetime | None = None
    revision: int | None = None
    title: str | None = None
    producer: str | None = None


@dataclass(frozen=True)
class Extracted:
    """One file's content. ``text`` is the pages joined by newlines (a .docx or .txt is one page);
    ``tables`` holds .docx tables as rows of cell texts; ``scanned`` marks a PDF whose pages carry (almost)
    no text layer, which this package cannot compare (no OCR)."""

    kind: str
    text: str
    pages: tuple[str, ...] = ()
    tables: tuple[tuple[tuple[str, ...], ...], ...] = ()
    meta: DocMeta = field(default_factory=DocMeta)
    scanned: bool = False

    @classmethod
    def from_text(cls, text: str, meta: DocMeta | None = None) -> Extracted:
        """Text that did not come from a file (a tender document held as text, a test)."""
        return cls(kind="txt", text=text, pages=(text,), meta=meta or DocMeta())
