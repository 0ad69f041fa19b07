"""The HTML report: one self-contained page (charts embedded as PNG data), Chinese by default.

No script, font or style is fetched from anywhere: inspectors open the file on machines with no internet.
"""

from __future__ import annotations

import base64
import math
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from yunshao.analytics.tables import KIND_ORDER, ReportTables
from yunshao.analytics.text import strings
from yunshao.settings import ReportSettings

TEMPLATES = Path(__file__).parent / "templates"


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = pct
    env.filters["num"] = num
    return env


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def pct(value: Any) -> str:
    """0.153 → '15.3%'; missing → '–'."""
    return "–" if _missing(value) else f"{100 * float(value):.1f}%"


def num(value: Any, digits: int = 1) -> str:
    """A number with at most ``digits`` decimals (none for whole numbers); missing → '–'."""
    if _missing(value):
        return "–"
    value = float(value)
    return f"{int(value)}" if value.is_integer() else f"{value:.{digits}f}"


def unit_groups(units: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Tiles of the integrity map: units with a parent under it, the others grouped by their kind."""
    s = strings(lang)
    groups: dict[str, dict[str, Any]] = {}
    for kind in (*KIND_ORDER, ""):
        groups[f"kind:{kind}"] = {"title": s[f"kind_{kind}"], "tiles": []}
    for row in units.itertuples():
        parent = row.parent_unit_id if isinstance(row.parent_unit_id, str) else None
        kind = row.kind if isinstance(row.kind, str) and row.kind in KIND_ORDER else ""
        key = parent or f"kind:{kind}"
        title = row.parent_name if isinstance(row.parent_name, str) else (parent or "")
        group = groups.setdefault(key, {"title": title, "tiles": []})
        ranked = not _missing(row.rank)
        label = row.band if row.band != "none" or not row.projects else "few"
        group["tiles"].append(
            {
                "unit_id": row.unit_id,
                "name": row.name,
                "index": row.index,
                "band": row.band,
                "label": label,
                "rank": int(str(row.rank)) if ranked else None,
            }
        )
    return [g for g in groups.values() if g["tiles"]]


def render_html(
    tables: ReportTables,
    charts: dict[str, bytes],
    settings: ReportSettings,
    *,
    lang: str,
    meta: dict[str, Any],
) -> str:
    """The report page in ``lang``; ``charts`` are PNG bytes by name."""
    s = strings(lang)
    rows = settings.html_rows
    monthly_months = sorted(tables.monthly["month"].unique()) if len(tables.monthly) else []
    context = {
        "s": s,
        "lang": lang,
        "meta": meta,
        "period": f"{monthly_months[0]} – {monthly_months[-1]}" if monthly_months else "–",
        "settings": settings,
        "groups": unit_groups(tables.units, lang),
        "ranked_units": tables.units[tables.units["rank"].notna()].to_dict("records"),
        "unranked_units": tables.units[tables.units["rank"].isna()].to_dict("records"),
        "posts": tables.posts.head(rows).to_dict("records"),
        "posts_more": max(0, len(tables.posts) - rows),
        "rules": tables.rules[tables.rules["hits"] > 0].to_dict("records"),
        "silent_rules": tables.rules[tables.rules["hits"] == 0].to_dict("records"),
        "review": tables.rules[tables.rules["status"] == "review"].to_dict("records"),
        "recurring": tables.recurring.head(rows).to_dict("records"),
        "recurring_more": max(0, len(tables.recurring) - rows),
        "charts": {k: base64.b64encode(v).decode("ascii") for k, v in charts.items()},
        "weights": [
            ("warning", settings.weight_warning),
            ("confirmed", settings.weight_confirmed),
            ("rectified", settings.weight_rectified),
            ("disposed", settings.weight_disposed),
        ],
        "has_outcomes": tables.has_outcomes,
        "rates": tables.rates,
        "caps": tables.caps,
        "cap_note": {
            "warning": "" if settings.warning_rate_cap else s["cap_auto"].format(m=num(settings.auto_cap_multiple)),
            "confirmed": "" if settings.confirmed_rate_cap else s["cap_auto"].format(m=num(settings.auto_cap_multiple)),
        },
    }
    return _env().get_template(f"report.{lang}.html").render(**context)
