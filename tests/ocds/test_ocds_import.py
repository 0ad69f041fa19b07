"""The OCDS import on small releases written from the standard's documented schema (OCDS 1.1 with
the bids extension), including malformed lines."""

import gzip
import json

import duckdb
import pandas as pd
import pytest

from yunshao.ocds.importer import import_releases, ocds_releases_of

GOODS = {
    "ocid": "ocds-abc-001",
    "id": "ocds-abc-001-award",
    "date": "2024-03-01T00:00:00Z",
    "tag": ["compiled"],
    "initiationType": "tender",
    "parties": [
        {"id": "GOV-1", "name": "County Finance Bureau", "roles": ["buyer", "procuringEntity"]},
        {
            "id": "CO-1",
            "name": "Acme Ltd",
            "identifier": {"scheme": "CN-USCC", "id": "91330000MA2AAAAA1X"},
            "address": {"streetAddress": "1 Main St"},
            "contactPoint": {"telephone": "0571-1234", "email": "bids@acme.example"},
            "roles": ["tenderer", "supplier"],
        },
        {"id": "CO-2", "name": "Beta Co", "roles": ["tenderer"]},
    ],
    "buyer": {"id": "GOV-1", "name": "County Finance Bureau"},
    "planning": {
        "budget": {"amount": {"amount": 120000, "currency": "CNY"}},
        "milestones": [
            {"id": "m1", "type": "preProcurement", "dateMet": "2023-11-01T09:00:00+08:00"},
            {"id": "m2", "type": "approval", "dateMet": "2023-12-01T09:00:00+08:00"},
            {"id": "m3", "type": "approval", "dueDate": "2023-12-05T09:00:00+08:00"},
            {"id": "m4", "type": "delivery", "dateMet": "2024-04-01T09:00:00+08:00"},
        ],
    },
    "tender": {
        "id": "T-1",
        "title": "Office computers",
        "status": "complete",
        "procurementMethod": "open",
        "mainProcurementCategory": "goods",
        "value": {"amount": 110000.0, "currency": "CNY"},
        "datePublished": "2024-01-02T09:00:00+08:00",
        "tenderPeriod": {"startDate": "2024-01-02T09:00:00+08:00", "endDate": "2024-01-22T09:00:00+08:00"},
        "awardPeriod": {"startDate": "2024-01-23T09:00:00+08:00"},
        "numberOfTenderers": 2,
        "procuringEntity": {"id": "GOV-1", "name": "County Finance Bureau"},
    },
    "bids": {
        "details": [
            {
                "id": "B-1",
                "date": "2024-01-20T10:00:00+08:00",
                "status": "valid",
                "tenderers": [{"id": "CO-1", "name": "Acme Ltd"}],
                "value": {"amount": 100000, "currency": "CNY"},
            },
            {
                "id": "B-2",
                "date": "2024-01-21T10:00:00+08:00",
                "status": "disqualified",
                "tenderers": [{"id": "CO-2", "name": "Beta Co"}],
                "value": {"amount": 99000.5, "currency": "CNY"},
            },
            {"id": "B-3", "status": "valid", "tenderers": [{"id": "CO-2"}], "value": {"amount": "98000"}},
            {"id": "B-4", "status": "valid", "tenderers": [{"id": "CO-1"}, {"id": "CO-2"}], "value": {"amount": 1}},
            {"id": "B-5", "status": "invited", "tenderers": [{"id": "CO-3"}]},
        ]
    },
    "awards": [
        {
            "id": "A-1",
            "status": "active",
            "date": "2024-01-25T09:00:00+08:00",
            "value": {"amount": 100000, "currency": "CNY"},
            "suppliers": [{"id": "CO-1", "name": "Acme Ltd"}],
        }
    ],
    "contracts": [
        {
            "id": "C-1",
            "awardID": "A-1",
            "status": "active",
            "dateSigned": "2024-02-01T09:00:00+08:00",
            "value": {"amount": 100000, "currency": "CNY"},
            "implementation": {
                "transactions": [
                    {
                        "id": "TX-1",
                        "date": "2024-02-15T09:00:00+08:00",
                        "value": {"amount": 30000, "currency": "CNY"},
                        "payer": {"id": "GOV-1"},
                        "payee": {"id": "CO-1"},
                    },
                    {"id": "TX-2", "date": "not a date", "value": {"amount": 70000, "currency": "CNY"}},
                ]
            },
        },
        {"id": "C-2", "awardID": "A-9", "value": {"amount": 5}},
    ],
}

WORKS = {
    "ocid": "ocds-abc-002",
    "buyer": {"id": "GOV-2"},
    "tender": {
        "id": "T-2",
        "status": "active",
        "procurementMethod": "limited",
        "procurementMethodDetails": "Single source (单一来源)",
        "mainProcurementCategory": "works",
        "tenderPeriod": {"startDate": "2024-05-01", "endDate": "2024-05-10"},
    },
    "awards": [{"id": 1, "status": "active", "date": "2024-05-12", "suppliers": [{"id": "CO-9"}]}],
    "contracts": [
        {
            "id": 1,
            "awardID": 1,
            "dateSigned": "2024-05-20",
            "value": {"amount": 5e5},
            # OCDS 1.0 spelling of a transaction
            "implementation": {
                "transactions": [
                    {"id": 1, "date": "2024-06-01", "amount": {"amount": 1e5}, "receiverOrganization": {"id": "CO-9"}}
                ]
            },
        }
    ],
}


def write_jsonl(path, releases_or_lines):
    text = "".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) + "\n" for x in releases_or_lines)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def imported(tmp_path):
    lines = [
        GOODS,
        "{broken json\n",
        "\n",
        '"a string"\n',
        {"ocid": 42, "tender": {}},
        WORKS,
        {"ocid": "ocds-abc-003", "tender": {"procurementMethod": "auction"}},  # no buyer
        {"ocid": "ocds-abc-004", "buyer": {"id": "GOV-1"}, "tender": {"procurementMethod": "lottery"}},
        GOODS,  # duplicate ocid
    ]
    source = write_jsonl(tmp_path / "releases.jsonl", lines)
    out = tmp_path / "dataset"
    report = import_releases(source, out)
    tables = {p.stem: pd.read_parquet(p) for p in out.glob("*.parquet")}
    return report, tables, out, source


def test_projects_units_and_domain(imported):
    report, t, _, _ = imported
    assert report.releases == 4  # ocds-abc-003 is read but quarantined (no buyer)
    projects = t["projects"].set_index("project_id")
    assert projects.loc["ocds-abc-001", "domain"] == "procurement"
    assert projects.loc["ocds-abc-001", "unit_id"] == "GOV-1"
    assert projects.loc["ocds-abc-001", "budget_amount"] == 120000.0
    assert projects.loc["ocds-abc-001", "status"] == "completed"
    assert projects.loc["ocds-abc-001", "name"] == "Office computers"
    assert projects.loc["ocds-abc-002", "domain"] == "construction"
    assert projects.loc["ocds-abc-002", "status"] == "ongoing"
    assert set(t["units"]["unit_id"]) == {"GOV-1", "GOV-2"}


def test_approval_events_on_tendering_nodes(imported):
    _, t, _, _ = imported
    a = t["approvals"]
    goods = a[a["project_id"] == "ocds-abc-001"].set_index("note")
    assert goods.loc["planning.milestones[0].dateMet", ["node", "action"]].tolist() == ["P01", "submit"]
    assert goods.loc["planning.milestones[1].dateMet", ["node", "action"]].tolist() == ["P02", "approve"]
    assert not goods.index.str.startswith("planning.milestones[2]").any()  # not met yet
    assert not goods.index.str.startswith("planning.milestones[3]").any()  # not a trail node
    assert goods.loc["tender.datePublished", ["node", "occurred_at"]].tolist() == ["P03", "2024-01-02T09:00:00+08:00"]
    assert goods.loc["tender.tenderPeriod.endDate", "node"] == "P03"
    assert goods.loc["awards[0].date", "node"] == "P03"
    assert goods.loc["contracts[0].dateSigned", ["node", "amount"]].tolist() == ["P04", 100000.0]
    assert goods.loc["contracts[0].implementation.transactions[0].date", ["node", "amount"]].tolist() == [
        "P05",
        30000.0,
    ]
    works = a[a["project_id"] == "ocds-abc-002"].set_index("note")["node"].to_dict()
    assert works == {
        "tender.tenderPeriod.startDate": "C10",
        "tender.tenderPeriod.endDate": "C11",
        "awards[0].date": "C13",
        "contracts[0].dateSigned": "C14",
        "contracts[0].implementation.transactions[0].date": "C18",
    }
    assert a["event_id"].is_unique


def test_tenders_bids_companies_contracts_payments(imported):
    _, t, _, _ = imported
    tenders = t["tenders"].set_index("tender_id")
    assert tenders.loc["ocds-abc-001", "method"] == "open"
    assert tenders.loc["ocds-abc-001", "bid_deadline"] == "2024-01-22T09:00:00+08:00"
    assert tenders.loc["ocds-abc-001", "ceiling_price"] == 110000.0
    assert tenders.loc["ocds-abc-001", "winner_company_id"] == "CO-1"
    assert tenders.loc["ocds-abc-001", "award_price"] == 100000.0
    assert tenders.loc["ocds-abc-001", "awarded_at"] == "2024-01-25T09:00:00+08:00"
    assert tenders.loc["ocds-abc-002", "method"] == "single_source"
    bids = t["bids"].set_index("ocds_bid_id")
    assert sorted(bids.index) == ["B-1", "B-2"]
    assert bids.loc["B-2", ["company_id", "price", "status"]].tolist() == ["CO-2", 99000.5, "disqualified"]
    companies = t["companies"].set_index("company_id")
    assert set(companies.index) == {"CO-1", "CO-2", "CO-9"}
    assert companies.loc["CO-1", ["name", "credit_code", "phone", "email", "address"]].tolist() == [
        "Acme Ltd",
        "91330000MA2AAAAA1X",
        "0571-1234",
        "bids@acme.example",
        "1 Main St",
    ]
    contracts = t["contracts"].set_index("ocds_contract_id")
    assert contracts.loc["C-1", ["company_id", "amount", "signed_at"]].tolist() == [
        "CO-1",
        100000.0,
        "2024-02-01T09:00:00+08:00",
    ]
    assert contracts.loc["1", ["company_id", "amount"]].tolist() == ["CO-9", 500000.0]
    payments = t["payments"].sort_values("paid_at")
    assert payments[["amount", "payee_company_id"]].values.tolist() == [[30000.0, "CO-1"], [100000.0, "CO-9"]]


def test_quarantine_names_field_paths_and_lines(imported):
    _, t, _, _ = imported
    q = t["quarantine"]
    reasons = set(q["reason"])
    assert "bids.details[2].value.amount: '98000' is not a number" in reasons
    assert "bids.details[3].tenderers: 2 tenderers, expected exactly 1 with an id" in reasons
    assert "bids.details[4].status: 'invited' is not a submitted bid" in reasons
    assert "contracts[1].awardID: awardID 'A-9' matches no award" in reasons
    assert "contracts[0].implementation.transactions[1].date: missing or not an ISO 8601 date" in reasons
    # an unknown method no longer drops the tender: it is kept and noted (notes.parquet), issue 13
    lottery = "tender.procurementMethod: 'lottery' is not open/selective/limited/direct"
    assert lottery not in reasons and any(n.startswith(lottery) for n in t["notes"]["reason"])
    assert any(r.startswith("buyer.id: missing") for r in reasons)
    assert any(r.startswith("line 2: invalid JSON") for r in reasons)
    assert "line 4: not a JSON object but str" in reasons
    assert "line 5: ocid: 42 is not a non-empty string" in reasons
    assert "ocid: duplicate of line 1; compiled releases must be unique" in reasons
    rows = [json.loads(r) for r in q["row"]]
    assert all("line" in r for r in rows)
    assert set(q.columns) == {"table", "row", "reason"}


def test_source_marker(imported):
    _, _, out, source = imported
    assert json.loads((out / "source.json").read_text()) == {"source": "ocds", "releases": str(source.resolve())}
    assert ocds_releases_of(out) == source.resolve()
    assert ocds_releases_of(source.parent) is None


def test_gzip_input_and_minimal_release(tmp_path):
    path = tmp_path / "r.jsonl.gz"
    path.write_bytes(gzip.compress((json.dumps({"ocid": "x", "buyer": {"id": "B"}}) + "\n").encode()))
    report = import_releases(path, tmp_path / "ds")
    assert report.rows["projects"] == 1
    assert report.rows["approvals"] == 0
    assert pd.read_parquet(tmp_path / "ds" / "approvals.parquet").empty


def test_imported_dataset_passes_the_contract_loader(imported):
    contract = pytest.importorskip("yunshao.contract")
    _, t, out, _ = imported
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    load = contract.load_dataset(out, con)
    assert load.rows_quarantined == 0, con.execute("SELECT reason FROM quarantine").fetchall()
    assert con.execute("SELECT count(*) FROM bids").fetchone()[0] == len(t["bids"])
