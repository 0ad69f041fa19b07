"""The figures a model run is judged by: precision-recall, score distributions, SHAP beeswarm,
calibration. Each function writes one PNG (matplotlib's Agg backend, no display needed)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.metrics import precision_recall_curve


def pr_curves(curves: Mapping[str, tuple[np.ndarray, np.ndarray]], path: Path, title: str = "") -> Path:
    """One precision-recall curve per named scorer: name → (y, score)."""
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    for name, (y, score) in curves.items():
        if np.sum(y) == 0:
            continue
        precision, recall, _ = precision_recall_curve(y, score)
        ax.plot(recall, precision, label=name)
    ax.set(xlabel="recall", ylabel="precision", title=title or "precision-recall", xlim=(0, 1), ylim=(0, 1.02))
    ax.legend(loc="lower left", fontsize=8)
    return _save(fig, path)


def score_distributions(y: np.ndarray, score: np.ndarray, path: Path, title: str = "") -> Path:
    """Histograms of the score for positives and for the rest (log count)."""
    fig, ax = plt.subplots(figsize=(5.5, 4))
    bins = np.linspace(float(np.min(score)), float(np.max(score)) + 1e-9, 40).tolist()
    y = np.asarray(y).astype(bool)
    ax.hist(score[~y], bins=bins, alpha=0.6, label="other", log=True)
    ax.hist(score[y], bins=bins, alpha=0.6, label="positive", log=True)
    ax.set(xlabel="score", ylabel="count", title=title or "score distribution")
    ax.legend()
    return _save(fig, path)


def calibration(y: np.ndarray, prob: np.ndarray, path: Path, title: str = "") -> Path:
    """Reliability diagram of a probability on held-out rows."""
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    frac, mean = calibration_curve(y, np.clip(prob, 0, 1), n_bins=10, strategy="quantile")
    ax.plot([0, 1], [0, 1], "--", color="grey")
    ax.plot(mean, frac, "o-")
    ax.set(xlabel="predicted probability", ylabel="observed share", title=title or "calibration")
    return _save(fig, path)


def beeswarm(contributions: pd.DataFrame, values: pd.DataFrame, path: Path, max_display: int = 15) -> Path:
    """SHAP beeswarm from precomputed contributions (``__base__`` column = base value)."""
    import shap

    base = contributions["__base__"].to_numpy() if "__base__" in contributions else np.zeros(len(contributions))
    contrib = contributions.drop(columns=["__base__"], errors="ignore")
    explanation = shap.Explanation(
        values=contrib.to_numpy(),
        base_values=base,
        data=values.reindex(columns=contrib.columns).to_numpy(),
        feature_names=list(contrib.columns),
    )
    plt.figure(figsize=(7, 6))
    shap.plots.beeswarm(explanation, max_display=max_display, show=False)
    fig = plt.gcf()
    return _save(fig, path)


def learning_curve(points: pd.DataFrame, path: Path, title: str = "") -> Path:
    """Average precision against the share of planted cases handed over as labels (one line per model)."""
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for name, group in points.groupby("model"):
        group = group.sort_values("label_frac")
        ax.plot(group["label_frac"], group["average_precision"], "o-", label=str(name))
    ax.set(xlabel="share of planted cases labelled", ylabel="average precision", title=title or "learning curve")
    ax.legend(fontsize=8)
    return _save(fig, path)


def _save(fig: plt.Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
