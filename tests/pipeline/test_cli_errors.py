"""Mistakes a new user makes end in one line and exit code 2, never a traceback; a run that loses much of a
table to quarantine says so in one line (issue 17, item 5). Through the CLI's runner, as a user meets them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from tests.contract.conftest import small_tables, write_csv
from yunshao.cli import app


def _one_line_error(result: Result) -> str:
    """The single error line of a failed command (progress lines may precede it on stderr)."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert result.stderr.rstrip().endswith(errors[0]), "the error is the last thing said"
    return errors[0]


def test_every_project_quarantined_is_one_line(tmp_path: Path) -> None:
    tables = small_tables()
    folder = write_csv(tmp_path / "ds", {k: v for k, v in tables.items() if k != "projects"})
    tables["projects"].assign(approved_at=[1709254800, 1711936800, 1714521600]).to_parquet(
        folder / "projects.parquet"
    )  # an export that wrote timestamps as epoch integers
    line = _one_line_error(CliRunner().invoke(app, ["run", str(folder), "--out", str(tmp_path / "out")]))
    assert line.startswith(f"error: {folder}: all 3 projects were quarantined (e.g. projects.parquet row 1: ")
    assert line.endswith("is not an ISO 8601 timestamp); nothing to score")


def test_a_part_missing_a_required_column_is_one_line_naming_it(tmp_path: Path) -> None:
    tables = small_tables()
    folder = write_csv(tmp_path / "ds", {k: v for k, v in tables.items() if k != "approvals"})
    tables["approvals"].iloc[:2].to_parquet(folder / "approvals.000.parquet")
    tables["approvals"].iloc[2:].rename(columns={"occurred_at": "time"}).to_parquet(folder / "approvals.001.parquet")
    line = _one_line_error(CliRunner().invoke(app, ["run", str(folder), "--out", str(tmp_path / "out")]))
    assert line == (
        f"error: {folder / 'approvals.001.parquet'}: required column occurred_at of table 'approvals' is missing"
    )


def test_out_naming_a_file_is_one_line(tmp_path: Path) -> None:
    folder = write_csv(tmp_path / "ds", small_tables())
    taken = tmp_path / "results.txt"
    taken.write_text("not a folder", encoding="utf-8")
    for out in (taken, taken / "sub"):
        line = _one_line_error(CliRunner().invoke(app, ["run", str(folder), "--out", str(out)]))
        assert line == f"error: --out {out}: {taken} is a file, not a folder"
    assert taken.read_text(encoding="utf-8") == "not a folder"


def test_keys_list_of_a_missing_file_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent" / "x"
    for command in (["keys", "list", "--db", str(missing)], ["keys", "revoke", "abc", "--db", str(missing)]):
        line = _one_line_error(CliRunner().invoke(app, command))
        assert line == f"error: {missing}: keys file not found (create a key with `yunshao keys create`)"
    assert not (tmp_path / "nonexistent").exists()


def test_a_keys_file_that_is_not_one_is_one_line(tmp_path: Path) -> None:
    bogus = tmp_path / "keys.sqlite"
    bogus.write_text("these are not keys", encoding="utf-8")
    line = _one_line_error(CliRunner().invoke(app, ["keys", "list", "--db", str(bogus)]))
    assert line.startswith(f"error: {bogus}: cannot be opened as a keys file: ")


def test_the_summary_warns_when_a_table_loses_more_than_the_share(tmp_path: Path) -> None:
    tables = small_tables()
    tables["approvals"].loc[tables["approvals"]["event_id"] == "E4", "node"] = "X99"  # 1 of 4 approvals
    folder = write_csv(tmp_path / "ds", tables)
    result = CliRunner().invoke(app, ["run", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stdout.splitlines() if line.startswith("warning:")]
    assert warned == [
        "warning: approvals lost 25% of its rows to quarantine (1 of 4; over the 5% warning share): "
        "see quarantine.parquet for the reasons"
    ]
    run_json = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert run_json["load"]["warnings"] == [warned[0].removeprefix("warning: ")]
