"""The import on files that look like what publishers ship (tests/ocds/fixtures/wild/, README there).

Every number below was counted by hand from the fixture; the README lists the reasoning.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from yunshao.ocds.importer import ImportReport, import_releases

WILD = Path(__file__).parent / "fixtures" / "wild"

#: fixture → (projects, units, tenders, bids, companies, approvals, quarantine rows, notes)
COUNTS = {
    "release_package_cn.json": (3, 3, 3, 3, 4, 12, 0, 4),
    "release_packages_ro.jsonl": (3, 3, 3, 2, 3, 6, 2, 4),
    "record_package_mx.json": (2, 1, 2, 2, 2, 5, 1, 1),
    "releases_array_br.json": (2, 1, 1, 0, 1, 3, 1, 0),
    "compiled_ua.jsonl.gz": (3, 3, 3, 2, 2, 3, 2, 3),
    "multi_publisher.jsonl": (40, 18, 39, 9, 14, 34, 7, 56),
}
#: fixture → (releases read, compiled releases read, ocids merged from several releases)
READ = {
    "release_package_cn.json": (8, 0, 2),
    "release_packages_ro.jsonl": (5, 0, 2),
    "record_package_mx.json": (2, 1, 1),
    "releases_array_br.json": (3, 0, 1),
    "compiled_ua.jsonl.gz": (0, 4, 0),
    "multi_publisher.jsonl": (47, 6, 8),
}


def _import(name: str, tmp_path: Path) -> tuple[ImportReport, dict[str, pd.DataFrame]]:
    out = tmp_path / name.split(".")[0]
    report = import_releases(WILD / name, out)
    return report, {p.stem: pd.read_parquet(p) for p in out.glob("*.parquet")}


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_counts_per_fixture(name: str, tmp_path: Path) -> None:
    report, t = _import(name, tmp_path)
    projects, units, tenders, bids, companies, approvals, quarantined, notes = COUNTS[name]
    got = (
        len(t["projects"]),
        len(t["units"]),
        len(t.get("tenders", [])),
        len(t.get("bids", [])),
        len(t.get("companies", [])),
        len(t["approvals"]),
        len(t["quarantine"]),
        len(t["notes"]),
    )
    assert got == (projects, units, tenders, bids, companies, approvals, quarantined, notes)
    assert report.read is not None
    assert (report.read.releases, report.read.given, report.read.merged) == READ[name]


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_every_quarantine_reason_names_a_field_path_or_the_json(name: str, tmp_path: Path) -> None:
    """A reason starts with its line (when the file has lines), then a field path, or says the JSON is bad."""
    _, t = _import(name, tmp_path)
    named = re.compile(r"^(line \d+: )?(([\w\[\].]+): |invalid JSON|not a JSON object)")
    for reason in t["quarantine"]["reason"]:
        assert named.match(reason), reason
    for reason in t["notes"]["reason"]:
        assert re.match(r"^[\w\[\].]+: ", reason), reason


def test_multi_publisher_file_keeps_95_percent_of_ocids(tmp_path: Path) -> None:
    report, t = _import("multi_publisher.jsonl", tmp_path)
    # 42 distinct ocids: CN 3, RO 3, MX 3 (one record has only links), BR 2, UA 3, PY, FR, UK, MD, CO,
    # one without any buyer, and 22 from Ghana; the 2 lost are the links-only record and the buyerless one
    assert report.read is not None and len(report.read.ocids) == 42
    assert set(t["projects"]["project_id"]).isdisjoint({"ocds-mx0001-I", "ocds-xx0001-T"})
    assert len(t["projects"]) == 40
    assert len(t["projects"]) / len(report.read.ocids) >= 0.95
    lost = t["quarantine"][t["quarantine"]["table"] == "projects"]["reason"].tolist()
    assert lost == [
        "buyer.id: missing (and no buyer.name, parties with role buyer, or tender.procuringEntity id or name): "
        "the project has no unit",
        "ocid: duplicate of line 9; compiled releases must be unique",
    ]


def test_multi_publisher_quarantine_rows(tmp_path: Path) -> None:
    _, t = _import("multi_publisher.jsonl", tmp_path)
    releases = t["quarantine"][t["quarantine"]["table"] == "releases"]["reason"].tolist()
    assert releases == [
        "line 4: invalid JSON: Expecting value (column 96)",
        "line 6: releases[0].ocid: missing",
        "line 7: records[2].compiledRelease: missing, and the record's releases are absent or only links (url): "
        "nothing to compile",
        "line 8: [3]: not a JSON object but str",
        "line 11: not a JSON object but null",
    ]


def test_merged_release_after_an_amendment(tmp_path: Path) -> None:
    """ocds-cn0001-2024-001: planning → tender → amendment (value 950 000 → 900 000, deadline moved) →
    award (status complete, 3 bids) → contract with a payment."""
    _, t = _import("release_package_cn.json", tmp_path)
    ocid = "ocds-cn0001-2024-001"
    tender = t["tenders"].set_index("tender_id").loc[ocid]
    assert tender["ceiling_price"] == 900000.0
    assert tender["bid_deadline"] == "2024-02-26T09:00:00+08:00"
    assert tender["method"] == "open" and tender["method_mapped_by"] == "phrase"
    assert tender["ocds_procurement_method"] == "公开招标"
    assert (tender["winner_company_id"], tender["award_price"]) == ("CN-C1", 880000.0)
    assert tender["awarded_at"] == "2024-03-05T09:00:00+08:00"
    project = t["projects"].set_index("project_id").loc[ocid]
    assert (project["status"], project["domain"], project["budget_amount"]) == ("completed", "construction", 1e6)
    nodes = t["approvals"][t["approvals"]["project_id"] == ocid].set_index("note")[["node", "action"]]
    assert nodes.to_dict("index") == {
        "planning.milestones[0].dateMet": {"node": "C09", "action": "approve"},
        "tender.datePublished": {"node": "C10", "action": "approve"},
        "tender.amendments[0].date": {"node": "C10", "action": "change"},
        "tender.tenderPeriod.endDate": {"node": "C11", "action": "approve"},
        "tender.awardPeriod.startDate": {"node": "C12", "action": "approve"},
        "awards[0].date": {"node": "C13", "action": "approve"},
        "contracts[0].dateSigned": {"node": "C14", "action": "approve"},
        "contracts[0].implementation.transactions[0].date": {"node": "C18", "action": "approve"},
    }
    bids = t["bids"].set_index("ocds_bid_id")
    assert bids[["company_id", "price", "status"]].to_dict("index") == {
        "A-B1": {"company_id": "CN-C1", "price": 880000.0, "status": "valid"},
        "A-B2": {"company_id": "CN-C2", "price": 890000.0, "status": "valid"},
        "A-B3": {"company_id": "CN-C3", "price": 860000.0, "status": "disqualified"},
    }
    payments = t["payments"]
    assert payments[["amount", "payee_company_id", "currency"]].values.tolist() == [[264000.0, "CN-C1", "CNY"]]


def test_merge_orders_releases_by_date_not_by_file_order(tmp_path: Path) -> None:
    """The array lists ocds-br0001-J's award (2024-03-01, value 780 000) before its tender (2024-02-01,
    value 800 000): the later release wins."""
    _, t = _import("releases_array_br.json", tmp_path)
    tender = t["tenders"].set_index("tender_id").loc["ocds-br0001-J"]
    assert (tender["ceiling_price"], tender["award_price"], tender["currency"]) == (780000.0, 700000.0, "BRL")
    projects = t["projects"].set_index("project_id")
    assert projects.loc["ocds-br0001-J", "status"] == "completed"
    # no tender and no awards: still a project, with its budget
    assert projects.loc["ocds-br0001-K", ["unit_id", "budget_amount", "status"]].tolist() == [
        "BR-26989350000116",
        150000.0,
        "ongoing",
    ]


def test_units_without_ids(tmp_path: Path) -> None:
    _, t = _import("multi_publisher.jsonl", tmp_path)
    units = t["units"].set_index("unit_id")
    by_name = {
        "name:某县 教育局": ("某县\u3000教育局", "buyer.name"),  # ideographic space folded by NFKC
        "name:primăria municipiului cluj-napoca": ("Primăria Municipiului Cluj-Napoca", "buyer.name"),
        "name:київська міська рада": ("Київська  міська   рада", "buyer.name"),
        "name:министерство здравоохранения": ("Министерство здравоохранения", "parties[0].name"),
        "name:ministry of health": ("Ministry of Health", "buyer.name"),
        "name:ghana health service": ("Ghana Health Service", "buyer.name"),
        "GOV-CN-9": ("某区卫生健康委员会", "parties[0].id"),
    }
    for unit_id, (name, field) in by_name.items():
        assert units.loc[unit_id, ["name", "ocds_unit_from"]].tolist() == [name, field]
    # 22 Ghanaian ocids, 2 units: "  MINISTRY OF  HEALTH " is the same unit as "Ministry of Health"
    gh = t["projects"][t["projects"]["project_id"].str.startswith("ocds-gh0001")]
    assert gh["unit_id"].value_counts().to_dict() == {"name:ministry of health": 16, "name:ghana health service": 6}


def test_methods_outside_the_codelist(tmp_path: Path) -> None:
    _, t = _import("multi_publisher.jsonl", tmp_path)
    tenders = t["tenders"].set_index("tender_id")
    expected = {
        "ocds-cn0001-2024-001": ("open", "phrase", "公开招标"),
        "ocds-cn0001-2024-002": ("competitive_consultation", "codelist", "limited"),
        "ocds-cn0001-2024-003": ("single_source", "phrase", "单一来源"),
        "ocds-ro0001-100": ("open", "phrase", "Licitație deschisă"),
        "ocds-ro0001-101": ("competitive_negotiation", "phrase", None),
        "ocds-ro0001-103": ("competitive_negotiation", "unmapped", ""),
        "ocds-mx0001-H": ("direct_award", "phrase", None),
        "ocds-ua0001-M": ("inquiry", "phrase", "Запрос котировок"),
        "ocds-ua0001-N": ("competitive_negotiation", "unmapped", None),
        "ocds-py0001-P": ("open", "phrase", "Licitación Pública Nacional"),
        "ocds-fr0001-Q": ("open", "phrase", "Procédure ouverte"),
        "ocds-uk0001-R": ("competitive_negotiation", "phrase", "Negotiated without publication"),
        "ocds-co0001-U": ("direct_award", "codelist", "direct"),
        "ocds-gh0001-002": ("inquiry", "phrase", "Request for Quotation"),
        "ocds-gh0001-003": ("single_source", "phrase", "Single Source"),
    }
    for tender_id, (method, mapped_by, published) in expected.items():
        row = tenders.loc[tender_id]
        kept = None if pd.isna(row["ocds_procurement_method"]) else row["ocds_procurement_method"]
        assert (row["method"], row["method_mapped_by"], kept) == (method, mapped_by, published), tender_id
    notes = t["notes"].set_index(t["notes"]["row"].map(lambda r: json.loads(r)["ocid"]))
    assert notes.loc["ocds-ro0001-103", "reason"] == (
        "tender.procurementMethod: empty; no known phrase in it or in tender.procurementMethodDetails: "
        "kept as competitive_negotiation"
    )


def test_amounts_keep_their_currency(tmp_path: Path) -> None:
    report, t = _import("release_packages_ro.jsonl", tmp_path)
    tender = t["tenders"].set_index("tender_id").loc["ocds-ro0001-103"]
    assert (tender["ceiling_price"], tender["currency"]) == (1200000.0, "EUR")
    assert (tender["award_price"], tender["award_currency"]) == (5900000.0, "RON")
    # amounts: D ceiling, 2 bids and award in RON; E ceiling in EUR; F ceiling in EUR, award in RON
    assert dict(report.currencies) == {"RON": 5, "EUR": 2}


def test_wild_datasets_pass_the_contract_loader(tmp_path: Path) -> None:
    contract = pytest.importorskip("yunshao.contract")
    import_releases(WILD / "multi_publisher.jsonl", tmp_path / "ds")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    load = contract.load_dataset(tmp_path / "ds", con)
    assert load.rows_quarantined == 0, con.execute("SELECT reason FROM quarantine").fetchall()
    assert con.execute("SELECT count(*) FROM projects").fetchone() == (40,)
