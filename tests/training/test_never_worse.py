"""yunshao learns from a county's outcomes: it must never rank worse than the scorers it is built from.

On simulated counties whose conventions the rules were not written for (foreign profiles) and on the
default, at label fractions 0.4 and 0.1, yunshao's average precision on the projects whose outcome
was not handed over is at most 0.01 below the best of (a) rules alone, (b) a plain cross-fitted
LightGBM with weak negatives, (c) the same on labelled projects only (``training/baselines.py``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from yunshao.settings import Settings
from yunshao.training.baselines import plain_lightgbm, rules_alone
from yunshao.training.dataset import load_project_data, prepare_store
from yunshao.training.evaluate import average_precision
from yunshao.training.labels import make_targets, read_outcomes
from yunshao.training.model import RiskModel
from yunshao.training.scoring import spec_from_settings

# devzone seed 4 at 0.4 was a measured miss (0.715 against the plain LightGBM's 0.735) until the county
# gained its township power items (contract v1.1): it now passes and is no longer marked.
# devzone seed 3 at 0.4 was one (yunshao 0.779 against the plain LightGBM's 0.819) until the models'
# input was rounded to 32 mantissa bits (2026-12-06): both scorers moved (0.822 against 0.789), which shows
# how much of such a gap is the noise of ties split by the last bit. docs/model-report.md lists devzone as
# the profile with negative gaps.
_KNOWN_MISSES: dict[tuple[str, int, float], str] = {}
CASES = [
    pytest.param(p, s, f, marks=pytest.mark.xfail(strict=True, reason=_KNOWN_MISSES[(p, s, f)]))
    if (p, s, f) in _KNOWN_MISSES
    else (p, s, f)
    for p in ("devzone", "hillcounty")
    for s in (3, 4)
    for f in (0.4, 0.1)
]
PROJECTS = 3000


def _aps(tmp: Path, profile: str, seed: int, frac: float) -> tuple[float, dict[str, float]]:
    from yunshao.simulate import simulate

    ds, truth_dir = tmp / "ds", tmp / "truth"
    simulate(ds, PROJECTS, seed, label_frac=frac, truth=truth_dir, profile=profile)
    settings = Settings()
    con = prepare_store(ds, settings)
    data = load_project_data(con)
    targets = make_targets(read_outcomes(con), "project", data.index, partial_weight=settings.model.partial_weight)
    planted = pd.read_parquet(truth_dir / "planted.parquet")
    rows = data.index[~targets.labelled.to_numpy()]
    y = rows.isin(planted["project_id"].astype(str)).astype(int)

    def ap(score: pd.Series) -> float:
        return average_precision(y, score.reindex(rows).to_numpy())

    ours = RiskModel(spec_from_settings(settings)).fit(data.frame, targets).score(data.frame)["risk_score"]
    others = {"rules": ap(rules_alone(data.frame).score)}
    for name, weights in (("plain", (0.0, 0.1, 1.0)), ("labelled", (0.0,))):
        baseline = plain_lightgbm(data.frame, targets, weights=weights)
        if baseline is not None:
            others[name] = ap(baseline.score)
    return ap(ours), others


@pytest.mark.slow
@pytest.mark.parametrize(("profile", "seed", "frac"), CASES)
def test_yunshao_is_never_worse_than_its_parts(tmp_path, profile, seed, frac):
    ours, others = _aps(tmp_path, profile, seed, frac)
    best = max(others, key=lambda k: others[k])
    assert ours >= others[best] - 0.01, f"yunshao AP {ours:.3f} < {best} {others[best]:.3f} - 0.01 ({others})"
