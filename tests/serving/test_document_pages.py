"""The bid-file comparison pages over a hand-made store: the matrix, the passages side by side in their
files, masking, scope, the exported report, and a store of a run that read no bid file.

The dataset folder holds two .txt bid files that share one passage, ``SHARED``, at offsets worked out by
hand below; a third file of the store is missing from the folder, as happens when a dataset is moved.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import docx
import duckdb
import pytest
from fastapi.testclient import TestClient

from tests.browser import ARGS, ARTIFACTS, CHROMIUM, needs_chromium
from tests.serving import test_scope_matrix as matrix
from tests.serving.conftest import ROLES, auth, stub_scorer
from tests.serving.fixtures import build_store
from tests.serving.server import running_server
from yunshao.documents.tables import create_empty
from yunshao.serving.app import create_app
from yunshao.serving.core.security import PERMISSIONS, Permission
from yunshao.serving.keys import KeyStore
from yunshao.settings import Settings

PREFIX_A = "甲建设公司投标文件技术部分。"  # 5 + 4 + 4 + 1 = 14 characters
PREFIX_B = "乙建设公司技术标："  # 5 + 3 + 1 = 9 characters
#: 16 + 17 + 16 = 49 characters (its three clauses, each with its comma or full stop)
SHARED = "本工程混凝土养护期不少于十四天，模板拆除前须经监理工程师签字确认，错字照抄：砼强度未达标不得拆模。"
TEXT_A = PREFIX_A + SHARED + "以上为甲公司承诺。"
TEXT_B = PREFIX_B + SHARED + "乙公司完。"
#: where SHARED sits: A 14–63, B 9–58; 养护期不少于十四天 is SHARED[6:15], so A 20–29
START_A, END_A, START_B, END_B = 14, 63, 9, 58
SHORT = "养护期不少于十四天"


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[tuple[object, ...]]) -> None:
    marks = ", ".join("?" * len(rows[0]))
    con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def build_doc_store(folder: Path) -> Path:
    """The serving tests' hand-made store plus a run's document tables and a dataset folder with the files."""
    dataset = folder / "dataset"
    (dataset / "bids").mkdir(parents=True)
    (dataset / "bids" / "a.txt").write_text(TEXT_A, encoding="utf-8")
    (dataset / "bids" / "b.txt").write_text(TEXT_B, encoding="utf-8")  # c.txt (D3) is gone
    (folder / "out").mkdir()
    path = build_store(folder / "out" / "yunshao.duckdb")
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO tenders (tender_id, project_id, method) VALUES ('T2', 'P2', 'open'), ('T3', 'P3', 'open')")
    con.execute("INSERT INTO bids (bid_id, tender_id, company_id, price) VALUES ('B4', 'T2', 'C1', 1000000)")
    con.execute("CREATE TABLE bid_documents (document_id VARCHAR, bid_id VARCHAR, path VARCHAR, kind VARCHAR)")
    _insert(
        con,
        "bid_documents",
        [
            ("D1", "B1", "bids/a.txt", "technical"),
            ("D2", "B2", "bids/b.txt", "technical"),
            ("D3", "B3", "bids/c.txt", "technical"),
        ],
    )
    create_empty(con)
    files = [
        (d, b, "T1", c, "technical", "txt", 1, n, False, "王工", None, None, None, None, None, None)
        for d, b, c, n in (("D1", "B1", "C1", len(TEXT_A)), ("D2", "B2", "C2", len(TEXT_B)), ("D3", "B3", "C3", 30))
    ]
    _insert(con, "doc_files", files)
    _insert(
        con,
        "doc_pairs",
        [
            ("T1", "B1", "B2", "C1", "C2", 0.31, 0.4567, 58, 2, 49, ["砼强度"], False, 0.8),
            ("T1", "B1", "B3", "C1", "C3", 0.02, 0.05, 9, 1, 12, [], False, 0.2),
        ],
    )
    _insert(
        con,
        "doc_passages",
        [
            ("T1", "B1", "B2", 1, SHARED, 49, 0.9, "D1", START_A, END_A, "D2", START_B, END_B),
            ("T1", "B1", "B3", 1, SHORT, 9, 0.4, "D1", 20, 29, "D3", 5, 14),
        ],
    )
    _insert(con, "doc_meta_links", [("T1", "B1", "B2", "C1", "C2", "author", "王工")])
    _insert(
        con,
        "doc_mixups",
        [
            ("T1", "B2", "C2", "D2", "B1", "C1", 60, 65, "特此承诺：甲建设公司", "text"),
            ("T1", "B2", "C2", "D2", "B1", "C1", None, None, "甲建设公司", "company"),
        ],
    )
    _insert(con, "doc_shared_people", [("T1", "B1", "B2", "PE3", "王五岳", "D1")])
    evidence = {  # as BID-DOC-TEXT's SQL writes it
        "tender_id": "T1", "bid_a": "B1", "bid_b": "B2", "company_a": "C1", "company_b": "C2", "jaccard": 0.31,
        "containment": 0.457, "shared_passages": 2, "longest_passage": 49, "rare_tokens": ["砼强度"],
        "top_passage": SHARED, "document_a": "D1", "start_a": START_A, "document_b": "D2", "start_b": START_B,
    }  # fmt: skip
    con.execute(
        "INSERT INTO warnings (warning_id, entity_type, entity_id, rule_id, severity, evidence, guide, project_id, "
        "scheme) VALUES ('W9', 'tender', 'T1', 'BID-DOC-TEXT', 'red', ?, 'stored guide', 'P1', 'bid_rigging')",
        [json.dumps(evidence, ensure_ascii=False)],
    )
    con.close()
    (path.parent / "run.json").write_text(json.dumps({"dataset": str(dataset)}), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def doc_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_doc_store(tmp_path_factory.mktemp("docstore"))


@pytest.fixture(scope="module")
def store_path(doc_store_path: Path) -> Path:
    """This module's app (conftest's ``settings`` and ``client``) serves the store with document tables."""
    return doc_store_path


@pytest.fixture(scope="module")
def scoped(settings: Settings) -> dict[str, dict[str, str]]:
    store = KeyStore(settings.serve.keys_db)
    return {role: {u: store.create(role, f"doc-{role}-{u}", [u])[1] for u in ("U1", "U2")} for role in ROLES}


def _page(client: TestClient, key: str, url: str) -> str:
    client.cookies.clear()
    reply = client.get(url, headers=auth(key))
    assert reply.status_code == 200, (url, reply.status_code)
    return reply.text


def _cell(page: str, cell_id: str) -> str:
    found = re.search(rf'<a href="[^"]+" id="{cell_id}".*?</a>', page, re.S)
    assert found is not None, cell_id
    return found.group(0)


@pytest.mark.parametrize(("lang", "chars"), [("zh", "49 字"), ("en", "49 chars")])
def test_matrix_shows_containment_and_longest_passage(
    client: TestClient, keys: dict[str, str], lang: str, chars: str
) -> None:
    page = _page(client, keys["inspector"], f"/pages/tenders/T1/documents?lang={lang}")
    for cell_id in ("cell-B1-B2", "cell-B2-B1"):  # the matrix is symmetric
        cell = _cell(page, cell_id)
        assert ">45.7%<" in cell and f">{chars}<" in cell  # containment 0.4567, longest passage 49
        assert 'fill="#d34b4b"' in cell  # score 0.8: 255 − 0.8·55 = 211, 255 − 0.8·225 = 75
    low = _cell(page, "cell-B1-B3")
    assert ">5.0%<" in low and 'fill="#f4d2d2"' in low  # score 0.2: 255 − 11 = 244, 255 − 45 = 210
    assert 'id="cell-B2-B3"' not in page  # not compared: no link
    assert 'href="/pages/tenders/T1/documents/B1/B2"' in page


def test_page_shows_tender_bidders_links_meta_mixups_and_warnings(client: TestClient, keys: dict[str, str]) -> None:
    page = _page(client, keys["inspector"], "/pages/tenders/T1/documents?lang=zh")
    assert 'href="/pages/projects/P1"' in page and "园区道路改造工程" in page
    bidders = re.findall(r'<tr data-bid="(B\d)"><td>\d</td><td>B\d</td><td>([^<]*)</td>', page)
    assert bidders == [("B1", "甲建设公司"), ("B2", "乙建设公司"), ("B3", "丙建设公司")]
    meta = re.search(r'<table id="doc-meta">(.*?)</table>', page, re.S)
    assert meta is not None and "<td>作者</td><td>王工</td><td>甲建设公司</td><td>乙建设公司</td>" in meta.group(1)
    mixups = re.search(r'<table id="doc-mixups">(.*?)</table>', page, re.S)
    assert mixups is not None
    assert (
        "<td>乙建设公司</td><td>D2</td><td>甲建设公司</td><td>60–65</td><td>特此承诺：甲建设公司</td>"
        in mixups.group(1)
    )
    assert "<td>甲建设公司</td><td>文件属性: 单位</td><td>甲建设公司</td>" in mixups.group(1)
    assert 'id="warning-W9"' in page and "查什么" in page and "第四十条第（四）项" in page  # guide from the catalog
    assert "王五岳" in page  # an inspector may see names


def test_reading_the_page_audits_the_people_it_names(client: TestClient, keys: dict[str, str]) -> None:
    audit = client.app.state.audit  # type: ignore[attr-defined]
    before = len(audit.entries("person", "PE3"))
    _page(client, keys["inspector"], "/pages/tenders/T1/documents")
    after = audit.entries("person", "PE3")
    assert len(after) == before + 1 and after[-1]["path"] == "/pages/tenders/T1/documents"


def test_people_masked_without_the_names_permission(
    client: TestClient, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in test_pages: no page role lacks NAMES today, so a data scientist is let onto the pages."""
    monkeypatch.setitem(PERMISSIONS, "data_scientist", frozenset({Permission.READ, Permission.PAGES}))
    for lang in ("zh", "en"):
        page = _page(client, keys["data_scientist"], f"/pages/tenders/T1/documents?lang={lang}")
        people = re.search(r'<table id="doc-people">(.*?)</table>', page, re.S)
        assert people is not None and '<td>*** <span class="ref">PE3</span></td>' in people.group(1)
        assert "王五岳" not in page and "甲建设公司" in page  # companies are not people


def _marks(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", page, re.S)]


def test_passages_side_by_side_mark_the_file_slices(client: TestClient, keys: dict[str, str]) -> None:
    page = _page(client, keys["inspector"], "/pages/tenders/T1/documents/B1/B2?lang=zh")
    assert _marks(page) == [TEXT_A[START_A:END_A], TEXT_B[START_B:END_B]] == [SHARED, SHARED]
    assert PREFIX_A in page and PREFIX_B in page  # the window around the passage, read from the files
    assert "14–63" in page and "9–58" in page
    swapped = _page(client, keys["inspector"], "/pages/tenders/T1/documents/B2/B1?lang=en")
    sides = re.findall(r'<td class="side" data-side="\d">\s*<div class="where">File (D\d)', swapped)
    assert sides == ["D2", "D1"]  # the bidder named first is on the left


def test_a_missing_file_shows_the_passage_alone_with_a_note(client: TestClient, keys: dict[str, str]) -> None:
    page = _page(client, keys["inspector"], "/pages/tenders/T1/documents/B1/B3?lang=en")
    assert _marks(page) == [TEXT_A[20:29], SHORT] and TEXT_A[20:29] == SHORT
    assert page.count('class="file-gone"') == 1 and "not in the dataset folder" in page


def test_unknown_and_out_of_scope_records_are_404(
    client: TestClient, keys: dict[str, str], scoped: dict[str, dict[str, str]]
) -> None:
    client.cookies.clear()
    inspector = auth(keys["inspector"])
    for url in (
        "/pages/tenders/T9/documents",
        "/pages/tenders/T9/documents/report?format=docx",
        "/pages/tenders/T1/documents/B1/B9",
        "/pages/tenders/T1/documents/B1/B4",  # B4 is a bid of T2
        "/pages/tenders/T1/documents/B1/B1",
    ):
        reply = client.get(url, headers=inspector)
        assert reply.status_code == 404 and "<html" in reply.text, url
    u2, u1 = auth(scoped["inspector"]["U2"]), auth(scoped["inspector"]["U1"])
    for url in (
        "/pages/tenders/T1/documents",
        "/pages/tenders/T1/documents/B1/B2",
        "/pages/tenders/T1/documents/report",
    ):
        assert client.get(url, headers=u2).status_code == 404, url
        assert client.get(url, headers=u1).status_code == 200, url
    assert client.get("/pages/tenders/T2/documents", headers=u2).status_code == 200  # T2 is P2's, in U2
    assert client.get("/pages/tenders/T2/documents", headers=u1).status_code == 404
    assert client.get("/pages/tenders/T1/documents/report?format=pdf", headers=inspector).status_code == 422


def test_the_scope_matrix_covers_these_routes(
    client: TestClient, scoped: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scope × role × route matrix over the whole app, with samples of U1 for these routes' ids."""
    for name, value in {"tender_id": "T1", "bid_a": "B1", "bid_b": "B2"}.items():
        monkeypatch.setitem(matrix.SAMPLES, name, value)
    paths = {path for _, path, _ in matrix._guarded(client.app)}
    assert "/pages/tenders/{tender_id}/documents/{bid_a}/{bid_b}" in paths
    matrix.test_roles_without_the_permission_get_403(client, scoped)
    matrix.test_scope_decides_what_each_role_reads(client, scoped)


def _docx_text(content: bytes) -> tuple[list[str], str]:
    document = docx.Document(io.BytesIO(content))
    headings = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith(("Heading", "Title"))
    ]
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return headings, "\n".join([p.text for p in document.paragraphs] + cells)


def test_docx_report(client: TestClient, keys: dict[str, str]) -> None:
    client.cookies.clear()
    audit = client.app.state.audit  # type: ignore[attr-defined]
    before = len(audit.entries("tender", "T1"))
    reply = client.get("/pages/tenders/T1/documents/report?format=docx&lang=zh", headers=auth(keys["inspector"]))
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("application/vnd.openxmlformats")
    headings, text = _docx_text(reply.content)
    assert headings[0] == "投标文件比对核查报告 · T1"
    for heading in ("法律依据", "投标人", "投标文件相关预警", "投标文件相似度矩阵", "主要共同段落", "各规则核查指引"):
        assert heading in headings, heading
    assert "红色 · BID-DOC-TEXT 不同投标人的投标文件异常一致" in headings
    for article in ("第四十条第（一）项", "第四十条第（二）项", "第四十条第（四）项", "第四十条第（五）项"):
        assert article in text, article
    assert SHARED in text and "#1 · D1 [14–63] ↔ D2 [9–58] · 49 字" in text
    assert "45.7% / 49 字" in text and "王工" in text and "特此承诺：甲建设公司" in text
    assert "怎么查" in text and "需排除的合理情形" in text
    exported = audit.entries("tender", "T1")[before:]
    assert [e["action"] for e in exported] == ["export"]
    assert audit.entries("person", "PE3")[-1]["action"] == "export"

    english = client.get("/pages/tenders/T1/documents/report?format=docx&lang=en", headers=auth(keys["inspector"]))
    headings, text = _docx_text(english.content)
    assert headings[0] == "Inspection report on the bid files · T1" and "Legal basis" in headings
    assert "Regulation on the Implementation of the Bidding Law, art. 40(4)" in text and SHARED in text
    assert "Rule out first:" in text


def test_html_report(client: TestClient, keys: dict[str, str]) -> None:
    page = _page(client, keys["inspector"], "/pages/tenders/T1/documents/report?lang=en")
    assert "Inspection report on the bid files" in page and "art. 40(5)" in page
    table = re.search(r'<table id="matrix-table">(.*?)</table>', page, re.S)
    assert table is not None and "45.7% / 49 chars" in table.group(1)


def test_a_tender_without_bid_files(client: TestClient, keys: dict[str, str]) -> None:
    page = _page(client, keys["inspector"], "/pages/tenders/T3/documents?lang=zh")
    assert 'id="no-documents"' in page and "本次运行未读取该招标的投标文件" in page
    assert 'id="doc-matrix"' not in page


@pytest.fixture(scope="module")
def plain_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    """An app over the store of a run that read no bid file: no document table at all."""
    tmp = tmp_path_factory.mktemp("plain")
    s = Settings()
    s.serve.store = build_store(tmp / "yunshao.duckdb")
    s.serve.keys_db = tmp / "keys.sqlite"
    s.serve.state_db = tmp / "state.sqlite"
    key = KeyStore(s.serve.keys_db).create("inspector", "plain")[1]
    with TestClient(create_app(s, scorer=stub_scorer)) as c:
        yield c, key


def test_a_store_without_document_tables(plain_client: tuple[TestClient, str]) -> None:
    client, key = plain_client
    for lang, words in (("zh", "本次运行未读取该招标的投标文件"), ("en", "No bid files were read for this tender")):
        page = _page(client, key, f"/pages/tenders/T1/documents?lang={lang}")
        assert 'id="no-documents"' in page and words in page and "甲建设公司" in page
        pair = _page(client, key, f"/pages/tenders/T1/documents/B1/B2?lang={lang}")
        assert words in pair
    headings, text = _docx_text(
        client.get("/pages/tenders/T1/documents/report?format=docx&lang=zh", headers=auth(key)).content
    )
    assert "本次运行未读取该招标的投标文件" in text and "法律依据" in headings


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_matrix_cell_opens_the_passages_in_chromium(doc_store_path: Path, tmp_path: Path) -> None:
    """The comparison in headless Chromium, in Chinese and English: a click on a cell of the matrix leads to
    the passages side by side, marked in their files; screenshots in tests/artifacts/documents_{zh,en}.png."""
    from playwright.sync_api import expect, sync_playwright

    keys_db = tmp_path / "keys.sqlite"
    token = KeyStore(keys_db).create("inspector", "browser")[1]
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"YUNSHAO_MODEL__USE_CHAMPION": "false"}
    with (
        running_server(doc_store_path, keys_db, tmp_path / "state.sqlite", tmp_path, **env) as (base, _),
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1200})
        page.goto(f"{base}/pages/tenders/T1/documents")
        page.fill("#key", token)
        page.click("#login")
        page.wait_for_url(f"{base}/pages/tenders/T1/documents")
        for lang, title in (("zh", "共同段落并排比对"), ("en", "Shared passages side by side")):
            page.goto(f"{base}/pages/tenders/T1/documents?lang={lang}")
            expect(page.locator("#doc-matrix")).to_be_visible()
            page.click("#cell-B1-B2")
            page.wait_for_url(f"{base}/pages/tenders/T1/documents/B1/B2")
            expect(page.locator("#pair-title")).to_contain_text(title)
            expect(page.locator("#sides-1 mark")).to_have_text([SHARED, SHARED])
            page.screenshot(path=str(ARTIFACTS / f"documents_{lang}.png"), full_page=True)
        browser.close()
    for lang in ("zh", "en"):
        assert (ARTIFACTS / f"documents_{lang}.png").stat().st_size > 10_000
