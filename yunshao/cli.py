"""The one command-line app: ``yunshao simulate | run | features | rules | train | … ``.

Errors a user can fix (a missing folder, an unreadable file, a malformed rule) print one line naming the
file and exit with code 2; tracebacks are for bugs only.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from yunshao.console.where import say_where
from yunshao.contract import ContractError

app = typer.Typer(
    name="yunshao",
    help="云哨 yunshao: finds the misuse of public power in government data, scores it and explains why.",
    no_args_is_help=True,
    add_completion=False,
)
# wide enough for the top-projects table when the output goes to a file or a CI log
out_console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line error and return the exit to raise."""
    err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@app.callback()
def _options(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="show MLflow, Optuna and scikit-learn log lines / 显示第三方库日志")
    ] = False,
) -> None:
    """Options of every command, applied before any command imports a library."""
    from yunshao.console.noise import configure

    configure(verbose)


@app.command()
def simulate(
    out: Annotated[Path, typer.Argument(help="dataset folder to write")],
    projects: Annotated[int, typer.Option(help="number of projects")] = 5000,
    seed: Annotated[int, typer.Option(help="random seed; same seed, same data")] = 0,
    label_frac: Annotated[float, typer.Option(help="share of planted cases handed over as labels")] = 0.4,
    truth: Annotated[Path | None, typer.Option(help="ground-truth folder (default: OUT_truth)")] = None,
    profile: Annotated[str, typer.Option(help="county conventions: default or a foreign profile")] = "default",
    documents: Annotated[
        bool, typer.Option("--documents", help="also write bid and tender files (.docx/.txt) / 同时生成投标及招标文件")
    ] = False,
) -> None:
    """Simulate a county's trail data with planted misconduct and benign look-alikes."""
    from yunshao.console.progress import bar
    from yunshao.console.simulation import print_simulation_summary
    from yunshao.simulate import simulate as run_simulation
    from yunshao.simulate.profiles import PROFILES

    if not 0.0 <= label_frac <= 1.0:
        raise fail(f"--label-frac must be between 0 and 1, got {label_frac}")
    if profile not in PROFILES:
        raise fail(f"--profile: unknown profile '{profile}'; known: {', '.join(PROFILES)}")
    with bar("simulating projects") as update:
        summary = run_simulation(
            out,
            projects,
            seed,
            label_frac=label_frac,
            truth=truth,
            progress=update,
            profile=profile,
            documents=documents,
        )
    print_simulation_summary(summary, out_console)


@app.command()
def run(
    dataset: Annotated[Path, typer.Argument(help="contract dataset folder")],
    out: Annotated[Path, typer.Option("--out", help="output folder")],
    lang: Annotated[str, typer.Option(help="language of guides and names: zh or en")] = "zh",
    rules_dir: Annotated[list[Path] | None, typer.Option("--rules-dir", help="extra rule files")] = None,
    top: Annotated[int, typer.Option(help="riskiest projects to print")] = 10,
    engine: Annotated[
        str | None, typer.Option(help="duckdb (embedded, default) or spark; default from settings engine.name")
    ] = None,
    master: Annotated[
        str | None, typer.Option(help="Spark master with --engine spark: local[2], spark://host:7077")
    ] = None,
    domains_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--domains-dir", help="extra folder of power-item declarations (docs/domains.md) / 权力事项声明目录"
        ),
    ] = None,
) -> None:
    """Load, validate, compute features, run rules and models, and write the scores and warnings."""
    from yunshao.console.progress import stage_progress
    from yunshao.console.summary import print_run_summary
    from yunshao.pipeline import run as run_pipeline
    from yunshao.rules.model import RuleError
    from yunshao.settings import Settings

    if lang not in ("zh", "en"):
        raise fail(f"--lang must be zh or en, got {lang}")
    _require_folder_path(out)
    settings = Settings(lang=lang)  # type: ignore[arg-type]
    settings.engine = _engine_choice(settings, engine, master)
    settings.domains = _activate_domains(settings.domains, domains_dir or ())
    if settings.model.use_champion:
        say_where("model registry", settings.model.mlflow_tracking_uri)
    try:
        with stage_progress() as hook:
            result = run_pipeline(dataset, out, settings, rules_dirs=rules_dir or (), on_stage=hook)
    except (ContractError, RuleError) as exc:
        raise fail(str(exc)) from None
    print_run_summary(result, out_console, top=top)


@app.command()
def update(
    delta: Annotated[Path, typer.Argument(help="folder of new and changed rows (any contract tables)")],
    store: Annotated[Path, typer.Option("--store", help="a run's output folder (or its yunshao.duckdb)")],
    rules_dir: Annotated[list[Path] | None, typer.Option("--rules-dir", help="the run's extra rule files")] = None,
    domains_dir: Annotated[
        list[Path] | None, typer.Option("--domains-dir", help="the run's extra power-item declarations")
    ] = None,
) -> None:
    """Merge a delta into a run's store and re-score only what changed, with the store's model."""
    from yunshao.console.progress import stage_progress
    from yunshao.rules.model import RuleError
    from yunshao.settings import Settings
    from yunshao.update import update as run_update
    from yunshao.update.summary import print_update_summary

    settings = Settings()
    settings.domains = _activate_domains(settings.domains, domains_dir or ())
    try:
        with stage_progress() as hook:
            result = run_update(delta, store, settings, rules_dirs=rules_dir or (), on_stage=hook)
    except (ContractError, RuleError) as exc:
        raise fail(str(exc)) from None
    print_update_summary(result, out_console)


def _activate_domains(domains: Any, extra: list[Path] | tuple[Path, ...]) -> Any:
    """The settings' declaration folders plus ``--domains-dir``, made the contract's vocabulary before loading.

    A user's power item is validated like a shipped one only if the contract knows its codes when the
    dataset is read (yunshao.domains.contract); a bad declaration is a one-line error naming file and field.
    """
    from yunshao.domains.catalog import DomainError
    from yunshao.domains.contract import activate

    domains = domains.model_copy(update={"dirs": [*domains.dirs, *extra]})
    try:
        activate(domains)
    except DomainError as exc:
        raise fail(str(exc)) from None
    return domains


def _engine_choice(settings: Any, engine: str | None, master: str | None) -> Any:
    """The settings' engine with the command line's choice over it."""
    if engine not in (None, "duckdb", "spark"):
        raise fail(f"--engine must be duckdb or spark, got {engine}")
    update = {"name": engine or settings.engine.name}
    if master:
        if update["name"] != "spark":
            raise fail("--master needs --engine spark")
        update["spark_master"] = master
    return settings.engine.model_copy(update=update)


def _require_folder_path(out: Path) -> None:
    """``--out`` is a folder to create or reuse: a file on its path would end in FileExistsError."""
    for path in (out, *out.parents):
        if path.is_dir():
            return
        if path.exists():
            raise fail(f"--out {out}: {path} is a file, not a folder")


features_app = typer.Typer(help="the feature catalog / 特征目录", no_args_is_help=True)
app.add_typer(features_app, name="features")


@features_app.command("list")
def features_list(fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table") -> None:
    """Print every feature: name, entity, family, meaning in zh and en, source tables."""
    import json
    from dataclasses import asdict

    from rich.table import Table

    from yunshao.features.catalog import load_catalog

    catalog = load_catalog()
    if fmt == "json":
        out_console.print_json(json.dumps([asdict(f) for f in catalog], ensure_ascii=False))
        return
    table = Table(title=f"{len(catalog)} features")
    for col in ("name", "entity", "family", "zh", "en"):
        table.add_column(col)
    for f in catalog:
        table.add_row(f.name, f.entity, f.family, f.zh, f.en)
    out_console.print(table)


def _register_areas() -> None:
    """Each area owns its commands; the root app only mounts them."""
    from yunshao.analytics.cli import report
    from yunshao.cases.cli import cases_app
    from yunshao.console.settings_view import app as settings_app
    from yunshao.ocds.cli import app as ocds_app
    from yunshao.ocds.cli import screens
    from yunshao.rules.cli import app as rules_app
    from yunshao.serving.cli import keys_app, serve
    from yunshao.training.cli import register as register_training

    app.add_typer(rules_app, name="rules")
    register_training(app)
    app.command("report")(report)
    app.add_typer(ocds_app, name="ocds")
    app.command("screens")(screens)
    app.command("serve")(serve)
    app.add_typer(keys_app, name="keys")
    app.add_typer(cases_app, name="cases")
    app.add_typer(settings_app, name="settings")


_register_areas()


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
