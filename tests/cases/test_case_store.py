"""Cases in the store, on SQLite and PostgreSQL: carry-over across runs, the whole path to 销号 with its
history and label, stale versions, scope, and escalation with a frozen clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from yunshao.cases.escalation import escalate
from yunshao.cases.lifecycle import TransitionError
from yunshao.cases.store import Actor, CaseFilter, CaseNotFound, CaseStore
from yunshao.cases.sync import sync_cases
from yunshao.serving.core.db import Database
from yunshao.serving.feedback import FeedbackStore

TODAY = dt.date(2026, 12, 5)
ZHAO = Actor("k-zhao", "赵核查")


def subject(kind: str, ident: str, unit: str = "U1", severity: str = "red", project: str | None = "P1") -> dict:
    return {
        "subject": f"{kind}:{ident}",
        "warning_id": ident if kind == "warning" else None,
        "project_id": project,
        "unit_id": unit,
        "region": None,
        "rule_id": "bid_same_ip" if kind == "warning" else None,
        "severity": severity,
        "scheme": "bid_rigging" if kind == "warning" else None,
        "title": "园区道路改造工程",
    }


RUN1 = [subject("warning", "W1"), subject("warning", "W2", unit="U2", project="P2"), subject("project", "P9", "U1")]
RUN2 = [subject("warning", "W1"), subject("warning", "W3", unit="U1", project="P3")]  # W2 and P9 stop, W3 is new


def by_subject(store: CaseStore) -> dict[str, dict[str, Any]]:
    return {c["subject"]: c for c in store.page(CaseFilter(), offset=0, limit=100)[1]}


def test_carry_over_across_two_runs(db: Database) -> None:
    store = CaseStore(db)
    first = sync_cases(db, RUN1)
    assert (first.opened, first.refired, first.stopped) == (3, 0, 0)
    w1 = by_subject(store)["warning:W1"]
    store.transition(
        w1["case_id"],
        "assign",
        {"assigned_unit": "U1", "inspector": "赵核查", "deadline": "2026-12-20"},
        ZHAO,
        today=TODAY,
    )
    second = sync_cases(db, RUN2)
    assert (second.opened, second.refired, second.stopped) == (1, 0, 2)
    cases = by_subject(store)
    assert set(cases) == {"warning:W1", "warning:W2", "project:P9", "warning:W3"}  # nothing deleted
    assert cases["warning:W1"]["state"] == "assigned" and cases["warning:W1"]["firing"]  # joined its case
    assert not cases["warning:W2"]["firing"] and not cases["project:P9"]["firing"]
    assert sync_cases(db, RUN2).already  # the same run twice changes nothing
    third = sync_cases(db, RUN1)
    assert (third.opened, third.refired, third.stopped) == (0, 2, 1)
    history = [e["action"] for e in store.get(cases["warning:W2"]["case_id"])["history"]]  # type: ignore[index]
    assert history == ["open", "stopped_firing", "refired"]


def _walk(store: CaseStore, case_id: int, verdict: str) -> dict[str, Any]:
    steps = [
        ("assign", {"assigned_unit": "U1", "inspector": "赵核查", "deadline": "2026-12-20"}),
        ("check", {"note": "调取交易平台日志"}),
        ("verdict", {"verdict": verdict, "note": "两家投标文件同一制作人"}),
    ]
    if verdict != "unfounded":
        steps.append(("rectify", {"measures": "取消中标资格", "rectify_deadline": "2027-01-31"}))
        steps.append(("close", {"closing_evidence": "撤销中标通知书"}))
    else:
        steps.append(("close", {}))
    case: dict[str, Any] = {}
    for action, fields in steps:
        case = store.transition(case_id, action, fields, ZHAO, today=TODAY)
    return case


@pytest.mark.parametrize("verdict", ["confirmed", "unfounded"])
def test_the_path_to_close_is_recorded_and_the_verdict_becomes_a_label(db: Database, verdict: str) -> None:
    sync_cases(db, RUN1)
    store = CaseStore(db)
    case_id = by_subject(store)["warning:W1"]["case_id"]
    case = _walk(store, case_id, verdict)
    assert case["state"] == "closed" and case["verdict"] == verdict and case["version"] == 1 + len(case["history"]) - 1
    actions = [(e["action"], e["from_state"], e["to_state"], e["who"]) for e in case["history"]]
    expected_states = ["new", "assigned", "checking", verdict] + (["rectifying"] if verdict != "unfounded" else [])
    assert [a[0] for a in actions[1:]] == [
        "assign",
        "check",
        "verdict",
        *(["rectify"] if verdict != "unfounded" else []),
        "close",
    ]
    assert [a[1] for a in actions[1:]] == expected_states
    assert all(a[3] == "赵核查" for a in actions[1:])
    labels = FeedbackStore(db).for_entity("project", "P1")
    assert [(r["outcome"], r["warning_id"], r["scheme"], r["key_id"]) for r in labels] == [
        (verdict, "W1", "bid_rigging", "k-zhao")
    ]


def test_a_stale_version_is_refused(db: Database) -> None:
    sync_cases(db, RUN1)
    store = CaseStore(db)
    case = by_subject(store)["warning:W1"]
    assign = {"assigned_unit": "U1", "inspector": "赵核查", "deadline": "2026-12-20"}
    store.transition(case["case_id"], "assign", assign, ZHAO, today=TODAY, version=case["version"])
    with pytest.raises(TransitionError, match="changed since version 1") as refused:
        store.transition(case["case_id"], "check", {}, ZHAO, today=TODAY, version=case["version"])
    assert refused.value.conflict


def test_scope_hides_other_units_cases(db: Database) -> None:
    sync_cases(db, RUN1)
    store = CaseStore(db)
    total, items = store.page(CaseFilter(units={"U2"}), offset=0, limit=10)
    assert total == 1 and items[0]["subject"] == "warning:W2"
    w1 = by_subject(store)["warning:W1"]["case_id"]
    assert store.get(w1, units={"U2"}) is None
    with pytest.raises(CaseNotFound):
        store.transition(
            w1,
            "assign",
            {"assigned_unit": "U2", "inspector": "x", "deadline": "2026-12-20"},
            ZHAO,
            today=TODAY,
            units={"U2"},
        )


def test_escalation_with_a_frozen_clock(db: Database) -> None:
    sync_cases(db, RUN1)
    store = CaseStore(db)
    cases = by_subject(store)
    assign = {"assigned_unit": "U1", "inspector": "赵核查", "deadline": "2026-12-10"}
    store.transition(cases["warning:W1"]["case_id"], "assign", assign, ZHAO, today=TODAY)
    parents = {"U1": "U0", "U2": "U0"}

    def on(day: str) -> tuple[int, int]:
        report = escalate(db, dt.date.fromisoformat(day), 7, parents)
        return report.reminded, report.escalated

    assert on("2026-12-10") == (0, 0)  # due today: not late
    assert on("2026-12-11") == (1, 0)  # a day late: reminded
    assert on("2026-12-11") == (0, 0)  # once
    case = store.get(cases["warning:W1"]["case_id"])
    assert case is not None and case["escalation"] == 1 and case["escalated_to"] is None
    assert on("2026-12-16") == (0, 0)  # 6 days late: still only reminded
    assert on("2026-12-17") == (0, 1)  # 7 days late: to the superior unit
    case = store.get(cases["warning:W1"]["case_id"])
    assert case is not None and (case["escalation"], case["escalated_to"]) == (2, "U0")
    assert [e["action"] for e in case["history"]][-2:] == ["remind", "escalate"]
    assert case["history"][-1]["detail"] == {"deadline": "2026-12-10", "days_late": 7, "escalated_to": "U0"}
    assert store.page(CaseFilter(escalated=True), offset=0, limit=10)[0] == 1
    overdue = store.page(CaseFilter(overdue_on=dt.date(2026, 12, 17)), offset=0, limit=10)[0]
    assert overdue == 1
    new_deadline = {"assigned_unit": "U1", "inspector": "钱核查", "deadline": "2026-12-30"}
    case = store.transition(case["case_id"], "assign", new_deadline, ZHAO, today=dt.date(2026, 12, 17))
    assert (case["escalation"], case["escalated_to"]) == (0, None)
