"""``yunshao cases``: open and carry over cases from a run, escalate overdue ones, register webhooks.

The API does the first two by itself (on start, and every ``cases.escalation_minutes``); the commands
are for a scheduler (cron) and for a server that is not running.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from yunshao.serving.core.db import Database
    from yunshao.serving.store import Store

cases_app = typer.Typer(help="Cases: warnings followed to their close / 预警督办闭环", no_args_is_help=True)
StoreOpt = Annotated[Path, typer.Option("--store", help="the run's folder or OUT/yunshao.duckdb / 运行输出目录")]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def _database(store: Path) -> Database:
    """The case store of a run: ``serve.database_url``, else the SQLite file beside the store."""
    from sqlalchemy.exc import SQLAlchemyError

    from yunshao.console.where import say_where
    from yunshao.serving.core.db import Database
    from yunshao.serving.feedback import run_feedback_location
    from yunshao.settings import get_settings

    location = run_feedback_location(store, get_settings().serve)
    say_where("case store", str(location).split("@")[-1])
    try:
        return Database(location)
    except (SQLAlchemyError, OSError) as exc:
        raise _fail(f"{location}: cannot be opened as a case store: {str(exc).splitlines()[0]}") from None


def _store(store: Path) -> Store:
    from yunshao.serving.store import Store
    from yunshao.settings import get_settings

    path = store / "yunshao.duckdb" if store.is_dir() else store
    if not path.is_file():
        raise _fail(f"{path}: store not found (write it with `yunshao run DATASET --out OUT`)")
    return Store(path, get_settings().engine)


@cases_app.command("sync")
def sync(store: StoreOpt) -> None:
    """Open a case for each new warning and red project; mark those that stopped firing / 同步预警为案件."""
    from yunshao.cases.sync import sync_from_store

    run_store = _store(store)
    try:
        report = sync_from_store(_database(store), run_store)
    finally:
        run_store.close()
    if report.already:
        typer.echo(f"run {report.run_id} was already synced", err=True)
        return
    typer.echo(f"opened {report.opened}, fired again {report.refired}, stopped firing {report.stopped}", err=True)


@cases_app.command("escalate")
def escalate_command(
    store: StoreOpt,
    today: Annotated[str | None, typer.Option(help="the day to judge deadlines by (YYYY-MM-DD; default today)")] = None,
) -> None:
    """Remind, then escalate to the superior unit, the cases past their deadline / 逾期提醒与升级."""
    from yunshao.cases.escalation import escalate
    from yunshao.serving.core.localtime import now_local
    from yunshao.serving.core.scope import superiors
    from yunshao.settings import get_settings

    try:
        day = dt.date.fromisoformat(today) if today else now_local().date()
    except ValueError:
        raise _fail(f"--today: {today!r} is not a date (YYYY-MM-DD)") from None
    run_store = _store(store)
    try:
        parents = superiors(run_store.unit_tree)
    finally:
        run_store.close()
    report = escalate(_database(store), day, get_settings().cases.escalate_after_days, parents)
    typer.echo(f"reminded {report.reminded}, escalated {report.escalated}", err=True)


@cases_app.command("webhook-add")
def webhook_add(store: StoreOpt, url: Annotated[str, typer.Argument(help="where case events are POSTed")]) -> None:
    """Register a webhook; its signing secret is printed once / 注册回调地址（密钥只显示一次）."""
    from yunshao.serving.webhooks import add_webhook

    try:
        webhook_id, secret = add_webhook(_database(store), url)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"webhook {webhook_id} → {url}; sign check: HMAC-SHA256 of the body with this secret", err=True)
    typer.echo(secret)
