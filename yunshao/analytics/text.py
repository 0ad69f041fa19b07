"""The report's words in Chinese and English (templates/strings.yaml), and rule names from the catalog."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

Lang = Literal["zh", "en"]
STRINGS = Path(__file__).parent / "templates" / "strings.yaml"


@lru_cache(maxsize=2)
def strings(lang: str) -> dict[str, str]:
    """Every word of the report in ``lang``; both languages must declare the same keys."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    data: dict[str, dict[str, Any]] = yaml.safe_load(STRINGS.read_text(encoding="utf-8"))
    missing = set(data["zh"]) ^ set(data["en"])
    if missing:
        raise ValueError(f"{STRINGS}: keys not in both languages: {', '.join(sorted(missing))}")
    return {k: str(v) for k, v in data[lang].items()}


def rule_catalog(lang: str) -> tuple[dict[str, dict[str, str]], str | None]:
    """rule id → {name, scheme, severity} from the rule catalog, and why it is empty if it could not load.

    The report must still be written when the catalog is being edited or a user rule folder is absent,
    so a failure here costs the names only (the ids are shown instead, and the report notes why).
    """
    try:
        from yunshao.rules.loader import load_rules

        rules = load_rules()
    except Exception as exc:  # the catalog is another stage's; `yunshao run` reports its errors in full
        return {}, f"rule catalog not loaded, rule ids shown without names: {str(exc).splitlines()[0]}"
    catalog = {r.id: {"name": r.label(lang), "scheme": r.scheme, "severity": r.severity} for r in rules}
    return catalog, None
