"""run_rules as the pipeline calls it: table always created, skipped rules reported, stable ids,
guide language, region overrides, and the user's rule folders."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.rules.harness import catalog, load_world, warnings
from yunshao.rules.cli import app
from yunshao.rules.docs import DOCS_PATH, render_markdown
from yunshao.rules.loader import WARNINGS_COLUMNS, load_rules
from yunshao.rules.model import RuleError
from yunshao.rules.runner import run_rules
from yunshao.settings import RuleSettings, Settings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "rules"
IP_CASE = {"set": {"bids": [{"bid_id": "B1", "ip_address": "10.9.9.9"}, {"bid_id": "B2", "ip_address": "10.9.9.9"}]}}


def test_catalog_size_and_schemes() -> None:
    rules = list(catalog().values())
    assert len(rules) >= 60
    simulator_schemes = {
        "bid_rigging", "qualification_borrowing", "tender_avoidance", "tender_splitting", "build_before_approval",
        "settlement_inflation", "self_approval", "relative_favour", "payout_unmet_promise",
        "land_appraisal_inflation",
    }  # fmt: skip
    assert simulator_schemes <= {r.scheme for r in rules}


def test_warnings_table_always_created_with_the_spec_columns() -> None:
    con, _ = load_world({})
    report = run_rules(con, Settings(), present_tables={"projects", "approvals"})
    cols = [r[0] for r in con.execute("DESCRIBE warnings").fetchall()]
    assert cols == list(WARNINGS_COLUMNS)
    assert con.execute("SELECT count(*) FROM warnings").fetchone() == (0,)
    assert report.skipped["BID-R40-6"] == "view(s) absent: bid_facts"
    assert report.skipped["MON-SETTLE"].startswith("table(s) absent")
    assert "SEQ-BACK" in report.hits


def test_warning_ids_are_stable_and_guides_follow_lang() -> None:
    rules = [catalog()["BID-R39-IP"]]
    runs = []
    for lang in ("zh", "en", "zh"):
        con, present = load_world(IP_CASE)
        run_rules(con, RuleSettings(), lang=lang, present_tables=present, rules=rules)
        runs.append(warnings(con))
    assert runs[0][0]["guide"] == runs[2][0]["guide"]
    assert "投标人 CO1、CO2 从同一IP 10.9.9.9 提交" in runs[0][0]["guide"]
    assert "bidders CO1, CO2 uploaded from the same IP 10.9.9.9" in runs[1][0]["guide"]
    con, present = load_world(IP_CASE)
    run_rules(con, RuleSettings(), present_tables=present, rules=rules)
    ids = con.execute("SELECT warning_id FROM warnings").fetchall()
    con2, _ = load_world(IP_CASE)
    run_rules(con2, RuleSettings(), lang="en", present_tables=present, rules=rules)
    assert ids == con2.execute("SELECT warning_id FROM warnings").fetchall()


def test_disabled_rule_is_skipped_and_reported() -> None:
    con, present = load_world(IP_CASE)
    report = run_rules(con, RuleSettings(disabled=["BID-R39-IP"]), present_tables=present)
    assert report.skipped["BID-R39-IP"] == "disabled in settings.rules.disabled"
    assert warnings(con) == []


def test_override_of_unknown_parameter_is_refused() -> None:
    con, present = load_world({})
    bad = RuleSettings(overrides={"BID-R40-4L": {"max_stepp": 0.03}})
    with pytest.raises(RuleError, match=r"settings.rules.overrides.BID-R40-4L.max_stepp: .*has no parameter"):
        run_rules(con, bad, present_tables=present)
    with pytest.raises(RuleError, match=r"settings.rules.overrides: unknown rule id\(s\) NOPE-1"):
        run_rules(con, RuleSettings(overrides={"NOPE-1": {"x": 1}}), present_tables=present)


def test_example_custom_rule_runs_with_the_catalog() -> None:
    # PAY2 (3,000,000) moved to Sunday 2023-07-02
    con, present = load_world({"set": {"payments": [{"payment_id": "PAY2", "paid_at": "2023-07-02 15:00:00"}]}})
    report = run_rules(con, RuleSettings(), lang="en", extra_dirs=[EXAMPLES], present_tables=present)
    assert report.hits["EX-PAY-WEEKEND"] == 1
    hit = [w for w in warnings(con) if w["rule_id"] == "EX-PAY-WEEKEND"]
    assert hit[0]["evidence"] == {
        "payment_id": "PAY2",
        "amount": 3000000.0,
        "paid_at": "2023-07-02 15:00:00",
        "weekday": "Sunday",
    }
    assert hit[0]["project_id"] == "P1"


def test_docs_rules_md_is_up_to_date() -> None:
    assert DOCS_PATH.read_text(encoding="utf-8") == render_markdown(load_rules()), "run `yunshao rules docs`"


def test_cli_list_json_has_both_languages() -> None:
    import json

    result = CliRunner().invoke(app, ["list", "--format", "json"])
    assert result.exit_code == 0, result.output
    records = {r["id"]: r for r in json.loads(result.output)}
    assert len(records) == len(catalog())
    dev = records["BID-R39-DEV"]
    assert dev["severity"] == "red"
    assert dev["name"] == {
        "zh": "不同投标人使用同一设备（MAC/机器码）投标",
        "en": "Different bidders bidding from one machine (MAC or device id)",
    }
    assert dev["guide"]["zh"]["rule_out"] and dev["guide"]["en"]["rule_out"]
    assert dev["legal_basis"]["article"]["zh"].startswith("《招标投标法实施条例》")


def test_cli_check_dry_runs_a_folder(tmp_path: Path) -> None:
    import pandas as pd

    from tests.rules.world import clean_world
    from yunshao.contract import TABLES

    world = clean_world()
    world["payments"][1]["paid_at"] = "2023-07-02 15:00:00"  # PAY2 on a Sunday
    for name, rows in world.items():
        pd.DataFrame(rows, columns=list(TABLES[name].column_names)).to_csv(tmp_path / f"{name}.csv", index=False)
    result = CliRunner().invoke(app, ["check", str(EXAMPLES), str(tmp_path)])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "EX-PAY-WEEKEND" in x)
    assert "│ 1 " in line.replace("  ", " ") or " 1 " in line
