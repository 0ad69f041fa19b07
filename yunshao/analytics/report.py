"""``yunshao report``: the supervision analytics of one run, as tables and an HTML page.

The report reads a run's store (or its output files plus the dataset); without a run it runs the
pipeline first, into a temporary folder.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from yunshao.analytics import charts
from yunshao.analytics.compute import compute_tables
from yunshao.analytics.html import render_html
from yunshao.analytics.index import quarter_of
from yunshao.analytics.sources import attach_cases, open_sources
from yunshao.analytics.tables import ReportTables, overall_by, rules_by
from yunshao.settings import Settings, get_settings

__all__ = ["ReportResult", "build_report", "compute_tables", "report_from_connection"]

TABLE_FILES = ("units", "monthly", "quarterly", "yearly", "posts", "rules", "recurring")
LONG_SERIES = 24  # months


@dataclass
class ReportResult:
    """What the report wrote."""

    out: Path
    index_html: Path
    tables: dict[str, Path] = field(default_factory=dict)
    charts: dict[str, Path] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    rates: str = "proxy"  # "cases" when the index used the case store's real rates


def build_report(
    dataset: Path,
    out: Path,
    *,
    run: Path | None = None,
    lang: str = "zh",
    settings: Settings | None = None,
    cases_from: Path | None = None,
) -> ReportResult:
    """Write the report of ``dataset`` into ``out`` from the run in ``run`` (or from a fresh run).

    The cases are read from the case store of ``cases_from`` (a run folder or its store file), else from
    the one beside ``run`` when it exists: then the index uses the real confirmation, rectification and
    disposal rates, else the proxies (docs/analytics.md).
    """
    settings = settings or get_settings()
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    if run is None:
        from yunshao.pipeline import run as run_pipeline

        with tempfile.TemporaryDirectory(prefix="yunshao-report-run-") as tmp:
            run_pipeline(Path(dataset), Path(tmp), settings)
            return build_report(dataset, out, run=Path(tmp), lang=lang, settings=settings, cases_from=cases_from)
    sources = open_sources(Path(dataset), Path(run), settings)
    try:
        attach_cases(sources, Path(cases_from or run), settings, required=cases_from is not None)
        return report_from_connection(
            sources.con, Path(out), lang=lang, settings=settings, dataset=str(dataset), notes=sources.notes
        )
    finally:
        sources.con.close()


def report_from_connection(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    *,
    lang: str = "zh",
    settings: Settings | None = None,
    dataset: str = "",
    notes: list[str] | None = None,
    catalog: dict[str, dict[str, str]] | None = None,
) -> ReportResult:
    """The report of whatever contract tables and ``warnings`` the connection holds (tests use this)."""
    settings = settings or get_settings()
    rs = settings.report
    out.mkdir(parents=True, exist_ok=True)
    tables = compute_tables(con, rs, lang=lang, catalog=catalog)
    result = ReportResult(
        out=out,
        index_html=out / "index.html",
        counts=tables.counts,
        notes=[*(notes or []), *tables.notes],
        rates=tables.rates,
    )
    result.tables = write_tables(tables, out)
    pngs = draw_charts(tables, settings, lang)
    chart_dir = out / "charts"
    chart_dir.mkdir(exist_ok=True)
    for name, data in pngs.items():
        path = chart_dir / f"{name}.png"
        path.write_bytes(data)
        result.charts[name] = path
    meta = {**_meta(tables, dataset), "notes": result.notes}
    result.index_html.write_text(render_html(tables, pngs, rs, lang=lang, meta=meta), encoding="utf-8")
    summary = {**meta, "lang": lang, "settings": rs.model_dump()}
    (out / "report.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


def draw_charts(tables: ReportTables, settings: Settings, lang: str) -> dict[str, bytes]:
    """The report's charts by name (a chart with nothing to draw is left out).

    Series longer than LONG_SERIES months are drawn by quarter, and the unit trend by year when most of
    its unit-quarters have too few projects to be scored: a chart of isolated points informs nobody.
    """
    rs = settings.report
    out: dict[str, bytes] = {}
    ranked = tables.units["rank"].notna().any()
    if ranked:
        lines = (rs.green_min, rs.yellow_min) if rs.band_mode == "score" else ()
        out["index"] = charts.index_bars(tables.units, lang, lines, most=rs.html_rows)
    coarse = len(tables.overall) > LONG_SERIES
    step, period_of = ("quarter", quarter_of) if coarse else ("month", None)
    if len(tables.overall):
        out["monthly"] = charts.overall_trend(overall_by(tables.monthly, period_of), lang, step)
    if len(tables.rule_months):
        out["rules"] = charts.rule_trends(rules_by(tables.rule_months, period_of), tables.rule_names, lang, step)
    if ranked and len(tables.quarterly):
        step, periods = _unit_trend_periods(tables, rs.min_projects)
        out["unit_trend"] = charts.unit_index_trend(periods, tables.units, lang, rs.min_projects, step)
    return out


def _unit_trend_periods(tables: ReportTables, min_projects: int, n: int = 5) -> tuple[str, pd.DataFrame]:
    lowest = tables.units[tables.units["rank"].notna()].sort_values("index").head(n)["unit_id"]
    quarters = tables.quarterly.rename(columns={"quarter": "period"})
    shown = quarters[quarters["unit_id"].isin(lowest)]
    cells = len(lowest) * quarters["period"].nunique()
    if cells and (shown["projects"] >= min_projects).sum() >= cells / 2:
        return "quarter", quarters
    return "year", tables.yearly.rename(columns={"year": "period"})


def write_tables(tables: ReportTables, out: Path) -> dict[str, Path]:
    """Each table as Parquet (lists kept) and CSV (UTF-8 with BOM so spreadsheet software reads Chinese)."""
    written: dict[str, Path] = {}
    for name in TABLE_FILES:
        frame: pd.DataFrame = getattr(tables, name)
        parquet = out / f"{name}.parquet"
        frame.to_parquet(parquet, index=False)
        flat = frame.copy()
        for col in flat.columns:
            if flat[col].map(lambda v: isinstance(v, list)).any():
                flat[col] = flat[col].map(lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v)
        flat.to_csv(out / f"{name}.csv", index=False, encoding="utf-8-sig")
        written[name] = parquet
    return written


def _meta(tables: ReportTables, dataset: str) -> dict[str, Any]:
    return {
        "dataset": dataset or "–",
        "generated": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "counts": tables.counts,
        "bands": tables.units["band"].value_counts().to_dict(),
        "caps": tables.caps,
        "rates": tables.rates,
    }
