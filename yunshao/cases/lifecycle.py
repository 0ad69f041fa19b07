"""The states of a case and the transitions between them, checked before anything is written.

``new → assigned (unit, inspector, deadline) → checking → confirmed | partial | unfounded →
rectifying (measures, deadline) → closed``. An unfounded verdict closes without rectification; a
confirmed or partial one closes only after rectifying, with the evidence of rectification. Nothing
closes without a verdict. Pure functions: the store applies what ``plan`` returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

State = Literal["new", "assigned", "checking", "confirmed", "partial", "unfounded", "rectifying", "closed"]
Action = Literal["assign", "check", "verdict", "rectify", "close"]

STATES: tuple[State, ...] = ("new", "assigned", "checking", "confirmed", "partial", "unfounded", "rectifying", "closed")
ACTIONS: tuple[Action, ...] = ("assign", "check", "verdict", "rectify", "close")
VERDICTS = ("confirmed", "partial", "unfounded")
OPEN_STATES: frozenset[str] = frozenset(set(STATES) - {"closed"})

#: action → the states it may start from
ALLOWED_FROM: dict[Action, frozenset[str]] = {
    "assign": frozenset({"new", "assigned"}),  # assigning again re-routes a case not yet being checked
    "check": frozenset({"assigned"}),
    "verdict": frozenset({"checking"}),
    "rectify": frozenset({"confirmed", "partial"}),
    "close": frozenset({"unfounded", "rectifying"}),
}
#: action → the fields it needs (non-empty)
REQUIRED: dict[Action, tuple[str, ...]] = {
    "assign": ("assigned_unit", "inspector", "deadline"),
    "check": (),
    "verdict": ("verdict",),
    "rectify": ("measures", "rectify_deadline"),
    "close": (),
}
#: action → every field it may carry (anything else is refused, not silently dropped)
FIELDS: dict[Action, tuple[str, ...]] = {
    "assign": ("assigned_unit", "inspector", "deadline", "note"),
    "check": ("note",),
    "verdict": ("verdict", "scheme", "note"),
    "rectify": ("measures", "rectify_deadline", "note"),
    "close": ("closing_evidence", "note"),
}


class TransitionError(ValueError):
    """A transition the lifecycle does not allow; the message says which and why (HTTP 409 or 422)."""

    def __init__(self, message: str, *, conflict: bool) -> None:
        super().__init__(message)
        self.conflict = conflict  # True: the case's state forbids it (409); False: the fields are wrong (422)


@dataclass(frozen=True)
class Planned:
    """What a transition writes: the case's new state and columns, and the event's detail."""

    to_state: State
    changes: dict[str, Any]
    detail: dict[str, Any]


def plan(action: str, state: str, fields: dict[str, Any], *, today: dt.date) -> Planned:
    """Check ``action`` on a case in ``state`` with ``fields``; the changes to write, or TransitionError."""
    if action not in ALLOWED_FROM:
        raise TransitionError(f"unknown action '{action}'; actions are {', '.join(ACTIONS)}", conflict=False)
    act: Action = action
    if state not in ALLOWED_FROM[act]:
        allowed = ", ".join(sorted(ALLOWED_FROM[act]))
        raise TransitionError(f"cannot {act} a case that is {state} (only from: {allowed})", conflict=True)
    given = {k: v for k, v in fields.items() if v not in (None, "")}
    unknown = sorted(set(given) - set(FIELDS[act]))
    if unknown:
        raise TransitionError(f"{act} takes no field {', '.join(unknown)}", conflict=False)
    missing = [name for name in REQUIRED[act] if name not in given]
    if act == "close" and state == "rectifying" and "closing_evidence" not in given:
        missing.append("closing_evidence")
    if missing:
        raise TransitionError(f"{act} needs {', '.join(missing)}", conflict=False)
    return _planned(act, given, today)


def _planned(act: Action, given: dict[str, Any], today: dt.date) -> Planned:
    changes = {k: v for k, v in given.items() if k != "note" and k != "scheme"}
    for name in ("deadline", "rectify_deadline"):
        if name in changes:
            changes[name] = _deadline(name, changes[name], today)
    if act == "assign":
        changes.update(escalation=0, escalated_to=None)
        return Planned("assigned", changes, given)
    if act == "check":
        return Planned("checking", changes, given)
    if act == "verdict":
        if given["verdict"] not in VERDICTS:
            raise TransitionError(f"verdict must be one of {', '.join(VERDICTS)}", conflict=False)
        return Planned(given["verdict"], changes, given)
    if act == "rectify":
        changes.update(escalation=0, escalated_to=None)
        return Planned("rectifying", changes, given)
    return Planned("closed", changes, given)


def _deadline(name: str, value: Any, today: dt.date) -> str:
    """A deadline is a calendar date, not in the past."""
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise TransitionError(f"{name} must be a date (YYYY-MM-DD), got {str(value)[:40]!r}", conflict=False) from None
    if day < today:
        raise TransitionError(f"{name} {day.isoformat()} is in the past", conflict=False)
    return day.isoformat()


def overdue_deadline(case: dict[str, Any]) -> str | None:
    """The deadline a case's current state runs against (assignment or rectification), if any."""
    if case["state"] in ("assigned", "checking"):
        return case.get("deadline")
    if case["state"] == "rectifying":
        return case.get("rectify_deadline")
    return None
