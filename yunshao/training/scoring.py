"""The models stage of ``yunshao run``: score every project and post, explain the flagged ones.

Which model scores is decided once, in order: the registry's ``champion`` when one exists (its tracking
store is never created here, so a run without a registry stays fast and leaves nothing behind); else a
model trained now when the dataset has enough verified outcomes (the report says so); else rules and
detectors alone, with ``model_score`` NULL. The model used is kept in the store (``scoring_model``), so
explanations for any row can be computed later on request with the very same model.
"""

from __future__ import annotations

import json
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from yunshao.contract.outputs import POST_SCORES, PROJECT_SCORES, RULE_CONFIRMATION, SCORING_MODEL, WARNINGS
from yunshao.settings import Settings
from yunshao.training.dataset import RULE_PREFIX, ProjectData, has_table, load_project_data
from yunshao.training.labels import Targets, make_targets, read_outcomes
from yunshao.training.model import RiskModel
from yunshao.training.posts import PostScores, score_posts
from yunshao.training.spec import ExperimentSpec, spec_defaults

Progress = Callable[[str], None]
MODEL_TABLE = SCORING_MODEL.name
RULE_TABLE_COLUMNS = [
    "rule_id", "hit_share", "checked", "confirmed", "prior", "confirmation_rate", "interval", "strength",
    "low_confirmation",
]  # fmt: skip


@dataclass
class ScoreReport:
    """What the models stage did; recorded in ``run.json``."""

    projects: int = 0
    posts: int = 0
    levels: dict[str, int] = field(default_factory=dict)
    post_levels: dict[str, int] = field(default_factory=dict)
    model_source: str = "none"  # champion | trained_in_run | none
    model_version: str | None = None
    unlabelled_weight: float | None = None
    combination: str | None = None
    thresholds: dict[str, Any] = field(default_factory=dict)
    candidates: list[dict[str, Any]] = field(default_factory=list)  # combinations compared, with CV AP
    classifier_cv: list[dict[str, Any]] = field(default_factory=list)  # unlabelled weights compared
    rules: list[dict[str, Any]] = field(default_factory=list)  # confirmation rate per rule
    labels: dict[str, int] = field(default_factory=dict)
    explained: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def score_run(con: duckdb.DuckDBPyConnection, settings: Settings, *, progress: Progress | None = None) -> ScoreReport:
    """Create ``project_scores`` and ``post_scores`` in ``con`` (see the module docstring)."""
    report = ScoreReport()
    clock = time.perf_counter()
    data = load_project_data(con)
    outcomes = read_outcomes(con)
    targets = make_targets(outcomes, "project", data.index, partial_weight=settings.model.partial_weight)
    report.labels = {"positive": targets.n_positive, "negative": targets.n_negative}
    _tick(report, "load", clock, progress)
    clock = time.perf_counter()
    model, fitted = _choose_model(data, targets, settings, report)
    _tick(report, "train", clock, progress)
    clock = time.perf_counter()
    if fitted is None:
        design = model.design(data.frame)  # once for the scores and the explanations of the flagged rows
        scores = model.score(data.frame, design)
    else:
        scores, design = fitted
        report.seconds.update({f"train_{k}": v for k, v in model.fit_seconds_.items()})
    _tick(report, "score", clock, progress)
    clock = time.perf_counter()
    scores["top_factors"] = _explanations(model, data, scores, settings, design)
    del design
    report.explained = int(scores["top_factors"].notna().sum())
    _tick(report, "explain", clock, progress)
    write_project_scores(con, scores, data)
    save_model(con, model, report)
    report.projects = len(scores)
    report.levels = {str(k): int(v) for k, v in scores["level"].value_counts().items()}
    describe_model(model, data, report)
    mark_low_confirmation(con, report.rules)
    clock = time.perf_counter()
    posts = posts_of(con, scores, model, data, outcomes, settings, None if outcomes.empty else targets)
    write_post_scores(con, posts.frame)
    report.posts = len(posts.frame)
    report.post_levels = {str(k): int(v) for k, v in posts.frame["level"].value_counts().items()}
    if posts.used_model:
        report.notes.append("posts: a classifier was trained on post labels")
    _tick(report, "posts", clock, progress)
    return report


def posts_of(
    con: duckdb.DuckDBPyConnection,
    scores: pd.DataFrame,
    model: RiskModel,
    data: ProjectData,
    outcomes: pd.DataFrame,
    settings: Settings,
    project_targets: Targets | None = None,
) -> PostScores:
    """Post scores from the project scores, the county's outcomes and the rule strengths the model learned.

    ``project_targets``: the projects' targets from ``outcomes`` when the caller made them already (at a
    city's size reading and matching the outcomes again costs seconds); None reads them from the store."""
    post_targets = make_targets(outcomes, "post", _post_ids(con), partial_weight=settings.model.partial_weight)
    return score_posts(
        con,
        scores,
        targets=post_targets,
        project_targets=project_targets,
        red_share=settings.model.red_share,
        yellow_share=settings.model.yellow_share,
        partial_weight=settings.model.partial_weight,
        top_k=settings.model.top_factors,
        min_positive=settings.model.min_labels,
        rule_strengths=rule_strengths(model, data),
        random_state=settings.model.random_state,
    )


def rule_strengths(model: RiskModel, data: ProjectData) -> dict[str, float]:
    """Rule id → the strength of its hit in this county (what the rule component of the risk uses)."""
    ids = data.rule_ids
    rules = model.combiner_.rules_
    return {ids.get(c, c[len(RULE_PREFIX) :]): float(s) for c, s in zip(rules.columns_, rules.strength_, strict=True)}


def _tick(report: ScoreReport, step: str, start: float, progress: Progress | None) -> None:
    report.seconds[step] = round(time.perf_counter() - start, 3)
    if progress:
        progress(step)


def _choose_model(
    data: ProjectData, targets: Any, settings: Settings, report: ScoreReport
) -> tuple[RiskModel, tuple[pd.DataFrame, pd.DataFrame] | None]:
    """The champion when there is one, else a model fitted on this county (see the module docstring);
    with the latter, the county's scores and design the fit computed (``RiskModel.fit_score``)."""
    if settings.model.use_champion:
        from yunshao.training.registry import find_champion

        found = find_champion(settings.model)
        if found is not None:
            model, version = found
            report.model_source, report.model_version = "champion", version
            report.notes.append(f"scored with the registry's champion, version {version}")
            return model, None
    spec = spec_from_settings(settings)
    model = RiskModel(spec, n_jobs=settings.engine.n_jobs())
    fitted = model.fit_score(data.frame, targets)
    report.notes.extend(model.notes_)
    if model.classifier_ is not None:
        report.model_source = "trained_in_run"
        report.notes.append(
            f"no champion model: trained one in this run on {targets.n_positive} positive and "
            f"{targets.n_negative} negative labels"
        )
    else:
        report.notes.append(
            f"no model: {targets.n_positive} positive labels (need {settings.model.min_labels}); "
            "risk from rules and anomaly detectors, model_score is null"
        )
    return model, fitted


def describe_model(model: RiskModel, data: ProjectData, report: ScoreReport) -> None:
    """What the model chose, for ``run.json``: combination, thresholds, candidates, rule confirmation."""
    comb = model.combiner_
    ids = data.rule_ids
    report.unlabelled_weight = None if model.classifier_ is None else model.classifier_.unlabelled_weight
    report.combination = comb.method_
    report.thresholds = comb.thresholds()
    report.candidates = list(comb.candidates_)
    report.classifier_cv = list(model.classifier_cv_)
    report.rules = comb.rules_.table(ids)


def mark_low_confirmation(con: duckdb.DuckDBPyConnection, rules: list[dict[str, Any]]) -> None:
    """Keep each rule's confirmation in the store and flag the warnings of low-confirmation rules.

    The warnings stay, with their evidence and guide; ``low_confirmation`` tells an inspector that in
    this county such hits were rarely confirmed, and the levels no longer let them make a project red.
    """
    frame = pd.DataFrame(rules, columns=RULE_TABLE_COLUMNS)
    frame["interval_low"] = [r["interval"][0] for r in rules]
    frame["interval_high"] = [r["interval"][1] for r in rules]
    con.register("_rule_confirmation", frame.drop(columns=["interval"]))
    con.execute(f"CREATE OR REPLACE TABLE rule_confirmation AS {RULE_CONFIRMATION.cast_select('_rule_confirmation')}")
    con.unregister("_rule_confirmation")
    if not has_table(con, "warnings"):
        return
    columns = {r[0] for r in con.execute("DESCRIBE warnings").fetchall()}
    if "low_confirmation" not in columns:
        added = WARNINGS.column("low_confirmation")
        con.execute(f"ALTER TABLE warnings ADD COLUMN {added.name} {added.type} DEFAULT FALSE")
    con.execute(
        "UPDATE warnings SET low_confirmation = rule_id IN "
        "(SELECT rule_id FROM rule_confirmation WHERE low_confirmation)"
    )


def spec_from_settings(settings: Settings) -> ExperimentSpec:
    """The in-run experiment: the spec defaults (the settings' seed, forest size and level shares)."""
    m = settings.model
    spec = spec_defaults(settings)
    spec.name = "in-run"
    # rules learn from any outcome; a classifier needs enough of them, and may be switched off
    spec.validation.min_positive = m.min_labels if m.train_in_run else 2**31
    return spec


def _explanations(
    model: RiskModel, data: ProjectData, scores: pd.DataFrame, settings: Settings, design: pd.DataFrame
) -> pd.Series:
    mode = settings.model.explain
    if mode == "none":
        return pd.Series(None, index=scores.index, dtype=object)
    rows = scores.index if mode == "all" else scores.index[scores["level"] != "green"]
    factors = model.explain(data.frame, rows, settings.model.top_factors, design=design)
    return factors.reindex(scores.index)


def write_project_scores(con: duckdb.DuckDBPyConnection, scores: pd.DataFrame, data: ProjectData) -> None:
    frame = scores.reset_index(names="project_id")
    frame["rule_hits"] = [data.rule_hits.get(pid, []) for pid in frame["project_id"]]
    con.register("_project_scores", frame)
    con.execute(
        f"CREATE OR REPLACE TABLE project_scores AS {PROJECT_SCORES.cast_select('_project_scores')} "
        "ORDER BY risk_score DESC, project_id"
    )
    con.unregister("_project_scores")


def write_post_scores(con: duckdb.DuckDBPyConnection, posts: pd.DataFrame) -> None:
    frame = posts.reset_index(names="post_id") if len(posts) else posts.assign(post_id=pd.Series(dtype=str))
    con.register("_post_scores", frame)
    con.execute(
        f"CREATE OR REPLACE TABLE post_scores AS {POST_SCORES.cast_select('_post_scores')} "
        "ORDER BY risk_score DESC, post_id"
    )
    con.unregister("_post_scores")


def _post_ids(con: duckdb.DuckDBPyConnection) -> pd.Index:
    if not has_table(con, "posts"):
        return pd.Index([], dtype=str)
    return pd.Index(con.execute("SELECT DISTINCT post_id FROM posts ORDER BY post_id").df()["post_id"].astype(str))


def save_model(con: duckdb.DuckDBPyConnection, model: RiskModel, report: ScoreReport) -> None:
    """Keep the model that scored this store in the store, for explanations on request."""
    blob = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    info = json.dumps({**model.info_, "source": report.model_source}, ensure_ascii=False, default=str)
    con.execute(f"CREATE OR REPLACE TABLE {MODEL_TABLE} ({SCORING_MODEL.ddl()})")
    con.execute(
        f"INSERT INTO {MODEL_TABLE} VALUES (?, ?, ?, ?)", [report.model_source, report.model_version, info, blob]
    )


def load_store_model(con: duckdb.DuckDBPyConnection) -> RiskModel:
    """The model a run kept in its store (the store is written by yunshao itself, so it is trusted)."""
    row = con.execute(f"SELECT model FROM {MODEL_TABLE} LIMIT 1").fetchone()
    if row is None:
        raise LookupError(f"the store has no {MODEL_TABLE}: run `yunshao run` first")
    model = pickle.loads(row[0])
    assert isinstance(model, RiskModel)
    return model


def explain_on_request(con: duckdb.DuckDBPyConnection, project_ids: list[str], top_k: int = 5) -> dict[str, Any]:
    """Top factors for any projects of a scored store (the API calls this for green rows)."""
    model = load_store_model(con)
    data = load_project_data(con)
    known = pd.Index([p for p in project_ids if p in data.index])
    factors = model.explain(data.frame, known, top_k)
    return {pid: json.loads(factors[pid]) for pid in known}
