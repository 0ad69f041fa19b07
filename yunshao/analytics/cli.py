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
) -> None:
    """Supervision report: integrity index, high-risk posts, rule review, recurring problems / 监督分析报告."""
    from yunshao.analytics.report import build_report
    from yunshao.settings import get_settings

    if lang not in ("zh", "en"):
        raise typer.BadParameter("--lang must be zh or en")
    if run is not None and not run.is_dir():
        raise typer.BadParameter(f"{run}: run folder not found", param_hint="--run")
    model = get_settings().model
    if run is None and model.use_champion:  # the report runs the pipeline, which scores with the champion
        say_where("model registry", model.mlflow_tracking_uri)
    try:
        result = build_report(dataset, out, run=run, lang=lang)
    except ContractError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    c = result.counts
    typer.echo(
        f"{result.index_html}  ({c.get('units', 0)} units, {c.get('projects', 0)} projects, "
        f"{c.get('warnings', 0)} warnings, {c.get('outcomes', 0)} outcomes)"
    )
