"""Run the rule catalog over a loaded dataset and write the ``warnings`` table.

Rules are independent SQL queries, so one that cannot run (its tables absent) is skipped and reported
while the others run; escalation rules run last because they read the warnings the others wrote.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from yunshao.engine import render_sql
from yunshao.engine.backend import Backend, as_backend
from yunshao.engine.lineage import referenced_tables
from yunshao.features.graph import WIDE_TABLES, drop_stand_ins, stand_ins
from yunshao.features.runner import create_steps
from yunshao.rules.guide import evidence_json, plain, render_guide
from yunshao.rules.loader import WARNINGS_COLUMNS, load_rules, step_names
from yunshao.rules.model import ADDRESS_COLUMNS, Rule, RuleError
from yunshao.rules.params import check_overrides, resolve_params
from yunshao.settings import RuleSettings, Settings


@dataclass
class RuleReport:
    """What ran, what was skipped and why, and how many hits each rule made."""

    lang: str
    hits: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    duplicates: dict[str, int] = field(default_factory=dict)  # rows dropped because their key repeated
    seconds: dict[str, float] = field(default_factory=dict)
    total_seconds: float = 0.0
    shared_seconds: float = 0.0  # making the steps only rules read (bid_facts, …)

    @property
    def warnings(self) -> int:
        return sum(self.hits.values())

    def summary(self) -> str:
        fired = sum(1 for n in self.hits.values() if n)
        return (
            f"{len(self.hits)} rules ran ({fired} fired, {self.warnings} warnings), "
            f"{len(self.skipped)} skipped, {self.total_seconds:.1f}s"
        )


def run_rules(
    con: duckdb.DuckDBPyConnection | Backend,
    settings: Settings | RuleSettings,
    *,
    lang: str = "zh",
    extra_dirs: Sequence[Path] = (),
    present_tables: Iterable[str],
    rules: Sequence[Rule] | None = None,
    steps_ready: Collection[str] = (),
) -> RuleReport:
    """Create the ``warnings`` table (always, possibly empty) from every rule that can run.

    ``rules`` replaces the catalog (tests, ``rules check``); otherwise the built-in catalog and
    ``extra_dirs`` are loaded and validated first, so a malformed user rule stops the run at start.
    The steps the rules read come from the SQL graph; those the feature stage made in this pass
    (``steps_ready``) are not made again.
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang: '{lang}' is not zh or en")
    backend = as_backend(con)
    rule_settings = settings.rules if isinstance(settings, Settings) else settings
    started = time.perf_counter()
    catalog = list(rules) if rules is not None else load_rules(extra_dirs, settings=rule_settings)
    check_overrides(catalog, rule_settings)
    present = set(present_tables)
    available = present | {t for t in WIDE_TABLES.values() if backend.has(t)}
    t0 = time.perf_counter()
    steps = step_names()
    active = [r for r in catalog if r.id not in rule_settings.disabled]
    wanted = sorted({s for r in active for s in _steps_read(r, steps)})
    absent_steps = create_steps(backend, settings, present, wanted, ready=steps_ready)
    report = RuleReport(lang=lang, shared_seconds=time.perf_counter() - t0)
    hits: list[pd.DataFrame] = []
    _put_warnings(backend, hits)
    for stage in ("detect", "escalate"):
        for rule in (r for r in catalog if r.stage == stage):
            reason = _skip_reason(rule, rule_settings, available | {"warnings"}, steps, absent_steps)
            if reason:
                report.skipped[rule.id] = reason
                continue
            t0 = time.perf_counter()
            made = stand_ins(backend, rule.optional, present)
            try:
                frame = _hits(backend, rule, resolve_params(rule, rule_settings), lang, report.duplicates)
            finally:
                drop_stand_ins(backend, made)
            hits.append(frame)
            report.hits[rule.id] = len(frame)
            report.seconds[rule.id] = time.perf_counter() - t0
        _put_warnings(backend, hits)  # escalation rules read the detections
    report.total_seconds = time.perf_counter() - started
    return report


def _steps_read(rule: Rule, steps: set[str]) -> set[str]:
    return (set(rule.requires) | referenced_tables(rule.sql)) & steps


def _put_warnings(backend: Backend, hits: list[pd.DataFrame]) -> None:
    frames = [f for f in hits if len(f)]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(WARNINGS_COLUMNS))
    backend.put("warnings", frame, WARNINGS_COLUMNS)


def _skip_reason(
    rule: Rule, settings: RuleSettings, available: set[str], steps: set[str], absent_steps: dict[str, str]
) -> str | None:
    if rule.id in settings.disabled:
        return "disabled in settings.rules.disabled"
    missing_steps = sorted(_steps_read(rule, steps) & set(absent_steps))
    missing = [t for t in rule.requires if t not in available and t not in steps]
    if missing:
        return f"table(s) absent: {', '.join(missing)}"
    if missing_steps:
        return f"view(s) absent: {', '.join(missing_steps)}"
    return None


def _hits(backend: Backend, rule: Rule, params: dict[str, Any], lang: str, duplicates: dict[str, int]) -> pd.DataFrame:
    """The rule's rows as warnings: evidence JSON, rendered guide and a stable id.

    Two rows with the same rule, entity and key are one hit; the later ones are dropped and counted in
    ``duplicates`` so the rule's author sees that its key does not tell its hits apart.
    """
    sql = render_sql(rule.sql, params, source=str(rule.path))
    try:
        names, rows = backend.fetch(sql)
    except Exception as exc:  # the engine's own error type (DuckDB, Spark): one line naming the file
        raise RuleError(f"{rule.path}: sql: {str(exc).splitlines()[0]}") from None
    out: list[dict[str, Any]] = []
    ids: set[str] = set()
    for values in rows:
        row = {n: plain(v) for n, v in zip(names, values, strict=True)}
        entity_id = row.get("entity_id")
        if entity_id is None:
            raise RuleError(f"{rule.path}: sql: a hit has a NULL entity_id ({row})")
        evidence = {k: v for k, v in row.items() if k not in ADDRESS_COLUMNS}
        severity = rule.severity
        warning_id = stable_id(rule, str(entity_id), [evidence.get(k) for k in rule.key])
        if warning_id in ids:  # a rule bug, reported rather than fatal: the first hit stands
            duplicates[rule.id] = duplicates.get(rule.id, 0) + 1
            continue
        ids.add(warning_id)
        out.append(
            {
                "warning_id": warning_id,
                "entity_type": rule.entity,
                "entity_id": str(entity_id),
                "rule_id": rule.id,
                "severity": severity,
                "evidence": evidence_json(evidence),
                "guide": render_guide(rule, row, lang, severity),
                "project_id": _text(row.get("project_id", entity_id if rule.entity == "project" else None)),
                "scheme": rule.scheme,
                "post_id": _text(row.get("post_id", entity_id if rule.entity == "post" else None)),
            }
        )
    return pd.DataFrame(out, columns=list(WARNINGS_COLUMNS), dtype=object)


def stable_id(rule: Rule, entity_id: str, key_values: list[Any]) -> str:
    """Same rule, entity and key → same id across runs, so an inspector's disposition stays attached."""
    text = "\x1f".join([rule.id, rule.entity, entity_id, *(evidence_json(v) for v in key_values)])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
