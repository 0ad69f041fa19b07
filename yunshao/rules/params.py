"""Rule parameters: the rule file's defaults, then the region's settings.

Thresholds that the law lets a province lower (the mandatory-tendering limits) are fields of
``RuleSettings`` and apply to every rule declaring a parameter of that name; anything else is
overridden per rule in ``settings.rules.overrides[rule_id][param]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from yunshao.rules.model import Rule, RuleError
from yunshao.settings import RuleSettings

#: RuleSettings fields that are not rule parameters.
_NOT_PARAMS = {"overrides", "disabled"}


def global_params(settings: RuleSettings) -> dict[str, Any]:
    """Region-wide parameter values (e.g. the tendering thresholds) by name."""
    return {k: v for k, v in settings.model_dump().items() if k not in _NOT_PARAMS}


def resolve_params(rule: Rule, settings: RuleSettings) -> dict[str, Any]:
    """The values a rule runs with: its defaults, the region's thresholds, then per-rule overrides."""
    regional = global_params(settings)
    values: dict[str, Any] = {}
    for name, param in rule.params.items():
        values[name] = regional.get(name, param.default)
    for name, value in settings.overrides.get(rule.id, {}).items():
        if name not in rule.params:
            raise RuleError(
                f"settings.rules.overrides.{rule.id}.{name}: rule {rule.id} ({rule.path}) has no parameter "
                f"'{name}'; it has {', '.join(sorted(rule.params)) or 'none'}"
            )
        default = rule.params[name].default
        if isinstance(default, int | float) and not isinstance(value, int | float):
            raise RuleError(f"settings.rules.overrides.{rule.id}.{name}: '{value}' is not a number")
        values[name] = value
    return values


def check_overrides(rules: Iterable[Rule], settings: RuleSettings) -> None:
    """Refuse overrides or disabled entries for rules that do not exist (a misspelt id does nothing)."""
    ids = {r.id for r in rules}
    for kind, named in (("overrides", settings.overrides), ("disabled", settings.disabled)):
        unknown = sorted(set(named) - ids)
        if unknown:
            raise RuleError(f"settings.rules.{kind}: unknown rule id(s) {', '.join(unknown)}")
