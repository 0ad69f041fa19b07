"""Corrupt posts: a minority of posts whose holders, over the years, commit most official-side schemes.

Per block, each planted official-side project (a splitting group as one) is, with the profile's
probability, handed to the least busy corrupt post whose unit may own such a project: the project moves to
that unit and the post signs its own-unit nodes (trails.approver_posts). At the end, `posts_table` writes
the truth per post: corrupt or not, the schemes and the number of planted projects tied to it.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pyarrow as pa

from yunshao.contract.schema import OFFICIAL_SCHEMES
from yunshao.simulate import encode as enc
from yunshao.simulate.config import SCHEMES
from yunshao.simulate.county import County
from yunshao.simulate.plan import Plan
from yunshao.simulate.state import State

_OFFICIAL = np.array([SCHEMES.index(s) for s in OFFICIAL_SCHEMES])


def assign(rng: np.random.Generator, plan: Plan, county: County, world_post_unit: np.ndarray, state: State) -> bool:
    """Hand planted official-side projects to corrupt posts; True when a project changed unit."""
    if not len(county.corrupt):
        return False
    official = np.isin(plan.scheme, _OFFICIAL) | np.isin(plan.scheme2, _OFFICIAL)
    moved = False
    done = np.zeros(plan.n, dtype=bool)
    for i in np.flatnonzero(official):
        if done[i]:
            continue
        members = np.flatnonzero(plan.group == plan.group[i]) if plan.group[i] >= 0 else np.array([i])
        done[members] = True
        if rng.random() >= county.profile.corrupt_assign_p:
            continue
        pool = county.eligible[int(plan.domain[i])]
        if not len(pool):
            continue
        load = np.array([state.corrupt_load.get(int(p), 0) for p in pool])
        least = pool[load == load.min()]
        post = int(least[int(rng.integers(0, len(least)))])
        state.corrupt_load[post] = state.corrupt_load.get(post, 0) + len(members)
        plan.resp_post[members] = post
        plan.unit[members] = world_post_unit[post]
        moved = True
        for m in members:
            state.responsible[enc.id_text("project", int(plan.g[m]))] = post
    return moved


def posts_table(n_posts: int, county: County, state: State) -> pa.Table:
    """One row per post: corrupt, schemes planted in projects it signed as the responsible official, projects.

    A post named by a truth row of entity_type 'post' (self-approval, relative favour) is corrupt in every
    profile; under a foreign profile the drawn corrupt posts are too, and they answer for the official-side
    schemes of the projects handed to them.
    """
    schemes: dict[int, set[str]] = defaultdict(set)
    projects: dict[int, set[str]] = defaultdict(set)
    by_project: dict[str, set[str]] = defaultdict(set)
    for t in state.truth:
        if t.entity_type == "post":
            post = int(t.entity_id[len(enc.PREFIX["post"][0]) :])
            schemes[post].add(t.scheme)
            projects[post].add(t.project_id)
        elif t.scheme in OFFICIAL_SCHEMES:
            by_project[t.project_id].add(t.scheme)
    for pid, post in state.responsible.items():
        if by_project.get(pid):
            schemes[post] |= by_project[pid]
            projects[post].add(pid)
    corrupt = np.zeros(n_posts, dtype=bool)
    corrupt[county.corrupt] = True
    corrupt[list(schemes)] = True
    idx = np.arange(n_posts)
    return pa.table(
        {
            "post_id": pa.array(enc.ids("post", idx), pa.string()),
            "corrupt": pa.array(corrupt, pa.bool_()),
            "schemes": pa.array([sorted(schemes.get(int(p), ())) for p in idx], pa.list_(pa.string())),
            "projects": pa.array([len(projects.get(int(p), ())) for p in idx], pa.int64()),
        }
    )
