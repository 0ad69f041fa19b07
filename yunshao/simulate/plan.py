"""Per block: which projects exist (domain, unit, category, budget, start) and which carry a planted scheme
or a benign look-alike.

Deciding everything up front lets the trail, bidding and money generators stay vectorised: they read the
plan's arrays and never branch per project.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from yunshao.contract.schema import DOMAINS, TENDER_METHODS
from yunshao.settings import get_settings
from yunshao.simulate.config import (
    CONSTRUCTION_CATEGORIES,
    DOMAIN_P,
    INVESTMENT_CATEGORIES,
    LAND_CATEGORIES,
    LOOKALIKE_P,
    PROCUREMENT_CATEGORIES,
    SCHEME_P,
    SCHEMES,
    SECOND_SCHEME_P,
    SIM_END,
    SPLIT_BAND,
    SUBSIDY_CATEGORIES,
    TRAIL_START,
    TRAIL_START_END,
)
from yunshao.simulate.profiles import Profile
from yunshao.simulate.world import World

#: The domains the county's main plan draws projects from; the township power items (housing, assets,
#: funds, finance) come from ``simulate/township`` with their own tables.
PLAN_DOMAINS = DOMAINS[:5]
CONSTRUCTION, INVESTMENT, LAND, PROCUREMENT, SUBSIDY = (DOMAINS.index(d) for d in PLAN_DOMAINS)
CATEGORIES = {
    "construction": CONSTRUCTION_CATEGORIES,
    "investment": INVESTMENT_CATEGORIES,
    "land": LAND_CATEGORIES,
    "procurement": PROCUREMENT_CATEGORIES,
    "subsidy": SUBSIDY_CATEGORIES,
}
#: One vocabulary for all categories; codes are positions in it.
CATEGORY_WORDS: tuple[str, ...] = tuple(dict.fromkeys(w for d in PLAN_DOMAINS for w in CATEGORIES[d]))
EMERGENCY = CATEGORY_WORDS.index("emergency")
GOODS_CAT = CATEGORY_WORDS.index("goods")
LOOKALIKES = (
    "emergency_no_tender",
    "honest_change_orders",
    "cheap_single_bidder",
    "relative_of_employee",
    "park_shared_ip",
    "payout_withheld",
    "prime_parcel",
    "phased_project",
)
METHOD = {m: i for i, m in enumerate(TENDER_METHODS)}
NO_TENDER = -1
#: Days a trail needs before a scheme's trace exists (planted only where it will be visible by SIM_END).
NEEDS_DAYS = {
    "bid_rigging": 260,
    "qualification_borrowing": 260,
    "tender_avoidance": 300,
    "tender_splitting": 300,
    "build_before_approval": 330,
    "settlement_inflation": 1_000,
    "self_approval": 120,
    "relative_favour": 300,
    "payout_unmet_promise": 1_150,
    "land_appraisal_inflation": 200,
}
UNIT_KIND_P = {
    # township, development_zone, department, soe, village
    "construction": (0.33, 0.14, 0.25, 0.16, 0.12),
    "procurement": (0.25, 0.10, 0.55, 0.10, 0.0),
    "subsidy": (0.40, 0.0, 0.60, 0.0, 0.0),
    "investment": (0.2, 0.8, 0.0, 0.0, 0.0),
    "land": (0.6, 0.4, 0.0, 0.0, 0.0),
}
CATEGORY_P = {
    "construction": (0.24, 0.08, 0.16, 0.2, 0.18, 0.12, 0.02),
    "procurement": (0.55, 0.45),
    "subsidy": (0.4, 0.3, 0.15, 0.15),
    "investment": (0.6, 0.2, 0.2),
    "land": (0.6, 0.25, 0.15),
}
BUDGET_LOG = {  # median yuan, sigma
    "construction": (2.6e6, 1.0),
    "procurement": (0.7e6, 1.0),
    "subsidy": (0.25e6, 0.8),
    "investment": (6e7, 0.8),
    "land": (8e6, 0.8),
}


@dataclass
class Plan:
    """Arrays of length n (projects of one block)."""

    g: np.ndarray  # global project index
    domain: np.ndarray
    unit: np.ndarray
    category: np.ndarray
    budget: np.ndarray
    threshold: np.ndarray
    t0: np.ndarray  # start of the trail, float days
    method: np.ndarray  # tender method code, NO_TENDER
    scheme: np.ndarray  # index in SCHEMES or -1
    scheme2: np.ndarray
    strength: np.ndarray  # object: subtle/moderate/blatant
    variant: np.ndarray  # object: None or {scheme: variant}
    lookalike: np.ndarray  # index in LOOKALIKES or -1
    group: np.ndarray  # splitting group (global id of the anchor) or -1
    cancel_at: np.ndarray  # prefix slot where a clean trail is rejected/withdrawn, or -1
    name: list[str]
    parent: np.ndarray  # global index of the parent project (a benign later phase), or -1
    resp_post: np.ndarray  # corrupt post that signs the project's own nodes (profiles only), or -1
    practice: np.ndarray  # index in practices.PRACTICES of a lawful local practice (profiles only), or -1

    @property
    def n(self) -> int:
        return len(self.g)

    def has(self, scheme: str) -> np.ndarray:
        s = SCHEMES.index(scheme)
        return (self.scheme == s) | (self.scheme2 == s)

    def is_look(self, kind: str) -> np.ndarray:
        return self.lookalike == LOOKALIKES.index(kind)

    @property
    def planted(self) -> np.ndarray:
        return self.scheme >= 0

    def set_variant(self, i: int, scheme: str, value: str) -> None:
        if self.variant[i] is None:
            self.variant[i] = {}
        self.variant[i][scheme] = value

    def get_variant(self, i: int, scheme: str) -> str | None:
        v = self.variant[i]
        return None if v is None else v.get(scheme)


def thresholds(domain: np.ndarray, category: np.ndarray) -> np.ndarray:
    rules = get_settings().rules
    thr = np.full(len(domain), np.inf)
    thr[domain == CONSTRUCTION] = rules.works_tender_threshold
    proc = domain == PROCUREMENT
    thr[proc & (category == GOODS_CAT)] = rules.goods_tender_threshold
    thr[proc & (category != GOODS_CAT)] = rules.services_tender_threshold
    return thr


def plan_block(
    rng: np.random.Generator, world: World, p0: int, n: int, n_total: int, profile: Profile | None = None
) -> Plan:
    g = np.arange(p0, p0 + n, dtype=np.int64)
    domain = rng.choice(len(PLAN_DOMAINS), size=n, p=[DOMAIN_P[d] for d in PLAN_DOMAINS])
    span = TRAIL_START_END - TRAIL_START
    t0 = TRAIL_START + g / max(n_total, 1) * span + rng.uniform(0, 3, n)
    unit = np.zeros(n, dtype=np.int64)
    category = np.zeros(n, dtype=np.int64)
    budget = np.zeros(n)
    kinds = ("township", "development_zone", "department", "soe", "village")
    for d, dname in enumerate(PLAN_DOMAINS):
        m = domain == d
        k = int(m.sum())
        if not k:
            continue
        kind = rng.choice(5, size=k, p=UNIT_KIND_P[dname])
        u = np.zeros(k, dtype=np.int64)
        for kc, kname in enumerate(kinds):
            mk = kind == kc
            pool = world.units_of(kname)
            u[mk] = pool[rng.integers(0, len(pool), int(mk.sum()))]
        unit[m] = u
        words = [CATEGORY_WORDS.index(w) for w in CATEGORIES[dname]]
        category[m] = np.array(words)[rng.choice(len(words), size=k, p=CATEGORY_P[dname])]
        med, sigma = BUDGET_LOG[dname]
        budget[m] = np.exp(rng.normal(np.log(med), sigma, k))
    threshold = thresholds(domain, category)
    budget = np.clip(budget, 3e4, 5e8)

    plan = Plan(
        g=g,
        domain=domain,
        unit=unit,
        category=category,
        budget=budget,
        threshold=threshold,
        t0=t0,
        method=np.full(n, NO_TENDER),
        scheme=np.full(n, -1),
        scheme2=np.full(n, -1),
        strength=np.full(n, None, dtype=object),
        variant=np.full(n, None, dtype=object),
        lookalike=np.full(n, -1),
        group=np.full(n, -1),
        cancel_at=np.full(n, -1),
        name=[],
        parent=np.full(n, -1),
        resp_post=np.full(n, -1),
        practice=np.full(n, -1),
    )
    _draw_schemes(rng, plan, profile or Profile())
    _draw_lookalikes(rng, plan)
    _budgets_and_methods(rng, plan)
    plan.cancel_at = np.where(
        (plan.scheme < 0) & (plan.lookalike < 0) & (rng.random(n) < 0.02), rng.integers(1, 5, n), -1
    )
    plan.name = project_names(plan, world)
    return plan


def _draw_schemes(rng: np.random.Generator, plan: Plan, profile: Profile) -> None:
    n = plan.n
    u = rng.random(n)
    left = SIM_END - plan.t0
    for d, dname in enumerate(PLAN_DOMAINS):
        acc = 0.0
        for scheme, p0 in SCHEME_P[dname].items():
            p = p0 * profile.scheme_factor(scheme)
            hit = (plan.domain == d) & (u >= acc) & (u < acc + p) & (left > NEEDS_DAYS[scheme])
            plan.scheme[hit] = SCHEMES.index(scheme)
            acc += p
    # tender splitting: the anchor recruits 1-3 clean siblings of the same domain in this block
    split = SCHEMES.index("tender_splitting")
    for a in np.flatnonzero(plan.scheme == split):
        if plan.group[a] >= 0:
            continue
        size = int(rng.integers(2, 5))
        free = np.flatnonzero((plan.scheme < 0) & (plan.domain == plan.domain[a]) & (np.arange(n) > a))[: size - 1]
        if len(free) == 0:
            plan.scheme[a] = -1
            continue
        members = np.concatenate([[a], free])
        blatant = len(members) >= 3 and rng.random() < 0.6
        window = 20 if blatant else 58
        plan.scheme[members] = split
        plan.group[members] = plan.g[a]
        plan.unit[members] = plan.unit[a]
        plan.category[members] = plan.category[a]
        plan.t0[members] = plan.t0[a] + np.sort(rng.uniform(0, window, len(members)))
        plan.t0[a] = plan.t0[members].min()
        plan.strength[members] = "blatant" if blatant else ("moderate" if len(members) >= 3 else "subtle")
        for m in members:
            plan.set_variant(int(m), "tender_splitting", f"group_of_{len(members)}")
    plan.threshold = thresholds(plan.domain, plan.category)
    # a few planted construction projects carry a second scheme
    extra = ("settlement_inflation", "build_before_approval", "self_approval")
    cand = np.flatnonzero((plan.scheme >= 0) & (plan.domain == CONSTRUCTION) & (rng.random(n) < SECOND_SCHEME_P))
    for i in cand:
        options = [SCHEMES.index(s) for s in extra if SCHEMES.index(s) != plan.scheme[i]]
        s2 = options[int(rng.integers(0, len(options)))]
        if SIM_END - plan.t0[i] > NEEDS_DAYS[SCHEMES[s2]]:
            plan.scheme2[i] = s2


def _draw_lookalikes(rng: np.random.Generator, plan: Plan) -> None:
    u = rng.random(plan.n)
    clean = plan.scheme < 0
    for d, dname in enumerate(PLAN_DOMAINS):
        acc = 0.0
        for kind, p in LOOKALIKE_P[dname].items():
            hit = clean & (plan.domain == d) & (u >= acc) & (u < acc + p) & (SIM_END - plan.t0 > 400)
            plan.lookalike[hit] = LOOKALIKES.index(kind)
            acc += p
    plan.category[plan.is_look("emergency_no_tender")] = EMERGENCY
    # a later phase of an earlier clean project: same unit and category, both above the threshold, tendered
    free = (plan.scheme < 0) & (plan.lookalike < 0) & (plan.domain == CONSTRUCTION)
    for child in np.flatnonzero(plan.is_look("phased_project")):
        earlier = np.flatnonzero(free[:child])
        if not len(earlier):
            plan.lookalike[child] = -1
            continue
        p = int(earlier[-1])
        free[p] = False
        if plan.category[p] == EMERGENCY:
            plan.category[p] = CATEGORY_WORDS.index("road")
        plan.parent[child] = plan.g[p]
        plan.unit[child], plan.category[child] = plan.unit[p], plan.category[p]
        plan.t0[child] = plan.t0[p] + rng.uniform(20, 50)
    plan.threshold = thresholds(plan.domain, plan.category)


def _budgets_and_methods(rng: np.random.Generator, plan: Plan) -> None:
    n = plan.n
    thr = plan.threshold
    tendered = (plan.domain == CONSTRUCTION) | (plan.domain == PROCUREMENT)
    lo, hi = SPLIT_BAND
    ratio = plan.budget / thr
    band = tendered & (ratio >= lo) & (ratio < hi) & (plan.scheme < 0)
    plan.budget[band] = (
        thr[band] * np.where(rng.random(n) < 0.5, rng.uniform(0.3, 0.78, n), rng.uniform(1.02, 1.4, n))[band]
    )

    def force(mask: np.ndarray, low: float, high: float) -> None:
        plan.budget[mask] = thr[mask] * rng.uniform(low, high, n)[mask]

    strong = rng.random(n) < 0.6
    force(plan.has("bid_rigging") & tendered & (plan.budget < thr), 1.05, 4.0)
    force(plan.has("relative_favour") & (plan.budget < thr), 1.05, 3.0)
    force(plan.has("qualification_borrowing") & (plan.budget < thr), 1.05, 3.0)
    ta = plan.has("tender_avoidance")
    force(ta & strong, 1.3, 4.0)
    force(ta & ~strong, 1.02, 1.2)
    plan.strength[ta] = np.where(strong[ta], "blatant", "subtle")
    split = plan.has("tender_splitting")
    force(split, 0.82, 0.99)
    force(plan.is_look("emergency_no_tender"), 1.1, 3.0)
    force(plan.is_look("cheap_single_bidder"), 0.05, 0.6)
    phased = plan.is_look("phased_project") | np.isin(plan.g, plan.parent[plan.parent >= 0])
    force(phased, 1.05, 2.5)
    plan.category[ta & (plan.category == EMERGENCY)] = CATEGORY_WORDS.index("road")

    above = plan.budget >= thr
    m = np.full(n, NO_TENDER)
    m = np.where(above, np.where(rng.random(n) < 0.85, METHOD["open"], METHOD["invited"]), m)
    below_methods = np.array(
        [METHOD[x] for x in ("open", "inquiry", "competitive_negotiation", "competitive_consultation", "direct_award")]
    )
    below_pick = below_methods[rng.choice(5, size=n, p=(0.25, 0.2, 0.2, 0.1, 0.25))]
    m = np.where(~above, below_pick, m)
    emergency = plan.category == EMERGENCY
    m = np.where(emergency & above, np.where(rng.random(n) < 0.5, NO_TENDER, METHOD["single_source"]), m)
    m = np.where(
        split,
        np.array([METHOD["inquiry"], METHOD["direct_award"], METHOD["competitive_negotiation"]])[rng.integers(0, 3, n)],
        m,
    )
    m = np.where(
        plan.is_look("cheap_single_bidder"),
        np.where(rng.random(n) < 0.5, METHOD["inquiry"], METHOD["competitive_negotiation"]),
        m,
    )
    ta_variant = np.array(["no_tender", "single_source", "direct_award"], dtype=object)[rng.integers(0, 3, n)]
    for i in np.flatnonzero(ta):
        plan.set_variant(int(i), "tender_avoidance", str(ta_variant[i]))
    m = np.where(
        ta,
        np.select(
            [ta_variant == "no_tender", ta_variant == "single_source"],
            [NO_TENDER, METHOD["single_source"]],
            METHOD["direct_award"],
        ),
        m,
    )
    for s in ("bid_rigging", "relative_favour", "qualification_borrowing"):
        m = np.where(plan.has(s) & ~ta, METHOD["open"], m)
    plan.method = np.where(tendered, m, NO_TENDER)


ZH = {
    "road": "道路改造工程", "bridge": "桥梁建设工程", "water": "供排水管网工程", "building": "综合楼建设工程",
    "renovation": "老旧小区改造工程", "landscape": "绿化景观提升工程", "emergency": "水毁抢险修复工程",
    "goods": "设备采购项目", "services": "服务采购项目", "agriculture": "农业产业补助", "industry": "工业技改补助",
    "employment": "稳岗就业补贴", "housing": "农房改造补助", "manufacturing": "智能制造招商项目",
    "logistics": "物流园招商项目", "technology": "科技企业招商项目", "industrial": "工业用地收储",
    "residential": "住宅用地收储", "public": "公共设施用地收储",
}  # fmt: skip


def project_names(plan: Plan, world: World) -> list[str]:
    """Names carry the unit and year, so they are formed again when a profile moves a project."""
    names = []
    seq = ("一", "二", "三", "四")
    pos: dict[int, int] = {}
    for i in range(plan.n):
        unit = world.unit_names[plan.unit[i]]
        base = f"{unit}{2022 + int((plan.t0[i] - TRAIL_START) // 365)}年度{ZH[CATEGORY_WORDS[plan.category[i]]]}"
        if plan.group[i] >= 0 and plan.strength[i] == "blatant":
            k = pos.get(int(plan.group[i]), 0)
            pos[int(plan.group[i])] = k + 1
            base += f"（{seq[k]}标段）"
        else:
            base += f"（{int(plan.g[i]) % 997 + 1}号）"
        names.append(base)
    return names
