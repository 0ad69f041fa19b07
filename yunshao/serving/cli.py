"""``yunshao serve`` and ``yunshao keys``: register with ``app.command("serve")(serve)`` and
``app.add_typer(keys_app, name="keys")`` in yunshao/cli.py."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from yunshao.serving.core.security import ROLES
from yunshao.settings import get_settings

keys_app = typer.Typer(help="API keys of the scoring API and the pages (stored hashed).", no_args_is_help=True)


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

    settings = get_settings()
    serve_settings = settings.serve
    store = store or serve_settings.store
    if store is None:
        raise typer.BadParameter("give --store OUT/yunshao.duckdb (or set YUNSHAO_SERVE__STORE)")
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
    db: Annotated[Path | None, typer.Option(help="keys file (default: settings.serve.keys_db)")] = None,
) -> None:
    """Create a key; it is printed once and only its hash is kept."""
    from yunshao.serving.keys import KeyStore

    if role not in ROLES:
        raise typer.BadParameter(f"role must be one of {', '.join(ROLES)}", param_hint="--role")
    record, token = KeyStore(db or get_settings().serve.keys_db).create(role, name)
    typer.echo(f"key_id {record.key_id} role {record.role} name {record.name}", err=True)
    typer.echo(token)


@keys_app.command("list")
def list_keys(db: Annotated[Path | None, typer.Option(help="keys file")] = None) -> None:
    """Keys by id, role, name, creation and revocation (never the keys themselves)."""
    from yunshao.serving.keys import KeyStore

    for k in KeyStore(db or get_settings().serve.keys_db).list_keys():
        typer.echo(f"{k.key_id}\t{k.role}\t{k.name}\t{k.created_at}\t{k.revoked_at or 'live'}")


@keys_app.command("revoke")
def revoke_key(
    key_id: Annotated[str, typer.Argument(help="the key_id shown by `keys list`")],
    db: Annotated[Path | None, typer.Option(help="keys file")] = None,
) -> None:
    """Revoke a key at once (the next request with it gets 401)."""
    from yunshao.serving.keys import KeyStore

    if not KeyStore(db or get_settings().serve.keys_db).revoke(key_id):
        typer.echo(f"no live key with id {key_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id}")
