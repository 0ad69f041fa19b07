"""``yunshao screens BIDS --labels VERDICTS --out OUT`` through typer's CliRunner."""

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from yunshao.ocds.cli import screens
from yunshao.simulate.bid_markets import MarketSpec, simulate_market


@pytest.fixture
def root():
    root = typer.Typer()
    root.command("screens")(screens)
    root.command("noop")(lambda: None)  # two commands, so "screens" is named on the command line
    return root


@pytest.fixture
def market(tmp_path):
    spec = MarketSpec("m", n_tenders=120, collusive_share=0.5, rings={"full": 0.5, "weak": 0.5})
    market = simulate_market(spec, 3)
    market.bids.to_csv(tmp_path / "bids.csv", index=False)
    market.truth.iloc[:60][["tender_id", "collusive"]].to_csv(tmp_path / "verdicts.csv", index=False)
    return market


def invoke(root, *args):
    return CliRunner().invoke(root, ["screens", *map(str, args)])


def test_labels_score_every_tender_and_print_the_auc_table(root, tmp_path, market):
    out = tmp_path / "scores.parquet"
    result = invoke(root, tmp_path / "bids.csv", "--labels", tmp_path / "verdicts.csv", "--out", out)
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    for column in ("cv", "kurtosis", "rd", "missing_screens", "collusion_score", "supervised_score", "has_verdict"):
        assert column in frame.columns
    assert len(frame) == 120
    assert frame["has_verdict"].sum() == 60
    assert frame["supervised_score"].between(0, 1).all()
    assert "cross-validated" in result.stderr
    for name in ("collusion_score (default)", "cv ", "kurtosis ", "rd "):
        assert name in result.stderr


def test_bids_as_parquet_and_output_as_csv(root, tmp_path, market):
    market.bids.to_parquet(tmp_path / "bids.parquet")
    result = invoke(root, tmp_path / "bids.parquet", "--out", tmp_path / "s.csv")
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(tmp_path / "s.csv")) == 120


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("tender_id,verdict\nm-00000,1\n", "missing column(s) collusive; expected tender_id, collusive"),
        ("tender_id,collusive\nm-00000,1\nT-404,0\n", "row 3, column tender_id: no such tender in the bids: 'T-404'"),
        ("tender_id,collusive\nm-00000,1\nm-00001,yes\n", "row 3, column collusive: must be 0 or 1, not 'yes'"),
        ("tender_id,collusive\nm-00000,1\nm-00001,2\n", "row 3, column collusive: must be 0 or 1, not '2'"),
        ("tender_id,collusive\nm-00000,1\nm-00001,1\n", "column collusive: every verdict is 1"),
        ("tender_id,collusive\nm-00000,1\nm-00001,0\nm-00002,0\n", "only 1 tender(s) with verdict 1"),
        (
            "tender_id,collusive\nm-00000,1\nm-00000,0\n",
            "row 3, column tender_id: two different verdicts for 'm-00000'",
        ),
        ("tender_id,collusive\n", "no verdicts"),
    ],
)
def test_bad_verdicts_are_one_line_errors(root, tmp_path, market, content, fragment):
    labels = tmp_path / "labels.csv"
    labels.write_text(content, encoding="utf-8")
    result = invoke(root, tmp_path / "bids.csv", "--labels", labels, "--out", tmp_path / "o.parquet")
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith(f"error: {labels}: ")
    assert fragment in message


def test_unreadable_parquet_is_a_one_line_error(root, tmp_path):
    bad = tmp_path / "bids.parquet"
    bad.write_bytes(b"not parquet at all")
    result = invoke(root, bad, "--out", tmp_path / "o.parquet")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert f"{bad}: cannot read as Parquet" in result.stderr
