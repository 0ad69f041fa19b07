"""What every indicator shares: the results being built, the run context and the indicator protocol.

Indicators are streaming accumulators: ``add`` sees each release once, in file order, and
``finish`` writes flags (and returns Meta) once the whole file is read, because fences depend on
every release.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

from yunshao.ocds.indicators.release import Release
from yunshao.ocds.indicators.settings import IndicatorSettings

logger = logging.getLogger("yunshao.ocds.indicators")

OCID = "OCID"
BUYER = "Buyer"
PROCURING_ENTITY = "ProcuringEntity"
TENDERER = "Tenderer"
GROUPS = (OCID, BUYER, PROCURING_ENTITY, TENDERER)

Meta = dict[str, float | None]


class Results:
    """group → id → indicator → value. Only flagged results are stored, so absent means not flagged."""

    def __init__(self) -> None:
        self.groups: dict[str, dict[str, dict[str, float]]] = {g: defaultdict(dict) for g in GROUPS}

    def flag(self, group: str, entity_id: str, code: str, value: float) -> None:
        self.groups[group][entity_id][code] = float(value)


@dataclass
class MainCurrency:
    """The configured currency, or the first one examined (file order) when none is configured."""

    value: str | None = None
    mismatches: int = field(default=0)

    def accepts(self, currency: str) -> bool:
        if self.value is None:
            self.value = currency
        if currency == self.value:
            return True
        self.mismatches += 1
        return False


@dataclass
class Context:
    settings: IndicatorSettings
    currency: MainCurrency

    def passes_price_comparison(self, release: Release) -> bool:
        return release.passes_price_comparison(
            self.settings.price_comparison_procurement_methods,
            self.settings.no_price_comparison_procurement_methods,
        )


class Indicator(Protocol):
    """One indicator: its Cardinal code, its name in Chinese and English (shown in warnings), the field
    paths it reads (``needs``, for the lacked-fields report), its passes."""

    code: str
    zh: str
    en: str

    @property
    def needs(self) -> tuple[str, ...]:
        """The field paths it reads (read-only, so each class may declare a tuple of its own length)."""
        ...

    def add(self, release: Release) -> None: ...

    def finish(self, results: Results) -> Meta | None:
        """Write the flags; return the Meta entry, or ``None`` for indicators without Meta."""
        ...


class IndicatorClass(Protocol):
    """An indicator's class: its code, names and needs are readable before one is built from its settings."""

    code: str
    zh: str
    en: str

    @property
    def needs(self) -> tuple[str, ...]:
        """The field paths it reads (read-only, so each class may declare a tuple of its own length)."""
        ...

    def __call__(self, settings: Any, source: Any, /) -> Indicator: ...
