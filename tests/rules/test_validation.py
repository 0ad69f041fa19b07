"""Malformed rule files are refused at start, naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from yunshao.rules.loader import load_rules

GOOD = (Path(__file__).resolve().parents[2] / "examples" / "rules" / "EX-PAY-WEEKEND.yaml").read_text(encoding="utf-8")


def _write(
    tmp_path: Path, name: str, change: dict | None = None, drop: str | None = None, text: str | None = None
) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    data = yaml.safe_load(GOOD)
    data["id"] = name
    if change:
        data.update(change)
    if drop:
        data.pop(drop)
    path = folder / f"{name}.yaml"
    path.write_text(text if text is not None else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def _refused(folder: Path, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        load_rules([folder], builtin=False)


def test_good_example_loads(tmp_path: Path) -> None:
    assert [r.id for r in load_rules([_write(tmp_path, "EX-OK")], builtin=False)] == ["EX-OK"]


def test_missing_field(tmp_path: Path) -> None:
    folder = _write(tmp_path, "EX-A", drop="severity")
    _refused(folder, r"rules/EX-A\.yaml: severity: Field required")


def test_bad_severity(tmp_path: Path) -> None:
    folder = _write(tmp_path, "EX-A", change={"severity": "orange"})
    _refused(folder, r"EX-A\.yaml: severity: Input should be 'red' or 'yellow'")


def test_bad_entity_and_domain(tmp_path: Path) -> None:
    _refused(_write(tmp_path, "EX-A", change={"entity": "village"}), r"EX-A\.yaml: entity: Input should be")
    other = tmp_path / "b"
    other.mkdir()
    _refused(_write(other, "EX-B", change={"domain": ["roads"]}), r"EX-B\.yaml: domain: .*\['roads'\] not among")


def test_sql_syntax_error(tmp_path: Path) -> None:
    folder = _write(tmp_path, "EX-A", change={"sql": "SELEC project_id AS entity_id FROM payments"})
    _refused(folder, r"EX-A\.yaml: sql: Parser Error")


def test_sql_unknown_column(tmp_path: Path) -> None:
    folder = _write(tmp_path, "EX-A", change={"sql": "SELECT project_id AS entity_id, payee FROM payments"})
    _refused(folder, r"EX-A\.yaml: sql: Binder Error.*payee")


def test_sql_without_entity_id(tmp_path: Path) -> None:
    folder = _write(tmp_path, "EX-A", change={"sql": "SELECT project_id FROM payments"})
    _refused(folder, r"EX-A\.yaml: sql: the query must return an entity_id column")


def test_undeclared_parameter(tmp_path: Path) -> None:
    sql = "SELECT project_id AS entity_id FROM payments WHERE amount > {{ floor }}"
    _refused(_write(tmp_path, "EX-A", change={"sql": sql}), r"EX-A\.yaml: sql: parameter\(s\) floor not declared")


def test_guide_placeholder_must_be_a_column(tmp_path: Path) -> None:
    guide = yaml.safe_load(GOOD)["guide"]
    guide["en"]["what"] = "Payment {payment_no} on a weekend"
    _refused(_write(tmp_path, "EX-A", change={"guide": guide}), r"EX-A\.yaml: guide\.en\.what: \{payment_no\}")


def test_missing_guide_language(tmp_path: Path) -> None:
    guide = yaml.safe_load(GOOD)["guide"]
    del guide["en"]
    _refused(_write(tmp_path, "EX-A", change={"guide": guide}), r"EX-A\.yaml: guide\.en: Field required")


def test_unknown_required_table(tmp_path: Path) -> None:
    _refused(_write(tmp_path, "EX-A", change={"requires": ["paymentz"]}), r"EX-A\.yaml: requires: unknown table")


def test_id_must_match_file_and_be_unique(tmp_path: Path) -> None:
    folder = _write(tmp_path, "EX-A")
    (folder / "EX-B.yaml").write_text((folder / "EX-A.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    _refused(folder, r"EX-B\.yaml: id: 'EX-A' differs from the file name 'EX-B'")


def test_duplicate_of_builtin_id(tmp_path: Path) -> None:
    folder = _write(tmp_path, "BID-R40-6")
    with pytest.raises(ValueError, match=r"BID-R40-6\.yaml: id: 'BID-R40-6' is already declared in .*catalog"):
        load_rules([folder])


def test_not_yaml(tmp_path: Path) -> None:
    _refused(_write(tmp_path, "EX-A", text="id: [unclosed"), r"EX-A\.yaml: <yaml>: not valid YAML")


def test_sql_in_sibling_file(tmp_path: Path) -> None:
    data = yaml.safe_load(GOOD)
    sql = data.pop("sql")
    data["id"] = "EX-SIB"
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "EX-SIB.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (folder / "EX-SIB.sql").write_text(sql, encoding="utf-8")
    assert load_rules([folder], builtin=False)[0].sql.startswith("SELECT")
