"""Township power items (issue 18): the villages' household register, rural housing, collective assets,
special funds and finance, each item a project of its domain with its approval trail.

`simulate_township` runs after the main projects, from its own generators, and appends its projects
after theirs; `township_count` says how many of a county's projects are township items.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from yunshao.simulate.county import County
from yunshao.simulate.profiles import Profile
from yunshao.simulate.state import State
from yunshao.simulate.township.assets import simulate_assets
from yunshao.simulate.township.conventions import ITEM_P, TOWNSHIP_SHARE
from yunshao.simulate.township.ctx import Town
from yunshao.simulate.township.finance import simulate_finance
from yunshao.simulate.township.funds import simulate_funds
from yunshao.simulate.township.housing import simulate_housing
from yunshao.simulate.township.register import Register, build_register
from yunshao.simulate.world import People, World


def township_count(n_projects: int) -> int:
    """Township items among `n_projects` (none in a county too small to have one of each item)."""
    n = round(n_projects * TOWNSHIP_SHARE)
    return n if n >= 8 and n_projects - n >= 1 else 0


def item_counts(n: int) -> dict[str, int]:
    """Items per power item; finance takes the rounding rest."""
    out = {k: int(n * p) for k, p in ITEM_P.items() if k != "finance"}
    out["finance"] = n - sum(out.values())
    return out


@dataclass
class TownshipResult:
    tables: dict[str, pa.Table]
    register: Register
    n_projects: int


def simulate_township(
    seed: int,
    people: People,
    world: World,
    county: County,
    state: State,
    profile: Profile,
    n: int,
    first_project: int,
    known_villagers: np.ndarray,
) -> TownshipResult:
    """`n` township items as projects `first_project`, …; their tables, and the register for `people`."""
    villages = world.units_of("village")
    reg = build_register(np.random.default_rng([seed, 30]), people, villages, max(60, int(n * 1.3)), known_villagers)
    counts = item_counts(n)
    tables: dict[str, pa.Table] = {}
    town = Town(np.random.default_rng([seed, 31]), world, county, state, profile, first_project, villages)
    town.related |= reg.fixed  # the main simulator may relate its villagers to officials: keep them apart
    tables["housing_applications"] = simulate_housing(town, reg, counts["housing"])
    tables.update(simulate_assets(town, reg, counts["assets"]))
    tables.update(simulate_funds(town, reg, counts["funds"]))
    tables["expenses"] = simulate_finance(town, counts["finance"])
    tables.update(town.tables())
    tables["households"] = reg.table()
    return TownshipResult(tables, reg, town.n_proj)
