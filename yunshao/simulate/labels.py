"""Verified outcomes (核查结论): labels for part of the planted cases and `unfounded` labels on clean
projects, biased toward look-alikes as real investigations are.

A foreign profile adds the noise of a real county: labels concentrate on the schemes it investigates most
(per-scheme rates around `label_frac`, the overall share kept near it), and a share of the `unfounded`
verdicts are wrong (they fall on planted projects whose case was not proven).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pyarrow as pa

from yunshao.contract.schema import DOMAINS, LABEL_ENTITIES, OUTCOMES
from yunshao.simulate import encode as enc
from yunshao.simulate.config import DAY, LABEL_START, SIM_END
from yunshao.simulate.profiles import Profile
from yunshao.simulate.state import State, Truth
from yunshao.simulate.township.conventions import TOWNSHIP_CLEAN_SCHEMES, TOWNSHIP_LOOKS_LIKE

LOOKS_LIKE = {
    "emergency_no_tender": "tender_avoidance",
    "honest_change_orders": "settlement_inflation",
    "cheap_single_bidder": "tender_avoidance",
    "relative_of_employee": "relative_favour",
    "park_shared_ip": "bid_rigging",
    "payout_withheld": "payout_unmet_promise",
    "prime_parcel": "land_appraisal_inflation",
    "phased_project": "tender_splitting",
    **TOWNSHIP_LOOKS_LIKE,
}
CLEAN_SCHEMES = {  # domain code -> schemes an investigation of a clean project may have looked for
    0: ("bid_rigging", "settlement_inflation", "build_before_approval", "qualification_borrowing"),
    1: ("payout_unmet_promise",),
    2: ("land_appraisal_inflation",),
    3: ("tender_avoidance", "bid_rigging"),
    4: ("self_approval",),
    **{DOMAINS.index(d): schemes for d, schemes in TOWNSHIP_CLEAN_SCHEMES.items()},  # township power items
}


def scheme_fracs(counts: dict[str, int], label_frac: float, profile: Profile) -> dict[str, float]:
    """Label rate per scheme: the profile's focus weights, scaled so that the overall rate stays label_frac."""
    if not profile.label_focus:
        return {s: min(label_frac, 1.0) for s in counts}
    w = {s: profile.label_focus.get(s, 1.0) for s in counts}
    norm = sum(counts[s] * w[s] for s in counts) / max(sum(counts.values()), 1)
    return {s: min(1.0, label_frac * w[s] / norm) for s in counts}


def build(rng: np.random.Generator, state: State, label_frac: float, profile: Profile | None = None) -> pa.Table | None:
    """The labels table, or None when nothing is labelled (label_frac 0)."""
    profile = profile or Profile()
    if label_frac <= 0:
        return None
    rows: dict[tuple[str, str, str], tuple[str, float]] = {}  # key -> (outcome, t0)
    by_scheme: dict[str, list[Truth]] = defaultdict(list)
    posts: list[Truth] = []
    for t in state.truth:
        (posts if t.entity_type == "post" else by_scheme[t.scheme]).append(t)
    n_confirmed = 0
    fracs = scheme_fracs({s: len(c) for s, c in by_scheme.items()}, label_frac, profile)
    for scheme in sorted(by_scheme):
        cases = by_scheme[scheme]
        k = max(1, int(rng.binomial(len(cases), fracs[scheme])))
        for j in np.sort(rng.choice(len(cases), size=min(k, len(cases)), replace=False)):
            t = cases[int(j)]
            outcome = "confirmed" if rng.random() < 0.85 else "partial"
            n_confirmed += outcome == "confirmed"
            rows[(t.entity_type, t.entity_id, scheme)] = (outcome, state.project_t0[t.project_id])
    for t in posts:
        if rng.random() < label_frac * 0.5:
            rows[("post", t.entity_id, t.scheme)] = ("confirmed", state.project_t0[t.project_id])
    planted_projects = {t.project_id for t in state.truth}
    looks = [(p, k) for p, k in state.lookalikes if p not in planted_projects]
    n_look = min(len(looks), (n_confirmed + 1) // 2)
    for j in rng.choice(len(looks), size=n_look, replace=False) if n_look else []:
        pid, kind = looks[int(j)]
        rows.setdefault(("project", pid, LOOKS_LIKE[kind]), ("unfounded", state.project_t0[pid]))
    clean = [c for c in state.clean_sample if c[0] not in planted_projects]
    n_clean = min(len(clean), max(0, n_confirmed - n_look))
    for j in rng.choice(len(clean), size=n_clean, replace=False) if n_clean else []:
        pid, domain, start = clean[int(j)]
        options = CLEAN_SCHEMES[domain]
        scheme = options[int(rng.integers(0, len(options)))]
        rows.setdefault(("project", pid, scheme), ("unfounded", start))
    if profile.wrong_unfounded_p > 0:
        _wrong_unfounded(rng, state, rows, n_look + n_clean, profile.wrong_unfounded_p)
    keys = sorted(rows)
    t0 = np.array([rows[k][1] for k in keys])
    lo = np.maximum(LABEL_START, t0 + 200)
    when = np.where(lo < SIM_END, lo + rng.random(len(keys)) * (SIM_END - lo), SIM_END - rng.uniform(0, 10, len(keys)))
    seconds = (np.floor(when) * DAY + rng.integers(9 * 3600, 17 * 3600, len(keys))).astype(np.int64)
    return enc.table(
        "labels",
        len(keys),
        {
            "entity_type": enc.vocab(np.array([LABEL_ENTITIES.index(k[0]) for k in keys]), LABEL_ENTITIES),
            "entity_id": [k[1] for k in keys],
            "outcome": enc.vocab(np.array([OUTCOMES.index(rows[k][0]) for k in keys]), OUTCOMES),
            "scheme": [k[2] for k in keys],
            "decided_at": enc.timestamps(seconds),
        },
    )


def _wrong_unfounded(
    rng: np.random.Generator,
    state: State,
    rows: dict[tuple[str, str, str], tuple[str, float]],
    n_unfounded: int,
    share: float,
) -> None:
    """Add wrong `unfounded` verdicts on planted, unproven projects: `share` of all unfounded ones."""
    proven = {k[1] for k, v in rows.items() if v[0] != "unfounded"}
    cands = sorted(
        {(t.project_id, t.scheme) for t in state.truth if t.entity_type != "post" and t.project_id not in proven}
    )
    k = min(len(cands), round(n_unfounded * share / (1 - share)))
    for j in rng.choice(len(cands), size=k, replace=False) if k else []:
        pid, scheme = cands[int(j)]
        rows.setdefault(("project", pid, scheme), ("unfounded", state.project_t0[pid]))
