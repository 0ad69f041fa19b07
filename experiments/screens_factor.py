"""A label-free candidate for the default collusion score that was measured and NOT adopted: screen
weights estimated from the file's covariance by a one-factor model (docs/screens.md, "Candidates measured").

    .venv/bin/python experiments/screens_factor.py [--seeds 100 101 102]

Idea. If a file's tenders are a two-class mixture and the screens' z-scores are uncorrelated within a
class, their covariance off the diagonal is rank one, aᵢaⱼ with aᵢ = √(p(1−p)) δᵢ, δᵢ the shift of screen i
under collusion (the "spectral meta-learner" idea of Parisi et al. 2014). Within a class the screens are
not all uncorrelated, but the competitive reference says which pairs are: by Basu's theorem the scale
screen cv is independent of the location- and scale-free ones (rd, kurtosis, skewness, ks) for normal
bids, and skewness is uncorrelated with kurtosis and ks. So a is fitted on the pairs whose reference
correlation stays below ``CLEAN`` for every number of bids (loadings capped at 90 % of the screen's
variance, else a screen with one such partner takes any value), signed so that the literature's weights
see it as collusive, and the tender's score is Σ zᵢ aᵢ/ψᵢ (ψᵢ = var zᵢ − aᵢ², naive-Bayes weights) over its
screens, normalised by the reference; the adopted one-step EM then starts from it instead of from the
literature's weights. Printed: per market the AUC of the best single screen, the adopted default and the
two candidates per seed, and each scorer's mean and worst gap to the best single screen.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from scipy import stats

from yunshao.ocds.screens import SCREEN_COLUMNS, score_screens, screen_bids
from yunshao.ocds.screens_metrics import auc, best_screen, screen_aucs
from yunshao.ocds.screens_mixture import fit_mixture, pattern_groups
from yunshao.ocds.screens_reference import MAX_REFERENCE_BIDS, SCREEN_WEIGHTS, CollusionScorer
from yunshao.simulate.bid_markets import MARKETS, simulate_market

CLEAN = 0.15  # |reference correlation| below which a pair of screens counts as uncorrelated within a class
LITERATURE = np.array([SCREEN_WEIGHTS[c] for c in SCREEN_COLUMNS])


def clean_pairs(scorer: CollusionScorer, n_bids: np.ndarray) -> np.ndarray:
    """Pairs of screens whose reference correlation is below ``CLEAN`` for every number of bids present."""
    worst = np.zeros((len(SCREEN_COLUMNS),) * 2)
    for n in np.unique(n_bids):
        worst = np.fmax(worst, np.abs(np.nan_to_num(scorer._correlation(int(n)), nan=1.0)))
    mask = worst < CLEAN
    np.fill_diagonal(mask, False)
    return mask


def rank_one(cov: np.ndarray, mask: np.ndarray, iterations: int = 1000) -> np.ndarray:
    """Least-squares a with aᵢaⱼ ≈ cov_ij over the masked pairs (alternating, loadings capped)."""
    a = 0.3 * np.sqrt(np.diag(cov))
    cap = np.sqrt(0.9 * np.diag(cov))
    for _ in range(iterations):
        new = np.array([cov[i, m] @ a[m] / max(a[m] @ a[m], 1e-12) for i, m in enumerate(mask)])
        new = np.clip(new, -cap, cap)
        if np.max(np.abs(new - a)) < 1e-10:
            return new
        a = new
    return a


def factor_scores(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The factor-weighted Z and the one EM step started from it, per tender."""
    scorer = CollusionScorer(adapt=False)
    z = scorer.screen_z(frame).to_numpy("float64")
    n_bids = np.minimum(frame["n_bids"].to_numpy("float64"), MAX_REFERENCE_BIDS)
    complete = np.isfinite(z).all(axis=1)
    cov = np.cov(z[complete], rowvar=False)
    a = rank_one(cov, clean_pairs(scorer, n_bids[complete]))
    a = a if LITERATURE @ a >= 0 else -a
    weights = a / np.clip(np.diag(cov) - a**2, 1e-3, None)
    combined = np.full(len(frame), np.nan)
    for i, row in enumerate(z):
        seen = np.isfinite(row)
        if seen.any():
            r = np.nan_to_num(scorer._correlation(int(n_bids[i])), nan=0.0)[np.ix_(seen, seen)]
            w = weights[seen]
            combined[i] = row[seen] @ w / np.sqrt(max(w @ r @ w, 1e-12))
    groups = pattern_groups(z, n_bids, scorer._correlation)
    start = np.nan_to_num(stats.norm.cdf(combined), nan=0.5)
    one_step = fit_mixture(z, groups, start, model="adapted", max_iter=1).log_odds
    return {"factor": combined, "factor + EM step": one_step}


def evaluate(market: str, seed: int) -> dict[str, float]:
    simulated = simulate_market(MARKETS[market], seed)
    frame = score_screens(screen_bids(simulated.bids)).merge(simulated.truth, on="tender_id")
    frame = frame[frame["n_bids"] >= 2].reset_index(drop=True)
    y = frame["collusive"].to_numpy()
    out = {"best single": best_screen(screen_aucs(frame, y))[1], "default": auc(y, frame["collusion_score"])}
    out.update({name: auc(y, score) for name, score in factor_scores(frame).items()})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[100, 101, 102])
    args = parser.parse_args()
    gaps: dict[str, list[float]] = {}
    for market in MARKETS:
        runs = [evaluate(market, seed) for seed in args.seeds]
        cells = [f"{k} " + "/".join(f"{r[k]:.3f}" for r in runs) for k in runs[0]]
        print(f"{market:12s} " + "  ".join(cells), flush=True)
        for k in runs[0]:
            gaps.setdefault(k, []).extend(r[k] - r["best single"] for r in runs)
    for k, g in gaps.items():
        print(f"{k:18s} gap to the best single screen: mean {np.mean(g):+.3f}, worst {np.min(g):+.3f}")


if __name__ == "__main__":
    main()
