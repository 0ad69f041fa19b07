"""Rule severities, anomaly and model scores → one ``risk_score`` (0–100) and a level.

Four components, each on 0–1: rules as a noisy-OR of their hits, each hit weighted by its rule's
strength in this county (``rule_weights.RuleConfirmation``: the rarity-weighted severity, updated by
verified outcomes); the anomaly percentile raised to ``anomaly_power`` (only the far tail should
matter); the rule-pattern score (a detector trained, without any verified outcome, on what rare rules
flag red); and the classifier's probability.

Without outcomes the risk is the components' weighted mean (``weighted``), a component the county lacks
dropping out with its weight. With outcomes, ``fit`` compares candidate combinations — each part alone,
the weighted mean, and a stacking layer (logistic regression on the parts) — by cross-validated average
precision on the county's own outcomes (labelled positives against everything else, folds given by the
caller, cut by decision date) over bootstrap replicates, and mixes them by how often each ranks best: the
county's outcomes, not our defaults, decide.

Levels: red is rare and precise (what an inspector can check this week), yellow a watch list, green the
rest. Without outcomes red is a share of projects. With outcomes the red threshold is the lowest one at
which the *estimated* precision among unverified projects reaches ``red_precision``: the score is
calibrated to P(labelled positive | score) by isotonic regression, and Elkan & Noto's correction turns
that into P(positive | score, unverified) given the label frequency ``c`` (the mean calibrated score of
labelled positives). Red needs evidence to point at: a rule hit, or with outcomes the learned model.
Emergency works (抢险救灾, exempt from tendering) are never red; a rule shown to be noise
(low-confirmation) is no evidence for red.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from yunshao.settings import ModelSettings
from yunshao.training.evaluate import average_precision, weighted_average_precision
from yunshao.training.rule_weights import RuleConfirmation, RuleHits, rule_columns

PARTS = ("rules_red", "rules_yellow", "anomaly_score", "pattern_score", "model_score", "is_emergency")
LEVELS = ("red", "yellow", "green")
#: the candidate combinations ``fit`` compares when outcomes exist, in order of preference on ties
CANDIDATES = ("weighted", "label_free", "rules", "detectors", "classifier", "blend", "stack")
#: candidates that need a model score
NEEDS_MODEL = ("weighted", "classifier", "blend", "stack")
EPS = 1e-4
#: rows the bootstrap of the combination choice reads at most (all positives, a sample of the others)
CHOICE_ROWS = 60_000
#: the level shares and the red precision default to the settings' (one home for each default)
_DEFAULTS = ModelSettings()


class RiskCombiner(BaseEstimator):
    """Rule strengths, the combination chosen by outcomes (or the default weights) and the thresholds."""

    def __init__(
        self,
        w_rule: float = 1.0,
        w_anomaly: float = 0.4,
        w_model: float = 1.0,
        w_pattern: float = 1.0,
        red_hit: float = 0.7,
        yellow_hit: float = 0.35,
        anomaly_power: float = 2.0,
        red_share: float = _DEFAULTS.red_share,
        yellow_share: float = _DEFAULTS.yellow_share,
        red_precision: float = _DEFAULTS.red_precision,
        red_needs_rule: bool = True,
        min_validation: int = 5,
        min_red_risk: float = 40.0,
        rarity_ref: float | None = 0.02,
        prior_strength: float = 6.0,
        min_checked: int = 3,
        red_max_share: float = 0.15,
        stack_c: float = 1.0,
        shrink_labels: float = 100.0,
        choice_rounds: int = 100,
        random_state: int | None = 0,
    ) -> None:
        self.w_rule = w_rule
        self.w_anomaly = w_anomaly
        self.w_model = w_model
        self.w_pattern = w_pattern
        self.red_hit = red_hit
        self.yellow_hit = yellow_hit
        self.anomaly_power = anomaly_power
        self.red_share = red_share
        self.yellow_share = yellow_share
        self.red_precision = red_precision
        self.red_needs_rule = red_needs_rule
        self.min_validation = min_validation
        self.min_red_risk = min_red_risk
        self.rarity_ref = rarity_ref
        self.prior_strength = prior_strength
        self.min_checked = min_checked
        self.red_max_share = red_max_share
        self.stack_c = stack_c
        self.shrink_labels = shrink_labels
        self.choice_rounds = choice_rounds
        self.random_state = random_state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """A model pickled before the choice was shared (a store's ``scoring_model``, a registered champion)
        holds one candidate, ``method_``, and its reference as ``chosen``: it becomes a share of one."""
        super().__setstate__(state)
        defaults = type(self)().get_params()
        for name in ("choice_rounds", "random_state"):
            self.__dict__.setdefault(name, defaults[name])
        reference = state.get("final_reference_")
        if "shares_" not in state and isinstance(reference, dict) and "chosen" in reference:
            method = state.get("method_", "weighted")
            self.__dict__["shares_"] = {method: 1.0}
            self.final_reference_ = {**reference, method: reference["chosen"]}

    # -- rules -------------------------------------------------------------------------------------------
    def _rule_model(self) -> RuleConfirmation:
        return RuleConfirmation(
            red_hit=self.red_hit,
            yellow_hit=self.yellow_hit,
            rarity_ref=self.rarity_ref,
            prior_strength=self.prior_strength,
            min_checked=self.min_checked,
        )

    def rule_strengths(self, parts: pd.DataFrame, hits: RuleHits | None = None) -> pd.DataFrame:
        """Per rule column, the probability-like strength of its hit on each row (0 where it did not hit).

        Without per-rule columns, the red/yellow counts are used unscaled: n hits of strength p combine
        like one hit of strength 1 - (1-p)^n. ``hits`` is ``RuleHits.of(parts)`` when the caller has it.
        """
        if not rule_columns(parts):
            red = parts["rules_red"].fillna(0).to_numpy(float)
            yellow = parts["rules_yellow"].fillna(0).to_numpy(float)
            return pd.DataFrame(
                {"rules_red": 1 - (1 - self.red_hit) ** red, "rules_yellow": 1 - (1 - self.yellow_hit) ** yellow},
                index=parts.index,
            )
        hits = RuleHits.of(parts) if hits is None else hits
        rules = getattr(self, "rules_", None)
        if rules is None:  # not fitted: rates from the rows at hand, no outcomes
            rules = self._rule_model().fit_hits(hits)
        return pd.DataFrame(rules.strength_matrix(hits), index=parts.index, columns=hits.columns)

    # -- components and candidate scores -----------------------------------------------------------------
    def components(self, parts: pd.DataFrame, hits: RuleHits | None = None) -> pd.DataFrame:
        """The 0–1 components (``pattern``/``model`` NaN where there is no such score)."""
        strengths = self.rule_strengths(parts, hits).to_numpy()
        rule = 1 - np.prod(1 - strengths, axis=1)
        anomaly = np.clip(parts["anomaly_score"].fillna(0).to_numpy(float), 0, 1) ** self.anomaly_power
        missing = np.full(len(parts), np.nan)
        model = parts["model_score"].to_numpy(float) if "model_score" in parts else missing
        pattern = parts["pattern_score"].to_numpy(float) if "pattern_score" in parts else missing
        return pd.DataFrame({"rule": rule, "anomaly": anomaly, "pattern": pattern, "model": model}, index=parts.index)

    def points(self, comp: pd.DataFrame, use_model: bool = True) -> pd.DataFrame:
        """Each component's risk points in the weighted mean: they add up to ``weighted``, which is what
        explanations without a classifier show. A missing score drops out with its weight."""
        weights = {"rule": self.w_rule, "anomaly": self.w_anomaly, "pattern": self.w_pattern}
        if use_model:
            weights["model"] = self.w_model
        present = {k: comp[k].notna().to_numpy() for k in weights}
        den = sum(np.where(present[k], w, 0.0) for k, w in weights.items())
        den = np.where(den > 0, den, 1.0)
        return pd.DataFrame(
            {
                k: np.where(present[k], 100.0 * w * comp[k].fillna(0).to_numpy(float) / den, 0.0)
                for k, w in weights.items()
            },
            index=comp.index,
        )

    def weighted(self, comp: pd.DataFrame, use_model: bool = True) -> np.ndarray:
        """The weighted mean of the components, times 100; a missing score drops out with its weight."""
        return np.asarray(self.points(comp, use_model).sum(axis=1).to_numpy(), dtype=float)

    def candidate(self, name: str, comp: pd.DataFrame, stack: Pipeline | None = None) -> np.ndarray:
        """One candidate combination's risk (0–100) from the components.

        ``blend`` is the mean of the rule and model components' percentiles among the fitted county's
        projects: a rank average, robust where the two scores live on unrelated scales.
        """
        if name == "blend":
            ref = self.reference_
            pct = [np.searchsorted(ref[c], comp[c].fillna(0).to_numpy(float), side="right") / len(ref[c]) for c in ref]
            return np.asarray(100.0 * np.mean(pct, axis=0), dtype=float)
        if name == "weighted":
            return self.weighted(comp)
        if name == "label_free":
            return self.weighted(comp, use_model=False)
        if name == "stack":
            if stack is None:
                raise ValueError("the stack candidate needs a fitted stacking layer")
            return np.asarray(100.0 * stack.predict_proba(stack_inputs(comp))[:, 1], dtype=float)
        column = {"rules": "rule", "detectors": "anomaly", "classifier": "model"}[name]
        return np.asarray(100.0 * comp[column].fillna(0).to_numpy(float), dtype=float)

    def risk(self, parts: pd.DataFrame, comp: pd.DataFrame | None = None) -> np.ndarray:
        """The risk: without outcomes the weighted mean; with them the chosen combinations, shrunk.

        The candidates the outcomes chose are mixed by their shares (``shares_``), each as its percentile
        among the fitted county's projects; on n positive outcomes the mixture moves the score n/(n +
        ``shrink_labels``) of the way from the default weighted mean (as a percentile too):
        cross-validation on a few dozen biased outcomes is noisy, so few labels move it little. Candidates
        that need a model score drop out where there is none. ``comp`` is ``components(parts)`` when the
        caller has it.
        """
        comp = self.components(parts) if comp is None else comp
        shares = self.usable_shares(comp)
        shrink = getattr(self, "shrink_", None)
        if shrink is None or not shares:
            return self.weighted(comp)
        ref = self.final_reference_
        total = sum(shares.values())
        picked = sum(
            share * np.searchsorted(ref[name], self.candidate(name, comp, self.stack_), side="right") / len(ref[name])
            for name, share in shares.items()
        )
        default = np.searchsorted(ref["weighted"], self.weighted(comp), side="right") / len(ref["weighted"])
        return np.asarray(100.0 * ((1 - shrink) * default + shrink * picked / total), dtype=float)

    def usable_shares(self, comp: pd.DataFrame) -> dict[str, float]:
        """The chosen candidates' shares, without those needing a model score where ``comp`` has none."""
        shares = getattr(self, "shares_", None) or {}
        if comp["model"].isna().all():
            return {k: v for k, v in shares.items() if k not in NEEDS_MODEL}
        return dict(shares)

    # -- fitting -----------------------------------------------------------------------------------------
    def fit(self, parts: pd.DataFrame, y: Any = None, sample_weight: Any = None, folds: Any = None) -> RiskCombiner:
        """Rule strengths, then (outcomes and ``folds`` permitting) the combination, then thresholds.

        ``parts`` must hold out-of-fold model scores for labelled rows (``folds`` says which fold each
        row's score came from), so no candidate is judged on rows it learned from.
        """
        self.fit_risk_and_levels(parts, y, sample_weight, folds)
        return self

    def fit_risk_and_levels(
        self, parts: pd.DataFrame, y: Any = None, sample_weight: Any = None, folds: Any = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """``fit``, then ``risk_and_levels(parts)`` from the components and risk the fit computed for the
        thresholds anyway (a run scores the rows it fitted on: at a city's size a second pass costs seconds)."""
        target = np.full(len(parts), -1) if y is None else np.asarray(y)
        hits = RuleHits.of(parts)  # read once: every step below reads the same rule hits
        self.rules_ = self._rule_model().fit_hits(hits, None if y is None else target, sample_weight)
        self.method_: str = "weighted"
        self.shares_: dict[str, float] = {}
        self.stack_: Pipeline | None = None
        self.shrink_: float | None = None
        self.candidates_: list[dict[str, Any]] = []
        comp = self.components(parts, hits)
        learned = folds is not None and (target >= 0).sum() >= self.min_validation and (target == 1).any()
        if learned:
            self.reference_ = {c: np.sort(comp[c].fillna(0).to_numpy(float)) for c in ("rule", "model")}
            self._choose(parts, comp, hits, target, sample_weight, np.asarray(folds))
            self._shrink(comp, int((target == 1).sum()))
        risk = self.risk(parts, comp)
        eligible = self._red_eligible(parts, hits)
        if learned:
            self.red_threshold_, self.red_basis_ = precision_threshold(
                risk, eligible, target, self.red_precision, self.red_max_share
            )
        else:  # the top ``red_share`` of eligible rows, never below ``min_red_risk``
            by_share = max(_upper_quantile(np.where(eligible, risk, -1.0), self.red_share), self.min_red_risk)
            self.red_threshold_, self.red_basis_ = by_share, "share"
        self.yellow_threshold_ = float(min(_upper_quantile(risk, self.yellow_share), self.red_threshold_))
        return risk, self.levels(parts, risk, comp, hits)

    def _choose(
        self, parts: pd.DataFrame, comp: pd.DataFrame, hits: RuleHits, y: np.ndarray, weight: Any, folds: np.ndarray
    ) -> None:
        """Each candidate's share: how often it has the best out-of-fold AP over bootstrap replicates.

        Why not the single best: candidates within the noise of each other trade places under any small
        change (the classifier's seed alone changed the winner in 6 of 20 simulated counties), and a hard
        choice jumps with them; shared, mean AP rose 0.007-0.010 at each of three seeds and the worst gap
        to the best other scorer narrowed (docs/model-report.md). The share is taken over ``choice_rounds``
        Poisson replicates of the rows (the same replicates for every candidate, so the comparison is
        paired). ``method_`` is the candidate with the largest share (explanations follow it).
        """
        positive = (y == 1).astype(int)
        oof = self._oof_components(parts, comp, hits, y, weight, folds)
        scores: dict[str, np.ndarray] = {}
        for name in CANDIDATES:
            if name in NEEDS_MODEL and comp["model"].isna().all():
                continue
            scores[name] = self._oof_stack(oof, positive, folds) if name == "stack" else self.candidate(name, oof)
        shares = choice_shares(scores, positive, self.choice_rounds, self.random_state)
        self.shares_ = {k: v for k, v in shares.items() if v > 0}
        best = max(self.shares_, key=lambda k: shares[k]) if self.shares_ else "weighted"
        self.candidates_ = [
            {"candidate": k, "cv_ap": average_precision(positive, v), "share": shares.get(k, 0.0), "chosen": k == best}
            for k, v in scores.items()
        ]
        self.method_ = best
        if "stack" in self.shares_:
            self.stack_ = _fit_stack(comp, positive, self.stack_c)

    def _shrink(self, comp: pd.DataFrame, n_positive: int) -> None:
        """How far the chosen candidates move the score from the default, and the percentile references."""
        self.shrink_ = n_positive / (n_positive + self.shrink_labels)
        self.final_reference_ = {name: np.sort(self.candidate(name, comp, self.stack_)) for name in self.shares_}
        self.final_reference_["weighted"] = np.sort(self.weighted(comp))

    def _oof_components(
        self, parts: pd.DataFrame, comp: pd.DataFrame, hits: RuleHits, y: np.ndarray, weight: Any, folds: np.ndarray
    ) -> pd.DataFrame:
        """Components whose rule strengths were learned without the row's own fold's outcomes."""
        if not rule_columns(parts):
            return comp
        w = None if weight is None else np.asarray(weight, float)
        rule = comp["rule"].to_numpy().copy()
        for k in np.unique(folds):
            held = folds == k
            y_k = np.where(held, -1, y)
            strengths = self._rule_model().fit_hits(hits, y_k, w).strength_matrix(hits.rows(held))
            rule[held] = 1 - np.prod(1 - strengths, axis=1)
        return comp.assign(rule=rule)

    def _oof_stack(self, comp: pd.DataFrame, positive: np.ndarray, folds: np.ndarray) -> np.ndarray:
        out = np.zeros(len(comp))
        for k in np.unique(folds):
            held = folds == k
            train = ~held
            if positive[train].sum() == 0 or positive[train].all():
                out[held] = 0.0
                continue
            stack = _fit_stack(comp.loc[train], positive[train], self.stack_c)
            out[held] = stack.predict_proba(stack_inputs(comp.loc[held]))[:, 1]
        return out

    # -- levels ------------------------------------------------------------------------------------------
    def _red_eligible(self, parts: pd.DataFrame, hits: RuleHits) -> np.ndarray:
        """Rows that may be red: evidence to point at (a hit of a rule not shown to be noise, or with
        outcomes the learned model), and never emergency works (exempt from tendering by law, their
        warnings go to the watch list)."""
        anyhit = self._trusted_hits(parts, hits)
        learned = any(k in NEEDS_MODEL for k in getattr(self, "shares_", {})) and "model_score" in parts
        if learned:
            anyhit = anyhit | parts["model_score"].notna().to_numpy()
        emergency = parts["is_emergency"].fillna(0).to_numpy(float) > 0 if "is_emergency" in parts else False
        eligible = anyhit if self.red_needs_rule else np.ones(len(parts), bool)
        return np.asarray(eligible & ~emergency, dtype=bool)

    def _trusted_hits(self, parts: pd.DataFrame, hits: RuleHits) -> np.ndarray:
        rules = getattr(self, "rules_", None)
        if rules is None or not rule_columns(parts):
            counts = parts["rules_red"].fillna(0).to_numpy(float) + parts["rules_yellow"].fillna(0).to_numpy(float)
            return np.asarray(counts > 0, dtype=bool)
        return rules.trusted(hits, 1)

    def risk_and_levels(self, parts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """``risk(parts)`` and ``levels(parts)``, the rule hits read once for both."""
        hits = RuleHits.of(parts)
        comp = self.components(parts, hits)
        risk = self.risk(parts, comp)
        return risk, self.levels(parts, risk, comp, hits)

    def levels(
        self,
        parts: pd.DataFrame,
        risk: np.ndarray | None = None,
        comp: pd.DataFrame | None = None,
        hits: RuleHits | None = None,
    ) -> np.ndarray:
        """red, yellow or green per row; ``risk``, ``comp`` and ``hits`` when the caller has them."""
        check_is_fitted(self, "red_threshold_")
        hits = RuleHits.of(parts) if hits is None else hits
        comp = self.components(parts, hits) if comp is None else comp
        risk = self.risk(parts, comp) if risk is None else risk
        red = (risk >= self.red_threshold_) & self._red_eligible(parts, hits)
        # a red hit of a rule rare enough to count in full (and not shown to be noise) is never green
        yellow_floor = comp["rule"].to_numpy() >= self.red_hit - 1e-9
        yellow = ~red & ((risk >= self.yellow_threshold_) | yellow_floor)
        return np.where(red, "red", np.where(yellow, "yellow", "green"))

    def thresholds(self) -> dict[str, Any]:
        check_is_fitted(self, "red_threshold_")
        return {
            "red": self.red_threshold_,
            "yellow": self.yellow_threshold_,
            "red_basis": self.red_basis_,
            "method": getattr(self, "method_", "weighted"),
            "shares": dict(getattr(self, "shares_", {})),
        }


def stack_inputs(comp: pd.DataFrame) -> np.ndarray:
    """The stacking layer's inputs: log-odds of the rule, pattern and model scores, the anomaly part."""
    cols = []
    for name in ("rule", "anomaly", "pattern", "model"):
        values = comp[name].to_numpy(float)
        if name != "anomaly":
            values = _logit(np.where(np.isnan(values), 0.5, values))
        cols.append(np.nan_to_num(values))
    return np.column_stack(cols)


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, EPS, 1 - EPS)
    return np.asarray(np.log(q / (1 - q)))


def _fit_stack(comp: pd.DataFrame, positive: np.ndarray, c: float) -> Pipeline:
    """Logistic regression of "labelled positive" on the parts; L2 shrinks it when labels are few."""
    return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=1000)).fit(stack_inputs(comp), positive)


def unverified_posterior(risk: np.ndarray, y: np.ndarray) -> np.ndarray:
    """P(positive | risk) for an unverified row (Elkan & Noto 2008), from labelled positives and unverified rows.

    g(risk) = P(labelled positive | risk) by isotonic regression over labelled positives and unverified
    rows (known negatives are neither); c = mean g over labelled positives; then an unverified row is
    positive with probability (1-c)/c · g/(1-g), capped at 1.
    """
    pool = (y == 1) | (y < 0)
    out = np.zeros(len(risk))
    if not (y[pool] == 1).any() or (y[pool] == 1).all():
        return out
    iso = IsotonicRegression(increasing=True, out_of_bounds="clip", y_min=0.0, y_max=1.0)
    g = iso.fit(risk[pool], (y[pool] == 1).astype(float)).predict(risk)
    c = float(np.clip(g[y == 1].mean(), EPS, 1.0))
    odds = g / np.clip(1 - g, EPS, None)
    return np.asarray(np.clip((1 - c) / c * odds, 0.0, 1.0))


def precision_threshold(
    risk: np.ndarray, eligible: np.ndarray, y: np.ndarray, target: float, max_share: float = 1.0
) -> tuple[float, str]:
    """The lowest risk whose rows at or above it (unverified, eligible) have estimated precision ≥ ``target``.

    Precision is the mean of ``unverified_posterior`` over those rows; at most ``max_share`` of all rows.
    """
    posterior = unverified_posterior(risk, y)
    unverified = (y < 0) & eligible
    if not unverified.any():
        return float("inf"), "outcomes: no unverified project"
    r, p = risk[unverified], posterior[unverified]
    order = np.argsort(-r, kind="stable")
    ranked = r[order]
    precision = np.cumsum(p[order]) / np.arange(1, len(order) + 1)
    group_end = np.append(ranked[1:] != ranked[:-1], True)  # a threshold takes all rows tied at it
    ok = np.nonzero((precision >= target) & group_end)[0]
    if ok.size == 0:
        return float(ranked[0]) + 1e-9, "outcomes: precision target not reached"
    last = min(int(ok.max()), max(1, int(max_share * len(risk))) - 1)
    return float(ranked[last]), "outcomes: estimated precision" + (" (share cap)" if last < ok.max() else "")


def choice_shares(
    scores: dict[str, np.ndarray],
    positive: np.ndarray,
    rounds: int,
    random_state: int | None,
    max_rows: int = CHOICE_ROWS,
) -> dict[str, float]:
    """Per candidate, the share of ``rounds`` bootstrap replicates (Poisson weights on the rows, shared
    by all candidates) in which its average precision is the highest; ties go to the earlier candidate.

    Above ``max_rows`` rows, every positive is kept and the other rows are sampled (without replacement,
    weighted up to what they stand for), so a city's 365,000 projects cost what 60,000 do: the choice's
    noise is the positives', which are all kept. Draws: the sample first, then the replicates.
    """
    names = list(scores)
    positive = np.asarray(positive, dtype=bool)
    if not names or not positive.any() or positive.all():
        return {}
    rng = np.random.default_rng(random_state)
    rows, row_weight = _choice_rows(positive, max_rows, rng)
    weights = np.empty((rounds, len(rows)), dtype=np.int8)  # small integers; 100 replicates of 60,000 rows: 6 MB
    for r in range(rounds):
        weights[r] = rng.poisson(1.0, len(rows))
    aps = np.column_stack(
        [weighted_average_precision(positive[rows], scores[n][rows], weights, row_weight) for n in names]
    )
    valid = ~np.isnan(aps).all(axis=1)
    wins = np.bincount(np.nanargmax(aps[valid], axis=1), minlength=len(names)) if valid.any() else np.zeros(len(names))
    total = max(int(valid.sum()), 1)
    return {n: float(w) / total for n, w in zip(names, wins, strict=True)}


def _choice_rows(positive: np.ndarray, max_rows: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Row indices the choice reads (sorted) and each row's weight: all rows at weight 1 up to
    ``max_rows``; else every positive and a sample of the others, each standing for others/sampled rows."""
    if len(positive) <= max_rows:
        return np.arange(len(positive)), np.ones(len(positive))
    others = np.flatnonzero(~positive)
    keep = min(len(others), max(max_rows - int(positive.sum()), 1))
    sampled = np.sort(rng.choice(others, size=keep, replace=False))
    rows = np.sort(np.concatenate([np.flatnonzero(positive), sampled]))
    row_weight = np.where(positive[rows], 1.0, len(others) / keep)
    return rows, row_weight


def _upper_quantile(values: np.ndarray, share: float) -> float:
    """The value above which ``share`` of the finite ``values`` lie (their 1-share quantile)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return float("inf")
    return float(np.quantile(finite, 1.0 - share, method="higher"))
