"""What the update changed: the store's derived tables before and after, compared row by row.

A project's score is a function of three things only, once the model is fixed: its row of
``features_project``, its rule hits (``project_rule_hits``: rule and worst severity) and its context
(``project_context``: domain, emergency works). Those are snapshotted before the merge and compared after
the SQL graph ran again; a project whose rows differ in any column, or that is new, is re-scored. The
comparison is exact (``EXCEPT`` both ways), so a peer group or a linked company that moved a project's
features is caught by construction, whatever rule of the graph moved it.
"""

from __future__ import annotations

import duckdb

from yunshao.training.dataset import has_table
from yunshao.training.dataset import sql as training_sql
from yunshao.update.delta import sql

BEFORE = "_update_before_"
AFTER = "_update_after_"

#: snapshot name → (key, source table, query)
SNAPSHOTS: dict[str, tuple[str, str, str]] = {
    "features_project": ("project_id", "features_project", "SELECT * FROM features_project"),
    "project_rule_hits": ("project_id", "warnings", training_sql("project_rule_hits")),
    "project_context": ("project_id", "projects", training_sql("project_context")),
    "features_tender": ("tender_id", "features_tender", "SELECT * FROM features_tender"),
    "features_post": ("post_id", "features_post", "SELECT * FROM features_post"),
    "warnings": ("warning_id", "warnings", "SELECT * EXCLUDE (low_confirmation) FROM warnings"),
    "post_scores": ("post_id", "post_scores", "SELECT * FROM post_scores"),
}
#: what a project's score reads besides the model
PROJECT_INPUTS = ("features_project", "project_rule_hits", "project_context")


def take_snapshots(con: duckdb.DuckDBPyConnection, names: tuple[str, ...] = tuple(SNAPSHOTS)) -> None:
    """Copy the current rows of each snapshot into ``_update_before_<name>`` (kept in the store file, as
    the merge runs in another connection)."""
    for name in names:
        _, source, query = SNAPSHOTS[name]
        if has_table(con, source):
            con.execute(f"CREATE OR REPLACE TABLE {BEFORE}{name} AS {_query(con, name, query)}")


def _query(con: duckdb.DuckDBPyConnection, name: str, query: str) -> str:
    """Warnings carry ``low_confirmation`` only once a model marked them."""
    if name == "warnings" and "low_confirmation" not in _columns(con, "warnings"):
        return "SELECT * FROM warnings"
    return query


def changed_keys(con: duckdb.DuckDBPyConnection, name: str) -> set[str] | None:
    """Keys whose rows differ before and after (new, gone or changed); None when every row must count as
    changed (no snapshot, or the columns themselves changed)."""
    key, source, query = SNAPSHOTS[name]
    if not has_table(con, source) or not has_table(con, f"{BEFORE}{name}"):
        return None
    con.execute(f"CREATE OR REPLACE TEMP TABLE {AFTER}{name} AS {_query(con, name, query)}")
    new, old = _columns(con, f"{AFTER}{name}"), _columns(con, f"{BEFORE}{name}")
    if new != old:
        return None
    cols = ", ".join(f'"{c}"' for c in new)
    query = sql("changed_keys").format(key=f'"{key}"', cols=cols, new=f"{AFTER}{name}", old=f"{BEFORE}{name}")
    return {str(r[0]) for r in con.execute(query).fetchall()}


def changed_projects(con: duckdb.DuckDBPyConnection) -> set[str] | None:
    """Projects whose score inputs changed; None when all of them must be re-scored."""
    found: set[str] = set()
    for name in PROJECT_INPUTS:
        keys = changed_keys(con, name)
        if keys is None:
            return None
        found |= keys
    return found


def count_changed(con: duckdb.DuckDBPyConnection, name: str) -> int | None:
    """How many keys of a snapshot changed (None: not comparable), for the report."""
    keys = changed_keys(con, name)
    return None if keys is None else len(keys)


def drop_snapshots(con: duckdb.DuckDBPyConnection) -> None:
    for name in SNAPSHOTS:
        con.execute(f"DROP TABLE IF EXISTS {BEFORE}{name}")
        con.execute(f"DROP TABLE IF EXISTS {AFTER}{name}")


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [d[0] for d in con.execute(f'SELECT * FROM "{relation}" LIMIT 0').description]
