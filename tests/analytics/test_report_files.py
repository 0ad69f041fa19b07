"""``build_report`` and ``yunshao report`` end to end on the hand-made dataset, from files and from a store.

From files there is no feedback table, so w3 stays unverified: U1's disposition is 3/6 and its index
15 + 22.5 + 0 + 15·0.5 = 45.0 (47.5 with the store's feedback, see test_index_by_hand.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from tests.analytics.handmade import CONTRACT_FRAMES, UNITS, add_run_tables
from yunshao.analytics import build_report
from yunshao.analytics.cli import report
from yunshao.contract import ContractError, load_frames
from yunshao.engine import connect
from yunshao.settings import Settings

TABLES = ("units", "monthly", "quarterly", "yearly", "posts", "rules", "recurring")


def _index(out: Path) -> dict[str, float]:
    units = pd.read_parquet(out / "units.parquet")
    return dict(zip(units["unit_id"], units["index"], strict=True))


def test_report_from_dataset_and_run_files(
    hand_dataset: tuple[Path, Path], hand_settings: Settings, tmp_path: Path
) -> None:
    dataset, run = hand_dataset
    out = tmp_path / "report"
    result = build_report(dataset, out, run=run, settings=hand_settings)
    index = _index(out)
    assert index["U1"] == pytest.approx(45.0)
    assert index["U2"] == pytest.approx(56.5)
    for name in TABLES:
        assert (out / f"{name}.parquet").exists() and (out / f"{name}.csv").exists()
    csv = pd.read_csv(out / "units.csv", encoding="utf-8-sig")
    assert set(csv["name"]) == set(UNITS["name"])
    assert result.counts == {"units": 4, "projects": 8, "warnings": 11, "outcomes": 6, "cases": 0}
    assert result.rates == "proxy"
    assert set(result.charts) == {"index", "monthly", "rules", "unit_trend"}


def test_report_from_a_store_reads_feedback(
    hand_dataset: tuple[Path, Path], hand_settings: Settings, tmp_path: Path
) -> None:
    dataset, _ = hand_dataset
    run = tmp_path / "store_run"
    run.mkdir()
    con = connect(run / "yunshao.duckdb")
    load_frames(con, CONTRACT_FRAMES)
    add_run_tables(con, feedback=True)
    con.close()
    build_report(dataset, tmp_path / "report", run=run, settings=hand_settings)
    assert _index(tmp_path / "report")["U1"] == pytest.approx(47.5)


def test_html_names_every_unit_and_fetches_nothing(
    hand_dataset: tuple[Path, Path], hand_settings: Settings, tmp_path: Path
) -> None:
    dataset, run = hand_dataset
    result = build_report(dataset, tmp_path / "zh", run=run, settings=hand_settings)
    html = result.index_html.read_text(encoding="utf-8")
    for name in UNITS["name"]:
        assert name in html
    assert "廉情地图" in html and "高风险岗位" in html and "高频问题" in html
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", html)
    assert "<script" not in html and "@import" not in html
    assert html.count("data:image/png;base64,") == 4
    en = build_report(dataset, tmp_path / "en", run=run, lang="en", settings=hand_settings)
    text = en.index_html.read_text(encoding="utf-8")
    assert "Integrity map" in text and "Recurring problems" in text and "江南镇" in text


def test_a_run_without_warnings_is_refused(hand_dataset: tuple[Path, Path], tmp_path: Path) -> None:
    dataset, _ = hand_dataset
    empty = tmp_path / "empty_run"
    empty.mkdir()
    with pytest.raises(ContractError, match="empty_run: no warnings found"):
        build_report(dataset, tmp_path / "out", run=empty)


def test_cli_report(hand_dataset: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dataset, run = hand_dataset
    monkeypatch.setenv("YUNSHAO_REPORT__WARNING_RATE_CAP", "350")
    monkeypatch.setenv("YUNSHAO_REPORT__CONFIRMED_RATE_CAP", "100")
    from yunshao.settings import get_settings

    get_settings.cache_clear()
    app = typer.Typer()
    app.command()(report)
    out = tmp_path / "cli"
    result = CliRunner().invoke(app, [str(dataset), "--out", str(out), "--run", str(run), "--lang", "en"])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "4 units, 8 projects, 11 warnings, 6 outcomes" in result.output
    assert _index(out)["U2"] == pytest.approx(56.5)
    bad = CliRunner().invoke(app, [str(dataset), "--out", str(out), "--lang", "fr"])
    assert bad.exit_code != 0 and "zh or en" in bad.output


def test_contract_only_warning_columns(
    hand_dataset: tuple[Path, Path], hand_settings: Settings, tmp_path: Path
) -> None:
    """warnings.parquet with the contract's seven columns only: no project_id, post_id or scheme.

    The tender warning w6 still reaches p5 through tenders, and without schemes every project outcome
    answers every warning on it: w2 is now confirmed by p1's label. U1: w1 w2 w4 w9 verified, w1 w2
    confirmed; w2 (R-B) never recurs in U1 after 2024-02, w1 (R-A) does → rectified 1/2. Index =
    35·3/7 + 30·0.75 + 20·0.5 + 15·4/6 = 15 + 22.5 + 10 + 10 = 57.5.
    """
    dataset, run = hand_dataset
    frame = pd.read_parquet(run / "warnings.parquet")
    frame = frame[["warning_id", "entity_type", "entity_id", "rule_id", "severity"]].assign(evidence="{}", guide="")
    frame.to_parquet(run / "warnings.parquet", index=False)
    build_report(dataset, tmp_path / "out", run=run, settings=hand_settings)
    units = pd.read_parquet(tmp_path / "out" / "units.parquet").set_index("unit_id")
    assert units.loc["U2", "warnings"] == 5
    assert (units.loc["U1", "decided_warnings"], units.loc["U1", "confirmed_warnings"]) == (4, 2.0)
    assert units.loc["U1", "index"] == pytest.approx(57.5)


def test_without_a_run_the_pipeline_runs_first(
    hand_dataset: tuple[Path, Path], hand_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yunshao.pipeline

    dataset, run = hand_dataset
    calls: list[tuple[Path, Path]] = []

    def fake_run(ds: Path, out: Path, settings: Settings | None = None, **_: object) -> None:
        calls.append((ds, out))
        (out / "warnings.parquet").write_bytes((run / "warnings.parquet").read_bytes())

    monkeypatch.setattr(yunshao.pipeline, "run", fake_run)
    build_report(dataset, tmp_path / "out", settings=hand_settings)
    assert len(calls) == 1 and calls[0][0] == dataset and not calls[0][1].exists()  # temporary, removed
    assert _index(tmp_path / "out")["U1"] == pytest.approx(45.0)


def test_names_from_the_data_are_escaped(
    hand_con: duckdb.DuckDBPyConnection, hand_settings: Settings, tmp_path: Path
) -> None:
    from yunshao.analytics.report import report_from_connection

    hand_con.execute("UPDATE units SET name = '<img src=x onerror=alert(1)>镇' WHERE unit_id = 'U3'")
    result = report_from_connection(hand_con, tmp_path / "out", settings=hand_settings, catalog={})
    html = result.index_html.read_text(encoding="utf-8")
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;镇" in html


def test_no_warnings_no_units_table_no_posts(tmp_path: Path) -> None:
    from tests.analytics.handmade import APPROVALS, PROJECTS
    from yunshao.analytics.report import report_from_connection

    con = connect()
    load_frames(con, {"projects": PROJECTS, "approvals": APPROVALS.drop(columns=["post_id"])})
    con.execute("CREATE TABLE warnings (warning_id VARCHAR, entity_type VARCHAR, entity_id VARCHAR, rule_id VARCHAR)")
    result = report_from_connection(con, tmp_path / "out", settings=Settings(), catalog={})
    units = pd.read_parquet(tmp_path / "out" / "units.parquet")
    # no warning anywhere: the warning component is 1 (no cap), nothing else has data → 100, ranks tied
    assert units["index"].tolist() == [100.0, 100.0] and units["rank"].tolist() == [1, 1]
    assert units["name"].tolist() == ["U1", "U2"]  # no units table: ids stand in for names
    assert set(result.charts) == {"index", "monthly", "unit_trend"}
    assert len(pd.read_parquet(tmp_path / "out" / "posts.parquet")) == 0


def test_feedback_kept_by_the_api_beside_the_run_is_read(
    hand_dataset: tuple[Path, Path], hand_settings: Settings, tmp_path: Path
) -> None:
    """The API keeps feedback in its case store beside the store; w3's row there makes U1 47.5 as with the store."""
    feedback = pytest.importorskip("yunshao.serving.feedback")
    from yunshao.serving.core.config import state_path_for
    from yunshao.serving.core.db import Database

    dataset, run = hand_dataset
    db = Database(state_path_for(run))
    feedback.FeedbackStore(db).save(
        {
            "client_key": "k1",
            "entity_type": "project",
            "entity_id": "p2",
            "warning_id": "w3",
            "outcome": "unfounded",
            "scheme": None,
            "note": "核查无异常",
            "who": "inspector1",
            "key_id": "key1",
            "decided_at": "2024-02-15 00:00:00",
        }
    )
    db.dispose()
    build_report(dataset, tmp_path / "out", run=run, settings=hand_settings)
    assert _index(tmp_path / "out")["U1"] == pytest.approx(47.5)
