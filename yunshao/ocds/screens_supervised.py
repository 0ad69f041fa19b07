"""Supervised collusion score: learn from past verdicts, score every tender, new ones included.

Where courts or inspectors have already decided some tenders, the screening literature (Huber & Imhof
2019; Wallimann, Imhof & Huber 2022; García Rodríguez et al. 2022) finds a classifier on the screens to
beat any single screen: it learns which screens this market's rings move, and which way, instead of
assuming the literature's directions (a partial ring, whose outsiders' bids widen the spread, reverses
the variance screens). The candidates, a logistic regression on the reference z-scores and LightGBM on
the raw screens and those of the tender's subgroups of bids (``screens_subgroups``, for incomplete
cartels), are compared by cross-validated AUC, folds grouped by tender, together with the default
score itself (a candidate that learns nothing, kept when the verdicts are too few to learn better; its
log odds are also a feature of the others); the
best is refitted on all verdicts. Tenders with a verdict get their out-of-fold score, so no tender is
scored by a model that saw its verdict.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.special import logit
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from yunshao.ocds.screens_defs import SCREEN_COLUMNS
from yunshao.ocds.screens_reference import CollusionScorer
from yunshao.ocds.screens_subgroups import SUBGROUP_COLUMNS, subgroup_features

CANDIDATES = ("default", "logistic_C0.1", "logistic_C1", "lightgbm", "lightgbm_subgroups")


def bid_features(bids: pd.DataFrame) -> pd.DataFrame:
    """Per tender: log of the lowest bid (the size of the job), the price rank of the declared winner and
    the screens of its subgroups of 3 and 4 bids (``screens_subgroups``)."""
    priced = bids.dropna(subset=["tender_id", "price"]).copy()
    priced["rank"] = priced.groupby("tender_id")["price"].rank(method="min")
    won = priced[priced["is_winner"].fillna(False).astype(bool)].groupby("tender_id")["rank"].min()
    with np.errstate(divide="ignore", invalid="ignore"):
        low = np.log(priced.groupby("tender_id")["price"].min().clip(lower=0))
    out = pd.DataFrame({"log_lowest_bid": low.replace(-np.inf, np.nan), "winner_rank": won})
    out.index = out.index.astype("string")
    return out.join(subgroup_features(priced))


def screen_features(X: pd.DataFrame) -> pd.DataFrame:
    """The screens, their z-scores against the competitive reference, the fixed score's Z, the default
    ``collusion_score`` as log odds, and bid features (NaN when the bids were not given).

    The default score adapts to its file, so it is taken from ``X["collusion_score"]`` when present (as
    ``score_screens`` computed it on the whole file); otherwise it is computed on ``X`` itself."""
    fixed = CollusionScorer(adapt=False).fit(X)
    z = fixed.screen_z(X).add_prefix("z_")
    out = pd.concat([X.loc[:, list(SCREEN_COLUMNS)].astype("float64"), z], axis=1)
    out["collusion_z"] = fixed.combined_z(X)
    if "collusion_score" in X.columns:
        score = X["collusion_score"].to_numpy(dtype="float64", na_value=np.nan)
    else:
        score = CollusionScorer().fit(X).score_samples(X)
    out["collusion_score"] = score
    out["collusion_logit"] = logit(np.clip(score, 1e-12, 1 - 1e-12))
    out["n_bids"] = X["n_bids"].astype("float64")
    bid_columns = ["log_lowest_bid", "winner_rank", *SUBGROUP_COLUMNS]
    given = X.reindex(columns=bid_columns).astype("float64")
    return pd.concat([out, given.set_axis(out.index)], axis=1)


def _logistic_matrix(features: pd.DataFrame) -> np.ndarray:
    """z-scores with missing as 0 (the reference median) plus a missing flag each, log bids and size."""
    z = features[[c for c in features.columns if c.startswith("z_")] + ["collusion_z", "collusion_logit"]]
    flags = z.isna().astype("float64").add_suffix("_missing")
    extra = pd.DataFrame(
        {
            "log_n_bids": np.log(features["n_bids"].clip(lower=1)),
            "log_lowest_bid": features["log_lowest_bid"].fillna(features["log_lowest_bid"].median()).fillna(0.0),
            "lowest_won": (features["winner_rank"] == 1).astype("float64"),
        }
    )
    return np.asarray(pd.concat([z.fillna(0.0), flags, extra], axis=1).to_numpy(dtype="float64"))


class _Candidate(BaseEstimator, ClassifierMixin):
    """One candidate model on the screen features: the default score as is, logistic or LightGBM."""

    def __init__(self, kind: str = "lightgbm", random_state: int = 0) -> None:
        self.kind = kind
        self.random_state = random_state

    def _model(self) -> Any:
        if self.kind.startswith("logistic_C"):
            c = float(self.kind.removeprefix("logistic_C"))
            return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=2000))
        if self.kind in ("lightgbm", "lightgbm_subgroups"):
            from lightgbm import LGBMClassifier

            return LGBMClassifier(
                n_estimators=200,
                learning_rate=0.05,
                num_leaves=15,
                min_child_samples=10,
                subsample=0.8,
                subsample_freq=1,
                colsample_bytree=0.8,
                random_state=self.random_state,
                n_jobs=1,
                verbose=-1,
            )
        raise ValueError(f"unknown candidate {self.kind!r}; expected one of {CANDIDATES}")

    def _matrix(self, features: pd.DataFrame) -> Any:
        if self.kind.startswith("logistic"):
            return _logistic_matrix(features)
        if self.kind == "lightgbm":
            return features.drop(columns=list(SUBGROUP_COLUMNS))
        return features

    def fit(self, features: pd.DataFrame, y: np.ndarray) -> _Candidate:
        self.model_ = None if self.kind == "default" else self._model().fit(self._matrix(features), y)
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        if self.model_ is None:
            p = np.nan_to_num(features["collusion_score"].to_numpy(dtype="float64"), nan=0.5)
            return np.column_stack([1.0 - p, p])
        return np.asarray(self.model_.predict_proba(self._matrix(features)))


class ScreenClassifier(BaseEstimator, ClassifierMixin):
    """Collusion probability per tender learnt from verdicts; X is the screens table (n_bids, screens).

    ``fit`` compares ``candidates`` by out-of-fold AUC (``StratifiedGroupKFold``, groups = tenders, at
    most ``n_splits`` folds and no more than the rarer class has tenders), keeps the best (``best_``,
    ``cv_auc_`` per candidate, ``oof_proba_`` of the best for the training tenders) and refits it on all.
    """

    def __init__(self, candidates: tuple[str, ...] = CANDIDATES, n_splits: int = 5, random_state: int = 0) -> None:
        self.candidates = candidates
        self.n_splits = n_splits
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, y: Any, groups: Any = None) -> ScreenClassifier:
        target = np.asarray(y, dtype="int64")
        rarer = int(min(np.sum(target == 0), np.sum(target == 1)))
        if rarer < 2:
            raise ValueError("need at least 2 tenders of each class to cross-validate")
        features = screen_features(X).reset_index(drop=True)
        groups = np.arange(len(target)) if groups is None else np.asarray(groups)
        folds = list(
            StratifiedGroupKFold(min(self.n_splits, rarer), shuffle=True, random_state=self.random_state).split(
                features, target, groups
            )
        )
        oof = {name: self._out_of_fold(name, features, target, folds) for name in self.candidates}
        self.cv_auc_ = {name: float(roc_auc_score(target, p)) for name, p in oof.items()}
        self.best_ = max(self.cv_auc_, key=lambda name: self.cv_auc_[name])
        self.oof_proba_ = oof[self.best_]
        self.model_ = _Candidate(self.best_, self.random_state).fit(features, target)
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = X.shape[1]
        return self

    def _out_of_fold(
        self, name: str, features: pd.DataFrame, y: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]]
    ) -> np.ndarray:
        out = np.full(len(y), np.nan)
        template = _Candidate(name, self.random_state)
        for train, test in folds:
            model = clone(template).fit(features.iloc[train], y[train])
            out[test] = model.predict_proba(features.iloc[test])[:, 1]
        return out

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return self.model_.predict_proba(screen_features(X).reset_index(drop=True))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype("int64")


def supervised_report(result: pd.DataFrame, model: ScreenClassifier, y: np.ndarray) -> str:
    """Cross-validated AUC of the model against the default score and each single screen, verdicts only."""
    from yunshao.ocds.screens_metrics import auc, auc_table, screen_aucs

    labelled = result[result["has_verdict"]]
    rows = {f"supervised ({model.best_}, cross-validated)": model.cv_auc_[model.best_]}
    rows["collusion_score (default)"] = auc(y, labelled["collusion_score"])
    rows.update(screen_aucs(labelled, y))
    head = (
        f"supervised score learnt from {len(y)} verdicts ({int(np.sum(y))} collusive), "
        f"scored {len(result)} tenders / 已用 {len(y)} 个判定学习，评分 {len(result)} 个招标"
    )
    return head + "\n" + auc_table(rows)


def add_supervised(result: pd.DataFrame, verdicts: pd.Series, bids: pd.DataFrame | None = None, **params: Any) -> Any:
    """``result`` with ``supervised_score`` and ``has_verdict``, and the AUC report (a ``ScreenRun``).

    Tenders with a verdict get their out-of-fold score; the others the score of the model refitted on
    every verdict."""
    from yunshao.ocds.screens import ScreenRun

    out = result.copy()
    X = out.join(bid_features(bids), on="tender_id") if bids is not None else out
    has = out["tender_id"].astype("string").isin(verdicts.index).to_numpy()
    y = verdicts.reindex(out.loc[has, "tender_id"].astype("string")).to_numpy(dtype="int64")
    model = ScreenClassifier(**params).fit(X[has], y, groups=out.loc[has, "tender_id"].to_numpy())
    score = np.full(len(out), np.nan)
    score[has] = model.oof_proba_
    if (~has).any():
        score[~has] = model.predict_proba(X[~has])[:, 1]
    out["supervised_score"] = score
    out["has_verdict"] = has
    return ScreenRun(out, supervised_report(out, model, y), {"model": model})
