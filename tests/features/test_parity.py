"""DuckDB SQL against an independent pandas / plain-Python computation on a simulated dataset."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yunshao.contract import load_dataset
from yunshao.engine import connect
from yunshao.features import build_features
from yunshao.features.nodes import node_frame
from yunshao.settings import Settings

pytestmark = pytest.mark.slow  # simulates a county of 1,500 projects

simulate_mod = pytest.importorskip("yunshao.simulate")


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sim") / "ds"
    simulate_mod.simulate(Path(folder), 1500, 11)
    con = connect()
    report = load_dataset(folder, con)
    build_features(con, Settings(), report.present_tables)
    approvals = con.execute("SELECT * FROM approvals").df()
    features = con.execute("SELECT * FROM features_project").df().set_index("project_id")
    yield approvals, features
    con.close()


def test_trail_family_matches_pandas(simulated):
    ev, feats = simulated
    s = Settings().features
    ev = ev.assign(
        approve=ev["action"] == "approve",
        night=(ev["occurred_at"].dt.hour >= s.night_start_hour) | (ev["occurred_at"].dt.hour < s.night_end_hour),
        weekend=ev["occurred_at"].dt.day_of_week >= 5,
        offline=ev["channel"] == "offline",
    )
    g = ev.groupby("project_id")
    appr = ev[ev["approve"]].groupby("project_id")
    expected = pd.DataFrame(
        {
            "n_events": g.size(),
            "n_approvals": g["approve"].sum(),
            "n_returns": g["action"].apply(lambda a: a.isin(["return", "reject"]).sum()),
            "trail_days": (g["occurred_at"].max() - g["occurred_at"].min()).dt.total_seconds() / 86400,
            "night_approvals": appr["night"].sum(),
            "night_approval_share": appr["night"].mean(),
            "weekend_approval_share": appr["weekend"].mean(),
            "offline_share": ev[ev["channel"].notna()].groupby("project_id")["offline"].mean(),
            "distinct_approvers": appr["person_id"].nunique(),
        }
    )
    counts = ["night_approvals", "distinct_approvers"]  # zero, not NULL, for a trail without approvals
    expected[counts] = expected[counts].fillna(0)
    got = feats.loc[expected.index, list(expected.columns)].astype(float)
    assert len(expected) > 1000
    pd.testing.assert_frame_equal(got, expected.astype(float), check_names=False, atol=1e-9)
    assert (feats.loc[~feats.index.isin(expected.index), "n_events"] == 0).all()


def _violations(first: dict[int, pd.Timestamp]) -> int:
    """Nodes first reached after some later-ranked node: a quadratic loop, independent of the SQL."""
    return sum(any(first[m] < first[n] for m in first if m > n) for n in first)


def test_sequence_family_matches_python(simulated):
    ev, feats = simulated
    nodes = node_frame().set_index("node")
    ev = ev.join(nodes[["node_rank", "mandatory"]], on="node")
    firsts = ev[ev["mandatory"]].groupby(["project_id", "node_rank"])["occurred_at"].min()
    expected = {pid: _violations(grp.droplevel(0).to_dict()) for pid, grp in firsts.groupby(level=0)}
    got = feats.loc[list(expected), "node_order_violations"].to_dict()
    assert got == expected
    assert sum(v > 0 for v in expected.values()) > 0  # the simulated set has some out-of-order trails

    def first_person(action: str) -> pd.Series:
        sub = ev[ev["action"] == action].sort_values("occurred_at")
        return sub.groupby(["project_id", "node"])["person_id"].first()

    both = pd.concat({"s": first_person("submit"), "a": first_person("approve")}, axis=1).dropna()
    selfs = (both["s"] == both["a"]).groupby(level=0).sum()
    got_self = feats["self_approvals"]
    assert np.array_equal(got_self.reindex(selfs.index).to_numpy(), selfs.to_numpy())
    assert (got_self.drop(selfs.index) == 0).all()
