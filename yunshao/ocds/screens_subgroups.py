"""Screens of every subgroup of 3 and 4 bids of a tender, summarised per tender (incomplete cartels).

Where a ring does not hold every bidder, the outsiders' competitive bids blur the ring's pattern in the
whole tender's screens (their spread raises the variance, their position moves the skewness); the ring's
own bids are still a subgroup of the tender's. Wallimann, Imhof & Huber (2022) therefore compute the
screens for all subgroups of three and four bids and give a classifier the minimum, mean, median and
maximum of each screen over them. These are features of the supervised mode (``screens --labels``),
not of the default score: without verdicts nothing says which summary of which screen a market's rings
move.

A screen of a subgroup is the screen of those bids as a tender of their own (``screens_of_matrix``, the
one numpy statement of the screens, held equal to the SQL by a test). Only the ``LOWEST`` lowest bids of
a tender enter, so that a tender of 60 bids costs C(10, 4) = 210 subgroups, not 487,635: the winner and
the cover bids placed just above it are among them.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

import numpy as np
import pandas as pd

from yunshao.ocds.screens_defs import MIN_BIDS, SCREEN_COLUMNS, screens_of_matrix

SIZES = (3, 4)
LOWEST = 10
STATISTICS = ("min", "mean", "median", "max")
_CHUNK = 20_000  # subgroups × tenders evaluated at once, to bound memory on large files

#: the feature columns, e.g. ``sg3_cv_min``: every screen a subgroup of that size has, every statistic
SUBGROUP_COLUMNS: tuple[str, ...] = tuple(
    f"sg{k}_{screen}_{stat}" for k in SIZES for screen in SCREEN_COLUMNS if MIN_BIDS[screen] <= k for stat in STATISTICS
)


def subgroup_features(bids: pd.DataFrame) -> pd.DataFrame:
    """Per tender (index ``tender_id`` as string): the ``SUBGROUP_COLUMNS``; NaN where a tender has too
    few priced bids for subgroups of a size, or a screen is undefined in all of its subgroups."""
    priced = bids.loc[bids["price"].notna(), ["tender_id", "price"]]
    lowest = priced.sort_values(["tender_id", "price"], kind="stable").groupby("tender_id", sort=True).head(LOWEST)
    lowest = lowest.assign(_m=lowest.groupby("tender_id")["price"].transform("size"))
    parts = [_of_width(group, int(group["_m"].iloc[0])) for _, group in lowest.groupby("_m")]
    out = pd.concat(parts) if parts else pd.DataFrame(columns=list(SUBGROUP_COLUMNS))
    out = out.reindex(columns=list(SUBGROUP_COLUMNS)).astype("float64")
    out.index = pd.Index(out.index.astype("string"), name="tender_id")
    return out.sort_index()


def _of_width(group: pd.DataFrame, m: int) -> pd.DataFrame:
    """The features of the tenders that keep ``m`` bids (one matrix: tenders × bids, sorted)."""
    tenders = group["tender_id"].drop_duplicates().to_numpy()
    matrix = group["price"].to_numpy(dtype="float64").reshape(len(tenders), m)
    columns: dict[str, np.ndarray] = {}
    for k in (k for k in SIZES if k <= m):
        subsets = np.array(list(combinations(range(m), k)))
        summaries = [_summaries(matrix[rows][:, subsets], k) for rows in _chunks(len(tenders), len(subsets))]
        for name in summaries[0]:
            columns[name] = np.concatenate([s[name] for s in summaries])
    return pd.DataFrame(columns, index=tenders)


def _chunks(tenders: int, subsets: int) -> Iterator[slice]:
    step = max(1, _CHUNK // subsets)
    for start in range(0, tenders, step):
        yield slice(start, min(start + step, tenders))


def _summaries(groups: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """``groups``: tenders × subgroups × k bids; each screen's statistics over a tender's subgroups."""
    tenders, subsets, _ = groups.shape
    screens = screens_of_matrix(groups.reshape(tenders * subsets, k))
    out: dict[str, np.ndarray] = {}
    for screen in (s for s in SCREEN_COLUMNS if MIN_BIDS[s] <= k):
        values = screens[screen].reshape(tenders, subsets)
        defined = np.isfinite(values).any(axis=1)
        safe = np.where(defined[:, None], values, 0.0)  # an all-undefined tender: NaN below, no warning
        for stat in STATISTICS:
            summary = getattr(np, f"nan{stat}")(safe, axis=1)
            out[f"sg{k}_{screen}_{stat}"] = np.where(defined, summary, np.nan)
    return out
