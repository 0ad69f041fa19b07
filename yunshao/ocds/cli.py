"""Command line: ``yunshao ocds import``, ``yunshao ocds indicators`` and ``yunshao screens``.

Indicator JSON goes to stdout exactly as Cardinal prints it; logs and warnings go to stderr so the
output can be piped.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="OCDS: import and red-flag indicators / OCDS 导入与红旗指标")

_LOGGER = logging.getLogger("yunshao.ocds")


class _StderrHandler(logging.Handler):
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(self.format(record) + "\n")


def _log_to_stderr(level: int) -> None:
    if not any(isinstance(h, _StderrHandler) for h in _LOGGER.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        _LOGGER.addHandler(handler)
        _LOGGER.propagate = False
    _LOGGER.setLevel(level)


def _fail(message: str) -> typer.Exit:
    sys.stderr.write(f"error: {message}\n")
    return typer.Exit(code=2)


@app.command("import")
def import_command(
    file: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, help="OCDS compiled releases, JSON Lines (.jsonl or .jsonl.gz)"),
    ],
    out_dataset: Annotated[Path, typer.Argument(file_okay=False, help="Dataset folder to write / 输出数据集目录")],
) -> None:
    """Import OCDS compiled releases as a trail-contract dataset / 导入 OCDS 数据为契约数据集."""
    from yunshao.ocds.importer import import_releases  # pandas: loaded only when used

    _log_to_stderr(logging.WARNING)
    report = import_releases(file, out_dataset)
    tables = ", ".join(f"{table} {count}" for table, count in sorted(report.rows.items()))
    sys.stderr.write(f"imported {report.releases} releases into {out_dataset}: {tables}\n")
    if report.quarantined:
        held = ", ".join(f"{table} {count}" for table, count in sorted(report.quarantined.items()))
        sys.stderr.write(f"quarantined (see quarantine.parquet): {held}\n")


@app.command("indicators")
def indicators_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="OCDS compiled releases, JSON Lines")],
    settings: Annotated[
        Path | None,
        typer.Option("--settings", exists=True, dir_okay=False, help="Cardinal settings file (INI) / 设置文件"),
    ] = None,
    no_meta: Annotated[bool, typer.Option("--no-meta", help="Omit the Meta key / 不输出 Meta")] = False,
) -> None:
    """Cardinal-compatible red-flag indicators as JSON on stdout / 红旗指标（JSON 输出到标准输出）."""
    from yunshao.ocds.indicators import SettingsError, compute_indicators_file, dumps, load_settings

    try:
        loaded = load_settings(settings)
    except SettingsError as exc:
        raise _fail(str(exc)) from exc
    _log_to_stderr(logging.INFO if loaded.info_currency_mismatches else logging.WARNING)
    result = compute_indicators_file(file, loaded, include_meta=not no_meta)
    sys.stdout.write(dumps(result) + "\n")


def screens(
    bids_csv: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, help="CSV with tender_id, company_id, price[, is_winner]"),
    ],
    out: Annotated[Path, typer.Option("--out", help="Parquet file to write, one row per tender / 输出文件")],
) -> None:
    """Bid-rigging screens and collusion score per tender / 围标串标筛查与串通分数."""
    from yunshao.ocds.screens import ScreenInputError, screen_file  # scikit-learn: loaded only when used

    try:
        result = screen_file(bids_csv, out)
    except ScreenInputError as exc:
        raise _fail(str(exc)) from exc
    sys.stderr.write(f"screened {len(result)} tenders into {out}\n")
