"""Read a .txt: UTF-8 (with or without BOM), else GB18030, the superset of GBK that Chinese systems write."""

from __future__ import annotations

from pathlib import Path

from yunshao.documents.model import Extracted


def read_txt(path: Path) -> Extracted:
    """The text of a plain-text file; a decode failure raises UnicodeDecodeError to ``extract``."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    text = text.replace("\r\n", "\n")
    return Extracted(kind="txt", text=text, pages=(text,))
