"""Qualification borrowing (借用资质/挂证): the winning bid names a project manager who is not really the
bidder's: someone whose social insurance is paid by another company, whose certificate is only hung at
the bidder (cert registered at the winner, insurance paid elsewhere), or a manager already running an
overlapping project.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from yunshao.simulate import encode as enc
from yunshao.simulate.companies import WORKS, Companies
from yunshao.simulate.plan import Plan
from yunshao.simulate.state import State


def choose_variant(rng: np.random.Generator, plan: Plan, i: int, co: Companies) -> int:
    """Pick the variant; a hung certificate decides the winner (the firm the certificate hangs at)."""
    r = rng.random()
    if r < 0.35 and co.hanging:
        h = int(rng.integers(0, len(co.hanging)))
        plan.set_variant(i, "qualification_borrowing", f"cert_hanging:{h}")
        return co.hanging[h][1]
    plan.set_variant(i, "qualification_borrowing", "pm_overlap" if r < 0.55 else "borrowed")
    return -1


def apply(
    rng: np.random.Generator, plan: Plan, i: int, winner: Any, co: Companies, state: State, period: tuple[float, float]
) -> dict[str, Any]:
    variant = plan.get_variant(i, "qualification_borrowing") or "borrowed"
    if variant.startswith("cert_hanging"):
        person, w, x = co.hanging[int(variant.split(":")[1])]
        if w == winner.company:
            winner.pm = person
            return _info("moderate", "cert_hanging", person, x, w)
        variant = "borrowed"
    if variant == "pm_overlap":
        for p in co.pms[winner.company]:
            for s, e, other in state.pm_busy.get(int(p), ()):
                if not (e < period[0] or s > period[1]):
                    winner.pm = int(p)
                    state.pm_busy[int(p)].append((period[0], period[1], int(plan.g[i])))
                    info = _info("subtle", "pm_overlap", int(p), winner.company, winner.company)
                    info["overlaps_project"] = enc.id_text("project", other)
                    return info
        variant = "borrowed"
    pool = co.clean[WORKS]
    x = int(pool[int(rng.integers(0, len(pool)))])
    if x == winner.company:
        x = int(pool[(int(np.searchsorted(pool, x)) + 1) % len(pool)])
    person = int(rng.choice(co.pms[x]))
    winner.pm = person
    return _info("blatant", "borrowed", person, x, x)


def _info(strength: str, variant: str, person: int, si_company: int, cert_company: int) -> dict[str, Any]:
    return {
        "scheme": "qualification_borrowing",
        "strength": strength,
        "variant": variant,
        "project_manager": enc.id_text("person", person),
        "social_insurance_company": enc.id_text("company", si_company),
        "certificate_company": enc.id_text("company", cert_company),
    }
