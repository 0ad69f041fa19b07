"""The case pages through TestClient: inbox, lists, one case followed to its close through the forms,
refusals shown on the page, scope (another unit's case is 404), both languages. The tests share one app
per module and run in file order: each names the warning whose case it moves."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient

from tests.serving.conftest import auth
from yunshao.serving.core.localtime import now_local
from yunshao.serving.keys import KeyStore
from yunshao.settings import Settings


def _login(client: TestClient, key: str) -> TestClient:
    fresh = TestClient(client.app)
    assert fresh.post("/pages/login", data={"key": key}, follow_redirects=False).status_code == 303
    return fresh


def _case_of(client: TestClient, key: str, warning_id: str) -> dict:
    items = client.get("/v1/cases", headers=auth(key)).json()["items"]
    return next(c for c in items if c["warning_id"] == warning_id)


def _version(html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found, "the page offers no step"
    return found.group(1)


def test_inbox_to_close_through_the_forms(client: TestClient, keys: dict[str, str]) -> None:
    page = _login(client, keys["inspector"])
    assert 'id="no-cases"' in page.get("/pages/inbox").text  # nothing assigned yet
    new = page.get("/pages/cases?view=new").text
    assert re.search(r'id="case-total">3<', new)  # W1, W2, W3 of the hand-made store
    case = _case_of(client, keys["admin"], "W2")
    url = f"/pages/cases/{case['case_id']}"
    html = page.get(url).text
    assert 'id="form-assign"' in html and 'id="form-close"' not in html  # only the next step is offered
    assert 'id="warning-W2"' in html  # the project page's warnings are on the case page
    due = (now_local().date() + dt.timedelta(days=5)).isoformat()
    form = {"action": "assign", "assigned_unit": "U1", "inspector": "test-inspector", "deadline": due}
    reply = page.post(f"{url}/transition", data={**form, "version": _version(html)}, follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"] == f"{url}?done=assign"
    inbox = page.get("/pages/inbox").text
    assert f'id="case-row-{case["case_id"]}"' in inbox and due in inbox
    for action, extra in (
        ("check", {}),
        ("verdict", {"verdict": "confirmed", "scheme": "bid_rigging", "note": "两家企业文件同一人制作"}),
        ("rectify", {"measures": "重新招标并约谈经办人", "rectify_deadline": due}),
    ):
        html = page.get(url).text
        reply = page.post(f"{url}/transition", data={"action": action, "version": _version(html), **extra})
        assert reply.status_code == 200 and 'id="done"' in reply.text, action
    refused = page.post(f"{url}/transition", data={"action": "close", "version": _version(page.get(url).text)})
    assert refused.status_code == 422 and "closing_evidence" in refused.text  # 销号 needs the evidence
    html = page.get(url).text
    closed = page.post(
        f"{url}/transition",
        data={"action": "close", "closing_evidence": "已重新招标,见2026第12号文", "version": _version(html)},
    )
    assert closed.status_code == 200 and 'id="case-state" class="state-closed">已销号<' in closed.text
    history = re.findall(r"<strong>([^<]+)</strong>", closed.text.split('id="history"')[1].split("</ol>")[0])
    assert history == ["生成案件", "督办", "开始核查", "核查结论", "整改", "销号"]
    final = client.get(f"/v1/cases/{case['case_id']}", headers=auth(keys["admin"])).json()
    assert final["verdict"] == "confirmed" and final["closing_evidence"].startswith("已重新招标")
    assert f'id="case-row-{case["case_id"]}"' not in page.get("/pages/inbox").text  # closed leaves the inbox


def test_one_click_assign_from_the_new_list(client: TestClient, settings: Settings) -> None:
    key = KeyStore(settings.serve.keys_db).create("inspector", "一键核查员", ["U1"])[1]
    page = _login(client, key)
    new = page.get("/pages/cases?view=new").text
    first = re.search(r'id="quick-assign-(\d+)"', new)
    assert first, "the new list offers one-click assignment"
    form = new.split(f'action="/pages/cases/{first.group(1)}/transition"')[1].split("</form>")[0]
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    due = (now_local().date() + dt.timedelta(days=settings.cases.check_days)).isoformat()
    assert fields["inspector"] == "一键核查员" and fields["deadline"] == due and fields["action"] == "assign"
    done = page.post(f"/pages/cases/{first.group(1)}/transition", data=fields)
    assert done.status_code == 200 and 'id="case-inspector">一键核查员<' in done.text
    assert f'id="case-row-{first.group(1)}"' in page.get("/pages/inbox").text


def test_stale_form_is_refused_with_409(client: TestClient, keys: dict[str, str]) -> None:
    page = _login(client, keys["inspector"])
    case = _case_of(client, keys["admin"], "W3")
    url = f"/pages/cases/{case['case_id']}"
    stale = _version(page.get(url).text)
    due = (now_local().date() + dt.timedelta(days=3)).isoformat()
    form = {"action": "assign", "assigned_unit": "U1", "inspector": "甲", "deadline": due}
    assert page.post(f"{url}/transition", data={**form, "version": stale}).status_code == 200
    again = page.post(f"{url}/transition", data={**form, "inspector": "乙", "version": stale})
    assert again.status_code == 409 and 'id="refused"' in again.text
    assert 'id="case-inspector">甲<' in again.text  # the page shows the case as it now is


def test_bad_form_values_are_422_on_the_page(client: TestClient, keys: dict[str, str]) -> None:
    page = _login(client, keys["inspector"])
    case = _case_of(client, keys["admin"], "W1")
    url = f"/pages/cases/{case['case_id']}/transition"
    past = page.post(url, data={"action": "assign", "assigned_unit": "U1", "inspector": "x", "deadline": "2001-01-01"})
    assert past.status_code == 422 and 'id="refused"' in past.text
    junk = page.post(url, data={"action": "explode"})
    assert junk.status_code == 422 and "<html" in junk.text
    assert page.get("/pages/cases/999999").status_code == 404
    assert page.get("/pages/cases/99999999999999999999").status_code in (404, 422)


def test_scope_hides_other_units_cases(client: TestClient, settings: Settings, keys: dict[str, str]) -> None:
    u2 = KeyStore(settings.serve.keys_db).create("inspector", "城东核查员", ["U2"])[1]
    page = _login(client, u2)
    case = _case_of(client, keys["admin"], "W1")  # a case of unit U1
    assert page.get(f"/pages/cases/{case['case_id']}").status_code == 404
    moved = page.post(f"/pages/cases/{case['case_id']}/transition", data={"action": "check"})
    assert moved.status_code == 404
    assert re.search(r'id="case-total">0<', page.get("/pages/cases?view=all").text)


def test_lists_in_english(client: TestClient, keys: dict[str, str]) -> None:
    page = _login(client, keys["inspector"])
    html = page.get("/pages/cases?view=all&lang=en").text
    assert "All cases" in html and "My inbox" in html and "预警列表" not in html


def test_overdue_and_escalated_lists(client: TestClient, keys: dict[str, str]) -> None:
    from sqlalchemy import update

    from yunshao.cases.escalation import escalate
    from yunshao.serving.core.tables import cases

    page = _login(client, keys["admin"])
    case = _case_of(client, keys["admin"], "W1")
    url = f"/pages/cases/{case['case_id']}"
    due = (now_local().date() + dt.timedelta(days=2)).isoformat()
    form = {"action": "assign", "assigned_unit": "U2", "inspector": "丙", "deadline": due}
    assert page.post(f"{url}/transition", data={**form, "version": _version(page.get(url).text)}).status_code == 200
    db = client.app.state.cases.db
    with db.write() as con:  # the check was due yesterday
        yesterday = (now_local().date() - dt.timedelta(days=1)).isoformat()
        con.execute(update(cases).where(cases.c.case_id == case["case_id"]).values(deadline=yesterday))
    overdue = page.get("/pages/cases?view=overdue").text
    assert f'id="case-row-{case["case_id"]}"' in overdue and '<span class="overdue">逾期</span>' in overdue
    assert 'id="case-total">0<' in page.get("/pages/cases?view=escalated").text
    escalate(db, now_local().date() + dt.timedelta(days=30), 7, {"U1": None, "U2": "U1"})
    escalated = page.get("/pages/cases?view=escalated").text
    row = escalated.split(f'id="case-row-{case["case_id"]}"')[1].split("</tr>")[0]
    assert "已升级至 开发区管委会" in row  # U2's superior is U1, 开发区管委会


def test_project_page_links_each_warning_to_its_case(client: TestClient, keys: dict[str, str]) -> None:
    page = _login(client, keys["inspector"])
    html = page.get("/pages/projects/P1").text
    for warning_id in ("W1", "W2"):  # the warnings of P1 in tests/serving/fixtures.py
        case = _case_of(client, keys["admin"], warning_id)
        link = re.search(rf'id="case-of-{warning_id}"><a href="/pages/cases/(\d+)"', html)
        assert link and int(link.group(1)) == case["case_id"]
