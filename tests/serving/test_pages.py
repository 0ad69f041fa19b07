"""The inspectors' pages through TestClient: login, language, project/post/warnings content, feedback form."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.serving.conftest import auth


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
