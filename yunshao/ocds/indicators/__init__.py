"""Cardinal-compatible red-flag indicators (R003 … R058) over OCDS compiled releases (merged from releases
when the file holds releases).

与 Cardinal 一致的 OCDS 红旗指标。See ``shared/ocds-indicators.md`` for the behaviour reproduced here.
"""

from yunshao.ocds.indicators.coverage import Coverage
from yunshao.ocds.indicators.output import dumps
from yunshao.ocds.indicators.runner import compute_indicators, compute_indicators_file, indicator_hits
from yunshao.ocds.indicators.settings import IndicatorSettings, load_settings, parse_settings
from yunshao.ocds.settings_ini import SettingsError

__all__ = [
    "Coverage",
    "IndicatorSettings",
    "SettingsError",
    "compute_indicators",
    "compute_indicators_file",
    "dumps",
    "indicator_hits",
    "load_settings",
    "parse_settings",
]
