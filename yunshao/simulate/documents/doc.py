"""A simulated file as headings, paragraphs and tables, written as .txt or as a small .docx.

The .docx is written straight as its OOXML parts (document, core and app properties) rather than through
python-docx: thousands of files must take seconds, and a fixed zip timestamp makes the same seed give the
same bytes. python-docx and Word read it as an ordinary document; its metadata
(author, last modified by, company, template) is what a bid file's metadata is.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

#: One block: ("h", text) a heading, ("p", text) a paragraph, ("t", rows) a table of text cells.
Block = tuple[str, object]


@dataclass
class Meta:
    """Document properties a bid file carries."""

    author: str = ""
    last_modified_by: str = ""
    company: str = ""
    template: str = "Normal.dotm"
    created: str = "2024-01-01T08:00:00Z"
    modified: str = "2024-01-01T08:00:00Z"


@dataclass
class Doc:
    title: str
    blocks: list[Block] = field(default_factory=list)
    meta: Meta = field(default_factory=Meta)

    def h(self, text: str) -> None:
        self.blocks.append(("h", text))

    def p(self, text: str) -> None:
        self.blocks.append(("p", text))

    def table(self, rows: list[list[str]]) -> None:
        self.blocks.append(("t", rows))

    def paragraphs(self) -> list[str]:
        """Every heading and paragraph, and each table row as one tab-joined line, in order."""
        out = [self.title]
        for kind, value in self.blocks:
            if kind == "t":
                assert isinstance(value, list)
                out.extend("\t".join(row) for row in value)
            else:
                out.append(str(value))
        return out


def write_text(doc: Doc, path: Path) -> None:
    """A plain-text file: one line per paragraph, UTF-8 (no metadata: .txt has none)."""
    path.write_text("\n".join(doc.paragraphs()) + "\n", encoding="utf-8")


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" '
    'Target="docProps/app.xml"/>'
    "</Relationships>"
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_ZIP_TIME = (2024, 1, 1, 8, 0, 0)


def _para(text: str, bold: bool = False) -> str:
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:p><w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def _table(rows: list[list[str]]) -> str:
    width = max((len(r) for r in rows), default=1)
    grid = "".join('<w:gridCol w:w="1400"/>' for _ in range(width))
    body = "".join("<w:tr>" + "".join(f"<w:tc>{_para(c)}</w:tc>" for c in row) + "</w:tr>" for row in rows)
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    return (
        f"<w:tbl><w:tblPr><w:tblBorders>{borders}</w:tblBorders></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"
    )


def _document_xml(doc: Doc) -> str:
    parts = [_para(doc.title, bold=True)]
    for kind, value in doc.blocks:
        if kind == "t":
            assert isinstance(value, list)
            parts.append(_table(value))
            parts.append("<w:p/>")
        else:
            parts.append(_para(str(value), bold=kind == "h"))
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}"><w:body>'
        + "".join(parts)
        + "</w:body></w:document>"
    )


def _core_xml(doc: Doc) -> str:
    m = doc.meta
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(doc.title)}</dc:title><dc:creator>{escape(m.author)}</dc:creator>"
        f"<cp:lastModifiedBy>{escape(m.last_modified_by)}</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{m.created}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{m.modified}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _app_xml(doc: Doc) -> str:
    m = doc.meta
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Template>{escape(m.template)}</Template><Application>Microsoft Office Word</Application>"
        f"<Company>{escape(m.company)}</Company></Properties>"
    )


def write_docx(doc: Doc, path: Path) -> None:
    """A .docx of the blocks and metadata; the same document gives the same bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELS),
            ("word/document.xml", _document_xml(doc)),
            ("docProps/core.xml", _core_xml(doc)),
            ("docProps/app.xml", _app_xml(doc)),
        ):
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)


def write(doc: Doc, path: Path) -> None:
    """By the path's extension: .docx or .txt."""
    if path.suffix == ".docx":
        write_docx(doc, path)
    else:
        write_text(doc, path)
