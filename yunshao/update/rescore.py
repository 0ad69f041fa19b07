"""Re-score the changed projects with the store's model, then every post.

The model is the one the store was scored with (``scoring_model``): an update never trains, so a project
scores the same whether it came in the first run or a later update, and a full run over base and delta
with that model writes the same rows (``tests/pipeline/test_update.py``). A project's risk, level and
explanation depend on its own row and the fitted model only (the combiner's thresholds were fixed when
the model was fitted), so unchanged projects keep their stored rows. Post scores are county-relative by
design (the riskiest 10 % of projects, county rates of official-side hits, an anomaly detector fitted
over the posts, levels by rank), so all posts are scored again from the merged project scores; they are
few and that takes a second.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from yunshao.settings import Settings
from yunshao.training.dataset import ProjectData, load_project_data
from yunshao.training.labels import read_outcomes
from yunshao.training.model import RiskModel
from yunshao.training.scoring import (
    ScoreReport,
    _explanations,
    describe_model,
    load_store_model,
    mark_low_confirmation,
    posts_of,
    write_post_scores,
    write_project_scores,
)

SCORE_COLUMNS = ["risk_score", "level", "anomaly_score", "model_score", "top_factors"]


@dataclass
class RescoreReport:
    """How many rows the models stage of the update touched."""

    projects: int = 0
    rescored: int = 0
    explained: int = 0
    posts: int = 0
    levels: dict[str, int] = field(default_factory=dict)
    post_levels: dict[str, int] = field(default_factory=dict)


def rescore(con: duckdb.DuckDBPyConnection, settings: Settings, changed: Collection[str] | None) -> RescoreReport:
    """Score ``changed`` projects (None: all) and projects without a stored score; rewrite the score tables."""
    model = load_store_model(con)
    data = load_project_data(con)
    stored = con.execute(f"SELECT project_id, {', '.join(SCORE_COLUMNS)} FROM project_scores").df()
    scores = stored.set_index(stored["project_id"].astype(str))[SCORE_COLUMNS].reindex(data.index)
    todo = data.index if changed is None else data.index[data.index.isin(list(changed)) | scores["level"].isna()]
    report = RescoreReport(projects=len(data.index), rescored=len(todo))
    if len(todo):
        fresh = score_rows(model, data, todo, settings)
        report.explained = int(fresh["top_factors"].notna().sum())
        scores.loc[todo, SCORE_COLUMNS] = fresh[SCORE_COLUMNS]
    write_project_scores(con, scores, data)
    described = ScoreReport()
    describe_model(model, data, described)
    mark_low_confirmation(con, described.rules)
    posts = posts_of(con, scores, model, data, read_outcomes(con), settings).frame
    write_post_scores(con, posts)
    report.levels = {str(k): int(v) for k, v in scores["level"].value_counts().items()}
    report.posts = len(posts)
    report.post_levels = {str(k): int(v) for k, v in posts["level"].value_counts().items()} if len(posts) else {}
    return report


def score_rows(model: RiskModel, data: ProjectData, rows: pd.Index, settings: Settings) -> pd.DataFrame:
    """Scores and explanations of ``rows`` exactly as ``score_run`` makes them for the whole county."""
    sub = data.frame.loc[rows]
    design = model.design(sub)
    scores = model.score(sub, design)
    scores["top_factors"] = _explanations(model, data, scores, settings, design)
    return scores
