"""The typed settings of the indicators step, built from a Cardinal INI file.

A section's presence enables its indicator; an unknown section or key is an error, as in Cardinal.
The prepare-only sections are accepted and ignored, because the same file drives both steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from yunshao.ocds.settings_ini import TOP_LEVEL, IniDocument, IniValue, SettingsError, parse_ini, read_ini

INDICATOR_CODES = ("R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036", "R038", "R048", "R058")
PREPARE_SECTIONS = ("defaults", "codelists", "redactions", "corrections", "modifications")
DEFAULT_R018_METHODS = ("open", "selective")
T = TypeVar("T")

_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?(inf|infinity|nan)", re.IGNORECASE)
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


@dataclass(frozen=True)
class R003Settings:
    threshold: int = 15
    procurement_methods: tuple[str, ...] = ()
    details_thresholds: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class R018Settings:
    procurement_methods: tuple[str, ...] = DEFAULT_R018_METHODS


@dataclass(frozen=True)
class FenceSettings:
    """R024 and R058: an optional fixed fence instead of the one from the data."""

    threshold: float | None = None


@dataclass(frozen=True)
class R025Settings:
    percentile: int = 75
    threshold: float | None = None


@dataclass(frozen=True)
class NoSettings:
    """R028, R030 and R036 take no settings; the section only enables them."""


@dataclass(frozen=True)
class R035Settings:
    threshold: int = 1


@dataclass(frozen=True)
class R038Settings:
    threshold: float | None = None
    minimum_submitted_bids: int = 2
    minimum_contracting_processes: int = 2


@dataclass(frozen=True)
class R048Settings:
    digits: int = 2
    threshold: int | None = None
    minimum_contracting_processes: int = 20


IndicatorConfig = (
    R003Settings | R018Settings | FenceSettings | R025Settings | NoSettings | R035Settings | R038Settings | R048Settings
)


@dataclass(frozen=True)
class IndicatorSettings:
    """Everything the indicators step reads. ``indicators`` holds the enabled indicators only."""

    currency: str | None = None
    price_comparison_procurement_methods: tuple[str, ...] = ()
    no_price_comparison_procurement_methods: tuple[str, ...] = ()
    excluded_procurement_method_details: tuple[str, ...] = ()
    info_currency_mismatches: bool = False
    indicators: dict[str, IndicatorConfig] = field(default_factory=dict)


def split_list(value: str) -> tuple[str, ...]:
    """Pipe-separated, untrimmed, a trailing ``|`` ignored (Rust's ``split_terminator``)."""
    parts = value.split("|")
    if parts[-1] == "":
        parts.pop()
    return tuple(parts)


class _Section:
    """Typed access to one section's raw values, refusing keys nobody asked for."""

    def __init__(self, doc: IniDocument, name: str) -> None:
        self.doc = doc
        self.name = name
        self.values: dict[str, IniValue] = doc.sections.get(name, {})
        self.used: set[str] = set()

    def _get(self, key: str) -> IniValue | None:
        self.used.add(key)
        return self.values.get(key)

    def _fail(self, item: IniValue, key: str, expected: str) -> SettingsError:
        where = f"[{self.name}] " if self.name else ""
        return self.doc.error(item.line, f"{where}{key}: expected {expected}, got {item.value!r}")

    def string(self, key: str) -> str | None:
        item = self._get(key)
        return None if item is None else item.value

    def strings(self, key: str) -> tuple[str, ...] | None:
        item = self._get(key)
        return None if item is None else split_list(item.value)

    def integer(self, key: str) -> int | None:
        item = self._get(key)
        if item is None:
            return None
        if not _INT.fullmatch(item.value):
            raise self._fail(item, key, "an integer")
        return int(item.value)

    def number(self, key: str) -> float | None:
        item = self._get(key)
        if item is None:
            return None
        if not _FLOAT.fullmatch(item.value):
            raise self._fail(item, key, "a number")
        return float(item.value)

    def boolean(self, key: str) -> bool | None:
        item = self._get(key)
        if item is None:
            return None
        lowered = item.value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise self._fail(item, key, "true or false")

    def check_unknown(self) -> None:
        for key, item in self.values.items():
            if key not in self.used:
                where = f"[{self.name}]" if self.name else "top level"
                raise self.doc.error(item.line, f"unknown setting {key!r} in {where}")


def _r003(doc: IniDocument, s: _Section) -> R003Settings:
    details = _Section(doc, "R003.procurement_method_details")
    thresholds: dict[str, int] = {}
    for key in list(details.values):
        value = details.integer(key)
        assert value is not None
        thresholds[key] = value
    return R003Settings(
        threshold=_or(s.integer("threshold"), 15),
        procurement_methods=_or(s.strings("procurement_methods"), ()),
        details_thresholds=thresholds,
    )


def _r048(s: _Section) -> R048Settings:
    digits = _or(s.integer("digits"), 2)
    if digits < 0:
        raise s.doc.error(s.values["digits"].line, "[R048] digits: expected a non-negative integer")
    return R048Settings(
        digits=digits,
        threshold=s.integer("threshold"),
        minimum_contracting_processes=_or(s.integer("minimum_contracting_processes"), 20),
    )


def _or(value: T | None, default: T) -> T:
    return default if value is None else value


def _indicator(doc: IniDocument, code: str, s: _Section) -> IndicatorConfig:
    if code == "R003":
        return _r003(doc, s)
    if code == "R018":
        return R018Settings(procurement_methods=_or(s.strings("procurement_methods"), DEFAULT_R018_METHODS))
    if code in ("R024", "R058"):
        return FenceSettings(threshold=s.number("threshold"))
    if code == "R025":
        return R025Settings(percentile=_or(s.integer("percentile"), 75), threshold=s.number("threshold"))
    if code == "R035":
        return R035Settings(threshold=max(1, _or(s.integer("threshold"), 1)))
    if code == "R038":
        return R038Settings(
            threshold=s.number("threshold"),
            minimum_submitted_bids=_or(s.integer("minimum_submitted_bids"), 2),
            minimum_contracting_processes=_or(s.integer("minimum_contracting_processes"), 2),
        )
    if code == "R048":
        return _r048(s)
    return NoSettings()


def _check_sections(doc: IniDocument) -> None:
    known = {TOP_LEVEL, "exclusions", "output", *INDICATOR_CODES, "R003.procurement_method_details"}
    for name in doc.sections:
        root = name.split(".", 1)[0]
        if name in known or root in PREPARE_SECTIONS:
            continue
        raise doc.error(doc.section_lines.get(name, 0), f"unknown section [{name}]")


def build_settings(doc: IniDocument) -> IndicatorSettings:
    _check_sections(doc)
    top = _Section(doc, TOP_LEVEL)
    exclusions = _Section(doc, "exclusions")
    output = _Section(doc, "output")
    enabled: dict[str, IndicatorConfig] = {}
    checked = [top, exclusions, output]
    for code in INDICATOR_CODES:
        present = code in doc.sections or (code == "R003" and "R003.procurement_method_details" in doc.sections)
        if present:
            section = _Section(doc, code)
            enabled[code] = _indicator(doc, code, section)
            checked.append(section)
    settings = IndicatorSettings(
        currency=top.string("currency"),
        price_comparison_procurement_methods=_or(top.strings("price_comparison_procurement_methods"), ()),
        no_price_comparison_procurement_methods=_or(top.strings("no_price_comparison_procurement_methods"), ()),
        excluded_procurement_method_details=_or(exclusions.strings("procurement_method_details"), ()),
        info_currency_mismatches=_or(output.boolean("info_currency_mismatches"), False),
        indicators=enabled,
    )
    for section in checked:
        section.check_unknown()
    return settings


def parse_settings(text: str, source: str = "<settings>") -> IndicatorSettings:
    return build_settings(parse_ini(text, source=source))


def load_settings(path: Path | str | None) -> IndicatorSettings:
    """Read a Cardinal settings file; ``None`` gives the empty settings (no indicator runs)."""
    if path is None:
        return IndicatorSettings()
    return build_settings(read_ini(Path(path)))
