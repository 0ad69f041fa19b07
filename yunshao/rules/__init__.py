"""The rule catalog (预警规则库): declarative warning models run by DuckDB over the contract tables.

One YAML file per rule (``catalog/<area>/<ID>.yaml``) declares its SQL, severity, legal basis and
the inspector's guide; ``run_rules`` turns every hit into a row of the ``warnings`` table. Exports are
imported on first use, so that mounting ``yunshao rules`` on the CLI loads neither DuckDB nor the catalog.
"""

from typing import TYPE_CHECKING

from yunshao.lazy import lazy_exports

if TYPE_CHECKING:
    from yunshao.rules.loader import load_rules
    from yunshao.rules.model import Rule, RuleError
    from yunshao.rules.runner import RuleReport, run_rules

__all__ = ["Rule", "RuleError", "RuleReport", "load_rules", "run_rules"]

__getattr__ = lazy_exports(
    __name__,
    {
        "load_rules": "yunshao.rules.loader",
        "Rule": "yunshao.rules.model",
        "RuleError": "yunshao.rules.model",
        "RuleReport": "yunshao.rules.runner",
        "run_rules": "yunshao.rules.runner",
    },
)
