"""Running the enabled indicators over the compiled releases of a file, in one pass, then writing flags
and Meta once every fence is known.

The input is read by :func:`yunshao.ocds.compiled.read_compiled`, as the import reads it: packages,
records, arrays and JSON Lines, several releases of one ocid merged into its compiled release. A file of
compiled releases, one per ocid (Cardinal's input), is handed on line by line unchanged, so the results
on it are Cardinal's."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from yunshao.ocds.compiled import Lines, ReadLog, file_lines, read_compiled, sequence_lines
from yunshao.ocds.indicators.base import GROUPS, Context, Indicator, IndicatorClass, MainCurrency, Results
from yunshao.ocds.indicators.coverage import Coverage
from yunshao.ocds.indicators.r003 import R003
from yunshao.ocds.indicators.r018 import R018
from yunshao.ocds.indicators.r025 import R025
from yunshao.ocds.indicators.r028 import R028
from yunshao.ocds.indicators.r030 import R030
from yunshao.ocds.indicators.r035 import R035
from yunshao.ocds.indicators.r036 import R036
from yunshao.ocds.indicators.r038 import R038
from yunshao.ocds.indicators.r048 import R048
from yunshao.ocds.indicators.release import Release, str_at
from yunshao.ocds.indicators.second_lowest import R024, R058, RatioCollector
from yunshao.ocds.indicators.settings import INDICATOR_CODES, IndicatorSettings

logger = logging.getLogger("yunshao.ocds.indicators")

META_CODES = ("R024", "R025", "R038", "R048", "R058")

#: every indicator class by code; R024 and R058 share one ratio collector, so ``_build`` makes them apart
INDICATORS: dict[str, IndicatorClass] = {
    "R003": R003,
    "R018": R018,
    "R024": R024,
    "R025": R025,
    "R028": R028,
    "R030": R030,
    "R035": R035,
    "R036": R036,
    "R038": R038,
    "R048": R048,
    "R058": R058,
}


def indicator_names() -> dict[str, tuple[str, str]]:
    """Code → (Chinese name, English name), as the indicator classes declare them, in Cardinal's order."""
    return {code: (INDICATORS[code].zh, INDICATORS[code].en) for code in INDICATOR_CODES}


def indicator_needs(codes: Iterable[str] | None = None) -> dict[str, tuple[str, ...]]:
    """Code → the field paths the indicator reads, as its class declares them."""
    return {code: INDICATORS[code].needs for code in (INDICATOR_CODES if codes is None else codes)}


def _build(settings: IndicatorSettings, context: Context) -> list[Indicator]:
    collector = RatioCollector(context)
    built: list[Indicator] = []
    for code in INDICATOR_CODES:
        config = settings.indicators.get(code)
        if config is None:
            continue
        if code == "R024":
            built.append(R024(config, collector))  # type: ignore[arg-type]
        elif code == "R058":
            built.append(R058(config, collector))  # type: ignore[arg-type]
        else:
            built.append(INDICATORS[code](config, context))
    return built


def _eligible(data: dict[str, Any], settings: IndicatorSettings) -> Release | None:
    """The global skips: no string ocid, a cancelled tender, or excluded method details."""
    ocid = data.get("ocid")
    if not isinstance(ocid, str):
        return None
    tender = data.get("tender")
    if isinstance(tender, dict):
        if tender.get("status") == "cancelled":
            return None
        details = str_at(tender, "procurementMethodDetails")
        if details is not None and details in settings.excluded_procurement_method_details:
            return None
    return Release(data, ocid)


def compute_indicators(
    lines: Iterable[str],
    settings: IndicatorSettings,
    *,
    include_meta: bool = True,
    source: str = "<input>",
    coverage: Coverage | None = None,
) -> dict[str, Any]:
    """Cardinal's ``indicators`` output (the spec's §4 shape) for the text ``lines`` of any OCDS file.

    ``coverage``, when given, is filled with what was read and what each indicator lacked."""
    return _compute(sequence_lines(lines), settings, include_meta, source, coverage)


def compute_indicators_file(
    path: Path, settings: IndicatorSettings, *, include_meta: bool = True, coverage: Coverage | None = None
) -> dict[str, Any]:
    return _compute(file_lines(path), settings, include_meta, str(path), coverage)


def _compute(
    lines: Lines, settings: IndicatorSettings, include_meta: bool, source: str, coverage: Coverage | None
) -> dict[str, Any]:
    context = Context(settings=settings, currency=MainCurrency(settings.currency))
    indicators = _build(settings, context)
    log = ReadLog(source)
    if coverage is not None:
        coverage.needs = {i.code: i.needs for i in indicators}
        coverage.read = log
    if indicators:
        _scan(lines, settings, indicators, coverage if coverage is not None else Coverage({}), log)
    results = Results()
    meta: dict[str, Any] = {}
    for indicator in indicators:
        entry = indicator.finish(results)
        if indicator.code in META_CODES and entry is not None:
            meta[indicator.code] = entry
    if settings.info_currency_mismatches and context.currency.mismatches:
        logger.info(
            "%d bids ignored: currency other than the main currency %s",
            context.currency.mismatches,
            context.currency.value,
        )
    output: dict[str, Any] = {group: dict(results.groups[group]) for group in GROUPS if results.groups[group]}
    if coverage is not None:
        coverage.count_flags(output)
    if include_meta:
        output["Meta"] = meta
    return output


def _scan(
    lines: Lines, settings: IndicatorSettings, indicators: list[Indicator], coverage: Coverage, log: ReadLog
) -> None:
    for compiled in read_compiled(lines, log):
        release = _eligible(compiled.data, settings)
        if release is None:
            coverage.skipped += 1
            continue
        coverage.add(compiled.data)
        for indicator in indicators:
            indicator.add(release)


def indicator_hits(releases_path: Path | str, settings: IndicatorSettings) -> pd.DataFrame:
    """The flags as rows (indicator, its zh and en names, group, id, value), for catalog warnings."""
    output = compute_indicators_file(Path(releases_path), settings, include_meta=False)
    names = indicator_names()
    rows = [
        (code, *names[code], group, entity_id, value)
        for group in GROUPS
        for entity_id, flags in output.get(group, {}).items()
        for code, value in flags.items()
    ]
    frame = pd.DataFrame(rows, columns=["indicator", "indicator_zh", "indicator_en", "group", "id", "value"])
    return frame.astype({c: "string" for c in frame.columns if c != "value"} | {"value": "float64"})
