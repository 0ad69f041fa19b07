"""Extraction from real .docx, .pdf and .txt files, and the reasons of files that cannot be read."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from tests.documents.helpers import make_docx, make_pdf, make_scanned_pdf
from yunshao.documents import DocumentError, extract


def test_docx_paragraphs_tables_and_properties(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "bid.docx",
        ["第一章 投标函", "我方承诺按招标文件要求完成施工。"],
        [[["序号", "项目名称", "单位"], ["1", "土方开挖", "立方米"]]],
        author="张三",
        last_modified_by="李四",
        company="某某工程咨询有限公司",
        template="投标模板.dotx",
        application="Microsoft Office Word",
    )
    ex = extract(path)
    assert ex.kind == "docx"
    assert ex.scanned is False
    assert ex.tables == ((("序号", "项目名称", "单位"), ("1", "土方开挖", "立方米")),)
    assert "我方承诺按招标文件要求完成施工。" in ex.text
    assert "土方开挖" in ex.text  # table cells are part of the text
    assert ex.text.index("投标函") < ex.text.index("土方开挖")  # document order
    assert ex.pages == (ex.text,)
    m = ex.meta
    assert (m.author, m.last_modified_by, m.company, m.template, m.application) == (
        "张三",
        "李四",
        "某某工程咨询有限公司",
        "投标模板.dotx",
        "Microsoft Office Word",
    )
    assert m.created is not None and m.created.replace(tzinfo=None) == datetime(2024, 3, 1, 9, 30)
    assert m.modified is not None and m.modified.replace(tzinfo=None) == datetime(2024, 3, 2, 17, 5)
    assert m.revision == 7
    assert m.title == "投标文件"


def test_docx_without_app_properties_gives_none(tmp_path: Path) -> None:
    ex = extract(make_docx(tmp_path / "a.docx", ["正文"]))
    assert (ex.meta.company, ex.meta.template, ex.meta.author) == (None, None, None)


def test_pdf_text_per_page_and_metadata(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "bid.pdf",
        ["Technical proposal of Alpha Builders", "Price schedule page two"],
        author="Zhang San",
        creator="Writer",
        producer="PDF Maker 1.0",
    )
    ex = extract(path)
    assert ex.kind == "pdf"
    assert len(ex.pages) == 2
    assert "Technical proposal of Alpha Builders" in ex.pages[0]
    assert "Price schedule page two" in ex.pages[1]
    assert ex.text == "\n".join(ex.pages)
    assert ex.scanned is False
    assert (ex.meta.author, ex.meta.application, ex.meta.producer) == ("Zhang San", "Writer", "PDF Maker 1.0")
    assert ex.meta.created is not None and ex.meta.created.replace(tzinfo=None) == datetime(2024, 3, 1, 9, 30)


def test_pdf_without_text_layer_is_scanned(tmp_path: Path) -> None:
    ex = extract(make_scanned_pdf(tmp_path / "scan.pdf", 3))
    assert ex.scanned is True
    assert len(ex.pages) == 3
    assert ex.text.strip() == ""


def test_txt_gb18030_and_utf8_bom(tmp_path: Path) -> None:
    text = "投标人：华建建设有限公司\n项目经理：李建国"
    (tmp_path / "gb.txt").write_bytes(text.encode("gb18030"))
    (tmp_path / "bom.txt").write_bytes(text.encode("utf-8-sig"))
    (tmp_path / "crlf.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    for name in ("gb.txt", "bom.txt", "crlf.txt"):
        ex = extract(tmp_path / name)
        assert (ex.kind, ex.text, ex.pages) == ("txt", text, (text,))


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("missing.docx", None, "file"),
        ("old.doc", b"\xd0\xcf\x11\xe0", "type"),
        ("table.xlsx", b"PK", "type"),
        ("broken.docx", os.urandom(2048), "unreadable"),
        ("broken.pdf", b"%PDF-1.4\n" + os.urandom(512), "unreadable"),
        ("empty.docx", b"", "unreadable"),
    ],
)
def test_bad_files_raise_document_error_with_reason(
    tmp_path: Path, name: str, content: bytes | None, reason: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DocumentError) as info:
        extract(path)
    assert info.value.reason == reason
    assert name in info.value.detail


def test_directory_named_like_a_file_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "folder.docx").mkdir()
    with pytest.raises(DocumentError) as info:
        extract(tmp_path / "folder.docx")
    assert info.value.reason == "unreadable"


def test_uppercase_extension_is_read(tmp_path: Path) -> None:
    (tmp_path / "A.TXT").write_text("正文", encoding="utf-8")
    assert extract(tmp_path / "A.TXT").text == "正文"


def test_pdf_with_malformed_date_keeps_the_rest(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    src = make_pdf(tmp_path / "src.pdf", ["Bid text of Delta Ltd"])
    writer = PdfWriter()
    writer.append(PdfReader(str(src)))
    writer.add_metadata({"/Author": "Wang Wu", "/CreationDate": "not a date"})
    writer.write(str(tmp_path / "odd.pdf"))
    ex = extract(tmp_path / "odd.pdf")
    assert ex.meta.author == "Wang Wu"
    assert ex.meta.created is None
    assert "Delta Ltd" in ex.text


def test_pdf_with_user_password_is_unreadable(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    src = make_pdf(tmp_path / "src.pdf", ["secret"])
    writer = PdfWriter()
    writer.append(PdfReader(str(src)))
    writer.encrypt("open-sesame")
    writer.write(str(tmp_path / "locked.pdf"))
    with pytest.raises(DocumentError) as info:
        extract(tmp_path / "locked.pdf")
    assert info.value.reason == "unreadable"
