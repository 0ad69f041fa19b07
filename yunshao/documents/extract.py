"""One entry point for every supported file type, so that callers handle one error type with a reason
instead of each library's exceptions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from yunshao.documents.errors import DocumentError
from yunshao.documents.model import Extracted
from yunshao.documents.read_docx import read_docx
from yunshao.documents.read_pdf import read_pdf
from yunshao.documents.read_txt import read_txt

READERS: dict[str, Callable[[Path], Extracted]] = {".docx": read_docx, ".pdf": read_pdf, ".txt": read_txt}


def extract(path: Path) -> Extracted:
    """Read ``path``; raise ``DocumentError`` with reason ``file`` (missing), ``type`` (not .docx/.pdf/.txt)
    or ``unreadable`` (anything the reader could not parse)."""
    path = Path(path)
    if not path.exists():
        raise DocumentError("file", f"{path} does not exist")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise DocumentError("type", f"{path.name}: only {', '.join(READERS)} are read")
    if not path.is_file():
        raise DocumentError("unreadable", f"{path} is not a file")
    try:
        return reader(path)
    except DocumentError:
        raise
    except Exception as exc:  # corrupt zip, broken PDF xref, bad encoding: one reason for all
        raise DocumentError("unreadable", f"{path.name}: {type(exc).__name__}: {exc}") from exc
