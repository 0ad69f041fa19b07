"""A small hand-made store with the shapes `yunshao run` writes (contract tables via load_frames, plus
warnings, project_scores and post_scores written by hand), and keys for every role."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from yunshao.contract import load_frames
from yunshao.engine import connect

UNITS = pd.DataFrame(
    {"unit_id": ["U1", "U2"], "name": ["开发区管委会", "城东街道"], "kind": ["development_zone", "township"]}
)
PEOPLE = pd.DataFrame(
    {
        "person_id": ["PE1", "PE2", "PE3"],
        "name": ["张三丰", "李四海", "王五岳"],
        "id_hash": ["h-zhang", "h-li", "h-wang"],
    }
)
POSTS = pd.DataFrame(
    {
        "post_id": ["PO1", "PO2"],
        "unit_id": ["U1", "U1"],
        "title": ["管委会主任", "建设科科员"],
        "is_head": [True, False],
        "level": ["处级", "科员"],
    }
)
ASSIGNMENTS = pd.DataFrame(
    {
        "person_id": ["PE1", "PE2"],
        "post_id": ["PO1", "PO2"],
        "start_date": ["2020-01-01", "2021-03-01"],
        "end_date": [None, None],
    }
)
COMPANIES = pd.DataFrame({"company_id": ["C1", "C2", "C3"], "name": ["甲建设公司", "乙建设公司", "丙建设公司"]})
PROJECTS = pd.DataFrame(
    {
        "project_id": ["P1", "P2", "P3"],
        "domain": ["construction", "land", "construction"],
        "unit_id": ["U1", "U2", "U1"],
        "name": ["园区道路改造工程", "城东地块收购", "污水管网工程"],
        "budget_amount": [5_000_000.0, 12_000_000.0, 3_800_000.0],
        "approved_at": ["2024-01-10T09:00:00", "2024-02-01T10:00:00", "2024-03-05T09:30:00"],
        "status": ["ongoing", "ongoing", "completed"],
    }
)
APPROVALS = pd.DataFrame(
    {
        "event_id": ["E1", "E2", "E3", "E4", "E5", "E6"],
        "project_id": ["P1", "P1", "P1", "P2", "P3", "P3"],
        "node": ["C01", "C04", "C16", "L01", "C01", "C04"],
        "action": ["submit", "approve", "submit", "submit", "submit", "approve"],
        "person_id": ["PE2", "PE1", "PE2", "PE3", "PE2", "PE1"],
        "post_id": ["PO2", "PO1", "PO2", None, "PO2", "PO1"],
        "unit_id": ["U1", "U1", "U1", "U2", "U1", "U1"],
        "occurred_at": [
            "2024-01-10T09:00:00",
            "2024-01-12T15:00:00",
            "2024-01-11T08:00:00",
            "2024-02-01T10:00:00",
            "2024-03-05T09:30:00",
            "2024-03-06T11:00:00",
        ],
        "amount": [5_000_000.0, 5_000_000.0, None, None, 3_800_000.0, 3_800_000.0],
        "channel": ["online"] * 6,
    }
)
TENDERS = pd.DataFrame(
    {
        "tender_id": ["T1"],
        "project_id": ["P1"],
        "method": ["open"],
        "announced_at": ["2024-01-20T09:00:00"],
        "ceiling_price": [4_900_000.0],
        "winner_company_id": ["C1"],
        "award_price": [4_850_000.0],
    }
)
BIDS = pd.DataFrame(
    {
        "bid_id": ["B1", "B2", "B3"],
        "tender_id": ["T1", "T1", "T1"],
        "company_id": ["C1", "C2", "C3"],
        "price": [4_850_000.0, 4_860_000.0, 4_870_000.0],
        "ip_address": ["10.0.0.7", "10.0.0.7", "10.0.0.9"],
    }
)
WARNINGS = [
    {
        "warning_id": "W1",
        "entity_type": "tender",
        "entity_id": "T1",
        "rule_id": "bid_same_ip",
        "severity": "red",
        "evidence": {"ip_address": "10.0.0.7", "companies": ["C1", "C2"], "approver_name": "张三丰"},
        "guide": "核查两家投标企业是否由同一人员制作投标文件;调取交易平台 IP 日志。",
        "project_id": "P1",
        "scheme": "bid_rigging",
        "post_id": None,
    },
    {
        "warning_id": "W2",
        "entity_type": "project",
        "entity_id": "P1",
        "rule_id": "build_before_approval",
        "severity": "yellow",
        "evidence": {"commenced_at": "2024-01-11T08:00:00", "approved_at": "2024-01-12T15:00:00", "note": "李四海"},
        "guide": "核查开工时是否已取得立项批复。",
        "project_id": "P1",
        "scheme": "build_before_approval",
        "post_id": "PO2",
    },
    {
        "warning_id": "W3",
        "entity_type": "post",
        "entity_id": "PO1",
        "rule_id": "head_many_approvals",
        "severity": "yellow",
        "evidence": {"approvals": 2},
        "guide": "核查一把手是否直接审批下属经办事项。",
        "project_id": "P3",
        "scheme": None,
        "post_id": "PO1",
    },
]
FACTORS = [
    {
        "feature": "rules_red",
        "feature_zh": "红色规则命中数",
        "feature_en": "red rule hits",
        "value": 1.0,
        "contribution": 1.2,
    },
    {
        "feature": "bid_same_ip_share",
        "feature_zh": "同IP投标占比",
        "feature_en": "share of bids from one IP",
        "value": 0.67,
        "contribution": 0.8,
    },
    {
        "feature": "days_commence_before_approval",
        "feature_zh": "先开工天数",
        "feature_en": "days built before approval",
        "value": 1.0,
        "contribution": -0.3,
    },
]
PROJECT_SCORES = pd.DataFrame(
    {
        "project_id": ["P1", "P2", "P3"],
        "risk_score": [91.5, 12.0, 55.0],
        "level": ["red", "green", "yellow"],
        "rule_hits": [["bid_same_ip", "build_before_approval"], [], ["head_many_approvals"]],
        "anomaly_score": [0.9, 0.1, 0.5],
        "model_score": [0.8, None, 0.3],
        "top_factors": [json.dumps(FACTORS, ensure_ascii=False), "[]", "[]"],
    }
)
POST_SCORES = pd.DataFrame(
    {
        "post_id": ["PO1", "PO2"],
        "risk_score": [70.0, 40.0],
        "level": ["yellow", "green"],
        "warning_count": [1, 1],
        "top_factors": ["[]", "[]"],
    }
)
FRAMES = {
    "units": UNITS,
    "people": PEOPLE,
    "posts": POSTS,
    "assignments": ASSIGNMENTS,
    "companies": COMPANIES,
    "projects": PROJECTS,
    "approvals": APPROVALS,
    "tenders": TENDERS,
    "bids": BIDS,
}


def build_store(path: Path) -> Path:
    """Write the hand-made store at ``path`` (a DuckDB file) and a run.json beside it."""
    con = connect(path)
    report = load_frames(con, FRAMES)
    assert report.rows_quarantined == 0, con.execute("SELECT * FROM quarantine").fetchall()
    warnings = pd.DataFrame(WARNINGS)
    warnings["evidence"] = [json.dumps(e, ensure_ascii=False) for e in warnings["evidence"]]
    con.register("_w", warnings)
    con.execute("CREATE TABLE warnings AS SELECT * FROM _w")
    con.register("_ps", PROJECT_SCORES)
    con.execute(
        "CREATE TABLE project_scores AS SELECT project_id, risk_score, level, "
        "CAST(rule_hits AS VARCHAR[]) AS rule_hits, anomaly_score, model_score, top_factors FROM _ps"
    )
    con.register("_pos", POST_SCORES)
    con.execute("CREATE TABLE post_scores AS SELECT * FROM _pos")
    con.close()
    (path.parent / "run.json").write_text(json.dumps({"dataset": "hand-made", "model_version": None}), encoding="utf-8")
    return path
