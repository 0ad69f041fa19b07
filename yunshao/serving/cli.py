"""``yunshao serve`` and ``yunshao keys``: register with ``app.command("serve")(serve)`` and
``app.add_typer(keys_app, name="keys")`` in yunshao/cli.py."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from yunshao.console.where import say_where
from yunshao.serving.core.security import ROLES

if TYPE_CHECKING:
    from yunshao.serving.keys import KeyStore

keys_app = typer.Typer(help="API keys of the scoring API and the pages (stored hashed).", no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    """A one-line error and exit code 2, as every command prints a mistake a user can fix."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def _keys_file(db: Path | None, *, must_exist: bool) -> Path:
    """``--db`` or the settings' keys file (under YUNSHAO_HOME), said on stderr.

    Only ``keys create`` may create the file: a keys file that another command would create empty, in a
    mistyped or another folder's place, makes every key fail with 401 and says nothing.
    """
    from yunshao.settings import get_settings

    path = db or get_settings().serve.keys_db
    say_where("keys", path)
    if must_exist and not path.is_file():
        raise _fail(f"{path}: keys file not found (create a key with `yunshao keys create`)")
    return path


def _key_store(db: Path | None, *, must_exist: bool) -> KeyStore:
    """The keys' database opened: ``--db``, else ``serve.database_url``, else the keys file. One that
    cannot be opened as a keys database is a one-line error."""
    from sqlalchemy.exc import SQLAlchemyError

    from yunshao.serving.keys import KeyStore
    from yunshao.settings import get_settings

    url = get_settings().serve.database_url
    location: str | Path = url if (db is None and url) else _keys_file(db, must_exist=must_exist)
    if location is url:
        say_where("keys", url.split("@")[-1])  # never print a password
    try:
        return KeyStore(location)
    except (SQLAlchemyError, OSError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _fail(f"{location}: cannot be opened as a keys file: {first}") from None


def _check_store(store: Path) -> None:
    """A store that is not there, or not a DuckDB file, is a one-line error before the server starts."""
    import duckdb

    path = store / "yunshao.duckdb" if store.is_dir() else store
    if not path.is_file():
        raise _fail(f"{path}: store not found (write it with `yunshao run DATASET --out OUT`)")
    try:
        duckdb.connect(str(path), read_only=True).close()
    except duckdb.Error as exc:
        raise _fail(f"{path}: cannot be opened as a yunshao store: {str(exc).splitlines()[0]}") from None


def serve(
    store: Annotated[
        Path | None, typer.Option(help="the DuckDB store of `yunshao run` (OUT/yunshao.duckdb or OUT)")
    ] = None,
    host: Annotated[str | None, typer.Option(help="interface to bind (default: settings, 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default: settings, 8000)")] = None,
    workers: Annotated[int | None, typer.Option(help="worker processes (each loads the model once)")] = None,
) -> None:
    """Start the scoring API and the inspectors' pages over a run's store and the champion model."""
    import os

    import uvicorn

    from yunshao.settings import get_settings

    settings = get_settings()
    serve_settings = settings.serve
    store = store or serve_settings.store
    if store is None:
        raise typer.BadParameter("give --store OUT/yunshao.duckdb (or set YUNSHAO_SERVE__STORE)")
    _check_store(Path(store))
    if not serve_settings.database_url:
        _keys_file(None, must_exist=True)
    if settings.model.use_champion:
        say_where("model registry", settings.model.mlflow_tracking_uri)
    os.environ["YUNSHAO_SERVE__STORE"] = str(Path(store).resolve())
    n = workers or serve_settings.workers
    uvicorn.run(
        "yunshao.serving.asgi:create",
        factory=True,
        host=host or serve_settings.host,
        port=port or serve_settings.port,
        workers=n,
        log_level="info",
        access_log=False,
        limit_concurrency=2048,
    )


@keys_app.command("create")
def create_key(
    role: Annotated[str, typer.Option(help=f"one of {', '.join(ROLES)}")],
    name: Annotated[str, typer.Option(help="who or what holds the key")] = "",
    scope: Annotated[
        list[str] | None,
        typer.Option(help="a unit id or region the key may see (repeat for several; none = all) / 可见单位或区域"),
    ] = None,
    db: Annotated[Path | None, typer.Option(help="keys file (default: YUNSHAO_HOME/keys.sqlite)")] = None,
) -> None:
    """Create a key; it is printed once and only its hash is kept."""
    if role not in ROLES:
        raise typer.BadParameter(f"role must be one of {', '.join(ROLES)}", param_hint="--role")
    record, token = _key_store(db, must_exist=False).create(role, name, scope or ())
    shown = ",".join(record.scope) or "all"
    typer.echo(f"key_id {record.key_id} role {record.role} name {record.name} scope {shown}", err=True)
    typer.echo(token)


@keys_app.command("list")
def list_keys(
    db: Annotated[Path | None, typer.Option(help="keys file (default: YUNSHAO_HOME/keys.sqlite)")] = None,
) -> None:
    """Keys by id, role, name, creation and revocation (never the keys themselves)."""
    for k in _key_store(db, must_exist=True).list_keys():
        scope = ",".join(k.scope) or "all"
        typer.echo(f"{k.key_id}\t{k.role}\t{k.name}\t{scope}\t{k.created_at}\t{k.revoked_at or 'live'}")


@keys_app.command("revoke")
def revoke_key(
    key_id: Annotated[str, typer.Argument(help="the key_id shown by `keys list`")],
    db: Annotated[Path | None, typer.Option(help="keys file (default: YUNSHAO_HOME/keys.sqlite)")] = None,
) -> None:
    """Revoke a key at once (the next request with it gets 401)."""
    if not _key_store(db, must_exist=True).revoke(key_id):
        typer.echo(f"no live key with id {key_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id}")
