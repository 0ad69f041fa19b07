"""Read a .docx with python-docx: body paragraphs and table cells in document order, headers and footers
(where a company's name often sits), the core properties and the app properties (Company, Application,
Template), which python-docx does not expose and which are read from the docProps/app.xml part."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

from yunshao.documents.model import DocMeta, Extracted

APP_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"


def read_docx(path: Path) -> Extracted:
    """The text, tables and metadata of a .docx; python-docx's own exceptions propagate to ``extract``."""
    import docx
    from docx.table import Table

    document = docx.Document(str(path))
    lines: list[str] = []
    tables: list[tuple[tuple[str, ...], ...]] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows = tuple(tuple(cell.text for cell in row.cells) for row in block.rows)
            tables.append(rows)
            lines.extend("\t".join(row) for row in rows)
        else:
            lines.append(block.text)
    seen: set[str] = set()
    for section in document.sections:
        for part in (section.header, section.footer):
            for paragraph in part.paragraphs:
                if paragraph.text.strip() and paragraph.text not in seen:
                    seen.add(paragraph.text)
                    lines.append(paragraph.text)
    text = "\n".join(lines)
    core = document.core_properties
    app = _app_properties(document)
    meta = DocMeta(
        author=_clean(core.author),
        last_modified_by=_clean(core.last_modified_by),
        company=_clean(app.get("Company")),
        application=_clean(app.get("Application")),
        template=_clean(app.get("Template")),
        created=_date(core.created),
        modified=_date(core.modified),
        revision=core.revision or None,
        title=_clean(core.title),
    )
    return Extracted(kind="docx", text=text, pages=(text,), tables=tuple(tables), meta=meta)


def _app_properties(document: object) -> dict[str, str]:
    package = document.part.package  # type: ignore[attr-defined]
    for part in package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            try:
                root = ElementTree.fromstring(part.blob)
            except ElementTree.ParseError:
                return {}
            return {
                child.tag.removeprefix(APP_NS): (child.text or "")
                for child in root
                if child.tag.startswith(APP_NS) and len(child) == 0
            }
    return {}


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _date(value: object) -> datetime | None:
    return value if isinstance(value, datetime) else None
