"""Small hand-made stores shaped like the features and rules stages' tables (no simulator needed)."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

SCHEMES = ("bid_rigging", "tender_splitting", "settlement_inflation", "self_approval")


def make_store(
    n: int = 600, seed: int = 0, label_frac: float = 0.4, planted_share: float = 0.08
) -> tuple[duckdb.DuckDBPyConnection, pd.DataFrame]:
    """A store with projects, features_project, warnings, labels, posts, approvals and features_post.

    Returns the connection and the truth (project_id, scheme or '' for clean, labelled flag).
    """
    rng = np.random.default_rng(seed)
    ids = [f"P{i:05d}" for i in range(n)]
    planted = rng.random(n) < planted_share
    scheme = np.where(planted, rng.choice(SCHEMES, n), "")
    emergency = (~planted) & (rng.random(n) < 0.05)
    feats = {f"f{j}": rng.lognormal(0, 1, n) for j in range(8)}
    for j, s in enumerate(SCHEMES):
        hit = scheme == s
        feats[f"f{j}"] = np.where(hit, feats[f"f{j}"] * 8 + 5, feats[f"f{j}"])
    for j in range(8):
        feats[f"f{j}"][rng.random(n) < 0.1] = np.nan
    features = pd.DataFrame({"project_id": ids, **feats})
    projects = pd.DataFrame(
        {
            "project_id": ids,
            "domain": rng.choice(["construction", "procurement", "land"], n),
            "category": np.where(emergency, "emergency", "road"),
        }
    )
    rows = []
    for i in range(n):
        fires = (planted[i] and rng.random() < 0.7) or (not planted[i] and rng.random() < 0.03)
        if fires:
            rule = "R_" + (scheme[i] or rng.choice(SCHEMES))
            sev = "red" if rng.random() < 0.6 else "yellow"
            rows.append((f"W{i}", "project", ids[i], rule, sev, "{}", "", ids[i], scheme[i] or None, f"S{i % 40}"))
    warnings = pd.DataFrame(
        rows,
        columns=[
            "warning_id",
            "entity_type",
            "entity_id",
            "rule_id",
            "severity",
            "evidence",
            "guide",
            "project_id",
            "scheme",
            "post_id",
        ],
    )
    labelled = planted & (rng.random(n) < label_frac)
    unfounded = (~planted) & (rng.random(n) < label_frac * 0.05)
    lab_ids = np.nonzero(labelled | unfounded)[0]
    days = rng.integers(0, 700, len(lab_ids))
    labels = pd.DataFrame(
        {
            "entity_type": "project",
            "entity_id": [ids[i] for i in lab_ids],
            "outcome": ["confirmed" if planted[i] else "unfounded" for i in lab_ids],
            "scheme": [scheme[i] or None for i in lab_ids],
            "decided_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D"),
        }
    )
    posts = pd.DataFrame({"post_id": [f"S{k}" for k in range(40)], "unit_id": "U1"})
    approvals = pd.DataFrame(
        {
            "event_id": [f"E{i}" for i in range(n)],
            "project_id": ids,
            "node": "C04",
            "action": "approve",
            "post_id": [f"S{i % 40}" for i in range(n)],
            "person_id": None,
            "occurred_at": pd.Timestamp("2024-01-01"),
        }
    )
    features_post = pd.DataFrame({"post_id": posts["post_id"], "g0": rng.normal(0, 1, 40)})
    con = duckdb.connect()
    for name, frame in {
        "projects": projects,
        "features_project": features,
        "warnings": warnings,
        "posts": posts,
        "approvals": approvals,
        "features_post": features_post,
    }.items():
        con.register("_f", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _f")
        con.unregister("_f")
    if label_frac > 0:
        con.register("_f", labels)
        con.execute("CREATE TABLE labels AS SELECT * FROM _f")
        con.unregister("_f")
    truth = pd.DataFrame({"project_id": ids, "scheme": scheme, "labelled": labelled | unfounded}).set_index(
        "project_id"
    )
    return con, truth


def fit_inputs(n: int, seed: int, label_frac: float, *, forest: int, trees: int):
    """A hand-made store's project data, its targets and a small spec (``forest`` Isolation Forest trees,
    ``trees`` LightGBM rounds), ready for ``RiskModel`` or ``fit_risk_model``."""
    from yunshao.training.dataset import load_project_data
    from yunshao.training.labels import make_targets, read_outcomes
    from yunshao.training.spec import ExperimentSpec

    con, _ = make_store(n, seed=seed, label_frac=label_frac)
    data = load_project_data(con)
    targets = make_targets(read_outcomes(con), "project", data.index, partial_weight=0.5)
    spec = ExperimentSpec(seed=0)
    spec.anomaly.n_estimators = forest
    spec.classifier.params = {"n_estimators": trees}
    return data, targets, spec
