"""Simulated bid markets with planted bid-rigging rings, to measure the screens (experiments/screens_eval.py).

Honest tenders: each bidder's cost is the project's value times a persistent firm efficiency times an
independent cost draw; its bid adds its own markup; now and then one honest bidder sends a high,
uncompetitive bid (Skitmore 2001 finds such high outliers common in construction auctions).

Rings (all firms of a ring know each other's plans):

* ``full``: every bidder is in the ring; the designated winner adds an overcharge to its competitive
  bid and the others cover just above it, in one of three styles (a market's ``covers`` mix):
  ``cluster`` (a gap above the winner, then the covers close together: the pattern Imhof 2017 reports
  for Swiss cartels), ``band`` (covers spread evenly in a band above the winner) or ``ladder`` (equal
  steps, as in the county simulator's rings).
* ``partial``: some bidders are outsiders who bid competitively, and may even win.
* ``weak``: cover bids are noisy, spread above the winner nearly as much as honest bids.

Each market has its own conventions (number of bidders, dispersion of costs, markups, the family of
the cost draw, how far cover bids sit above the winner), so that the screens are not judged on the
conventions of one market only. Nothing here is shared with the default score's reference values.
A market is a pure function of its spec and seed: no global state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

RING_KINDS = ("full", "partial", "weak")
COVER_STYLES = ("cluster", "band", "ladder")


@dataclass(frozen=True)
class MarketSpec:
    """One market's conventions; the defaults are a mid-sized works market."""

    name: str
    n_tenders: int = 400
    collusive_share: float = 0.5
    rings: Mapping[str, float] = field(default_factory=lambda: {"full": 1.0})  # share of rigged tenders by kind
    bidders: tuple[int, int] = (4, 9)  # inclusive range of bidders per tender
    n_firms: int = 60
    cost_sd: float = 0.06  # dispersion of one bidder's cost draw around the project's value
    cost_family: str = "lognormal"  # lognormal, normal, gumbel or uniform
    firm_sd: float = 0.02  # persistent efficiency differences between firms
    markup: tuple[float, float] = (0.02, 0.10)
    overcharge: tuple[float, float] = (0.05, 0.15)  # the ring winner's extra margin
    covers: Mapping[str, float] = field(default_factory=lambda: {"cluster": 1.0})  # share of cover styles
    cover_gap: tuple[float, float] = (0.005, 0.03)  # cover bids (the first, for cluster) this far above the winner
    cluster_width: float = 0.01  # cluster: the other covers within this share above the first
    weak_noise: float = 0.04  # weak rings: extra spread of the cover bids
    outsiders: tuple[int, int] = (1, 3)  # partial rings: honest bidders among the ring
    high_outlier_rate: float = 0.05  # honest tenders with one uncompetitive high bid


@dataclass(frozen=True)
class BidMarket:
    """Bids (tender_id, company_id, price, is_winner) and the truth per tender (collusive, ring)."""

    spec: MarketSpec
    bids: pd.DataFrame
    truth: pd.DataFrame


def _cost_draw(rng: np.random.Generator, family: str, sd: float, size: int) -> np.ndarray:
    """Multiplicative cost noise with mean about 1 and standard deviation ``sd``."""
    if family == "lognormal":
        return np.exp(rng.normal(-0.5 * sd**2, sd, size))
    if family == "normal":
        return np.maximum(rng.normal(1.0, sd, size), 0.2)
    if family == "gumbel":
        beta = sd * np.sqrt(6) / np.pi
        return rng.gumbel(1.0 - 0.5772 * beta, beta, size)
    if family == "uniform":
        half = sd * np.sqrt(3)
        return rng.uniform(1.0 - half, 1.0 + half, size)
    raise ValueError(f"unknown cost family {family!r}")


def _honest_bids(rng: np.random.Generator, spec: MarketSpec, value: float, efficiency: np.ndarray) -> np.ndarray:
    costs = value * (1.0 + efficiency) * _cost_draw(rng, spec.cost_family, spec.cost_sd, efficiency.size)
    bids = costs * (1.0 + rng.uniform(*spec.markup, efficiency.size))
    if efficiency.size >= 3 and rng.random() < spec.high_outlier_rate:
        bids[rng.integers(efficiency.size)] *= 1.0 + rng.uniform(0.15, 0.4)
    return bids


def _pick(rng: np.random.Generator, shares: Mapping[str, float]) -> str:
    names = list(shares)
    weights = np.array([shares[k] for k in names], dtype="float64")
    return str(names[int(rng.choice(len(names), p=weights / weights.sum()))])


def _cover_gaps(rng: np.random.Generator, spec: MarketSpec, style: str, m: int) -> np.ndarray:
    """How far above the winner each of ``m`` cover bids sits, as a share of the winning bid."""
    if style == "cluster":
        first = rng.uniform(*spec.cover_gap)
        return (1.0 + first) * (1.0 + rng.uniform(0.0, spec.cluster_width, m)) - 1.0
    if style == "band":
        return rng.uniform(*spec.cover_gap, m)
    if style == "ladder":
        step = rng.uniform(*spec.cover_gap) / max(m, 1)
        return step * np.arange(1, m + 1)
    raise ValueError(f"unknown cover style {style!r}; expected {COVER_STYLES}")


def _ring_bids(
    rng: np.random.Generator, spec: MarketSpec, kind: str, value: float, efficiency: np.ndarray
) -> np.ndarray:
    """Bids of a rigged tender; the designated winner is the first bidder (rotation is random)."""
    n = efficiency.size
    honest = _honest_bids(rng, spec, value, efficiency)
    n_out = int(rng.integers(spec.outsiders[0], spec.outsiders[1] + 1)) if kind == "partial" else 0
    n_out = min(n_out, n - 2)
    winner = honest[0] * (1.0 + rng.uniform(*spec.overcharge))
    gaps = _cover_gaps(rng, spec, _pick(rng, spec.covers), n - 1)
    if kind == "weak":
        gaps = gaps + np.abs(rng.normal(0.0, spec.weak_noise, n - 1))
    bids = np.concatenate([[winner], winner * (1.0 + gaps)])
    if n_out > 0:
        bids[n - n_out :] = honest[n - n_out :]
    return bids


def _tender_kinds(rng: np.random.Generator, spec: MarketSpec) -> np.ndarray:
    kinds = np.array(list(spec.rings), dtype=object)
    shares = np.array([spec.rings[k] for k in kinds], dtype="float64")
    rigged = rng.random(spec.n_tenders) < spec.collusive_share
    drawn = rng.choice(kinds, size=spec.n_tenders, p=shares / shares.sum())
    return np.where(rigged, drawn, "")


def simulate_market(spec: MarketSpec, seed: int) -> BidMarket:
    """Bids and truth of one market; the same spec and seed always give the same market."""
    unknown = set(spec.rings) - set(RING_KINDS)
    if unknown:
        raise ValueError(f"unknown ring kind(s) {sorted(unknown)}; expected {RING_KINDS}")
    rng = np.random.default_rng(seed)
    efficiency = rng.normal(0.0, spec.firm_sd, spec.n_firms)
    kinds = _tender_kinds(rng, spec)
    rows: list[tuple[str, str, float, bool]] = []
    for t, kind in enumerate(kinds):
        n = int(rng.integers(spec.bidders[0], spec.bidders[1] + 1))
        firms = rng.choice(spec.n_firms, size=min(n, spec.n_firms), replace=False)
        value = float(np.exp(rng.normal(13.5, 1.0)))
        prices = (
            _ring_bids(rng, spec, kind, value, efficiency[firms])
            if kind
            else _honest_bids(rng, spec, value, efficiency[firms])
        )
        low = int(np.argmin(prices))
        rows += [
            (f"{spec.name}-{t:05d}", f"F{f:03d}", float(p), i == low)
            for i, (f, p) in enumerate(zip(firms, prices, strict=True))
        ]
    bids = pd.DataFrame(rows, columns=["tender_id", "company_id", "price", "is_winner"])
    truth = pd.DataFrame(
        {
            "tender_id": [f"{spec.name}-{t:05d}" for t in range(spec.n_tenders)],
            "collusive": (kinds != "").astype("int64"),
            "ring": pd.Series(kinds, dtype="string").replace("", "none"),
        }
    )
    return BidMarket(spec, bids, truth)


# The markets of experiments/screens_eval.py; each differs in its conventions, not only in its rings.
MARKETS: dict[str, MarketSpec] = {
    spec.name: spec
    for spec in (
        MarketSpec(
            "strong",
            collusive_share=0.5,
            rings={"full": 1.0},
            covers={"cluster": 0.6, "band": 0.4},
            bidders=(4, 9),
            cost_sd=0.06,
        ),
        MarketSpec(
            "weak",
            collusive_share=0.4,
            rings={"weak": 1.0},
            covers={"band": 0.5, "cluster": 0.5},
            bidders=(5, 10),
            cost_sd=0.08,
            cost_family="normal",
            markup=(0.03, 0.12),
            cover_gap=(0.01, 0.05),
            weak_noise=0.09,
        ),
        MarketSpec(
            "partial",
            collusive_share=0.4,
            rings={"partial": 1.0},
            covers={"cluster": 0.7, "band": 0.3},
            bidders=(5, 11),
            cost_sd=0.05,
            cost_family="gumbel",
            markup=(0.01, 0.08),
            cover_gap=(0.02, 0.08),
            outsiders=(1, 3),
        ),
        MarketSpec(
            "mixed",
            collusive_share=0.3,
            rings={"full": 0.4, "partial": 0.3, "weak": 0.3},
            covers={"cluster": 0.4, "band": 0.4, "ladder": 0.2},
            bidders=(3, 12),
            cost_sd=0.07,
            cost_family="uniform",
            markup=(0.02, 0.15),
            cover_gap=(0.01, 0.06),
            cluster_width=0.02,
        ),
        MarketSpec(
            "majority80",
            collusive_share=0.8,
            rings={"full": 0.5, "partial": 0.25, "weak": 0.25},
            covers={"cluster": 0.5, "band": 0.5},
            bidders=(4, 8),
            cost_sd=0.05,
            markup=(0.03, 0.09),
            overcharge=(0.08, 0.2),
            cover_gap=(0.01, 0.04),
        ),
        MarketSpec(
            "few_bidders",
            collusive_share=0.5,
            rings={"full": 0.5, "weak": 0.5},
            covers={"band": 0.5, "cluster": 0.5},
            bidders=(2, 4),
            cost_sd=0.1,
            cost_family="normal",
            markup=(0.05, 0.2),
            cover_gap=(0.02, 0.1),
            weak_noise=0.06,
        ),
        MarketSpec(
            "ladder",
            collusive_share=0.5,
            rings={"full": 0.7, "weak": 0.3},
            covers={"ladder": 1.0},
            bidders=(3, 8),
            cost_sd=0.06,
            cost_family="lognormal",
            markup=(0.02, 0.12),
            cover_gap=(0.01, 0.06),
            weak_noise=0.03,
        ),
    )
}
