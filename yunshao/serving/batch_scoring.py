"""Scoring a batch of bundles with the batch run's own code: features SQL, rules, the champion model.

Each ``ScoringEngine`` (``serve.scoring_engines`` of them per worker, one pass each at a time) owns an
in-memory DuckDB connection, warmed at start-up, that
holds the store's organisation tables (units, people, posts, companies, …). For each batch the bundles'
rows — plus the rows of peer projects taken from the store (the latest projects of the same unit and
domain, and the projects the same companies bid in), so that comparisons with peers mean what they mean
in the batch run — become the contract tables; then ``build_features``, ``run_rules`` and the model run
exactly as ``yunshao run`` runs them, and only the bundles' projects are returned.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
from pydantic import BaseModel

from yunshao.contract.checks import q
from yunshao.contract.schema import TABLES
from yunshao.engine import connect
from yunshao.engine.backend import DuckBackend
from yunshao.features.graph import Inline
from yunshao.features.runner import RepeatCache
from yunshao.serving.bundles import ORGANISATION_TABLES, to_arrow
from yunshao.serving.models.contract_rows import BUNDLE_TABLES
from yunshao.serving.store import parse_json, sql
from yunshao.settings import Settings

#: Scores the projects ``ids`` of a connection on which features and rules have run.
ScoreFn = Callable[[duckdb.DuckDBPyConnection, list[str], bool], pd.DataFrame]

#: Per-project tables without a project_id: (join that reaches it, project id expression, table joined).
_REACH: dict[str, tuple[str, str, str]] = {
    "bids": ("JOIN tenders t ON t.tender_id = x.tender_id", "t.project_id", "tenders"),
    "performance": ("JOIN agreements a ON a.agreement_id = x.agreement_id", "a.project_id", "agreements"),
}


BATCH = "memory.batch"


@dataclass
class Timings:
    """Seconds spent per step of the last batch (for the benchmark and /metrics)."""

    steps: dict[str, float] = field(default_factory=dict)
    nodes: dict[str, float] = field(default_factory=dict)  # step/features/wide_nodes, rule_steps, rule_sql


class ScoringEngine:
    """Features, rules and the model over bundles; not thread-safe (one batch at a time, see MicroBatcher)."""

    def __init__(
        self,
        store: Path,
        settings: Settings,
        score_fn: ScoreFn,
        *,
        model_version: str | None = None,
        extra_rule_dirs: Sequence[Path] = (),
        inline: bool = True,
    ) -> None:
        self.settings = settings
        self.score_fn = score_fn
        self.model_version = model_version
        self.extra_rule_dirs = tuple(extra_rule_dirs)
        # The store is read through its own read-only connection: the scoring connection must look like a
        # batch run's (stages list and drop relations by name), never show the store's tables.
        self.store_con = duckdb.connect(str(store), read_only=True)
        engine = settings.engine.model_copy(update={"threads": settings.serve.engine_threads})
        self.con = connect(None, engine)
        # one backend for every pass: it remembers the temporary relations it made, so that re-making them
        # in the next pass needs no catalog query (DuckBackend.drop)
        self.backend = DuckBackend(self.con)
        self.store_tables = {r[0] for r in self.store_con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        self.present = self.store_tables & set(TABLES)
        self.known_ids = self._copy_organisation()
        self.rules = self._load_rules()
        # a pass's nodes read once are views (see Inline); False makes every node as a batch run does
        self.inline = Inline(self._rule_readers()) if inline else None
        self.timings = Timings()
        self._repeat = RepeatCache()
        self._lock = threading.Lock()

    def close(self) -> None:
        self.con.close()
        self.store_con.close()

    def _load_rules(self) -> list[Any]:
        """The rule catalog, read and validated once (``run_rules`` would re-read it on every call)."""
        from yunshao.rules.loader import load_rules

        return load_rules(self.extra_rule_dirs, settings=self.settings.rules)

    def _rule_readers(self) -> Counter[str]:
        """How many active rules read each step: consumers of the graph's steps outside the graph.

        The features stage makes these steps too (``also_steps``), so the inline policy decides for them
        with every reader counted: a step read only by one rule becomes a view, one read by several a table.
        """
        from yunshao.rules.loader import step_names
        from yunshao.rules.runner import _steps_read  # the rules stage's own test of what a rule reads

        steps, disabled = step_names(), set(self.settings.rules.disabled)
        return Counter(s for r in self.rules if r.id not in disabled for s in _steps_read(r, steps))

    def _copy_organisation(self) -> dict[str, frozenset[str]]:
        """Organisation tables into memory (read by features and rules); returns their ids for checks."""
        known: dict[str, frozenset[str]] = {}
        for name in TABLES:
            if name in BUNDLE_TABLES or name == "labels" or name not in self.present:
                continue
            cols = ", ".join(q(c) for c in TABLES[name].column_names)
            arrow = self.store_con.sql(f"SELECT {cols} FROM {q(name)}").to_arrow_table()
            self.con.register("_org", arrow)
            self.con.execute(f"CREATE OR REPLACE TABLE memory.main.{q(name)} AS SELECT * FROM _org")
            self.con.unregister("_org")
        for name in ORGANISATION_TABLES:
            if name in self.present:
                key = TABLES[name].key[0]
                rows = self.con.execute(f"SELECT {q(key)} FROM memory.main.{q(name)}").fetchall()
                known[name] = frozenset(str(r[0]) for r in rows)
        self.con.execute("USE memory.main")
        return known

    # -- one batch -------------------------------------------------------------------------------
    def score(self, bundles: Sequence[BaseModel], *, explain: bool = True, lang: str = "zh") -> list[dict[str, Any]]:
        """One result per bundle, in order."""
        with self._lock:
            return self._score(bundles, explain=explain, lang=lang)

    def _score(self, bundles: Sequence[BaseModel], *, explain: bool, lang: str) -> list[dict[str, Any]]:
        from yunshao.features.runner import build_features
        from yunshao.rules.runner import run_rules

        steps: dict[str, float] = {}
        t0 = time.perf_counter()
        tables = to_arrow(bundles)
        self._fresh_schema()
        ids = [str(b.project.project_id) for b in bundles]  # type: ignore[attr-defined]
        present = self._load_tables(tables, ids)
        steps["tables"] = time.perf_counter() - t0
        t = time.perf_counter()
        also = self.inline.rule_readers if self.inline else ()
        features = build_features(
            self.backend, self.settings, present, repeat=self._repeat, also_steps=also, inline=self.inline
        )
        steps["features"] = time.perf_counter() - t
        t = time.perf_counter()
        rules = run_rules(
            self.backend, self.settings, lang=lang, present_tables=present, rules=self.rules, steps_ready=features.steps
        )
        steps["rules"] = time.perf_counter() - t
        t = time.perf_counter()
        scores = self.score_fn(self.con, ids, explain)
        steps["model"] = time.perf_counter() - t
        t = time.perf_counter()
        hits = self._hits(ids)
        results = [self._result(pid, scores, hits) for pid in ids]
        steps["assemble"] = time.perf_counter() - t
        steps["total"] = time.perf_counter() - t0
        kinds = features.seconds_by_kind()
        nodes = {f"{kind}_nodes": seconds for kind, seconds in kinds.items()} | {"rule_steps": rules.shared_seconds}
        self.timings = Timings(steps, {**nodes, "rule_sql": sum(rules.seconds.values())})
        return results

    def _fresh_schema(self) -> None:
        """Each batch in a new schema, so that nothing a stage made for the last batch is seen again."""
        self.con.execute(f"DROP SCHEMA IF EXISTS {BATCH} CASCADE")
        self.con.execute(f"CREATE SCHEMA {BATCH}")
        self.con.execute(f"USE {BATCH}")
        self.con.execute(f"SET search_path = '{BATCH},memory.main'")

    def _load_tables(self, tables: dict[str, pa.Table], ids: list[str]) -> set[str]:
        """The contract tables for this batch: the bundles' rows and their peers' rows from the store."""
        peers = self._peers(tables, ids)
        present = set(self.present)
        for name in BUNDLE_TABLES:
            arrow = tables[name]
            cols = ", ".join(q(c) for c in TABLES[name].column_names)
            self.con.register("_bundle", arrow)
            source = f"SELECT {cols} FROM _bundle"
            peer_rows = self._peer_rows(name, peers)
            if peer_rows is not None:
                self.con.register("_peers", peer_rows)
                source += f" UNION ALL SELECT {cols} FROM _peers"
                key = TABLES[name].key
                if len(key) == 1:  # a peer's row never shadows a bundle's row with the same id
                    source += f" WHERE {q(key[0])} NOT IN (SELECT {q(key[0])} FROM _bundle)"
            self.con.execute(f"CREATE TABLE {BATCH}.{q(name)} AS {source}")
            self.con.unregister("_bundle")
            if peer_rows is not None:
                self.con.unregister("_peers")
            if arrow.num_rows:
                present.add(name)
        return present

    def _peer_rows(self, name: str, peers: list[str]) -> pa.Table | None:
        """The store's rows of ``name`` that belong to the peer projects (None when there are none)."""
        reach = _REACH.get(name)
        if not peers or name not in self.store_tables or (reach is not None and reach[2] not in self.store_tables):
            return None
        join, pid, _ = reach or ("", "x.project_id", "")
        xcols = ", ".join(f"x.{q(c)}" for c in TABLES[name].column_names)
        sql_text = f"SELECT {xcols} FROM {q(name)} x {join} WHERE list_contains($peers, {pid})"
        return self.store_con.sql(sql_text, params={"peers": peers}).to_arrow_table()

    def _peers(self, tables: dict[str, pa.Table], ids: list[str]) -> list[str]:
        k = self.settings.serve.neighbour_projects
        if k <= 0 or "projects" not in self.store_tables:
            return []
        projects = tables["projects"]
        unit_domains = sorted(
            {f"{u}|{d}" for u, d in zip(projects["unit_id"].to_pylist(), projects["domain"].to_pylist(), strict=True)}
        )
        params = {"bundle_ids": ids, "unit_domains": unit_domains, "k": k}
        found = {r[0] for r in self.store_con.execute(sql("neighbours_unit"), params).fetchall()}
        categories = zip(projects["domain"].to_pylist(), projects["category"].to_pylist(), strict=True)
        params = {"bundle_ids": ids, "domain_categories": sorted({f"{d}|{c or ''}" for d, c in categories}), "k": k}
        found |= {r[0] for r in self.store_con.execute(sql("neighbours_category"), params).fetchall()}
        bids = tables["bids"]
        companies = sorted({c for c in bids["company_id"].to_pylist() if c})
        staff = ("project_manager_id", "tech_lead_id", "safety_lead_id")
        persons = sorted({p for col in staff for p in bids[col].to_pylist() if p})
        if (companies or persons) and {"bids", "tenders"} <= self.store_tables:
            params = {"bundle_ids": ids, "companies": companies, "persons": persons, "cap": 20 * k}
            found |= {r[0] for r in self.store_con.execute(sql("neighbours_company"), params).fetchall()}
        return sorted(found)

    def _hits(self, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        result = self.con.execute(sql("batch_hits"), {"ids": ids})
        cols = [d[0] for d in result.description or []]
        frame = result.fetchall()
        out: dict[str, list[dict[str, Any]]] = {}
        for row in frame:
            rec = dict(zip(cols, row, strict=True))
            rec["evidence"] = parse_json(rec["evidence"])
            out.setdefault(rec["project_id"], []).append(rec)
        return out

    def _result(self, pid: str, scores: pd.DataFrame, hits: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        row: pd.Series | None = scores.loc[pid] if pid in scores.index else None  # type: ignore[assignment]
        factors = row["top_factors"] if row is not None and "top_factors" in row else None
        return {
            "project_id": pid,
            "risk_score": _num(row, "risk_score"),
            "level": None if row is None else row.get("level"),
            "anomaly_score": _num(row, "anomaly_score"),
            "model_score": _num(row, "model_score"),
            "rule_hits": hits.get(pid, []),
            "top_factors": json.loads(factors) if isinstance(factors, str) else [],
            "model_version": self.model_version,
        }


def _num(row: pd.Series | None, name: str) -> float | None:
    if row is None or name not in row:
        return None
    value = row[name]
    return None if value is None or pd.isna(value) else float(value)
