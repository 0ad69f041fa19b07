"""The inspectors' pages through TestClient: login, language, project/post/warnings content, feedback form."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fastapi.testclient import TestClient

from tests.serving.conftest import auth
from tests.serving.fixtures import build_store
from yunshao.rules.guide import evidence_json, render_guide
from yunshao.serving.codes import rule_catalog
from yunshao.serving.core.security import PERMISSIONS, Permission


@pytest.fixture()
def logged_in(client: TestClient, keys: dict[str, str]) -> TestClient:
    client.cookies.clear()
    response = client.post(
        "/pages/login", data={"key": keys["inspector"], "next": "/pages/projects/P1"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/pages/projects/P1"
    assert (
        "httponly" in response.headers["set-cookie"].lower()
        and "samesite=strict" in response.headers["set-cookie"].lower()
    )
    return client


def test_login_rejects_wrong_key_and_non_inspectors(client: TestClient, keys: dict[str, str]) -> None:
    client.cookies.clear()
    assert client.post("/pages/login", data={"key": "ysk_wrong"}).status_code == 401
    assert client.post("/pages/login", data={"key": keys["data_scientist"]}).status_code == 403
    assert (
        client.post(
            "/pages/login", data={"key": keys["inspector"], "next": "https://evil.example/"}, follow_redirects=False
        ).headers["location"]
        == "/pages/warnings"
    )


def test_project_page_zh(logged_in: TestClient) -> None:
    html = logged_in.get("/pages/projects/P1").text
    assert "园区道路改造工程" in html and "核查指引" in html
    assert "核查两家投标企业是否由同一人员制作投标文件" in html  # W1's guide
    assert 'id="shap-waterfall"' in html and "红色规则命中数" in html
    assert "C04 立项批复" in html and "张三丰" in html  # the trail, with who did what
    assert html.index("C01 项目建议") < html.index("C16 开工") < html.index("C04 立项批复")  # time order


def test_language_switch(logged_in: TestClient) -> None:
    html = logged_in.get("/pages/projects/P1?lang=en").text
    assert "What to check" in html and "C04 initiation approval" in html and "red rule hits" in html
    assert "What to check" in logged_in.get("/pages/projects/P1").text  # remembered in a cookie
    assert "核查指引" in logged_in.get("/pages/projects/P1?lang=zh").text


def test_warnings_page_filters(logged_in: TestClient) -> None:
    html = logged_in.get("/pages/warnings?level=yellow").text
    assert "head_many_approvals" in html and "build_before_approval" in html
    assert "bid_same_ip" not in html
    assert "bid_same_ip" in logged_in.get("/pages/warnings").text


def test_post_page(logged_in: TestClient) -> None:
    html = logged_in.get("/pages/posts/PO1").text
    assert "管委会主任" in html and "张三丰" in html and "园区道路改造工程" in html and "污水管网工程" in html


def test_feedback_form_posts_the_outcome(logged_in: TestClient) -> None:
    html = logged_in.get("/pages/projects/P1").text
    client_key = re.search(r'name="client_key" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    form = {
        "outcome": "partial",
        "scheme": "bid_rigging",
        "note": "表单反馈",
        "client_key": client_key,
        "warning_id": "W1",
    }
    response = logged_in.post("/pages/projects/P1/feedback", data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/pages/projects/P1?saved=1"
    logged_in.post("/pages/projects/P1/feedback", data=form)  # a double submit stores nothing new
    stored = [f for f in logged_in.app.state.feedback.for_entity("project", "P1") if f["client_key"] == client_key]  # type: ignore[attr-defined]
    assert len(stored) == 1 and stored[0]["warning_id"] == "W1" and stored[0]["outcome"] == "partial"
    page = logged_in.get("/pages/projects/P1?saved=1").text
    assert "反馈已保存" in page and "表单反馈" in page


def test_pages_accept_the_header_key(client: TestClient, keys: dict[str, str]) -> None:
    client.cookies.clear()
    assert client.get("/pages/projects/P1", headers=auth(keys["admin"])).status_code == 200


def test_unknown_project_page_is_404(logged_in: TestClient) -> None:
    assert logged_in.get("/pages/projects/NOPE").status_code == 404


def test_feedback_form_offers_the_scheme_codes() -> None:
    from yunshao.serving.api.routes.pages import SCHEMES
    from yunshao.simulate.config import SCHEMES as SIMULATED

    assert SCHEMES == SIMULATED


# --- evidence for people (issue 14, item 5) -------------------------------------------------------------------

#: Two warnings of catalog rules on project P3 (污水管网工程, unit U1), added to this module's own copy of the
#: hand-made store so that the other modules keep their three warnings. Their guides are stored in English, as
#: a run with ``--lang en`` writes them. W4's payment also names its approver (payments.person_id).
PAYEE_EVIDENCE: dict[str, Any] = {
    "payment_id": "PAY1",
    "kind": "progress",
    "amount": 1234567.0,
    "paid_at": "2024-03-20 10:00:00",
    "payee_company_id": "C3",
    "contractor_ids": ["C1", "C2"],
    "person_id": "PE3",
}
RELATIVE_EVIDENCE: dict[str, Any] = {
    "approver_id": "PE1",
    "relative_id": "PE3",
    "relation": "spouse",
    "company_id": "C2",
    "relative_roles": ["legal_rep"],
    "company_gains": ["winner"],
    "approved_nodes": ["C04"],
}
EXTRA_WARNINGS: list[tuple[str, str, str, str | None, str, dict[str, Any]]] = [
    ("W4", "MON-PAYEE", "P3", None, "payment_anomaly", PAYEE_EVIDENCE),
    ("W5", "PWR-REL", "P3", "PO1", "relative_favour", RELATIVE_EVIDENCE),
]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_store(tmp_path_factory.mktemp("evidence-store") / "yunshao.duckdb")
    con = duckdb.connect(str(path))
    for warning_id, rule_id, project_id, post_id, scheme, evidence in EXTRA_WARNINGS:
        rule = rule_catalog()[rule_id]
        guide = render_guide(rule, {**evidence, "entity_id": project_id, "project_id": project_id}, "en")
        con.execute(
            "INSERT INTO warnings (warning_id, entity_type, entity_id, rule_id, severity, evidence, guide, "
            "project_id, scheme, post_id) VALUES (?, 'project', ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                warning_id,
                project_id,
                rule_id,
                rule.severity,
                evidence_json(evidence),
                guide,
                project_id,
                scheme,
                post_id,
            ],
        )
    con.close()
    return path


def test_evidence_reads_as_names_amounts_dates_and_words(logged_in: TestClient) -> None:
    html = logged_in.get("/pages/projects/P3?lang=zh").text
    payee = _evidence_table(html, "W4")
    assert "1,234,567 元" in payee and "2024年3月20日 10:00" in payee and "进度款" in payee
    assert "丙建设公司" in payee and "甲建设公司" in payee and "乙建设公司" in payee and "王五岳" in payee
    assert '甲建设公司 <span class="ref">C1</span>、乙建设公司' in payee  # a list, joined
    relative = _evidence_table(html, "W5")
    assert "张三丰" in relative and "配偶" in relative and "法定代表人" in relative and "C04 立项批复" in relative
    assert "支付异常" in html and "利益输送亲属" in html and "工程款支付给非合同相对方" in html  # scheme, rule name
    english = logged_in.get("/pages/projects/P3?lang=en").text
    payee = _evidence_table(english, "W4")
    assert "1,234,567 yuan" in payee and "20 Mar 2024 10:00" in payee and "progress payment" in payee
    relative = _evidence_table(english, "W5")
    assert "spouse" in relative and "legal representative" in relative and "C04 initiation approval" in relative
    assert "payment anomaly" in english and "favours to relatives" in english
    assert ">Payee<" in english and ">收款企业<" in html  # the labels, in each language


def test_codes_on_the_project_page_are_words(logged_in: TestClient) -> None:
    zh = logged_in.get("/pages/projects/P1?lang=zh").text
    en = logged_in.get("/pages/projects/P1?lang=en").text
    assert "领域: 工程建设" in zh and "Domain: construction" in en  # the project's domain
    assert "<td>公开招标</td>" in zh and "<td>open tender</td>" in en  # T1's method
    assert '<option value="bid_rigging">围标串标</option>' in zh  # the feedback form's schemes
    assert '<option value="bid_rigging">bid rigging</option>' in en


def test_guides_follow_the_request_not_the_run(logged_in: TestClient) -> None:
    """The store holds W4's and W5's guides in English; each page shows them in its own language."""
    zh = logged_in.get("/pages/projects/P3?lang=zh").text
    assert (
        "查什么：项目 污水管网工程（P3） 的支付 PAY1（进度款，1,234,567 元，2024年3月20日 10:00）"
        "收款方 丙建设公司（C3） 不是合同相对方 甲建设公司（C1）、乙建设公司（C2）。"
    ) in zh
    assert (
        "的审批人 张三丰（PE1）（批准节点 C04 立项批复）的配偶 王五岳（PE3） 是企业 乙建设公司（C2） 的 法定代表人"
        in zh
    )
    assert "What to check:" not in zh and "went to" not in zh
    en = logged_in.get("/pages/projects/P3?lang=en").text
    assert (
        "Payment PAY1 of project 污水管网工程 (P3) (progress payment, 1,234,567 yuan, 20 Mar 2024 10:00) "
        "went to 丙建设公司 (C3), not to the contractor(s) 甲建设公司 (C1), 乙建设公司 (C2)."
    ) in en
    assert "has a spouse, 王五岳 (PE3), who is legal representative of 乙建设公司 (C2)" in en
    assert "查什么" not in en
    assert "核查一把手是否直接审批下属经办事项" in en  # W3's rule is not in the catalog: its stored guide stays
    listed = logged_in.get("/pages/warnings?q=P3&lang=zh").text
    assert "【红色预警·MON-PAYEE 工程款支付给非合同相对方】" in listed  # the list's guides too


def test_raw_json_is_one_click_away(logged_in: TestClient) -> None:
    html = logged_in.get("/pages/projects/P3").text
    raw = re.search(
        r'<details class="raw-evidence"><summary>[^<]+</summary><pre class="evidence">(.*?)</pre></details>', html, re.S
    )
    assert raw is not None
    blocks = re.findall(r'<details class="raw-evidence">.*?</details>', html, re.S)
    payee = next(b for b in blocks if "PAY1" in b)
    assert "&#34;payee_company_id&#34;: &#34;C3&#34;" in payee and "1234567.0" in payee
    assert "<script" not in html


def test_names_are_masked_without_the_names_permission(
    client: TestClient, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No page role lacks NAMES today; a data scientist let onto the pages shows what such a role would see."""
    monkeypatch.setitem(PERMISSIONS, "data_scientist", frozenset({Permission.READ, Permission.PAGES}))
    client.cookies.clear()
    for lang in ("zh", "en"):
        html = client.get(f"/pages/projects/P3?lang={lang}", headers=auth(keys["data_scientist"])).text
        assert "王五岳" not in html and "张三丰" not in html and "李四海" not in html
        assert "丙建设公司" in html and "***" in html  # companies are not people
        assert ("***（PE3）" if lang == "zh" else "*** (PE3)") in html  # the guide names the masked person by id
    assert "王五岳" in client.get("/pages/projects/P3", headers=auth(keys["inspector"])).text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("P3", ["W4", "W5", "W3"]),  # a project's id: red first, then yellow
        ("p1", ["W1", "W2"]),  # ids ignore case
        ("管网", ["W4", "W5", "W3"]),  # part of 污水管网工程
        ("园区道路改造工程", ["W1", "W2"]),
        ("P", []),  # no id is "P", no name holds it
        ("城东", []),  # 城东地块收购 (P2) has no warning
    ],
)
def test_search_by_project_name_or_id(logged_in: TestClient, query: str, expected: list[str]) -> None:
    html = logged_in.get("/pages/warnings", params={"q": query}).text
    assert re.findall(r'<tr id="row-(W\d+)">', html) == expected
    assert f"{'共'} {len(expected)}" in html or f"total {len(expected)}" in html


def test_search_keeps_the_other_filters_and_the_box(logged_in: TestClient) -> None:
    html = logged_in.get("/pages/warnings", params={"q": " 园区道路 ", "level": "yellow", "lang": "zh"}).text
    assert re.findall(r'<tr id="row-(W\d+)">', html) == ["W2"]
    assert 'name="q" id="search" value="园区道路"' in html
    assert logged_in.get("/pages/warnings", params={"q": "x" * 201}).status_code == 422


def _evidence_table(html: str, warning_id: str) -> str:
    found = re.search(rf'<table class="evidence-rows" id="evidence-{warning_id}">(.*?)</table>', html, re.S)
    assert found is not None, f"no evidence table for {warning_id}"
    return found.group(1)


def test_people_named_in_evidence_are_audited(logged_in: TestClient) -> None:
    """W5's evidence names PE3 (王五岳), who is on no trail of P3: reading the page is logged for PE3."""
    audit = logged_in.app.state.audit  # type: ignore[attr-defined]
    before = len(audit.entries("person", "PE3"))
    assert "王五岳" in logged_in.get("/pages/projects/P3").text
    after = audit.entries("person", "PE3")
    assert len(after) == before + 1 and after[-1]["path"] == "/pages/projects/P3"
