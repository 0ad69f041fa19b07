"""Verified outcomes → training targets and weights.

Outcomes come from the dataset's ``labels`` table and from the ``feedback`` table the API fills as
inspectors close cases. ``confirmed`` is a positive, ``partial`` a weaker positive, ``unfounded`` a
negative; an entity nobody checked is *unlabelled* (target -1, scikit-learn's convention for
semi-supervised learning), never a negative. When an entity has several outcomes, a later decision
overrides an earlier one, and a positive on any scheme makes the entity positive. An outcome on a
tender also counts for the tender's project.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from yunshao.training.dataset import has_table, sql

UNLABELLED = -1
LABEL_COLUMNS = ["entity_type", "entity_id", "outcome", "scheme", "decided_at", "source"]


def read_outcomes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """All outcomes from ``labels`` and ``feedback`` (whichever exist), one row per decision."""
    parts = [con.execute(sql(name)).df() for name in ("labels", "feedback") if has_table(con, name)]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=LABEL_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["entity_id"] = out["entity_id"].astype(str)
    return _tenders_as_projects(con, out)


def _tenders_as_projects(con: duckdb.DuckDBPyConnection, outcomes: pd.DataFrame) -> pd.DataFrame:
    """An outcome on a tender is also an outcome on its project (the unit the scores rank)."""
    tender = outcomes["entity_type"] == "tender"
    if not tender.any() or not has_table(con, "tenders"):
        return outcomes
    links = con.execute(sql("tender_projects")).df()
    project_of = dict(zip(links["tender_id"].astype(str), links["project_id"].astype(str), strict=True))
    mapped = outcomes[tender].assign(entity_type="project", entity_id=outcomes.loc[tender, "entity_id"].map(project_of))
    return pd.concat([outcomes, mapped.dropna(subset=["entity_id"])], ignore_index=True)


@dataclass
class Targets:
    """Per-entity target (1, 0 or -1 unlabelled), weight, decision time and schemes, on ``index``."""

    y: pd.Series
    weight: pd.Series
    decided_at: pd.Series
    scheme: pd.Series

    @property
    def labelled(self) -> pd.Series:
        return self.y != UNLABELLED

    @property
    def n_positive(self) -> int:
        return int((self.y == 1).sum())

    @property
    def n_negative(self) -> int:
        return int((self.y == 0).sum())


def make_targets(outcomes: pd.DataFrame, entity_type: str, index: pd.Index, *, partial_weight: float) -> Targets:
    """Targets for the entities in ``index`` (projects or posts) from outcomes of that entity type.

    ``partial_weight`` has no default here: it is ``ModelSettings.partial_weight``, passed by the caller.
    """
    rows = outcomes[outcomes["entity_type"] == entity_type].copy()
    rows = rows[rows["entity_id"].isin(index)]
    value = {"confirmed": 1.0, "partial": partial_weight, "unfounded": 0.0}
    rows["value"] = rows["outcome"].map(value)
    rows = rows.dropna(subset=["value"]).sort_values("decided_at", na_position="first")
    # the latest decision per (entity, scheme) stands; across schemes the strongest positive wins
    latest = rows.drop_duplicates(subset=["entity_id", "scheme"], keep="last")
    per_entity = latest.groupby("entity_id").agg(
        value=("value", "max"),
        decided_at=("decided_at", "max"),
        scheme=("scheme", lambda s: ",".join(sorted({str(x) for x in s if pd.notna(x)}))),
    )
    value_by = per_entity["value"].reindex(index)
    y = pd.Series(np.where(value_by.isna(), UNLABELLED, (value_by > 0).astype(int)), index=index)
    weight = pd.Series(np.where(value_by > 0, value_by, 1.0), index=index).where(y != UNLABELLED, 0.0)
    return Targets(
        y=y.astype(int),
        weight=weight.astype(float),
        decided_at=pd.to_datetime(per_entity["decided_at"].reindex(index)),
        scheme=per_entity["scheme"].reindex(index).fillna(""),
    )
