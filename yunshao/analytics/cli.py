"""The ``yunshao report`` command (registered by yunshao/cli.py as ``app.command()(report)``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from yunshao.console.where import say_where
from yunshao.contract import ContractError


def report(
    dataset: Annotated[Path, typer.Argument(help="dataset folder (contract tables) / 数据集目录")],
    out: Annotated[Path, typer.Option("--out", help="folder for index.html and the tables / 输出目录")],
    run: Annotated[
        Path | None,
        typer.Option("--run", help="output folder of `yunshao run` (reuses its store) / 运行输出目录"),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh | en")] = "zh",
    cases_from: Annotated[
        Path | None,
        typer.Option(
            "--cases-from",
            help="a run folder whose case store's cases give the real rectification and disposal rates "
            "(default: the --run folder's, when it has one) / 读取该运行目录案件库的真实整改率、处置率",
        ),
    ] = None,
) -> None:
    """Supervision report: integrity index, high-risk posts, rule review, recurring problems / 监督分析报告."""
    from yunshao.analytics.report import build_report
    from yunshao.settings import get_settings

    if lang not in ("zh", "en"):
        raise typer.BadParameter("--lang must be zh or en")
    if run is not None and not run.is_dir():
        raise typer.BadParameter(f"{run}: run folder not found", param_hint="--run")
    if cases_from is not None and not cases_from.exists():
        raise typer.BadParameter(f"{cases_from}: run folder not found", param_hint="--cases-from")
    model = get_settings().model
    if run is None and model.use_champion:  # the report runs the pipeline, which scores with the champion
        say_where("model registry", model.mlflow_tracking_uri)
    folder = cases_from or run
    if folder is not None:
        _say_case_store(folder)
    try:
        result = build_report(dataset, out, run=run, lang=lang, cases_from=cases_from)
    except ContractError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    c = result.counts
    rates = "real rates from cases" if result.rates == "cases" else "rectification and disposal are proxies"
    typer.echo(
        f"{result.index_html}  ({c.get('units', 0)} units, {c.get('projects', 0)} projects, "
        f"{c.get('warnings', 0)} warnings, {c.get('outcomes', 0)} outcomes, {c.get('cases', 0)} cases; {rates})"
    )


def _say_case_store(folder: Path) -> None:
    """Print which case store the report reads (the one ``yunshao cases sync --store`` writes)."""
    try:
        from yunshao.analytics.case_store import shown_location
        from yunshao.serving.feedback import run_feedback_location
        from yunshao.settings import get_settings
    except ImportError:  # no serving extras: no case store
        return
    say_where("case store", shown_location(run_feedback_location(folder, get_settings().serve)))
