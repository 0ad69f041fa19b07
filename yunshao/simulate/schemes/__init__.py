"""Planted misconduct, one module per scheme, and the benign look-alikes.

Each module changes a clean block in the way its scheme would, leaving several (not always all) of the
traces an inspector would look for, and records a truth row with the strength and what was done.
"""

from __future__ import annotations

from typing import Any

from yunshao.simulate import encode as enc
from yunshao.simulate.plan import Plan
from yunshao.simulate.state import State, Truth


def record(
    state: State,
    plan: Plan,
    i: int,
    scheme: str,
    strength: str,
    detail: dict[str, Any],
    entity: tuple[str, str] | None = None,
) -> None:
    """One truth row; the entity defaults to the project itself."""
    pid = enc.id_text("project", int(plan.g[i]))
    etype, eid = entity or ("project", pid)
    state.truth.append(Truth(pid, scheme, etype, eid, strength, detail))
    state.project_t0[pid] = float(plan.t0[i])


def record_bidding(state: State, plan: Plan, i: int, tender: int, info: dict[str, Any]) -> None:
    """Truth of a scheme planted while bidding (a ring is a tender-level case)."""
    scheme = info.pop("scheme")
    strength = info.pop("strength")
    if scheme == "bid_rigging":
        record(state, plan, i, scheme, strength, info, ("tender", enc.id_text("tender", tender)))
    else:
        record(state, plan, i, scheme, strength, info)
