"""Evidence as a person reads it: formats, what each key holds, names, masking, codes and labels, guides."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from yunshao.contract.schema import ALL_NODES, TABLES, Kind
from yunshao.rules.model import ADDRESS_COLUMNS
from yunshao.serving.api.deps import Caller
from yunshao.serving.codes import CODE_PREFIX, code_name, declared_codes, rule_catalog, translator
from yunshao.serving.core.masking import MASK
from yunshao.serving.evidence import (
    LABEL_PREFIX,
    NameBook,
    evidence_rows,
    format_value,
    guide_in,
    key_kind,
    readable_warnings,
)
from yunshao.serving.i18n import ACTION_KEYS, MESSAGES
from yunshao.serving.keys import ApiKey
from yunshao.serving.store import Store


@pytest.fixture(scope="module")
def store(store_path: Path) -> Iterator[Store]:
    opened = Store(store_path)
    yield opened
    opened.close()


def caller(role: str, units: frozenset[str] | None = None) -> Caller:
    return Caller(ApiKey("k1", role, "test", "2024-01-01"), units)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "kind", "lang", "shown"),
    [
        (1234567.0, "money", "zh", "1,234,567 元"),
        (1234567, "money", "en", "1,234,567 yuan"),
        (1234.5, "money", "zh", "1,234.50 元"),  # fen only when there are any
        (0.1234, "ratio", "zh", "12.3%"),
        (1.3, "ratio", "en", "130.0%"),
        (12345, "text", "zh", "12,345"),  # a count
        (4.5234, "text", "en", "4.523"),
        (True, "text", "zh", "是"),
        (False, "text", "en", "no"),
        ("2024-03-20 10:00:00", "text", "zh", "2024年3月20日 10:00"),
        ("2024-03-20T10:00:05", "text", "en", "20 Mar 2024 10:00:05"),
        ("2024-03-20", "text", "en", "20 Mar 2024"),
        ("2024-03-20T02:00:00+00:00", "text", "zh", "2024年3月20日 10:00"),  # an offset, in Asia/Shanghai time
        ("2024-03", "month", "zh", "2024年3月"),
        ("2024-03", "month", "en", "Mar 2024"),
        ("2024-03", "text", "en", "2024-03"),  # only a month column reads as a month
        ("2024-13-45", "text", "zh", "2024-13-45"),  # not a date after all
        ("10.0.0.7", "text", "en", "10.0.0.7"),
    ],
)
def test_values_are_formatted(value: Any, kind: str, lang: str, shown: str) -> None:
    assert format_value(value, kind, lang) == shown


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("winner_company_id", "company"),  # the contract says it refers to companies
        ("legal_rep_id", "person"),
        ("project_manager_id", "person"),
        ("unit_id", "unit"),
        ("company_ids", "company"),  # a plural reads as its singular
        ("registered_company_ids", "company"),
        ("disqualified_company_ids", "company"),  # by its ending
        ("approver_id", "person"),  # rule aliases
        ("contractor_ids", "company"),
        ("seller_id", "person_or_company"),
        ("sibling_ids", "project"),
        ("other_project_id", "project"),
        ("method", "code"),  # contract enums
        ("kind", "code"),
        ("approved_nodes", "code"),
        ("relative_roles", "code"),
        ("rule_ids", "rule"),
        ("budget_amount", "money"),  # contract amounts
        ("contract_amount", "money"),
        ("threshold", "money"),
        ("area_m2", "number"),  # an amount column in square metres, not yuan
        ("nodes_total", "text"),  # a count, whatever its ending
        ("share", "ratio"),
        ("bid_month", "month"),
        ("tender_id", "text"),  # tenders have no name
    ],
)
def test_what_each_key_holds(key: str, kind: str) -> None:
    assert key_kind(key) == kind


def test_ids_become_names_and_lists_are_joined(store: Store) -> None:
    evidence = {
        "company_ids": ["C1", "C9"],
        "person_id": "PE3",
        "seller_id": "C2",
        "sibling_ids": ["P1", "P2"],
        "unit_id": "U2",
        "kind": "progress",
        "unmet": ["investment", "tax"],
        "later_node": "C16",
        "rule_ids": ["MON-PAYEE", "X-1"],
        "prices": [4850000.0, None],
        "indicator_zh": "中标率",
        "indicator_en": "win rate",
        "note": None,
    }
    book = NameBook.lookup(store, [evidence], lambda unit: unit == "U1")
    rows = {r["key"]: r for r in evidence_rows(evidence, "zh", book)}
    assert rows["company_ids"]["parts"] == [{"text": "甲建设公司", "ref": "C1"}, {"text": "C9"}]  # C9: no such firm
    assert rows["person_id"]["parts"] == [{"person_name": "王五岳", "ref": "PE3"}]
    assert rows["seller_id"]["parts"] == [{"text": "乙建设公司", "ref": "C2"}]  # no person C2: a company
    assert rows["sibling_ids"]["parts"] == [
        {"text": "园区道路改造工程", "ref": "P1", "href": "/pages/projects/P1"},
        {"text": "P2"},  # P2 is of unit U2, out of this caller's scope: no name, no link
    ]
    assert rows["unit_id"]["parts"] == [{"text": "城东街道", "ref": "U2"}]  # units are named in any scope
    assert rows["kind"]["parts"] == [{"text": "进度款"}]
    assert rows["unmet"]["parts"] == [{"text": "投资额"}, {"text": "税收"}]  # not 招商引资, the domain
    assert rows["later_node"]["parts"] == [{"text": "C16 开工"}]
    assert rows["rule_ids"]["parts"] == [{"text": "MON-PAYEE 工程款支付给非合同相对方"}, {"text": "X-1"}]
    assert rows["prices"]["parts"] == [{"text": "4,850,000 元"}, {"text": "—"}]
    assert "indicator_en" not in rows and rows["indicator_zh"]["label"] == "指标名称"
    assert rows["note"]["label"] == "note" and rows["note"]["parts"] == [{"text": "—"}]  # no label: the key
    english = {r["key"]: r for r in evidence_rows(evidence, "en", book)}
    assert "indicator_zh" not in english and english["kind"]["parts"] == [{"text": "progress payment"}]
    assert english["company_ids"]["label"] == "Companies"


def test_people_are_masked_by_the_existing_masking(store: Store) -> None:
    warning: dict[str, Any] = {
        "warning_id": "W9",
        "entity_type": "project",
        "entity_id": "P3",
        "rule_id": "PWR-REL",
        "severity": "red",
        "evidence": {"approver_id": "PE1", "relative_id": "PE3", "relation": "kin", "approver_name": "张三丰"},
        "guide": "stored",
        "project_id": "P3",
        "scheme": "relative_favour",
        "post_id": "PO1",
    }
    seen = readable_warnings([warning], store, caller("inspector"), "zh")[0]
    assert seen["rows"][0]["parts"] == [{"person_name": "张三丰", "ref": "PE1"}] and "王五岳（PE3）" in seen["guide"]
    masked = readable_warnings([warning], store, caller("data_scientist"), "zh")[0]
    assert [r["parts"] for r in masked["rows"][:2]] == [
        [{"person_name": MASK, "ref": "PE1"}],
        [{"person_name": MASK, "ref": "PE3"}],
    ]
    assert masked["rows"][3]["parts"] == [{"text": MASK}]  # approver_name, masked by its key as before
    assert "张三丰" not in str(masked) and "王五岳" not in str(masked) and "***（PE3）" in masked["guide"]
    assert warning["evidence"]["approver_name"] == "张三丰"  # the caller's dicts are copied, never changed
    assert masked["rule_name"] == "审批人亲属控制的企业从项目获益" and masked["scheme_name"] == "利益输送亲属"


def test_a_guide_of_a_rule_outside_the_catalog_stays_as_stored(store: Store) -> None:
    warning = {"rule_id": "MY-OWN-1", "evidence": {"x": 1}, "guide": "县里自己的规则", "severity": "yellow"}
    assert guide_in(warning, [], "en", NameBook()) is None
    shown = readable_warnings([{**warning, "entity_type": "project"}], store, caller("inspector"), "en")[0]
    assert shown["guide"] == "县里自己的规则" and shown["rule_name"] == ""
    assert rule_catalog() is rule_catalog()  # parsed once per process


def test_every_declared_code_is_translated() -> None:
    """The codes come from the contract and the catalog; each has words in both languages."""
    enums = {v for t in TABLES.values() for c in t.columns if c.kind is Kind.ENUM for v in c.values}
    assert {"procurement", "open", "bid_rigging", "legal_rep", "progress", "confirmed"} <= declared_codes()
    assert enums - set(ALL_NODES) <= declared_codes() and not declared_codes() & set(ALL_NODES)
    assert {r.scheme for r in rule_catalog().values()} <= declared_codes()
    for lang in ("zh", "en"):
        words = MESSAGES[lang]
        missing = [c for c in declared_codes() if CODE_PREFIX + c not in words and ACTION_KEYS.get(c, c) not in words]
        assert not missing, f"{lang}: no words for {missing}"
    assert code_name("bid_rigging", "zh") == "围标串标" and code_name("bid_rigging", "en") == "bid rigging"
    assert code_name("open", "zh") == "公开招标" and code_name("approve", "zh") == "批准"
    assert code_name("C04", "en") == "C04 initiation approval" and code_name("甲建设公司", "zh") == "甲建设公司"
    assert code_name("investment", "zh") == "招商引资" and code_name("investment", "zh", "unmet") == "投资额"
    assert translator("en")(None) == "" and translator("en")("red") == "red" and translator("zh")("red") == "红色"


def test_codes_file_declares_no_node_or_page_word() -> None:
    """Node codes are named in the contract and actions, outcomes and levels in base.yaml: not again here."""
    codes = [k[len(CODE_PREFIX) :].split("__")[-1] for k in MESSAGES["zh"] if k.startswith(CODE_PREFIX)]
    assert codes and not set(codes) & set(ALL_NODES)
    assert not set(codes) & {"red", "yellow", "green", "confirmed", "unfounded", "partial", "approve", "submit"}


def test_every_evidence_key_of_the_catalog_has_a_label() -> None:
    """The columns each rule's SQL returns, bound against an empty contract as `yunshao rules check` does."""
    from yunshao.engine import render_sql
    from yunshao.rules.loader import _empty_contract
    from yunshao.rules.params import global_params
    from yunshao.settings import RuleSettings

    settings = RuleSettings()
    con = _empty_contract(settings)
    regional = global_params(settings)
    keys: set[str] = set()
    for rule in rule_catalog().values():
        sql = render_sql(rule.sql, {k: regional.get(k, p.default) for k, p in rule.params.items()})
        keys |= {row[0] for row in con.execute(f"DESCRIBE ({sql})").fetchall()} - set(ADDRESS_COLUMNS)
    con.close()
    assert len(keys) > 100
    for lang in ("zh", "en"):
        missing = sorted(k for k in keys if LABEL_PREFIX + k not in MESSAGES[lang])
        assert not missing, f"{lang}: no label for {missing}"
