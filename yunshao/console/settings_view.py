"""``yunshao settings show``: every effective setting, its value and where that value came from.

A setting has one home (``yunshao/settings.py``) but three ways in: its default, the ``.env`` file of the
folder a command starts in, and a ``YUNSHAO_…`` environment variable (which wins over the file). When a
run does not do what one expected, the first question is which of them set a value; this answers it
without reading pydantic-settings' precedence rules.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

DEFAULT = "default"
FILE = "file"
ENVIRONMENT = "environment"

app = typer.Typer(help="settings: what is in effect and why / 配置：当前生效值及其来源", no_args_is_help=True)
# wide enough for the longest names and variables when the output goes to a file or a pipe
console = Console(width=None if sys.stdout.isatty() else 160)


@dataclass(frozen=True)
class SettingRow:
    """One leaf setting: its dotted name, environment variable, effective value (as text) and source."""

    name: str
    env_var: str
    value: str
    source: str


def effective_settings() -> tuple[list[SettingRow], Path]:
    """Every leaf setting with its source, and the ``.env`` file consulted (which may not exist).

    Raises pydantic's ValidationError when a value from the file or the environment is invalid.
    """
    from pydantic_settings import DotEnvSettingsSource, EnvSettingsSource

    from yunshao.settings import Settings

    settings = Settings()
    from_env = set(_paths(EnvSettingsSource(Settings)()))
    from_file = set(_paths(DotEnvSettingsSource(Settings)()))
    rows = [
        SettingRow(name, _env_var(name), _text(value), _source(name, from_env, from_file))
        for name, value in _leaves(settings)
    ]
    return rows, Path(str(Settings.model_config.get("env_file") or ".env")).resolve()


def _leaves(model: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted name, value) of every field that is not itself a group of settings, in declaration order."""
    from pydantic import BaseModel

    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from _leaves(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", value


def _paths(data: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    """Dotted paths of every value a source provides (a JSON object given for a group counts per key)."""
    for key, value in data.items():
        path = f"{prefix}{str(key).lower()}"
        if isinstance(value, Mapping) and value:
            yield from _paths(value, f"{path}.")
        else:
            yield path


def _source(name: str, from_env: set[str], from_file: set[str]) -> str:
    """The environment wins over the file, the file over the default (pydantic-settings' order)."""
    for paths, source in ((from_env, ENVIRONMENT), (from_file, FILE)):
        if any(p == name or name.startswith(f"{p}.") or p.startswith(f"{name}.") for p in paths):
            return source
    return DEFAULT


def _env_var(name: str) -> str:
    return "YUNSHAO_" + name.upper().replace(".", "__")


def _text(value: Any) -> str:
    """Strings and paths as they are; everything else as JSON (lists, mappings, null, numbers)."""
    from pydantic_core import to_jsonable_python

    plain = to_jsonable_python(value)
    return plain if isinstance(plain, str) else json.dumps(plain, ensure_ascii=False)


@app.command("show")
def show(
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    changed: Annotated[bool, typer.Option("--changed", help="only the settings not at their default")] = False,
) -> None:
    """Print the effective settings and where each value came from (default, file, environment)."""
    from pydantic import ValidationError

    if fmt not in ("table", "json"):
        raise _fail(f"--format must be table or json, got {fmt}")
    try:
        rows, env_file = effective_settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        raise _fail(f"invalid setting {'.'.join(str(p) for p in first['loc'])}: {first['msg']}") from None
    rows = [r for r in rows if r.source != DEFAULT] if changed else rows
    if fmt == "json":
        typer.echo(json.dumps([r.__dict__ for r in rows], ensure_ascii=False, indent=2))
        return
    table = Table("setting 配置项", "value 值", "source 来源", "environment variable 环境变量")
    table.columns[1].overflow = "fold"  # a long URI wraps, never ends in an ellipsis
    for r in rows:
        table.add_row(r.name, r.value, _styled(r.source), r.env_var)
    console.print(table)
    state = "read" if env_file.is_file() else "absent"
    console.print(f"file: {env_file} ({state}); environment variables win over the file", highlight=False)


def _styled(source: str) -> str:
    return {ENVIRONMENT: "[bold cyan]environment[/]", FILE: "[bold green]file[/]"}.get(source, source)


def _fail(message: str) -> typer.Exit:
    Console(stderr=True, soft_wrap=True).print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(2)
