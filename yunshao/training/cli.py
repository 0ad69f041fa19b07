"""``yunshao train | tune | promote``: models in the MLflow registry.

Register on the top-level app with ``register(app)`` (or ``app.command()(train)`` per command).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from yunshao.console.where import say_where
from yunshao.contract.errors import ContractError

if TYPE_CHECKING:  # the settings and the spec are imported by the commands, so `yunshao --help` stays fast
    from yunshao.settings import Settings
    from yunshao.training.spec import ExperimentSpec

app = typer.Typer(help="models: train, tune, promote / 模型：训练、调参、上线", no_args_is_help=True)
console = Console()
err = Console(stderr=True, soft_wrap=True)  # one-line errors keep long paths whole

DatasetArg = Annotated[Path, typer.Argument(help="contract dataset folder")]
SpecOpt = Annotated[Path | None, typer.Option("--spec", help="experiment spec YAML (experiments/*.yaml)")]


def _fail(message: str) -> typer.Exit:
    """A one-line error (a dataset that cannot be read, a bad spec) and exit code 2."""
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(2)


def _spec(path: Path | None, settings: Settings) -> ExperimentSpec:
    """The spec file over the settings' defaults (what the file leaves out, the settings give)."""
    from yunshao.training.spec import load_spec

    try:
        return load_spec(path, settings)
    except ValueError as exc:
        raise _fail(str(exc)) from None


def _settings() -> Settings:
    """The settings, after saying which registry the command uses (MLflow's own lines quiet unless -v)."""
    from yunshao.console.noise import quiet_mlflow
    from yunshao.settings import Settings

    settings = Settings()
    say_where("model registry", settings.model.mlflow_tracking_uri)
    quiet_mlflow()
    return settings


VerdictsOpt = Annotated[
    Path | None,
    typer.Option(
        "--verdicts-from",
        help="a run folder whose case store's verdicts join the labels / 读取该运行目录的核查结论作为标签",
    ),
]


def _with_verdicts(settings: Settings, run_folder: Path | None) -> Settings:
    """Settings that read the verdicts of ``run_folder``'s case store (unless a database URL is set)."""
    if run_folder is None:
        return settings
    from yunshao.serving.core.config import state_path_for

    serve = settings.serve.model_copy(update={"state_db": state_path_for(run_folder)})
    return settings.model_copy(update={"serve": serve})


def _dataset(path: Path) -> None:
    if not path.is_dir():
        raise _fail(f"{path}: dataset folder not found")


@app.command()
def train(dataset: DatasetArg, spec: SpecOpt = None, verdicts_from: VerdictsOpt = None) -> None:
    """Train on DATASET, log to MLflow, register a version with the alias `challenger`."""
    from yunshao.console.progress import steps
    from yunshao.training.experiment import TRAIN_STEPS
    from yunshao.training.experiment import train as run_train

    _dataset(dataset)
    settings = _with_verdicts(_settings(), verdicts_from)
    experiment = _spec(spec, settings)
    try:
        with steps("training", TRAIN_STEPS) as step:
            summary = run_train(dataset, experiment, settings, spec_path=spec, progress=step)
    except ContractError as exc:
        raise _fail(str(exc)) from None
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
    verdicts_from: VerdictsOpt = None,
) -> None:
    """Optuna study (SQLite, pruning, resumable) over classifier and combination parameters."""
    import yaml

    from yunshao.console.noise import quiet_optuna
    from yunshao.console.progress import bar
    from yunshao.training.tune import tune as run_tune
    from yunshao.training.tune import tuned_spec

    _dataset(dataset)
    settings = _with_verdicts(_settings(), verdicts_from)
    experiment = _spec(spec, settings)
    say_where("optuna storage", settings.model.optuna_storage)
    quiet_optuna()
    try:
        with bar("tuning: trials") as update:
            summary = run_tune(dataset, trials, experiment, settings, progress=update)
    except ContractError as exc:
        raise _fail(str(exc)) from None
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
    from yunshao.training.registry import registry_exists

    settings = _settings().model
    if not registry_exists(settings):
        raise _fail(f"no model registry at {settings.mlflow_tracking_uri}: run `yunshao train` first")
    try:
        promoted = run_promote(settings, version)
    except MlflowException as exc:
        raise _fail(exc.message) from None
    console.print(f"champion → version {promoted}")


def register(root: typer.Typer) -> None:
    """Add train, tune and promote to the top-level app."""
    root.command()(train)
    root.command()(tune)
    root.command()(promote)
