"""Contract checks written independently of the simulator: plain SQL over the written files, driven by
the declaration in yunshao.contract.schema."""

from __future__ import annotations

from pathlib import Path

import duckdb

from yunshao.contract.schema import NODES_BY_DOMAIN, TABLES, Kind


def connect(folder: Path) -> duckdb.DuckDBPyConnection:
    """One view per table over its Parquet files (the bad-row CSV parts are left out)."""
    con = duckdb.connect()
    for name in TABLES:
        files = sorted(folder.glob(f"{name}.parquet")) + sorted(folder.glob(f"{name}.[0-9]*.parquet"))
        if files:
            paths = ", ".join(f"'{f}'" for f in files)
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{paths}], union_by_name=true)")
    return con


def key_expr(table: str) -> str:
    key = TABLES[table].key
    return key[0] if len(key) == 1 else "concat_ws('|', " + ", ".join(key) + ")"


def violations(con: duckdb.DuckDBPyConnection, excluded: dict[str, set[str]]) -> dict[str, int]:
    """Count of rows breaking each check, outside the excluded keys per table."""
    out: dict[str, int] = {}
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    for name, table in TABLES.items():
        if name not in views:
            continue
        cols = {r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()}
        assert cols == set(table.column_names), (name, cols ^ set(table.column_names))
        bad = excluded.get(name, set())
        con.execute("CREATE OR REPLACE TEMP TABLE skip(k VARCHAR)")
        if bad:
            con.executemany("INSERT INTO skip VALUES (?)", [(k,) for k in bad])
        base = f"(SELECT * FROM {name} WHERE {key_expr(name)} NOT IN (SELECT k FROM skip))"
        for col in table.columns:
            checks = []
            if col.required:
                checks.append(("required", f"{col.name} IS NULL"))
            if col.kind == Kind.ENUM:
                values = ", ".join(f"'{v}'" for v in col.values)
                checks.append(("enum", f"{col.name} IS NOT NULL AND {col.name} NOT IN ({values})"))
            if col.kind == Kind.AMOUNT and col.negative_where is None:
                checks.append(("negative", f"{col.name} < 0"))
            elif col.kind == Kind.AMOUNT:  # negative only where the contract allows it (核减, clawbacks)
                other, values = col.negative_where
                allowed = ", ".join(f"'{v}'" for v in values)
                checks.append(("negative", f"{col.name} < 0 AND NOT coalesce({other} IN ({allowed}), false)"))
            if col.minimum is not None and col.kind != Kind.AMOUNT:
                checks.append(("minimum", f"{col.name} < {col.minimum}"))
            if col.maximum is not None:
                checks.append(("maximum", f"{col.name} > {col.maximum}"))
            if col.references:
                rt, rc = col.references.split(".")
                checks.append(("dangling", f"{col.name} IS NOT NULL AND {col.name} NOT IN (SELECT {rc} FROM {rt})"))
            for label, cond in checks:
                n = con.execute(f"SELECT count(*) FROM {base} WHERE {cond}").fetchone()[0]
                if n:
                    out[f"{name}.{col.name}:{label}"] = n
        if table.key:
            n = con.execute(f"SELECT count(*) - count(DISTINCT {key_expr(name)}) FROM {base}").fetchone()[0]
            if n:
                out[f"{name}:duplicate_key"] = n
    node_domain = " UNION ALL ".join(
        f"SELECT '{code}' AS node, '{d}' AS domain" for d, nodes in NODES_BY_DOMAIN.items() for code in nodes
    )
    n = con.execute(
        f"""SELECT count(*) FROM approvals a JOIN projects p USING (project_id)
            LEFT JOIN ({node_domain}) nd ON nd.node = a.node AND nd.domain = p.domain WHERE nd.node IS NULL"""
    ).fetchone()[0]
    if n:
        out["approvals:node_domain"] = n
    return out


def order_breaks(con: duckdb.DuckDBPyConnection, projects: set[str]) -> int:
    """Events whose node comes before the previous event's node in the domain's legal order (C17 and C18
    repeat freely between C16 and C19), on the given projects."""
    ranks = " UNION ALL ".join(
        f"SELECT '{code}' AS node, {16 if code in ('C17', 'C18') else i} AS r"
        for nodes in NODES_BY_DOMAIN.values()
        for i, code in enumerate(nodes)
    )
    con.execute("CREATE OR REPLACE TEMP TABLE chosen(project_id VARCHAR)")
    con.executemany("INSERT INTO chosen VALUES (?)", [(p,) for p in projects])
    return con.execute(
        f"""WITH e AS (
              SELECT a.project_id, r.r,
                     lag(r.r) OVER (PARTITION BY a.project_id ORDER BY a.occurred_at, a.event_id) AS prev
              FROM approvals a JOIN ({ranks}) r USING (node) JOIN chosen USING (project_id))
            SELECT count(*) FROM e WHERE r < prev"""
    ).fetchone()[0]
