"""The report's views served live: the served run's store plus the case store, cached until either changes.

The pages (serving/api/routes/report_pages.py) show the same tables ``yunshao report`` writes, computed by
the same ``compute_tables`` over a cursor of the served store with the case store's cases and feedback as
TEMP tables (case_store.attach_case_store), so a rate has one definition everywhere. Computing takes about a
second on a county of 5,000 projects (docs/analytics.md), so the tables are kept per language until the
case store changes (its fingerprint: cases, events, feedback); the served store itself is read-only while
the server runs (a new run means a restart). Scoping is applied afterwards, to the county-wide tables: a
caller sees the rows of its units, with the ranks and bands they hold among all units.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from yunshao.analytics.case_store import Fingerprint, attach_case_store, fingerprint
from yunshao.analytics.compute import compute_tables
from yunshao.analytics.rules_review import rule_status, rules_in_scope
from yunshao.analytics.tables import ReportTables
from yunshao.settings import Settings

if TYPE_CHECKING:
    from yunshao.serving.core.db import Database
    from yunshao.serving.store import Store


@dataclass(frozen=True)
class LiveTables:
    tables: ReportTables
    fingerprint: Fingerprint
    seconds: float  # what computing them took


class LiveReport:
    """Report tables of one served store and its case store, computed once per language and change."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._cache: dict[tuple[str, Fingerprint], LiveTables] = {}
        self._lock = threading.Lock()  # one computation at a time: a second request waits for the first

    def tables(self, store: Store, db: Database, lang: str) -> LiveTables:
        """The tables in ``lang`` as of the case store's current state (computed on first need)."""
        key = (lang, fingerprint(db))
        with self._lock:
            found = self._cache.get(key)
            if found is None:
                found = self._compute(store, db, lang, key[1])
                self._cache = {k: v for k, v in self._cache.items() if k[1] == key[1]}  # older states go
                self._cache[key] = found
            return found

    def _compute(self, store: Store, db: Database, lang: str, state: Fingerprint) -> LiveTables:
        started = time.perf_counter()
        cur = store.cursor()
        try:
            attach_case_store(cur, db, self.settings.engine.timezone)
            tables = compute_tables(cur, self.settings.report, lang=lang)
        finally:
            cur.close()
        return LiveTables(tables, state, time.perf_counter() - started)


def periods(tables: ReportTables) -> list[str]:
    """The periods a unit view can show: the whole period ('all'), then each quarter, latest first."""
    quarters = sorted({str(q) for q in tables.quarterly.get("quarter", pd.Series(dtype=object)).dropna()})
    return ["all", *reversed(quarters)]


def units_view(tables: ReportTables, units: Collection[str] | None, period: str = "all") -> pd.DataFrame:
    """The units a caller sees, for the whole period or one quarter, lowest index first (then unranked).

    Ranks and bands are those among all units of the same kind (桐庐 ranks the county's townships
    together), so a township inspector sees where its townships stand without seeing the others.
    """
    if period == "all":
        frame = tables.units
    else:
        quarter = tables.quarterly[tables.quarterly["quarter"] == period]
        info = tables.units[["unit_id", "kind", "parent_unit_id", "parent_name"]]
        frame = quarter.merge(info, on="unit_id", how="left")
    shown = frame if units is None else frame[frame["unit_id"].isin(list(units))]
    shown = shown.assign(_unranked=shown["rank"].isna(), _index=shown["index"].fillna(float("inf")))
    return shown.sort_values(["_unranked", "_index", "unit_id"]).drop(columns=["_unranked", "_index"])


def posts_view(tables: ReportTables, units: Collection[str] | None) -> pd.DataFrame:
    """The ranked posts of the caller's units (a post with no unit only without a scope), in rank order."""
    posts = tables.posts
    return posts if units is None else posts[posts["unit_id"].isin(list(units))]


def rules_view(tables: ReportTables, units: Collection[str] | None, settings: Settings) -> pd.DataFrame:
    """Per rule, the hits and the cases of the caller's units with the real confirmation rate and a status.

    The status reads the cases: ``review`` once ``review_min_decided`` verdicts hold no confirmation,
    ``ok`` when one was confirmed, ``awaiting`` before that (the county-wide report's status reads the
    labels and feedback instead).
    """
    rules = rules_in_scope(tables.rule_units, units)
    rules.insert(1, "name", [tables.rule_names.get(r, r) for r in rules["rule_id"]])
    counts = zip(rules["hits"], rules["cases"], rules["case_verdicts"], rules["case_confirmed"], strict=True)
    rules["status"] = [rule_status(int(max(h, c)), int(v), float(k), settings.report) for h, c, v, k in counts]
    return rules.sort_values(["cases", "hits", "rule_id"], ascending=[False, False, True]).reset_index(drop=True)
