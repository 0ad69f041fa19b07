"""A small hand-made dataset whose index values are worked out by hand in test_index_by_hand.py.

Units 城南街道 (U1) and 江南镇 (U2) have four projects each over 2024-01..03; 分水镇 (U3) and the county (Z)
have none. Eleven warnings, six labels and one feedback are placed so that every branch of the outcome
matching is used once (same entity, project of a tender, warning-level feedback, post-level label, scheme
mismatch).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from yunshao.settings import ReportSettings

UNITS = pd.DataFrame(
    {
        "unit_id": ["Z", "U1", "U2", "U3"],
        "name": ["桐庐县", "城南街道", "江南镇", "分水镇"],
        "kind": ["department", "township", "township", "township"],
        "parent_unit_id": [None, "Z", "Z", "Z"],
    }
)
POSTS = pd.DataFrame(
    {
        "post_id": ["P1", "P2", "P3"],
        "unit_id": ["U1", "U1", "U2"],
        "title": ["基建科科长", "分管副主任", "镇长"],
        "is_head": ["false", "false", "true"],
    }
)
PROJECTS = pd.DataFrame(
    {
        "project_id": [f"p{i}" for i in range(1, 9)],
        "domain": ["construction"] * 8,
        "unit_id": ["U1"] * 4 + ["U2"] * 4,
        "name": [f"工程{i}" for i in range(1, 9)],
        "approved_at": [
            "2024-01-10T09:00:00",
            "2024-01-20T09:00:00",
            "2024-02-05T09:00:00",
            None,  # month from the first trail event: 2024-03
            "2024-01-15T09:00:00",
            "2024-02-10T09:00:00",
            "2024-03-12T09:00:00",
            "2024-03-20T09:00:00",
        ],
    }
)
_EVENTS = [
    # project, node, action, post, occurred_at
    ("p1", "C01", "submit", "P1", "2024-01-10T09:00:00"),
    ("p1", "C04", "approve", "P2", "2024-01-15T10:00:00"),
    ("p1", "C16", "submit", "P1", "2024-04-01T09:00:00"),
    ("p2", "C01", "submit", "P1", "2024-01-20T09:00:00"),
    ("p2", "C04", "approve", "P2", "2024-01-25T09:00:00"),
    ("p3", "C01", "submit", "P1", "2024-02-05T09:00:00"),
    ("p3", "C04", "approve", "P2", "2024-02-08T09:00:00"),
    ("p4", "C01", "submit", "P1", "2024-03-03T09:00:00"),
    ("p4", "C04", "approve", "P2", "2024-03-06T09:00:00"),
    ("p5", "C01", "submit", "P3", "2024-01-15T09:00:00"),
    ("p5", "C04", "approve", "P3", "2024-01-18T09:00:00"),
    ("p6", "C01", "submit", "P3", "2024-02-10T09:00:00"),
    ("p6", "C04", "approve", "P3", "2024-02-12T09:00:00"),
    ("p7", "C01", "submit", "P3", "2024-03-12T09:00:00"),
    ("p7", "C04", "approve", "P3", "2024-03-15T09:00:00"),
    ("p8", "C01", "submit", "P3", "2024-03-20T09:00:00"),
    ("p8", "C04", "approve", "P3", "2024-03-22T09:00:00"),
]
APPROVALS = pd.DataFrame(
    {
        "event_id": [f"e{i}" for i in range(len(_EVENTS))],
        "project_id": [e[0] for e in _EVENTS],
        "node": [e[1] for e in _EVENTS],
        "action": [e[2] for e in _EVENTS],
        "post_id": [e[3] for e in _EVENTS],
        "occurred_at": [e[4] for e in _EVENTS],
    }
)
TENDERS = pd.DataFrame({"tender_id": ["t5"], "project_id": ["p5"], "method": ["open"]})
LABELS = pd.DataFrame(
    {
        "entity_type": ["project", "project", "project", "post", "project", "project"],
        "entity_id": ["p1", "p3", "p5", "P3", "p6", "p8"],
        "outcome": ["confirmed", "unfounded", "partial", "confirmed", "confirmed", "unfounded"],
        "scheme": ["bid_rigging", None, "tender_splitting", "self_approval", "bid_rigging", None],
        "decided_at": [
            "2024-02-20T00:00:00",
            "2024-03-01T00:00:00",
            "2024-02-01T00:00:00",
            "2024-04-10T00:00:00",
            "2024-03-05T00:00:00",
            "2024-04-01T00:00:00",
        ],
    }
)
# warning_id, entity_type, entity_id, rule_id, severity, scheme, project_id, post_id
WARNINGS = [
    ("w1", "project", "p1", "R-A", "red", "bid_rigging", "p1", None),
    ("w2", "project", "p1", "R-B", "yellow", "tender_splitting", "p1", None),
    ("w3", "project", "p2", "R-A", "yellow", "bid_rigging", "p2", None),
    ("w4", "project", "p3", "R-A", "red", "bid_rigging", "p3", None),
    ("w5", "project", "p4", "R-A", "yellow", "bid_rigging", "p4", None),
    ("w6", "tender", "t5", "R-B", "yellow", "tender_splitting", "p5", None),
    ("w7", "post", "P3", "R-C", "red", "self_approval", None, "P3"),
    ("w8", "project", "p7", "R-D", "yellow", "build_before_approval", "p7", None),
    ("w9", "project", "p3", "R-E", "yellow", "settlement_inflation", "p3", None),
    ("w10", "project", "p8", "R-E", "yellow", "settlement_inflation", "p8", None),
    ("w11", "project", "p5", "R-E", "yellow", "settlement_inflation", "p5", None),
]
WARNING_COLUMNS = ["warning_id", "entity_type", "entity_id", "rule_id", "severity", "scheme", "project_id", "post_id"]
FEEDBACK = [("warning", "w3", "unfounded", None, "2024-02-15T00:00:00", "核查无异常", "inspector1")]

CONTRACT_FRAMES = {
    "units": UNITS,
    "posts": POSTS,
    "projects": PROJECTS,
    "approvals": APPROVALS,
    "tenders": TENDERS,
    "labels": LABELS,
}
#: Settings the hand calculations use (caps suited to a dataset this small).
HAND_REPORT = ReportSettings(
    band_mode="score",
    warning_rate_cap=350.0,
    confirmed_rate_cap=100.0,
    yellow_min=50.0,
    recurring_min_months=2,
    review_min_decided=2,
)


def warnings_frame() -> pd.DataFrame:
    return pd.DataFrame(WARNINGS, columns=WARNING_COLUMNS)


def add_run_tables(con: duckdb.DuckDBPyConnection, *, feedback: bool = True) -> None:
    """What a run adds to the store: the warnings table (and inspectors' feedback)."""
    frame = warnings_frame()
    con.register("_w", frame)
    con.execute("CREATE TABLE warnings AS SELECT * FROM _w")
    con.unregister("_w")
    if feedback:
        con.execute(
            "CREATE TABLE feedback (entity_type VARCHAR, entity_id VARCHAR, outcome VARCHAR, scheme VARCHAR, "
            "decided_at TIMESTAMP, note VARCHAR, who VARCHAR)"
        )
        con.executemany("INSERT INTO feedback VALUES (?, ?, ?, ?, CAST(? AS TIMESTAMP), ?, ?)", FEEDBACK)
