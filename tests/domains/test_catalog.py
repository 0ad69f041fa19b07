"""The shipped declarations load, the contract's node constants are derived from them, and a bad
declaration is one line naming its file and field."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from yunshao.contract import schema
from yunshao.domains.catalog import DomainError, load_domains, read_domain_file, shipped_domains
from yunshao.domains.tables import domain_rows
from yunshao.features.nodes import node_frame
from yunshao.settings import DomainSettings

CONSTRUCTION_CODES = [f"C{i:02d}" for i in range(1, 21)]
#: SEQ-MISS's pairs before the declarations (later node, the node it needs), copied from its SQL.
SEQ_MISS_PAIRS = {
    ("C14", "C04"),
    ("C16", "C04"),
    ("C18", "C04"),
    ("C10", "C06"),
    ("C14", "C06"),
    ("C16", "C06"),
    ("C16", "C15"),
    ("C20", "C19"),
}


def test_the_shipped_declarations_load_in_the_contract_order() -> None:
    assert shipped_domains().ids == (
        "construction",
        "investment",
        "land",
        "procurement",
        "subsidy",
        "housing",
        "assets",
        "funds",
        "finance",
    )


def test_the_node_constants_are_todays_values() -> None:
    assert list(schema.CONSTRUCTION_NODES) == CONSTRUCTION_CODES
    assert schema.CONSTRUCTION_NODES["C04"] == ("立项批复", "initiation approval")
    assert schema.CONSTRUCTION_NODES["C17"] == ("变更/签证", "change order or site instruction")
    assert schema.CONSTRUCTION_NODES["C20"] == ("结算审计及尾款支付", "settlement audit and final payment")
    assert list(schema.INVESTMENT_NODES) == ["I01", "I02", "I03", "I04", "I05"]
    assert list(schema.LAND_NODES) == ["L01", "L02", "L03", "L04", "L05", "L06", "L07"]
    assert list(schema.PROCUREMENT_NODES) == ["P01", "P02", "P03", "P04", "P05"]
    assert schema.SUBSIDY_NODES["S04"] == ("拨付", "disbursement")
    assert list(schema.HOUSING_NODES) == ["H01", "H02", "H03", "H04", "H05", "H06", "H07"]
    assert list(schema.ASSETS_NODES) == ["A01", "A02", "A03", "A04", "A05", "A06"]
    assert list(schema.FUNDS_NODES) == ["F01", "F02", "F03", "F04", "F05", "F06"]
    assert schema.FINANCE_NODES == {
        "E01": ("报销申请", "claim"),
        "E02": ("经办审核", "clerk review"),
        "E03": ("负责人审批", "head's approval"),
        "E04": ("支付", "payment"),
    }
    assert len(schema.ALL_NODES) == 20 + 5 + 7 + 5 + 4 + 7 + 6 + 6 + 4 == 64
    assert shipped_domains().ids == schema.DOMAINS
    assert schema.TABLES["projects"].column("domain").values == schema.DOMAINS
    assert schema.TABLES["approvals"].column("node").values == tuple(schema.ALL_NODES)


def test_construction_prerequisites_are_seq_miss_pairs() -> None:
    construction = shipped_domains().get("construction")
    assert {(node, need.node) for node, need in construction.needs()} == SEQ_MISS_PAIRS
    assert construction.exempt_categories == ["emergency"]


def test_township_prerequisites() -> None:
    pairs = {(d, n, q) for d, n, q, _, _ in domain_rows(shipped_domains())["domain_prerequisites"]}
    assert {p for p in pairs if p[0] == "housing"} == {
        ("housing", "H05", "H02"),
        ("housing", "H05", "H03"),
        ("housing", "H05", "H04"),
        ("housing", "H06", "H05"),
    }
    assert {p for p in pairs if p[0] == "finance"} == {("finance", "E04", "E03")}
    assert {p for p in pairs if p[0] == "assets"} == {("assets", "A04", "A01"), ("assets", "A04", "A02")}
    # public notices are posted, not approved: a record of them is their proof; everything else needs approval
    proofs = {(q, proof) for _, _, q, _, proof in domain_rows(shipped_domains())["domain_prerequisites"]}
    assert {q for q, proof in proofs if proof == "record"} == {"H03", "F03"}
    assert {proof for q, proof in proofs if q not in ("H03", "F03")} == {"approval"}


def test_domain_nodes_agree_with_the_feature_node_table() -> None:
    """feature_nodes (kept for the pages) still has its own lists in features/nodes.py: they must agree."""
    columns = ["domain", "node", "node_rank", "stage", "mandatory", "tendering"]
    rows = [(d, n, r, s, m, t) for d, n, r, _, _, s, m, t in domain_rows(shipped_domains())["domain_nodes"]]
    frame = node_frame()
    assert sorted(rows) == sorted(map(tuple, frame[columns].itertuples(index=False)))
    optional = [(d, n) for d, n, *_, m, _ in rows if not m]
    assert optional == [("construction", "C17"), ("construction", "C18")]


def test_approvers_name_contract_unit_kinds() -> None:
    kinds = {a.unit_kind for d in shipped_domains().domains for a in d.approvers.values()}
    assert kinds - {None} <= set(schema.UNIT_KINDS)
    housing = shipped_domains().get("housing").approvers["H05"]
    assert (housing.unit_kind, housing.head, housing.post.zh) == ("township", True, "乡镇长")


def test_thresholds_default_and_override() -> None:
    values = shipped_domains().thresholds({"finance": {"approval_limit": 2000}})
    assert values[("finance", "approval_limit")] == 2000.0
    assert values[("finance", "meal_norm_per_head")] == 150.0
    assert values[("housing", "plot_area_limit_m2")] == 125.0
    with pytest.raises(DomainError, match=r"^settings\.domains\.thresholds\.finance\.aproval_limit: no such"):
        shipped_domains().thresholds({"finance": {"aproval_limit": 2000}})


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
id: wetland_permit
name: {zh: 湿地占用许可, en: wetland permit}
nodes:
  - {code: W01, zh: 申请, en: application}
  - {code: W02, zh: 现场踏勘, en: site survey}
  - {code: W03, zh: 许可, en: permit}
prerequisites:
  W03: [W02]
"""


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("W03: [W02]", "W03: [W09]", "prerequisites.W03: W09 not among the nodes"),
        ("W03: [W02]", "W07: [W02]", "prerequisites: W07 not among the nodes"),
        ("code: W02", "code: w2", "nodes.1.code: 'w2' is not a node code"),
        ("code: W02", "code: X02", "nodes: codes of one domain must share their first letter"),
        ("W03: [W02]", "W03: [{node: W02, min_amount: area}]", "prerequisites.W03: min_amount 'area' not among"),
        ("zh: 湿地占用许可, ", "", "name.zh: Field required"),
        ("prerequisites:", "prerequisite:", "prerequisite: Extra inputs are not permitted"),
        ("id: wetland_permit", "id: wetland", "id: 'wetland' differs from the file name"),
        ("  W03: [W02]", "  W03: [W02", "line"),
    ],
)
def test_a_bad_declaration_is_one_line_naming_file_and_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    path = _write(tmp_path, "wetland_permit", GOOD.replace(old, new))
    with pytest.raises(DomainError) as info:
        read_domain_file(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert field in message


def test_a_user_domain_may_not_share_a_letter(tmp_path: Path) -> None:
    _write(tmp_path, "canals", GOOD.replace("wetland_permit", "canals").replace("W0", "C9"))
    with pytest.raises(DomainError, match="codes start with C, as those of 'construction'"):
        load_domains([tmp_path])


def test_a_user_file_overrides_a_shipped_id_and_a_new_id_adds_a_domain(tmp_path: Path) -> None:
    _write(tmp_path, "wetland_permit", GOOD)
    finance = (Path(__file__).parents[2] / "yunshao/domains/catalog/finance.yaml").read_text(encoding="utf-8")
    _write(tmp_path, "finance", finance.replace("E04: [E03]", "E04: [E02, E03]"))
    declared = load_domains([tmp_path])
    assert declared.ids[-1] == "wetland_permit"
    assert declared.ids[:9] == shipped_domains().ids
    assert [(n, q.node) for n, q in declared.get("finance").needs()] == [("E04", "E02"), ("E04", "E03")]


def test_the_run_command_reports_a_bad_declaration_in_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from yunshao.cli import app

    bad = _write(tmp_path / "domains", "wetland_permit", GOOD.replace("W03: [W02]", "W03: [W09]"))
    result = CliRunner().invoke(
        app, ["run", str(tmp_path), "--out", str(tmp_path / "out"), "--domains-dir", str(bad.parent)]
    )
    assert result.exit_code == 2
    assert "prerequisites.W03: W09 not among the nodes" in result.output
    assert "Traceback" not in result.output


def test_the_domain_tables_are_typed_on_duckdb() -> None:
    from yunshao.domains.tables import DOMAIN_TABLES, create_domain_tables
    from yunshao.engine.backend import DuckBackend

    con = duckdb.connect()
    create_domain_tables(DuckBackend(con), load_domains(), DomainSettings().thresholds)
    for name, columns in DOMAIN_TABLES.items():
        assert [(r[0], r[1]) for r in con.execute(f"DESCRIBE {name}").fetchall()] == list(columns.items())
    assert con.execute("SELECT count(*) FROM domain_nodes").fetchone() == (64,)
    assert con.execute("SELECT value FROM domain_thresholds WHERE name = 'approval_limit'").fetchone() == (5000.0,)
