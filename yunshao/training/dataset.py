"""The design matrices the models read, built from the store's tables.

A project's row is its features (``features_project``), its rule hits (one column per rule, valued by
the worst severity, plus red/yellow counts), its domain and whether it is emergency works. Every column
is a float with NaN for unknown, so the same frame feeds detectors, LightGBM and SHAP unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from yunshao.contract.checks import is_number_type
from yunshao.contract.schema import DOMAINS
from yunshao.engine import read_sql_file
from yunshao.engine.duck import table_names

SQL_DIR = Path(__file__).parent / "sql"
RULE_PREFIX = "rule__"
DOMAIN_PREFIX = "domain__"
CONTEXT_COLUMNS = ("rules_red", "rules_yellow", "is_emergency", *(f"{DOMAIN_PREFIX}{d}" for d in DOMAINS))
#: Mantissa bits a model input keeps (32 of 52: about 9.6 significant decimal digits).
KEPT_BITS = 32
_DROPPED = 52 - KEPT_BITS


@cache
def sql(name: str) -> str:
    """The body of ``sql/<name>.sql``."""
    return read_sql_file(SQL_DIR / f"{name}.sql").body


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return name in table_names(con)


def rule_column(rule_id: str) -> str:
    """A rule id as a column name LightGBM accepts (no JSON punctuation)."""
    return RULE_PREFIX + re.sub(r"[^0-9A-Za-z_]", "_", rule_id)


@dataclass
class ProjectData:
    """Everything the scorer knows per project, aligned on ``frame.index`` (project ids)."""

    frame: pd.DataFrame  # float columns: features, rule columns, context columns
    feature_columns: list[str]  # from features_project
    rule_columns: list[str]
    rule_hits: dict[str, list[str]] = field(default_factory=dict)  # project → rule ids that hit it
    is_emergency: pd.Series | None = None  # bool, by project

    @property
    def index(self) -> pd.Index:
        return self.frame.index

    @property
    def rule_ids(self) -> dict[str, str]:
        """Rule column → the rule's own id (columns are sanitised ids)."""
        return {rule_column(r): r for hits in self.rule_hits.values() for r in hits}


def numeric_features(con: duckdb.DuckDBPyConnection, table: str, key: str) -> pd.DataFrame:
    """A feature table as floats indexed by ``key`` (its first row per key); text, date and interval columns
    (other keys, labels) are left out, infinities become NaN.

    DuckDB casts to DOUBLE and the frame is built from one block: pandas' per-column conversion of a
    ``.df()`` cost four times the query on an API pass's few hundred rows (36 → 9 ms for 400 × 138)."""
    numeric = [name for name, kind, *_ in con.execute(f'DESCRIBE "{table}"').fetchall() if _numeric_type(kind)]
    numeric = [c for c in numeric if c != key]
    select = ", ".join([f'"{key}"', *(f'CAST("{c}" AS DOUBLE) AS "{c}"' for c in numeric)])
    fetched = con.execute(f'SELECT {select} FROM "{table}"').fetchnumpy()
    keys = pd.Index(np.ma.filled(fetched.pop(key), None), name=key)
    first = ~keys.duplicated(keep="first")
    values = np.empty((int(first.sum()), len(numeric)), dtype="float64")
    for j, column in enumerate(numeric):
        values[:, j] = np.ma.filled(np.ma.asarray(fetched[column], dtype="float64"), np.nan)[first]
    values[np.isinf(values)] = np.nan
    return pd.DataFrame(values, index=keys[first].astype(str), columns=numeric, copy=False)


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s floats rounded to ``KEPT_BITS`` mantissa bits (to nearest), so every engine gives the
    models the same bits.

    Why: the engines agree on a feature within 1e-9 relative, not to the last bit (a parallel SUM adds
    in whatever order the threads finish), and the detectors and trees see ties: two values equal in one
    run and one ulp apart in the next split a tie in a rank or a histogram bin and move a score (a post's
    risk 9.32 against 9.31 from DuckDB on one thread and on two). Rounding far above that noise and far
    below any difference that means something removes it; NaN and infinities pass unchanged.
    """
    values = frame.to_numpy(dtype="float64", copy=True)  # one copy, rounded in place (a city's frame is GBs)
    bits = values.view(np.int64)
    finite = np.isfinite(values)
    np.add(bits, 1 << (_DROPPED - 1), out=bits, where=finite)
    np.bitwise_and(bits, ~((1 << _DROPPED) - 1), out=bits, where=finite)
    return pd.DataFrame(values, index=frame.index, columns=frame.columns, copy=False)


def _numeric_type(kind: str) -> bool:
    """The types pandas would read as numeric or boolean dtypes."""
    return kind == "BOOLEAN" or is_number_type(kind)


def load_project_data(con: duckdb.DuckDBPyConnection) -> ProjectData:
    """Features, rule hits and context of every project in ``projects``."""
    context = con.execute(sql("project_context")).df().set_index("project_id")
    context.index = context.index.astype(str)
    if has_table(con, "features_project"):
        # rounded here, once: the rule and context columns beside them are small integers already
        features = canonical(numeric_features(con, "features_project", "project_id")).reindex(context.index)
        # a feature named like a context column (e.g. is_emergency) is the same fact: keep one copy
        features = features.drop(columns=[c for c in features.columns if c in CONTEXT_COLUMNS])
    else:
        features = pd.DataFrame(index=context.index)
    hits = _rule_hits(con)
    rules = _rule_matrix(hits, context.index)
    frame = pd.concat([features, rules, _context_matrix(context, hits)], axis=1)
    rule_hits = hits.groupby("project_id")["rule_id"].apply(lambda s: sorted(set(s))).to_dict()
    return ProjectData(
        frame=frame.astype("float64"),
        feature_columns=list(features.columns),
        rule_columns=list(rules.columns),
        rule_hits={str(k): list(v) for k, v in rule_hits.items()},
        is_emergency=context["is_emergency"].astype(bool),
    )


def _rule_hits(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    if not has_table(con, "warnings"):
        return pd.DataFrame(columns=["project_id", "rule_id", "severity_rank", "scheme"])
    hits = con.execute(sql("project_rule_hits")).df()
    hits["project_id"] = hits["project_id"].astype(str)
    return hits


def _rule_matrix(hits: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    if hits.empty:
        return pd.DataFrame(index=index)
    wide = hits.assign(col=hits["rule_id"].map(rule_column)).pivot_table(
        index="project_id", columns="col", values="severity_rank", aggfunc="max"
    )
    return wide.reindex(index).fillna(0.0).astype("float64").sort_index(axis=1)


def _context_matrix(context: pd.DataFrame, hits: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=context.index)
    counts = hits.groupby(["project_id", "severity_rank"]).size().unstack(fill_value=0) if len(hits) else None
    for name, rank in (("rules_red", 2), ("rules_yellow", 1)):
        col = counts[rank] if counts is not None and rank in counts.columns else pd.Series(dtype=float)
        out[name] = col.reindex(context.index).fillna(0.0)
    out["is_emergency"] = context["is_emergency"].astype(float)
    for domain in DOMAINS:
        out[f"{DOMAIN_PREFIX}{domain}"] = (context["domain"] == domain).astype(float)
    return out


def align(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``frame`` with exactly ``columns``: a rule that never fired here is 0, a missing feature NaN."""
    out = frame.reindex(columns=columns)
    for col in columns:
        if col.startswith(RULE_PREFIX) or col in ("rules_red", "rules_yellow"):
            out[col] = out[col].fillna(0.0)
    return out.astype("float64")


Progress = Callable[[str], None]


def prepare_store(
    dataset: Path,
    settings: object,
    *,
    lang: str = "zh",
    progress: Progress | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory store holding ``dataset`` loaded, its features built and its rules run.

    What ``train`` and ``tune`` (and the evaluation) need before any model sees the data; the same
    steps ``yunshao run`` takes, without writing outputs. The inspectors' verdicts join the labels when
    a case store is named (``serve.database_url`` or ``serve.state_db``; ``--verdicts-from OUT`` sets the latter).
    """
    from yunshao.contract import load_dataset
    from yunshao.contract.report import require_projects
    from yunshao.engine import connect
    from yunshao.features import build_features
    from yunshao.rules import run_rules
    from yunshao.settings import Settings

    assert isinstance(settings, Settings)
    con = connect(None, settings.engine)
    if progress:
        progress("load")
    report = load_dataset(dataset, con, settings.load)
    require_projects(con, report)
    _attach_verdicts(con, settings)
    present = report.present_tables
    if progress:
        progress("features")
    features = build_features(con, settings, present)
    if progress:
        progress("rules")
    run_rules(con, settings, lang=lang, present_tables=present, steps_ready=features.steps)
    return con


def _attach_verdicts(con: duckdb.DuckDBPyConnection, settings: object) -> None:
    """The case store's feedback as table ``feedback`` (labels.sql reads it beside ``labels``)."""
    serve = settings.serve  # type: ignore[attr-defined]
    if not serve.database_url and not serve.state_db:
        return
    try:
        from yunshao.serving.feedback import attach_run_feedback
    except ImportError:  # without the serving extras there is no case store
        return
    attach_run_feedback(con, Path("."), serve)
