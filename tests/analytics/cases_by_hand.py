"""A hand-built case store over the hand-made dataset (handmade.py), whose rates are worked out by hand.

Rows are inserted directly (not through transitions) so that close times and deadlines can lie in the
past. Event times are UTC, deadlines local dates (Asia/Shanghai, UTC+8), as the case store keeps them.

城南街道 U1, four cases, all of rule R-A (the brief's example):
  c1 w1 p1 2024-01  confirmed → closed 2024-05-31T15:30Z = 05-31 23:30 local, deadline 05-31 → on time
  c2 w4 p3 2024-02  confirmed → rectifying (deadline 2024-06-30)
  c3 w3 p2 2024-01  unfounded → closed
  c4 w5 p4 2024-03  checking
  → cases 4, verdicts 3, confirmed 2, to rectify 2, rectified 1 (on time 1)
  → 查实率 2/3, 整改率 1/2, 处置率 3/4, 按期整改率 1/1
江南镇 U2, two cases:
  c5 w6 p5 2024-01 (R-B)  partial → closed 2024-04-30T16:30Z = 05-01 00:30 local, deadline 04-30 → late
  c6 w7 post P3, no project, no month (R-C)  unfounded → closed
  → cases 2, verdicts 2, confirmed 1 (partial weight 1), to rectify 1, rectified 1 (on time 0)
  → 查实率 1/2, 整改率 1/1, 处置率 2/2, 按期整改率 0/1
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import insert

from yunshao.serving.core.db import Database
from yunshao.serving.core.tables import case_events, cases

OPENED = "2024-04-02T01:00:00.000+00:00"

# case_id, warning, project, unit, rule, severity, state, verdict, rectify_deadline, closed at (UTC)
CASES: list[tuple[Any, ...]] = [
    (1, "w1", "p1", "U1", "R-A", "red", "closed", "confirmed", "2024-05-31", "2024-05-31T15:30:00.000+00:00"),
    (2, "w4", "p3", "U1", "R-A", "red", "rectifying", "confirmed", "2024-06-30", None),
    (3, "w3", "p2", "U1", "R-A", "yellow", "closed", "unfounded", None, "2024-04-20T02:00:00.000+00:00"),
    (4, "w5", "p4", "U1", "R-A", "yellow", "checking", None, None, None),
    (5, "w6", "p5", "U2", "R-B", "yellow", "closed", "partial", "2024-04-30", "2024-04-30T16:30:00.000+00:00"),
    (6, "w7", None, "U2", "R-C", "red", "closed", "unfounded", None, "2024-04-25T02:00:00.000+00:00"),
]


def hand_case_store(path: Path, rows: list[tuple[Any, ...]] = CASES) -> Database:
    """A SQLite case store at ``path`` holding ``rows`` (see CASES) and their open and close events."""
    db = Database(path)
    with db.write() as con:
        for case_id, warning, project, unit, rule, severity, state, verdict, deadline, closed in rows:
            con.execute(
                insert(cases).values(
                    case_id=case_id,
                    subject=f"warning:{warning}",
                    warning_id=warning,
                    project_id=project,
                    unit_id=unit,
                    rule_id=rule,
                    severity=severity,
                    state=state,
                    firing=True,
                    verdict=verdict,
                    rectify_deadline=deadline,
                    escalation=0,
                    created_at=OPENED,
                    updated_at=closed or OPENED,
                    version=1,
                )
            )
            events: list[tuple[str, str, str | None, str]] = [(OPENED, "open", None, "new")]
            if closed:
                events.append((closed, "close", "rectifying" if deadline else "unfounded", "closed"))
            for at, action, from_state, to_state in events:
                con.execute(
                    insert(case_events).values(
                        case_id=case_id, at=at, action=action, from_state=from_state, to_state=to_state, who="test"
                    )
                )
    return db
