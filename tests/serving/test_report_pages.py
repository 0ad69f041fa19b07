"""The report pages (/pages/report/units, posts, rules) over the hand-made store plus its case store.

The store of fixtures.py with one more warning, W4 on P2, so that both units have figures:
  开发区管委会 U1 (development zone): P1 (2024-01), P3 (2024-03); W1 red, W2, W3 (on P3) yellow
  城东街道 U2 (township): P2 (2024-02); W4 yellow
The app opens one case per warning on start. Steps taken here:
  W1 confirmed → rectified → closed; W2 unfounded → closed; W3 still checking; W4 partial → rectifying.
  U1: 3 cases, 2 verdicts, 1 confirmed → 查实率 50.0%; 1 to rectify, 1 closed → 整改率 100.0%; 处置率 2/3 = 66.7%
  U2: 1 case, 1 verdict, partial (weight 1) → 查实率 100.0%; 1 to rectify, none closed → 整改率 0.0%; 处置率 100.0%
Warning component (auto cap = 2 × pooled rate): weighted warnings U1 2 + 1 + 1 = 4 on 2 projects = 200 per 100,
U2 1 on 1 = 100 per 100; pooled 5 / 3 projects = 166.7 → cap 333.3 → s_warning U1 0.4, U2 0.7.
  U1 index = 35·0.4 + 30·(1 − 0.5) + 20·1 + 15·2/3 = 14 + 15 + 20 + 10 = 59
  U2 index = 35·0.7 + 30·0 + 20·0 + 15·1 = 24.5 + 15 = 39.5
(min_projects is 1 here, so both are ranked: each is alone in its kind, rank 1, green.)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.serving.conftest import auth, stub_scorer
from tests.serving.fixtures import build_store
from yunshao.cases.store import Actor, CaseFilter
from yunshao.engine import connect
from yunshao.serving.app import create_app
from yunshao.serving.keys import KeyStore
from yunshao.settings import Settings

W4 = (
    "W4",
    "project",
    "P2",
    "land_below_price",
    "yellow",
    '{"price": 1}',
    "核查出让价格。",
    "P2",
    "land_price",
    None,
)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_store(tmp_path_factory.mktemp("report_store") / "yunshao.duckdb")
    con = connect(path)
    con.execute("INSERT INTO warnings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", list(W4))
    con.close()
    return path


@pytest.fixture(scope="module")
def settings(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp = tmp_path_factory.mktemp("report_serve")
    s = Settings()
    s.serve.store = store_path
    s.serve.keys_db = tmp / "keys.sqlite"
    s.serve.state_db = tmp / "state.sqlite"
    s.report.min_projects = 1
    return s


@pytest.fixture(scope="module")
def scoped_keys(settings: Settings) -> dict[str, str]:
    store = KeyStore(settings.serve.keys_db)
    return {
        "all": store.create("inspector", "县核查员")[1],
        "U2": store.create("inspector", "城东核查员", ["U2"])[1],
        "U1": store.create("inspector", "开发区核查员", ["U1"])[1],
    }


@pytest.fixture(scope="module")
def client(settings: Settings, scoped_keys: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(settings, scorer=stub_scorer)) as c:
        yield c


def _steps(client: TestClient) -> None:
    """The transitions of the module docstring, straight on the app's case store."""
    cases = client.app.state.cases  # type: ignore[attr-defined]
    ids = {c["warning_id"]: c["case_id"] for c in cases.page(CaseFilter(), offset=0, limit=50)[1]}
    today = dt.date.today()
    due = (today + dt.timedelta(days=10)).isoformat()
    actor = Actor(None, "test")
    rectify = ("rectify", {"measures": "整改", "rectify_deadline": due})
    plan = {
        "W1": [("verdict", {"verdict": "confirmed"}), rectify, ("close", {"closing_evidence": "整改报告"})],
        "W2": [("verdict", {"verdict": "unfounded"}), ("close", {})],
        "W3": [],
        "W4": [("verdict", {"verdict": "partial"}), rectify],
    }
    for warning, steps in plan.items():
        unit = "U2" if warning == "W4" else "U1"
        start = [("assign", {"assigned_unit": unit, "inspector": "test", "deadline": due}), ("check", {})]
        for action, fields in start + steps:
            cases.transition(ids[warning], action, fields, actor, today=today)


def _cells(html: str, row_id: str) -> list[str]:
    """The text of each cell of the table row with ``row_id``."""
    found = re.search(rf'<tr id="{row_id}"[^>]*>(.*?)</tr>', html, re.S)
    assert found, f"row {row_id} not in the page"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.S)
    return [(re.sub(r"<[^>]+>", " ", c).split() or [""])[0] for c in cells]


@pytest.fixture(scope="module")
def stepped(client: TestClient, scoped_keys: dict[str, str]) -> TestClient:
    before = client.get("/pages/report/units?lang=zh", headers=auth(scoped_keys["all"])).text
    assert "50.0%" not in before  # no verdict yet: U1's confirmation rate has no denominator
    _steps(client)
    return client


def test_units_page_zh_shows_the_real_rates(stepped: TestClient, scoped_keys: dict[str, str]) -> None:
    html = stepped.get("/pages/report/units?lang=zh", headers=auth(scoped_keys["all"])).text
    assert "查实率、整改率、处置率为真实比率" in html and "（4 个案件）" in html and "（代理）" not in html
    u1, u2 = _cells(html, "unit-U1"), _cells(html, "unit-U2")
    # unit, rank, index, band, projects, warnings, per 100, cases, 查实率, 整改率, 按期, 处置率, four scores
    assert u1[:12] == ["开发区管委会", "1", "59", "绿", "2", "3", "150", "3", "50.0%", "100.0%", "100.0%", "66.7%"]
    assert u2[:12] == ["城东街道", "1", "39.5", "绿", "1", "1", "100", "1", "100.0%", "0.0%", "–", "100.0%"]
    assert u1[12:] == ["0.40", "0.50", "1", "0.67"] and u2[12:] == ["0.70", "0", "0", "1"]
    assert 'id="tile-U1"' in html and 'id="index-chart"' in html and "<script" not in html
    assert "上限：每百项目加权预警 333.3</p>" in html  # 2 × 5 weighted warnings / 3 projects × 100


def test_units_page_en(stepped: TestClient, scoped_keys: dict[str, str]) -> None:
    html = stepped.get("/pages/report/units?lang=en", headers=auth(scoped_keys["all"])).text
    assert "Confirmation, rectification and disposal are real rates" in html and "(4 cases)" in html
    assert "Integrity map" in html and "Rectification rate" in html and "Rectified on time" in html
    assert _cells(html, "unit-U1")[8:12] == ["50.0%", "100.0%", "100.0%", "66.7%"]


def test_rules_page_counts_the_cases(stepped: TestClient, scoped_keys: dict[str, str]) -> None:
    html = stepped.get("/pages/report/rules?lang=zh", headers=auth(scoped_keys["all"])).text
    # rule, hits, red, cases, verdicts, confirmed, 查实率, no verdict yet, 整改率, status
    assert _cells(html, "rule-bid_same_ip")[1:9] == ["1", "1", "1", "1", "1", "100.0%", "0", "100.0%"]
    assert _cells(html, "rule-build_before_approval")[3:7] == ["1", "1", "0", "0.0%"]
    assert _cells(html, "rule-head_many_approvals")[3:8] == ["1", "0", "0", "–", "1"]
    assert _cells(html, "rule-land_below_price")[3:9] == ["1", "1", "1", "100.0%", "0", "0.0%"]
    assert 'id="cases-chart"' in html and "查实（含部分属实）" in html
    english = stepped.get("/pages/report/rules?lang=en", headers=auth(scoped_keys["all"])).text
    assert "Rule review" in english and "confirmed (partial included)" in english


def test_posts_page(stepped: TestClient, scoped_keys: dict[str, str]) -> None:
    html = stepped.get("/pages/report/posts?lang=zh", headers=auth(scoped_keys["all"])).text
    assert "高风险岗位排名" in html and "管委会主任" in html and 'id="post-PO1"' in html
    assert _cells(html, "post-PO1")[3] == "70"  # the run's post score
    assert "High-risk post ranking" in stepped.get("/pages/report/posts?lang=en", headers=auth(scoped_keys["all"])).text


def test_a_scoped_key_sees_only_its_units(stepped: TestClient, scoped_keys: dict[str, str]) -> None:
    headers = auth(scoped_keys["U2"])
    units = stepped.get("/pages/report/units?lang=zh", headers=headers).text
    assert "城东街道" in units and _cells(units, "unit-U2")[2] == "39.5"
    assert "开发区管委会" not in units and "unit-U1" not in units and "tile-U1" not in units
    assert "66.7%" not in units and "上限：" not in units  # U1's disposal rate; the county-wide caps
    rules = stepped.get("/pages/report/rules?lang=zh", headers=headers).text
    assert "rule-land_below_price" in rules
    for rule in ("bid_same_ip", "build_before_approval", "head_many_approvals"):
        assert rule not in rules
    posts = stepped.get("/pages/report/posts?lang=zh", headers=headers).text
    assert "管委会主任" not in posts and "PO1" not in posts and "暂无数据" in posts
    other = stepped.get("/pages/report/units?lang=zh", headers=auth(scoped_keys["U1"])).text
    assert "开发区管委会" in other and "城东街道" not in other and "unit-U2" not in other and "tile-U2" not in other


def test_pages_need_a_login(stepped: TestClient) -> None:
    stepped.cookies.clear()
    reply = stepped.get("/pages/report/units", follow_redirects=False)
    assert reply.status_code == 303 and "/pages/login" in reply.headers["location"]


def test_a_quarter_and_an_unknown_period(stepped: TestClient, scoped_keys: dict[str, str]) -> None:
    headers = auth(scoped_keys["all"])
    q1 = stepped.get("/pages/report/units?lang=zh&period=2024-Q1", headers=headers).text
    # 2024-Q1 holds all three projects and every case: the same figures as the whole period
    assert _cells(q1, "unit-U1")[2] == "59" and 'value="2024-Q1" selected' in q1
    unknown = stepped.get("/pages/report/units?lang=zh&period=1999-Q9", headers=headers)
    assert unknown.status_code == 200 and 'value="all" selected' in unknown.text


def test_without_cases_the_index_says_proxies(settings: Settings, scoped_keys: dict[str, str], tmp_path: Path) -> None:
    bare = settings.model_copy(deep=True)
    bare.cases.sync_on_start = False
    bare.serve.state_db = tmp_path / "empty-state.sqlite"
    with TestClient(create_app(bare, scorer=stub_scorer)) as c:
        html = c.get("/pages/report/units?lang=zh", headers=auth(scoped_keys["all"])).text
    assert "案件库中还没有案件" in html and "整改率（代理）" in html and "处置率（代理）" in html
