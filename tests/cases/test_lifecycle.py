"""Every action from every state: allowed exactly where the lifecycle says, refused elsewhere (409),
and refused with a 422-kind error when a field is missing, unknown or wrong."""

from __future__ import annotations

import datetime as dt

import pytest

from yunshao.cases.lifecycle import TransitionError, plan

TODAY = dt.date(2026, 12, 5)
GOOD = {
    "assign": {"assigned_unit": "U1", "inspector": "王五", "deadline": "2026-12-20"},
    "check": {},
    "verdict": {"verdict": "confirmed"},
    "rectify": {"measures": "补办手续", "rectify_deadline": "2027-01-31"},
    "close": {"closing_evidence": "整改报告 2027-01-20"},
}
# (state, action) → state after; written out by hand from the lifecycle, not from the module
EXPECTED = {
    ("new", "assign"): "assigned",
    ("assigned", "assign"): "assigned",
    ("assigned", "check"): "checking",
    ("checking", "verdict"): "confirmed",
    ("confirmed", "rectify"): "rectifying",
    ("partial", "rectify"): "rectifying",
    ("unfounded", "close"): "closed",
    ("rectifying", "close"): "closed",
}
STATES = ("new", "assigned", "checking", "confirmed", "partial", "unfounded", "rectifying", "closed")


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(GOOD))
def test_each_action_from_each_state(state: str, action: str) -> None:
    if (state, action) in EXPECTED:
        assert plan(action, state, GOOD[action], today=TODAY).to_state == EXPECTED[(state, action)]
    else:
        with pytest.raises(TransitionError) as refused:
            plan(action, state, GOOD[action], today=TODAY)
        assert refused.value.conflict
        assert f"cannot {action} a case that is {state}" in str(refused.value)


def test_no_close_without_a_verdict() -> None:
    for state in ("new", "assigned", "checking"):
        with pytest.raises(TransitionError, match="cannot close"):
            plan("close", state, GOOD["close"], today=TODAY)


def test_unfounded_closes_without_rectification_and_confirmed_cannot() -> None:
    assert plan("close", "unfounded", {}, today=TODAY).to_state == "closed"
    with pytest.raises(TransitionError, match="cannot close a case that is confirmed"):
        plan("close", "confirmed", GOOD["close"], today=TODAY)


def test_closing_after_rectification_needs_its_evidence() -> None:
    with pytest.raises(TransitionError, match="close needs closing_evidence") as refused:
        plan("close", "rectifying", {}, today=TODAY)
    assert not refused.value.conflict


@pytest.mark.parametrize(
    ("action", "state", "fields", "message"),
    [
        ("assign", "new", {"assigned_unit": "U1", "inspector": "王五"}, "assign needs deadline"),
        ("assign", "new", {**GOOD["assign"], "deadline": "2026-12-04"}, "deadline 2026-12-04 is in the past"),
        ("assign", "new", {**GOOD["assign"], "deadline": "next week"}, "deadline must be a date"),
        ("assign", "new", {**GOOD["assign"], "verdict": "confirmed"}, "assign takes no field verdict"),
        ("verdict", "checking", {"verdict": "maybe"}, "verdict must be one of confirmed, partial, unfounded"),
        ("verdict", "checking", {}, "verdict needs verdict"),
        ("rectify", "partial", {"measures": "x"}, "rectify needs rectify_deadline"),
        ("teleport", "new", {}, "unknown action 'teleport'"),
    ],
)
def test_bad_fields_are_refused_with_the_reason(action: str, state: str, fields: dict, message: str) -> None:
    with pytest.raises(TransitionError, match=message) as refused:
        plan(action, state, fields, today=TODAY)
    assert not refused.value.conflict


def test_assignment_and_rectification_reset_escalation() -> None:
    assert plan("assign", "assigned", GOOD["assign"], today=TODAY).changes["escalation"] == 0
    assert plan("rectify", "confirmed", GOOD["rectify"], today=TODAY).changes["escalated_to"] is None


def test_deadline_today_is_allowed() -> None:
    fields = {**GOOD["assign"], "deadline": "2026-12-05"}
    assert plan("assign", "new", fields, today=TODAY).changes["deadline"] == "2026-12-05"
