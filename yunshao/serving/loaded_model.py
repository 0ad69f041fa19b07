"""The model the API scores with, loaded once at start-up.

In order: the registry's ``champion`` (when ``settings.model.use_champion`` and a registry exists), else
the model the latest run kept in its store (``scoring_model``: trained in that run, or rules and
detectors alone). Scoring then calls the training stage's own ``load_project_data``, ``RiskModel.score``
and ``explain_projects``: the same code as ``yunshao run``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from yunshao.serving.batch_scoring import ScoreFn
from yunshao.settings import Settings


@dataclass
class LoadedModel:
    model: Any  # yunshao.training.model.RiskModel
    version: str | None
    source: str  # champion | store


def load_model(settings: Settings, store: Path) -> tuple[LoadedModel | None, list[str]]:
    """The model and notes saying which one (or why none)."""
    notes: list[str] = []
    if getattr(settings.model, "use_champion", True):
        try:
            from yunshao.training.registry import find_champion

            found = find_champion(settings.model)
        except Exception as exc:  # a broken registry must not keep the pages down; say so in /health
            found = None
            notes.append(f"champion lookup failed: {type(exc).__name__}: {exc}")
        if found is not None:
            model, version = found
            notes.append(f"scoring with the registry's champion, version {version}")
            return LoadedModel(model, str(version), "champion"), notes
    try:
        from yunshao.training.scoring import MODEL_TABLE, load_store_model

        with duckdb.connect(str(store), read_only=True) as con:
            model = load_store_model(con)
            row = con.execute(f"SELECT source, version FROM {MODEL_TABLE} LIMIT 1").fetchone()
    except Exception as exc:
        notes.append(f"no model: no champion and the store holds none ({type(exc).__name__}: {exc})")
        return None, notes
    source, version = (row or ("store", None))[0], (row or (None, None))[1]
    label = f"store:{source}" + (f":{version}" if version else "")
    notes.append(f"no champion: scoring with the model the latest run kept in its store ({source})")
    return LoadedModel(model, label, "store"), notes


def score_fn(loaded: LoadedModel, settings: Settings) -> ScoreFn:
    """Scores and explanations of the batch's projects, computed as ``score_run`` computes them."""
    from yunshao.training.dataset import load_project_data
    from yunshao.training.explain import explain_projects

    top_k = settings.model.top_factors

    def score(con: duckdb.DuckDBPyConnection, ids: list[str], explain: bool) -> pd.DataFrame:
        data = load_project_data(con)
        rows = pd.Index([i for i in ids if i in data.index])
        frame = data.frame.loc[rows]
        design = loaded.model.design(frame)  # once for the score and its explanation
        scores: pd.DataFrame = loaded.model.score(frame, design)
        if explain:
            top = explain_projects(loaded.model, data.frame, rows, top_k, design=design)
            scores["top_factors"] = top.reindex(scores.index)
        return scores

    return score
