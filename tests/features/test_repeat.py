"""Repeated passes (the API): the second pass reuses the first pass's checked SQL and gives the same tables
as a full, checked build over the same rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from yunshao.contract import load_dataset
from yunshao.engine import connect
from yunshao.features import build_features
from yunshao.features.runner import WIDE_TABLES, RepeatCache
from yunshao.settings import Settings

simulate_mod = pytest.importorskip("yunshao.simulate")


def _wide(con) -> dict[str, pd.DataFrame]:  # type: ignore[no-untyped-def]
    out = {}
    for table in WIDE_TABLES.values():
        frame = con.execute(f"SELECT * FROM {table}").df()
        out[table] = frame.sort_values(list(frame.columns[:2])).reset_index(drop=True)
    return out


def test_repeat_pass_equals_a_checked_build(tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    simulate_mod.simulate(folder, 120, 3)
    con = connect()
    present = load_dataset(folder, con).present_tables
    settings, cache = Settings(), RepeatCache()

    first = build_features(con, settings, present, repeat=cache)
    assert cache.present == frozenset(present) and first.get("project_trail").rows > 0
    # other rows, same tables: half of the projects go, amounts move
    con.execute("DELETE FROM projects WHERE hash(project_id) % 2 = 0")
    con.execute("UPDATE contracts SET amount = amount * 1.5")

    again = build_features(con, settings, present, repeat=cache)
    assert again.get("project_trail").rows == -1  # re-run from the cache, uncounted
    assert again.ran == first.ran
    fast = _wide(con)
    full = build_features(con, settings, present)  # no cache: every check, every count
    assert full.get("project_trail").rows > 0
    checked = _wide(con)
    assert 0 < len(fast["features_project"]) < first.get("features_project").rows
    for table, frame in checked.items():
        pd.testing.assert_frame_equal(fast[table], frame, check_dtype=True)


def test_another_set_of_tables_is_a_full_build(tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    simulate_mod.simulate(folder, 60, 4)
    con = connect()
    present = set(load_dataset(folder, con).present_tables)
    cache = RepeatCache()
    build_features(con, Settings(), present, repeat=cache)
    fewer = present - {"land_parcels"}
    report = build_features(con, Settings(), fewer, repeat=cache)
    assert report.get("project_trail").rows > 0  # checked and counted again
    assert "project_land" in report.skipped
    assert cache.present == frozenset(fewer)
