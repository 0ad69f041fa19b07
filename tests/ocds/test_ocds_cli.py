"""The OCDS commands through typer's CliRunner, mounted as the lead will mount them."""

import json

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from yunshao.ocds.cli import app as ocds_app
from yunshao.ocds.cli import screens
from yunshao.ocds.indicators import indicator_hits, parse_settings


@pytest.fixture
def root():
    root = typer.Typer()
    root.command("screens")(screens)
    root.add_typer(ocds_app, name="ocds")
    return root


@pytest.fixture
def releases(tmp_path, ocds):
    rows = [
        {"ocid": "o1", "buyer": {"id": "B"}, "tender": {"procurementMethod": "open", "numberOfTenderers": 1}},
        {"ocid": "o2", "buyer": {"id": "B"}, "tender": {"procurementMethod": "open", "numberOfTenderers": 3}},
    ]
    path = tmp_path / "r.jsonl"
    path.write_text("".join(ocds.lines(rows)) + "{bad\n", encoding="utf-8")
    return path


def test_indicators_stdout_is_the_json(root, releases, tmp_path):
    settings = tmp_path / "s.ini"
    settings.write_text("[R018]\n[R024]\n", encoding="utf-8")
    result = CliRunner().invoke(root, ["ocds", "indicators", str(releases), "--settings", str(settings)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "OCID": {"o1": {"R018": 1.0}},
        "Meta": {"R024": {"q1": None, "q3": None, "lower_fence": None}},
    }
    assert "r.jsonl:3: invalid JSON" in result.stderr
    result = CliRunner().invoke(root, ["ocds", "indicators", str(releases), "--settings", str(settings), "--no-meta"])
    assert json.loads(result.stdout) == {"OCID": {"o1": {"R018": 1.0}}}
    result = CliRunner().invoke(root, ["ocds", "indicators", str(releases)])
    assert result.stdout.strip() == '{"Meta":{}}'


def test_indicators_bad_settings(root, releases, tmp_path):
    settings = tmp_path / "s.ini"
    settings.write_text("[R003]\nthreshold = 15 # default\n", encoding="utf-8")
    result = CliRunner().invoke(root, ["ocds", "indicators", str(releases), "--settings", str(settings)])
    assert result.exit_code == 2
    assert f"{settings}:2: [R003] threshold: expected an integer" in result.stderr
    assert result.stdout == ""


def test_import_command(root, releases, tmp_path):
    out = tmp_path / "ds"
    result = CliRunner().invoke(root, ["ocds", "import", str(releases), str(out)])
    assert result.exit_code == 0, result.output
    assert "imported 2 releases" in result.stderr
    assert len(pd.read_parquet(out / "projects.parquet")) == 2
    assert "line 3: invalid JSON" in pd.read_parquet(out / "quarantine.parquet")["reason"].iloc[0]


def test_screens_command(root, tmp_path):
    csv = tmp_path / "bids.csv"
    csv.write_text("tender_id,company_id,price,is_winner\nT,A,100,true\nT,B,110,false\nT,C,115,false\n")
    out = tmp_path / "s.parquet"
    result = CliRunner().invoke(root, ["screens", str(csv), "--out", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    assert frame["diffp"].tolist() == [pytest.approx(0.1)]
    bad = tmp_path / "bad.csv"
    bad.write_text("tender_id,company_id,price\nT,A,cheap\n")
    result = CliRunner().invoke(root, ["screens", str(bad), "--out", str(out)])
    assert result.exit_code == 2
    assert "row 2, column price" in result.stderr


def test_indicator_hits_rows(releases):
    hits = indicator_hits(releases, parse_settings("[R018]\n"))
    assert hits.to_dict("records") == [
        {
            "indicator": "R018",
            "indicator_zh": "仅收到一份投标",
            "indicator_en": "single bid received",
            "group": "OCID",
            "id": "o1",
            "value": 1.0,
        }
    ]
