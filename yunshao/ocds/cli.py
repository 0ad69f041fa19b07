"""Command line: ``yunshao ocds import``, ``yunshao ocds indicators`` and ``yunshao screens``.

Indicator JSON goes to stdout exactly as Cardinal prints it; logs and warnings go to stderr so the
output can be piped.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from yunshao.ocds.importer import ImportReport

app = typer.Typer(help="OCDS: import and red-flag indicators / OCDS 导入与红旗指标")

_LOGGER = logging.getLogger("yunshao.ocds")
_INPUT_HELP = (
    "OCDS file: release or record packages, JSON arrays, JSON Lines of releases, compiled releases or "
    "packages, a single JSON document; gzipped or not / OCDS 数据文件"
)


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
        typer.Argument(exists=True, dir_okay=False, help=_INPUT_HELP),
    ],
    out_dataset: Annotated[Path, typer.Argument(file_okay=False, help="Dataset folder to write / 输出数据集目录")],
) -> None:
    """Import OCDS releases, records or compiled releases as a trail-contract dataset / 导入 OCDS 数据为契约数据集."""
    from yunshao.ocds.compiled import OcdsInputError
    from yunshao.ocds.importer import import_releases  # pandas: loaded only when used

    _log_to_stderr(logging.WARNING)
    try:
        report = import_releases(file, out_dataset)
    except OcdsInputError as exc:
        raise _fail(str(exc)) from exc
    for line in _import_summary(report, out_dataset):
        sys.stderr.write(line + "\n")


def _counts(counter: Mapping[str, int]) -> str:
    return ", ".join(f"{key} {count}" for key, count in sorted(counter.items()))


def _import_summary(report: ImportReport, out_dataset: Path) -> list[str]:
    """What the import read, kept, held back and noted, for stderr."""
    lines = [report.read.summary()] if report.read is not None else []
    ocids = len(report.read.ocids) if report.read is not None else report.releases
    share = f" ({report.projects / ocids:.1%} of the {ocids} distinct ocids)" if ocids else ""
    lines.append(
        f"imported {report.releases} releases (compiled, one per ocid) into {out_dataset}: {_counts(report.rows)}; "
        f"projects {report.projects}{share}"
    )
    if report.quarantined:
        lines.append(f"quarantined (see quarantine.parquet): {_counts(report.quarantined)}")
    if report.notes:
        lines.append(f"kept with data-quality notes (see notes.parquet): {_counts(report.notes)}")
    if len(report.currencies) > 1:
        lines.append(
            f"amounts by currency: {_counts(report.currencies)}; each amount keeps its currency (column currency, "
            "award_currency): the contract assumes yuan, so convert before comparing amounts across currencies"
        )
    return lines


@app.command("indicators")
def indicators_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=_INPUT_HELP)],
    settings: Annotated[
        Path | None,
        typer.Option("--settings", exists=True, dir_okay=False, help="Cardinal settings file (INI) / 设置文件"),
    ] = None,
    no_meta: Annotated[bool, typer.Option("--no-meta", help="Omit the Meta key / 不输出 Meta")] = False,
) -> None:
    """Cardinal-compatible red-flag indicators as JSON on stdout / 红旗指标（JSON 输出到标准输出）.

    On stderr: what was read and merged, and per indicator its flags and how many compiled releases
    lacked the fields it needs."""
    from yunshao.ocds.compiled import OcdsInputError
    from yunshao.ocds.indicators import Coverage, SettingsError, compute_indicators_file, dumps, load_settings

    try:
        loaded = load_settings(settings)
    except SettingsError as exc:
        raise _fail(str(exc)) from exc
    _log_to_stderr(logging.INFO if loaded.info_currency_mismatches else logging.WARNING)
    coverage = Coverage({})
    try:
        result = compute_indicators_file(file, loaded, include_meta=not no_meta, coverage=coverage)
    except OcdsInputError as exc:
        raise _fail(str(exc)) from exc
    sys.stdout.write(dumps(result) + "\n")
    report = coverage.lines() if coverage.needs else ["no indicator enabled: add [Rxxx] sections to --settings"]
    for line in report:
        sys.stderr.write(line + "\n")


def screens(
    bids: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, help="CSV or Parquet with tender_id, company_id, price[, is_winner] / 投标文件"
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Parquet (or .csv) file to write, one row per tender / 输出文件")],
    labels: Annotated[
        Path | None,
        typer.Option(
            "--labels",
            exists=True,
            dir_okay=False,
            help="Past verdicts: CSV or Parquet with tender_id, collusive (0/1) / 历史判定，用于监督学习",
        ),
    ] = None,
) -> None:
    """Bid-rigging screens, missing reasons and collusion scores per tender / 围标串标筛查与串通分数.

    Default collusion_score: each tender against fixed competitive reference values, then adapted to the
    file by one label-free mixture step from 50 tenders on (docs/screens.md).

    With --labels a classifier learns from past verdicts and scores every tender / 从历史判定学习并评分."""
    from yunshao.ocds.screens import ScreenInputError, screen_file  # scikit-learn: loaded only when used

    try:
        run = screen_file(bids, out, labels)
    except ScreenInputError as exc:
        raise _fail(str(exc)) from exc
    if run.report:
        sys.stderr.write(run.report + "\n")
    sys.stderr.write(f"screened {len(run.result)} tenders into {out}\n")
