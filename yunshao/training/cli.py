"""``yunshao train | tune | promote``: models in the MLflow registry.

Register on the top-level app with ``register(app)`` (or ``app.command()(train)`` per command).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from yunshao.settings import Settings
from yunshao.training.spec import ExperimentSpec

app = typer.Typer(help="models: train, tune, promote / 模型：训练、调参、上线", no_args_is_help=True)
console = Console()
err = Console(stderr=True, soft_wrap=True)  # one-line errors keep long paths whole

DatasetArg = Annotated[Path, typer.Argument(help="contract dataset folder")]
SpecOpt = Annotated[Path | None, typer.Option("--spec", help="experiment spec YAML (experiments/*.yaml)")]


def _spec(path: Path | None) -> ExperimentSpec:
    from yunshao.training.spec import load_spec

    try:
        return load_spec(path)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None


def _dataset(path: Path) -> None:
    if not path.is_dir():
        err.print(f"[red]error:[/red] {path}: dataset folder not found", highlight=False)
        raise typer.Exit(2)


@app.command()
def train(dataset: DatasetArg, spec: SpecOpt = None) -> None:
    """Train on DATASET, log to MLflow, register a version with the alias `challenger`."""
    from yunshao.training.experiment import train as run_train

    _dataset(dataset)
    summary = run_train(dataset, _spec(spec), Settings(), spec_path=spec)
    console.print(f"registered version [bold]{summary.version}[/bold] as challenger (run {summary.run_id})")
    console.print(f"combination: {summary.combination}")
    for row in summary.comparison:
        console.print(f"  {row}")
    for key, value in sorted(summary.metrics.items()):
        console.print(f"  {key}: {value:.4f}")
    for note in summary.notes:
        console.print(f"  note: {note}")


@app.command()
def tune(
    dataset: DatasetArg,
    trials: Annotated[int, typer.Option("--trials", help="finished trials the study should hold")] = 20,
    spec: SpecOpt = None,
    write_spec: Annotated[
        Path | None, typer.Option("--write-spec", help="write the best parameters as a new spec YAML")
    ] = None,
) -> None:
    """Optuna study (SQLite, pruning, resumable) over classifier and combination parameters."""
    import yaml

    from yunshao.training.tune import tune as run_tune
    from yunshao.training.tune import tuned_spec

    _dataset(dataset)
    experiment = _spec(spec)
    summary = run_tune(dataset, trials, experiment, Settings())
    console.print(
        f"study {summary.study_name}: {summary.trials} trials ({summary.ran} run now), best {summary.best_value}"
    )
    console.print(summary.best_params)
    if write_spec is not None and summary.best_params:
        best = tuned_spec(experiment, summary.best_params)
        write_spec.write_text(yaml.safe_dump(best.model_dump(mode="json"), allow_unicode=True, sort_keys=False))
        console.print(f"wrote {write_spec}")


@app.command()
def promote(
    version: Annotated[str | None, typer.Option("--version", help="version to promote (default: challenger)")] = None,
) -> None:
    """Move the alias `champion` to a registered version (default: the current `challenger`)."""
    from mlflow.exceptions import MlflowException

    from yunshao.training.registry import promote as run_promote
    from yunshao.training.registry import registry_exists, resolve_uri

    settings = Settings().model
    if not registry_exists(settings):
        uri = resolve_uri(settings.mlflow_tracking_uri)
        err.print(f"[red]error:[/red] no model registry at {uri}: run `yunshao train` first", highlight=False)
        raise typer.Exit(2)
    try:
        promoted = run_promote(settings, version)
    except MlflowException as exc:
        err.print(f"[red]error:[/red] {exc.message}", highlight=False)
        raise typer.Exit(2) from None
    console.print(f"champion → version {promoted}")


def register(root: typer.Typer) -> None:
    """Add train, tune and promote to the top-level app."""
    root.command()(train)
    root.command()(tune)
    root.command()(promote)
