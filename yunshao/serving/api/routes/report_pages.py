"""The report's views served live: the integrity map and unit ranking, the post ranking, the rule review.

The same tables as ``yunshao report``, computed from the served run's store and the case store
(analytics/live.py), so the index uses the real confirmation, rectification and disposal rates once
inspectors have cases, and each page says which rates it shows. A caller scoped to some units sees only
their rows (and a rule review summed over them); ranks and bands stay those among all units.
"""

from __future__ import annotations

import threading
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from yunshao.analytics.html import num, pct, unit_groups
from yunshao.analytics.live import LiveReport, LiveTables, periods, posts_view, rules_view, units_view
from yunshao.analytics.svg import case_chart, index_chart, risk_chart
from yunshao.serving.api.deps import AuditDep, Caller, CaseDep, PageQuery, StoreDep
from yunshao.serving.api.rendering import Inspector, page_lang, render, templates
from yunshao.settings import Settings

router = APIRouter(include_in_schema=False)
_create_lock = threading.Lock()
# the report's number formats (0.153 → 15.3%, missing → –), under names of this area only
templates.env.filters["report_pct"] = pct
templates.env.filters["report_num"] = num


def _live(request: Request, store: StoreDep, cases: CaseDep) -> LiveTables:
    """The report tables of this app in the request's language (one LiveReport per app, made on first use)."""
    state = request.app.state
    with _create_lock:
        live = getattr(state, "report_live", None)
        if live is None:
            live = state.report_live = LiveReport(state.config.settings)
    return live.tables(store, cases.db, page_lang(request))


def _settings(request: Request) -> Settings:
    return request.app.state.config.settings


def _audit(audit: AuditDep, caller: Caller, view: str, path: str) -> None:
    """A report page reads figures of the caller's units: logged like any other read."""
    key = caller.key
    audit.record(
        key_id=key.key_id, key_name=key.name, role=key.role, action="read", entities=[("report", view)], path=path
    )


def _common(request: Request, live: LiveTables, caller: Caller, view: str) -> dict[str, Any]:
    return {
        "caller": caller,
        "view": view,
        "rates": live.tables.rates,
        "n_cases": live.tables.counts.get("cases", 0),
        "seconds": f"{live.seconds:.2f}",
        "rs": _settings(request).report,
    }


@router.get("/pages/report/units", response_class=HTMLResponse)
def units_page(
    request: Request, store: StoreDep, cases: CaseDep, audit: AuditDep, caller: Inspector, period: str = "all"
) -> Response:
    live = _live(request, store, cases)
    choices = periods(live.tables)
    period = period if period in choices else "all"
    units = units_view(live.tables, caller.units, period)
    _audit(audit, caller, "units", str(request.url.path))
    context = {
        **_common(request, live, caller, "units"),
        "period": period,
        "periods": choices,
        "groups": unit_groups(units, page_lang(request)),
        "units": units.to_dict("records"),
        "chart": index_chart(units, _settings(request).report, most=_settings(request).report.html_rows),
        "caps": live.tables.caps if caller.units is None else None,  # county-wide rates: unscoped keys only
    }
    return render(request, "report_units.html", context)


@router.get("/pages/report/posts", response_class=HTMLResponse)
def posts_page(
    request: Request, store: StoreDep, cases: CaseDep, audit: AuditDep, caller: Inspector, page: PageQuery = 1
) -> Response:
    live = _live(request, store, cases)
    posts = posts_view(live.tables, caller.units)
    size = request.app.state.config.serve.page_size
    shown = posts.iloc[(page - 1) * size : page * size]
    _audit(audit, caller, "posts", str(request.url.path))
    context = {
        **_common(request, live, caller, "posts"),
        "posts": shown.to_dict("records"),
        "chart": risk_chart(posts) if page == 1 else None,
        "page": page,
        "pages": max(1, -(-len(posts) // size)),
        "more": max(0, len(posts) - page * size),
    }
    return render(request, "report_posts.html", context)


@router.get("/pages/report/rules", response_class=HTMLResponse)
def rules_page(request: Request, store: StoreDep, cases: CaseDep, audit: AuditDep, caller: Inspector) -> Response:
    live = _live(request, store, cases)
    rules = rules_view(live.tables, caller.units, _settings(request))
    _audit(audit, caller, "rules", str(request.url.path))
    context = {
        **_common(request, live, caller, "rules"),
        "rules": rules.to_dict("records"),
        "review": rules[rules["status"] == "review"].to_dict("records"),
        "chart": case_chart(rules),
    }
    return render(request, "report_rules.html", context)
