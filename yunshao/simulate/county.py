"""A profile realised on one world: who approves, which heads sign by delegation, which posts are corrupt,
which clean firms share a building.

Drawn once per run from its own generator (seed, 21), so the default county, which draws nothing here,
keeps every other stream and its output unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from yunshao.contract.schema import OFFICIAL_SCHEMES
from yunshao.simulate.companies import GOODS, SERVICES, WORKS, Companies
from yunshao.simulate.config import DOMAIN_P, SCHEME_P
from yunshao.simulate.plan import PLAN_DOMAINS, UNIT_KIND_P
from yunshao.simulate.profiles import Profile
from yunshao.simulate.world import CLERK, KIND_CODES, World

VILLAGE = KIND_CODES["village"]
#: Planted projects a corrupt post is meant to end up with, on average.
PROJECTS_PER_CORRUPT_POST = 3.0


@dataclass
class County:
    profile: Profile
    approve_unit: np.ndarray  # unit whose posts approve a unit's own nodes (villages -> township)
    n_approvers: np.ndarray  # approving posts per unit (a prefix of world.approvers)
    delegating: np.ndarray  # bool per unit
    corrupt: np.ndarray  # corrupt post indices, sorted
    eligible: dict[int, np.ndarray]  # domain code -> corrupt posts whose unit may own such a project


def approving_posts(world: World, profile: Profile) -> np.ndarray:
    """Posts that can sign a node under the profile's organisation."""
    ok = world.post_level <= min(profile.approver_level, CLERK - 1)
    if profile.village_by_township:
        ok &= world.unit_kind[world.post_unit] != VILLAGE
    return np.flatnonzero(ok)


def build_county(rng: np.random.Generator | None, world: World, profile: Profile, n_projects: int) -> County:
    """The organisation of a profile; `rng` is only used by foreign profiles."""
    units = np.arange(world.n_units)
    approve_unit = units.copy()
    if profile.village_by_township:
        approve_unit = np.where(world.unit_kind == VILLAGE, world.unit_parent, units)
    rows = world.approvers
    valid = rows >= 0
    level_ok = valid & (world.post_level[np.maximum(rows, 0)] <= profile.approver_level)
    n_approvers = np.where(profile.approver_level >= 2, world.n_approvers, level_ok.sum(axis=1))
    delegating = np.zeros(world.n_units, dtype=bool)
    corrupt = np.zeros(0, dtype=np.int64)
    if rng is not None and profile.delegating_units:
        own = np.flatnonzero(world.unit_kind != VILLAGE)
        delegating[rng.choice(own, size=min(profile.delegating_units, len(own)), replace=False)] = True
    if rng is not None and profile.corrupt_assign_p > 0:
        corrupt = _draw_corrupt(rng, world, profile, n_projects)
    kinds = world.unit_kind[world.post_unit[corrupt]]
    eligible = {
        d: corrupt[np.array([UNIT_KIND_P[dname][k] > 0 for k in kinds], dtype=bool)]
        for d, dname in enumerate(PLAN_DOMAINS)
    }
    return County(profile, approve_unit, n_approvers, delegating, corrupt, eligible)


def expected_official_projects(profile: Profile, n_projects: int) -> float:
    """Planted official-side projects expected in a county of this size (splits count 3 projects)."""
    total = 0.0
    for d, schemes in SCHEME_P.items():
        for s, p in schemes.items():
            if s in OFFICIAL_SCHEMES:
                total += n_projects * DOMAIN_P[d] * p * profile.scheme_factor(s) * (3 if s == "tender_splitting" else 1)
    return total


def _draw_corrupt(rng: np.random.Generator, world: World, profile: Profile, n_projects: int) -> np.ndarray:
    """As many corrupt posts as the county's schemes can keep busy, within the profile's share bounds."""
    posts = approving_posts(world, profile)
    lo, hi = profile.corrupt_share
    # aim a little inside the bounds: not every approving post signs something in a small county
    want = expected_official_projects(profile, n_projects) * profile.corrupt_assign_p * 0.8
    k = int(np.clip(round(want / PROJECTS_PER_CORRUPT_POST), np.ceil(lo * 1.1 * len(posts)), hi * 0.8 * len(posts)))
    return np.sort(rng.choice(posts, size=min(k, len(posts)), replace=False))


def share_buildings(rng: np.random.Generator, co: Companies, groups: int) -> list[tuple[str, int]]:
    """Clean firms renting in one office building: same address, same switchboard. Returns (building, firm)."""
    pool = np.concatenate([co.clean[WORKS], co.clean[GOODS], co.clean[SERVICES]])
    pool = rng.permutation(pool[co.park_of[pool] < 0])
    out: list[tuple[str, int]] = []
    pos = 0
    for g in range(groups):
        size = int(rng.integers(3, 6))
        if pos + size > len(pool) // 2:
            break
        members = pool[pos : pos + size]
        pos += size
        building = f"云山县城关镇人民路{int(rng.integers(10, 300))}号商务大厦{g + 3}楼"
        phone = f"0578-{int(rng.integers(5_000_000, 9_000_000))}"
        for c in members:
            co.address[c] = building
            co.phone[c] = phone
            out.append((building, int(c)))
    return out
