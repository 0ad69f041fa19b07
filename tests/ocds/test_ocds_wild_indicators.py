"""The indicators and both commands on files as publishers ship them: merged releases, the lacked-fields
report on stderr, the import summary and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from yunshao.ocds.cli import app as ocds_app
from yunshao.ocds.compiled import ReadLog, file_lines, read_compiled
from yunshao.ocds.hits import all_indicators_ini
from yunshao.ocds.indicators import Coverage, compute_indicators, compute_indicators_file, parse_settings
from yunshao.ocds.indicators.coverage import has_path

WILD = Path(__file__).parent / "fixtures" / "wild"


@pytest.fixture
def root() -> typer.Typer:
    root = typer.Typer()
    root.command("noop")(lambda: None)  # a second command keeps "ocds" a sub-command
    root.add_typer(ocds_app, name="ocds")
    return root


@pytest.fixture
def all_ini(tmp_path: Path) -> Path:
    path = tmp_path / "all.ini"
    path.write_text(all_indicators_ini(), encoding="utf-8")
    return path


def test_indicators_run_on_a_release_package(root: typer.Typer, all_ini: Path) -> None:
    """Before: ``{}``. The package's 8 releases are 3 compiled releases; ocds-cn0001-2024-002 has a 7-day
    submission period (R003); in ocds-cn0001-2024-001 the lowest bid (860 000) was disqualified (R036)."""
    cn = WILD / "release_package_cn.json"
    result = CliRunner().invoke(root, ["ocds", "indicators", str(cn), "--settings", str(all_ini), "--no-meta"])
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert output["OCID"]["ocds-cn0001-2024-002"] == {"R003": 1.0}
    assert output["OCID"]["ocds-cn0001-2024-001"]["R036"] == 1.0
    assert output["Buyer"] == {"GOV-CN-1": {"R038": 1 / 3}}  # 1 of its 3 submitted bids disqualified
    lines = result.stderr.splitlines()
    assert lines[:2] == [
        "read a JSON document: 8 releases and 0 compiled releases; 2 ocids merged from several releases; "
        "0 values skipped",
        "indicators: 3 compiled releases scored, 0 skipped (cancelled tender or excluded procurementMethodDetails)",
    ]
    # ocds-cn0001-2024-003 has no tenderPeriod; only -001 says numberOfTenderers; no award lists items
    assert (
        "R003: 1 flag (OCID 1); 1 of 3 compiled releases lack tender.tenderPeriod.startDate (1), "
        "tender.tenderPeriod.endDate (1)" in lines
    )
    assert "R018: 0 flags; 2 of 3 compiled releases lack tender.numberOfTenderers (2)" in lines
    assert (
        "R048: 0 flags; 3 of 3 compiled releases lack awards[].status (1), awards[].suppliers[].id (1), "
        "awards[].items[].classification.id (3)" in lines
    )


def test_an_empty_result_explains_itself(root: typer.Typer, tmp_path: Path) -> None:
    settings = tmp_path / "r003.ini"
    settings.write_text("[R003]\n", encoding="utf-8")
    ua = WILD / "compiled_ua.jsonl.gz"
    result = CliRunner().invoke(root, ["ocds", "indicators", str(ua), "--settings", str(settings), "--no-meta"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "{}"
    # L's period is 16 days; M has none; N is cancelled (skipped); the second L is a duplicate
    assert "indicators: 2 compiled releases scored, 1 skipped" in result.stderr
    assert (
        "R003: 0 flags; 1 of 2 compiled releases lack tender.tenderPeriod.startDate (1), "
        "tender.tenderPeriod.endDate (1)" in result.stderr
    )
    assert "compiled_ua.jsonl.gz:5: ocid: ocds-ua0001-L is a second compiled release (first at line 1)" in result.stderr


def test_indicators_on_releases_equal_indicators_on_their_compiled_releases(tmp_path: Path) -> None:
    """Merging first and scoring compiled releases (Cardinal's input) gives the same output."""
    settings = parse_settings(all_indicators_ini())
    source = WILD / "multi_publisher.jsonl"
    compiled = [c.data for c in read_compiled(file_lines(source), ReadLog(str(source), quiet=True))]
    lines = [json.dumps(c, ensure_ascii=False) + "\n" for c in compiled]
    assert compute_indicators_file(source, settings) == compute_indicators(lines, settings)


def test_multi_publisher_flags(tmp_path: Path) -> None:
    output = compute_indicators_file(WILD / "multi_publisher.jsonl", parse_settings("[R003]\n[R028]\n"))
    # R003: 7 days (cn-002), 9 days (ro-103), 10 days (mx-G); R028: MX-E1 and MX-E2 both bid 4 100 000 MXN
    assert output["OCID"] == {
        "ocds-cn0001-2024-002": {"R003": 1.0},
        "ocds-ro0001-103": {"R003": 1.0},
        "ocds-mx0001-G": {"R003": 1.0, "R028": 1.0},
    }
    assert output["Tenderer"] == {"MX-E1": {"R028": 1.0}, "MX-E2": {"R028": 1.0}}


def test_coverage_counts_per_path() -> None:
    assert has_path({"bids": {"details": [{"value": {}}, {"value": {"amount": 5}}]}}, "bids.details[].value.amount")
    assert not has_path({"bids": {"details": [{"value": {"amount": None}}]}}, "bids.details[].value.amount")
    assert not has_path({"tender": {"procurementMethod": "  "}}, "tender.procurementMethod")
    assert not has_path({"awards": {"status": "active"}}, "awards[].status")  # not an array
    coverage = Coverage({})
    compute_indicators(
        ['{"ocid": "a", "tender": {"procurementMethod": "open"}}\n', '{"ocid": "b"}\n'],
        parse_settings("[R018]\n"),
        coverage=coverage,
    )
    assert coverage.line("R018") == (
        "R018: 0 flags; 2 of 2 compiled releases lack tender.procurementMethod (1), tender.numberOfTenderers (2)"
    )


def test_import_command_summary(root: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "ds"
    result = CliRunner().invoke(root, ["ocds", "import", str(WILD / "multi_publisher.jsonl"), str(out)])
    assert result.exit_code == 0, result.output
    assert "47 releases and 6 compiled releases; 8 ocids merged from several releases; 6 values skipped" in (
        result.stderr
    )
    assert "projects 40 (95.2% of the 42 distinct ocids)" in result.stderr
    assert "quarantined (see quarantine.parquet): projects 2, releases 5" in result.stderr
    assert "kept with data-quality notes (see notes.parquet): tenders 29, units 27" in result.stderr
    assert "amounts by currency: BRL 3, CNY 13, COP 1, EUR 3, GBP 2, GHS 22, MDL 1, MXN 8, PYG 2, RON 5, UAH 5" in (
        result.stderr
    )


def test_a_broken_document_is_a_one_line_error(root: typer.Typer, tmp_path: Path, all_ini: Path) -> None:
    path = tmp_path / "package.json"
    path.write_text('{\n  "releases": [\n    {"ocid": "a",}\n  ]\n}\n', encoding="utf-8")
    indicators = ["indicators", str(path), "--settings", str(all_ini)]
    for command in (["import", str(path), str(tmp_path / "ds")], indicators):
        result = CliRunner().invoke(root, ["ocds", *command])
        assert result.exit_code == 2
        assert result.stderr == f"error: {path}:3:18: invalid JSON: Expecting property name enclosed in double quotes\n"
