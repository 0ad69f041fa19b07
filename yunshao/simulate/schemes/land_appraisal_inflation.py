"""Land appraisal inflation (评估价虚高): the appraised value per m² far above comparable parcels (same
category and township), often with an appraiser linked to the seller (a relative of the appraiser's
legal representative)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from yunshao.simulate import encode as enc
from yunshao.simulate.companies import Companies
from yunshao.simulate.plan import LAND, Plan
from yunshao.simulate.schemes import record
from yunshao.simulate.state import State

if TYPE_CHECKING:
    from yunshao.simulate.money import Deals


def inflate(rng: np.random.Generator, plan: Plan, unit_price: np.ndarray) -> np.ndarray:
    out = unit_price.copy()
    for i in np.flatnonzero(plan.has("land_appraisal_inflation")):
        linked = rng.random() < 0.6
        factor = rng.uniform(1.7, 3.0) if linked else rng.uniform(1.35, 1.6)
        out[i] *= factor
        plan.set_variant(
            int(i), "land_appraisal_inflation", f"{'inflated_linked' if linked else 'inflated'}:{factor:.3f}"
        )
    return out


def parcels(
    rng: np.random.Generator,
    plan: Plan,
    deals: Deals,
    co: Companies,
    state: State,
    villagers: np.ndarray,
    appraised_ok: np.ndarray,
    agreed_ok: np.ndarray,
) -> dict[str, pa.Table]:
    idx = np.flatnonzero(plan.domain == LAND)
    k = len(idx)
    first = state.take("parcel", k)
    seller_person = villagers[rng.integers(0, len(villagers), k)]
    seller_ids: list[str] = []
    for j, i in enumerate(idx):
        v = plan.get_variant(int(i), "land_appraisal_inflation")
        linked = bool(v and v.startswith("inflated_linked"))
        if deals.seller_is_company[i] and not linked:
            seller_ids.append(enc.id_text("company", int(deals.seller[i])))
        else:
            seller_ids.append(enc.id_text("person", int(seller_person[j])))
            deals.seller[i] = -1
        if v and appraised_ok[i]:
            appraiser = int(deals.appraiser[i])
            detail = {
                "variant": v.split(":")[0],
                "factor": float(v.split(":")[1]),
                "appraiser": enc.id_text("company", appraiser),
                "seller": seller_ids[-1],
            }
            if linked:
                rep = int(co.legal_rep[appraiser])
                a, b = sorted((int(seller_person[j]), rep))
                state.extra_relations.add((a, b, 1))
                detail["appraiser_legal_rep"] = enc.id_text("person", rep)
            record(state, plan, int(i), "land_appraisal_inflation", "blatant" if linked else "subtle", detail)
    return {
        "land_parcels": enc.table(
            "land_parcels",
            k,
            {
                "parcel_id": enc.ids("parcel", first + np.arange(k)),
                "project_id": enc.ids("project", plan.g[idx]),
                "area_m2": enc.money(deals.area[idx]),
                "appraised_value": enc.money(np.where(appraised_ok[idx], deals.appraised[idx], np.nan)),
                "appraiser_company_id": enc.ids("company", np.where(appraised_ok[idx], deals.appraiser[idx], -1)),
                "agreed_price": enc.money(np.where(agreed_ok[idx], deals.agreed[idx], np.nan)),
                "seller_id": seller_ids,
            },
        )
    }
