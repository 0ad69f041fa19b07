"""A rule whose hits are all unfounded stops producing red levels in the next run; its warnings stay."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.training.synth import make_store
from yunshao.settings import ModelSettings, Settings
from yunshao.training import score_run

RULE = "R_tender_splitting"


def _settings(tmp_path, min_labels: int) -> Settings:
    model = ModelSettings(
        mlflow_tracking_uri=f"sqlite:///{tmp_path / 'none.db'}",
        n_estimators=50,
        use_champion=False,
        min_labels=min_labels,
        red_share=0.1,  # room for the rule's projects among the red ones before the outcomes arrive
    )
    return Settings(model=model)


def _levels(con, ids: list[str]) -> dict[str, str]:
    rows = con.execute("SELECT project_id, level FROM project_scores").fetchall()
    return {p: lvl for p, lvl in rows if p in set(ids)}


@pytest.mark.slow  # two full model stages on 600 projects, one training the classifier
@pytest.mark.parametrize("min_labels", [10, 1000], ids=["classifier", "rules_only"])
def test_all_unfounded_rule_no_longer_makes_red_but_keeps_its_warnings(tmp_path, min_labels):
    con, _ = make_store(600, seed=0, label_frac=0.5)
    settings = _settings(tmp_path, min_labels)
    hit = [r[0] for r in con.execute("SELECT DISTINCT project_id FROM warnings WHERE rule_id = ?", [RULE]).fetchall()]
    warnings_before = con.execute(
        "SELECT warning_id FROM warnings WHERE rule_id = ? ORDER BY warning_id", [RULE]
    ).fetchall()
    # the rule is the only rule hitting its projects, so nothing else can make them red
    others = con.execute(
        "SELECT count(*) FROM warnings WHERE rule_id <> ? AND project_id IN (SELECT project_id FROM warnings "
        "WHERE rule_id = ?)",
        [RULE, RULE],
    ).fetchone()[0]
    assert others == 0 and len(hit) >= 10

    first = score_run(con, settings)
    red_before = [p for p, lvl in _levels(con, hit).items() if lvl == "red"]
    assert len(red_before) >= 3, "the rule should make several projects red before the outcomes arrive"
    assert not next(r for r in first.rules if r["rule_id"] == RULE)["low_confirmation"]

    # every project the rule hit was checked and found unfounded (a later decision overrides earlier ones)
    outcomes = pd.DataFrame(
        {
            "entity_type": "project",
            "entity_id": hit,
            "outcome": "unfounded",
            "scheme": "tender_splitting",
            "decided_at": pd.Timestamp("2026-03-01"),
        }
    )
    con.register("_new", outcomes)
    con.execute("INSERT INTO labels SELECT entity_type, entity_id, outcome, scheme, decided_at FROM _new")
    con.unregister("_new")

    # by hand: the prior, the posterior and the base rate
    n = con.execute("SELECT count(*) FROM projects").fetchone()[0]
    n_red, n_yellow = con.execute(
        "SELECT count(*) FILTER (WHERE worst = 2), count(*) FILTER (WHERE worst = 1) FROM (SELECT project_id, "
        "max(CASE WHEN severity = 'red' THEN 2 ELSE 1 END) AS worst FROM warnings WHERE rule_id = ? GROUP BY 1)",
        [RULE],
    ).fetchone()
    rate = len(hit) / n
    scale = min(1.0, math.log(1 / rate) / math.log(1 / 0.02))
    labelled = con.execute("SELECT count(DISTINCT entity_id) FROM labels").fetchone()[0]
    confirmed = con.execute(
        "SELECT count(DISTINCT entity_id) FROM labels WHERE outcome = 'confirmed' AND entity_id NOT IN "
        "(SELECT project_id FROM warnings WHERE rule_id = ?)",
        [RULE],
    ).fetchone()[0]
    base_rate = confirmed / labelled
    assert confirmed >= min(min_labels, 12) and base_rate > 0.15

    second = score_run(con, settings)
    assert second.labels["positive"] == confirmed and second.labels["positive"] + second.labels["negative"] == labelled
    assert (second.model_source == "trained_in_run") == (min_labels <= confirmed)

    # no project of the rule is red any more
    after = _levels(con, hit)
    assert len(after) == len(hit)
    assert [p for p, lvl in after.items() if lvl == "red"] == []

    # its warnings are all still there, flagged low_confirmation; the other rules' warnings are not
    assert (
        con.execute("SELECT warning_id FROM warnings WHERE rule_id = ? ORDER BY warning_id", [RULE]).fetchall()
        == warnings_before
    )
    flags = dict(con.execute("SELECT rule_id, bool_and(low_confirmation) FROM warnings GROUP BY rule_id").fetchall())
    assert flags[RULE] is True
    assert {r: f for r, f in flags.items() if r != RULE} == dict.fromkeys(set(flags) - {RULE}, False)

    # the rule_confirmation table and the report say why
    row = con.execute(
        "SELECT checked, confirmed, prior, confirmation_rate, low_confirmation "
        "FROM rule_confirmation WHERE rule_id = ?",
        [RULE],
    ).fetchone()
    # the rule's worst severity per project is red on most of its projects → severity 0.7
    severity = 0.7 if n_red >= n_yellow else 0.35
    prior = severity * scale
    # the confirmation rate's Beta prior is centred on the base rate, worth 6 checked hits; 0 of n confirmed
    posterior = base_rate * 6 / (6 + len(hit))
    assert row[0] == len(hit) and row[1] == 0
    assert row[2] == pytest.approx(prior, abs=1e-4)
    assert row[3] == pytest.approx(posterior, abs=1e-4)
    assert row[4] is True and row[3] < base_rate
    in_report = next(r for r in second.rules if r["rule_id"] == RULE)
    assert in_report["low_confirmation"] is True and in_report["checked"] == len(hit)
    assert in_report["confirmation_rate"] == pytest.approx(posterior, abs=1e-4)
    assert [r["rule_id"] for r in second.rules if r["low_confirmation"]] == [RULE]


def test_a_low_confirmation_hit_alone_does_not_make_a_project_red():
    import numpy as np

    from yunshao.training.combine import RiskCombiner

    n = 200
    rng = np.random.default_rng(0)
    parts = pd.DataFrame(
        {
            "rules_red": 0.0,
            "rules_yellow": 0.0,
            "is_emergency": 0.0,
            "rule__A": 0.0,
            "anomaly_score": rng.uniform(0, 0.5, n),
            "pattern_score": rng.uniform(0, 0.2, n),
        }
    )
    parts.loc[:9, ["rule__A", "rules_red"]] = [2.0, 1.0]  # rule A red on rows 0-9, all unfounded
    parts.loc[0, ["anomaly_score", "pattern_score"]] = [1.0, 1.0]  # row 0 is also far out
    y = np.full(n, -1)
    y[:10], y[50:60] = 0, 1
    comb = RiskCombiner().fit(parts, y, np.where(y >= 0, 1.0, 0.0))
    assert comb.rules_.low_confirmation_columns() == ["rule__A"]
    # without A's hit row 0 has no evidence and cannot be red; A's (noise) hit must not change that
    no_hit = parts.copy()
    no_hit.loc[0, ["rule__A", "rules_red"]] = 0.0
    assert comb.levels(no_hit)[0] != "red"
    assert comb.levels(parts)[0] != "red"
