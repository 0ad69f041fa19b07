"""Every written row satisfies the contract, except the planted bad rows, which are really broken."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from tests.simulate.conformance import connect, order_breaks, violations
from yunshao.contract.schema import TABLES, Kind
from yunshao.simulate import SimulationSummary, simulate

pytestmark = pytest.mark.slow  # the session's simulated county of 1,500 projects (conftest.py)


def _bad(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for table, key in con.execute('SELECT "table", key FROM bad_rows').fetchall():
        out.setdefault(table, set()).add(key)
    return out


def test_all_tables_written_with_contract_columns(sim: SimulationSummary) -> None:
    for name, table in TABLES.items():
        files = list(Path(sim.out).glob(f"{name}.*parquet"))
        assert files, name
        con = duckdb.connect()
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{files[0]}')").fetchall()]
        assert set(cols) == set(table.column_names), name


def test_rows_conform_except_listed_bad_rows(con: duckdb.DuckDBPyConnection) -> None:
    assert violations(con, _bad(con)) == {}


def test_bad_rows_are_few_varied_and_broken(sim: SimulationSummary, con: duckdb.DuckDBPyConnection) -> None:
    bad = con.execute('SELECT "table", key, defect FROM bad_rows').fetchall()
    defects = {d for _, _, d in bad}
    assert len(defects) >= 5
    total = sum(sim.rows[t] for t in ("approvals", "bids", "payments"))
    assert 0 < len(bad) < 0.01 * total
    for table in {t for t, _, _ in bad}:
        key = TABLES[table].key[0]
        with (Path(sim.out) / f"{table}.bad.csv").open(encoding="utf-8") as f:
            rows = {r[key]: r for r in csv.DictReader(f)}
        for t, k, defect in bad:
            if t != table:
                continue
            row = rows[k]
            in_parquet = con.execute(f"SELECT count(*) FROM {table} WHERE {key} = ?", [k]).fetchone()[0]
            assert in_parquet == (1 if defect == "duplicate_id" else 0), (t, k, defect)
            assert _really_broken(con, table, row, defect), (t, k, defect)


def _parses(kind: Kind, text: str) -> bool:
    try:
        if kind == Kind.AMOUNT:
            return float(text) >= 0
        if kind == Kind.TIMESTAMP:
            dt.datetime.fromisoformat(text)
        return True
    except ValueError:
        return False


def _really_broken(con: duckdb.DuckDBPyConnection, table: str, row: dict[str, str], defect: str) -> bool:
    cols = TABLES[table].columns
    if defect == "missing_required":
        return any(row[c.name] == "" for c in cols if c.required)
    if defect == "negative_amount":
        return any(row[c.name].startswith("-") for c in cols if c.kind == Kind.AMOUNT)
    if defect == "bad_type":
        return any(row[c.name] and not _parses(c.kind, row[c.name]) for c in cols)
    if defect == "unknown_enum":
        return any(row[c.name] and row[c.name] not in c.values for c in cols if c.kind == Kind.ENUM)
    if defect == "dangling_id":
        for c in cols:
            if c.references and row[c.name]:
                rt, rc = c.references.split(".")
                if not con.execute(f"SELECT count(*) FROM {rt} WHERE {rc} = ?", [row[c.name]]).fetchone()[0]:
                    return True
        return False
    return defect == "duplicate_id"


def test_clean_trails_follow_the_legal_node_order(con: duckdb.DuckDBPyConnection) -> None:
    out_of_order = {
        r[0]
        for r in con.execute(
            """SELECT project_id FROM planted
               WHERE (scheme = 'build_before_approval' AND detail LIKE '%commence%')
                  OR (scheme = 'payout_unmet_promise' AND detail LIKE '%before_check%')"""
        ).fetchall()
    }
    everything = {r[0] for r in con.execute("SELECT project_id FROM projects").fetchall()}
    assert order_breaks(con, everything - out_of_order) == 0
    if out_of_order:
        assert order_breaks(con, out_of_order) >= len(out_of_order)


def test_same_seed_same_data_whatever_the_chunk_size(sim: SimulationSummary, tmp_path: Path) -> None:
    again = simulate(tmp_path / "again", sim.n_projects, sim.seed, chunk_projects=100_000)
    a, b = connect(Path(sim.out)), connect(Path(again.out))
    assert again.rows == sim.rows
    for name, table in TABLES.items():
        order = ", ".join(table.key or table.column_names)
        left = a.execute(f"SELECT * FROM {name} ORDER BY {order}").fetchall()
        right = b.execute(f"SELECT * FROM {name} ORDER BY {order}").fetchall()
        assert left == right, name
    for truth in ("planted", "lookalikes", "bad_rows"):
        q = "SELECT * FROM read_parquet('{}') ORDER BY ALL"
        assert (
            duckdb.sql(q.format(sim.truth / f"{truth}.parquet")).fetchall()
            == duckdb.sql(q.format(again.truth / f"{truth}.parquet")).fetchall()
        )
    assert len(list(Path(sim.out).glob("approvals.*.parquet"))) == 3
    assert len(list(Path(again.out).glob("approvals.*.parquet"))) == 1


def test_other_seed_other_data(sim: SimulationSummary, tmp_path: Path) -> None:
    other = simulate(tmp_path / "other", 300, sim.seed + 1, label_frac=0.0)
    q = "SELECT occurred_at FROM read_parquet('{}') ORDER BY event_id LIMIT 50"
    first = duckdb.sql(q.format(next(Path(sim.out).glob("approvals.00000.parquet")))).fetchall()
    second = duckdb.sql(q.format(next(Path(other.out).glob("approvals.00000.parquet")))).fetchall()
    assert first != second


@pytest.mark.parametrize("frac", [0.0])
def test_no_labels_table_without_label_fraction(tmp_path: Path, frac: float) -> None:
    s = simulate(tmp_path / "d", 300, 5, label_frac=frac)
    assert not list(Path(s.out).glob("labels*"))
    assert s.labels == 0


def test_summary_matches_the_files(sim: SimulationSummary, con: duckdb.DuckDBPyConnection) -> None:
    for name in ("projects", "tenders", "settlements", "people"):
        assert sim.rows[name] == con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
    planted = dict(
        con.execute("SELECT scheme, count(*) FROM planted WHERE entity_type <> 'post' GROUP BY 1").fetchall()
    )
    assert {k: v for k, v in sim.planted.items() if v} == planted
    assert sim.bad_rows == con.execute("SELECT count(*) FROM bad_rows").fetchone()[0]
    assert (sim.truth / "summary.json").exists()


@pytest.mark.parametrize("kwargs", [{"n_projects": 0}, {"label_frac": 1.5}, {"bad_row_frac": -0.1}])
def test_bad_arguments_are_refused(tmp_path: Path, kwargs: dict[str, float]) -> None:
    args = {"n_projects": 10, "seed": 1} | kwargs
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        simulate(tmp_path / "x", **args)  # type: ignore[arg-type]
