from __future__ import annotations

from yunshao.engine import connect
from yunshao.settings import EngineSettings


def test_release_drops_only_temporary_tables_and_restores_the_memory_limit():
    from yunshao.engine.duck import release_temp_tables

    con = connect(None, EngineSettings(memory_limit="3GB"))
    before = con.execute("SELECT current_setting('memory_limit')").fetchone()
    con.execute("CREATE TABLE kept AS SELECT range AS x FROM range(1000)")
    con.execute("CREATE TEMP TABLE step_a AS SELECT range AS x FROM range(100000)")
    con.execute("CREATE TEMP TABLE step_b AS SELECT 1 AS y")
    assert release_temp_tables(con, "3GB") == 2
    assert con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall() == [("kept",)]
    assert con.execute("SELECT count(*) FROM kept").fetchone() == (1000,)
    assert con.execute("SELECT current_setting('memory_limit')").fetchone() == before
    assert release_temp_tables(con, "3GB") == 0


def test_the_memory_limit_is_derived_from_the_machine_unless_set(monkeypatch):
    """1.5 GB per thread, at most half the machine's memory; a set limit is used as it is."""
    from yunshao import settings as settings_module

    monkeypatch.setattr(settings_module, "_physical_memory", lambda: 24 * 2**30)
    assert EngineSettings(threads=2).duckdb_memory_limit() == f"{3_000_000_000 // 2**20}MiB"  # 2861MiB
    monkeypatch.setattr(settings_module, "_physical_memory", lambda: 4 * 2**30)
    assert EngineSettings(threads=2).duckdb_memory_limit() == "2048MiB"  # half of 4 GiB
    monkeypatch.setattr(settings_module, "_physical_memory", lambda: None)
    assert EngineSettings(threads=4).duckdb_memory_limit() == f"{6_000_000_000 // 2**20}MiB"
    assert EngineSettings(threads=2, memory_limit="8GB").duckdb_memory_limit() == "8GB"
    con = connect(None, EngineSettings(threads=2))
    assert con.execute("SELECT current_setting('memory_limit')").fetchone() == ("2.7 GiB",)  # 2861 MiB
