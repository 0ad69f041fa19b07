"""Node trails (行权轨迹): steps in each domain's legal order with realistic gaps, expanded to events.

A step is one visit of a node (C17 and C18 repeat during construction). Each step expands to a short
action pattern (submit → approve, sometimes a return or a rejection and a resubmission). Event times
fall in office hours on working days, with a little night, weekend and offline noise; a profile sets how
much (`profiles.Profile`), and how often an approval goes through a return or rejection cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from yunshao.contract.schema import ACTIONS, ALL_NODES
from yunshao.simulate.config import DAY, SIM_END
from yunshao.simulate.plan import CONSTRUCTION, NO_TENDER, PLAN_DOMAINS, Plan
from yunshao.simulate.profiles import Profile
from yunshao.simulate.world import World

if TYPE_CHECKING:
    from yunshao.simulate.county import County

NODE_CODES = tuple(ALL_NODES)
NODE = {code: i for i, code in enumerate(NODE_CODES)}
SUBMIT, APPROVE, REJECT, RETURN, CHANGE, WITHDRAW = (ACTIONS.index(a) for a in ACTIONS)
S, A, SA, SRSA, SJSA, SJ, SW, CA = range(8)
PATTERNS = (
    (SUBMIT,),
    (APPROVE,),
    (SUBMIT, APPROVE),
    (SUBMIT, RETURN, SUBMIT, APPROVE),
    (SUBMIT, REJECT, SUBMIT, APPROVE),
    (SUBMIT, REJECT),
    (SUBMIT, WITHDRAW),
    (CHANGE, APPROVE),
)
PAT = np.full((len(PATTERNS), 4), -1)
for _i, _p in enumerate(PATTERNS):
    PAT[_i, : len(_p)] = _p
PAT_LEN = np.array([len(p) for p in PATTERNS])
APPROVER_KEYS = ("self", "head", "drc", "finance", "housing", "land", "audit", "commerce", "economy")
NOTES = (
    "同意",
    "同意，按程序办理",
    "材料不全，退回补正",
    "不符合条件，不予批准",
    "现场签证",
    "设计变更：地质条件变化，附监理意见、变更图纸及造价审核",
    "变更",
    "申请撤回",
    "核减：部分工程取消，附监理意见及造价审核",
)
#: The note of an honest reduction of the works (核减), a change order with a negative amount.
REDUCTION_NOTE = len(NOTES) - 1


@dataclass(frozen=True)
class Slot:
    node: str
    pattern: int
    gap: float  # median days since the previous step ended
    sigma: float = 0.5
    approver: str = "self"
    min_gap: float = 0.5


TEMPLATES: dict[str, tuple[Slot, ...]] = {
    "construction": (
        Slot("C01", S, 0),
        Slot("C02", SA, 20, approver="drc"),
        Slot("C03", SA, 25, approver="land"),
        Slot("C04", SA, 15, approver="drc"),
        Slot("C05", A, 10),
        Slot("C06", SA, 30, approver="drc"),
        Slot("C07", SA, 25, approver="housing"),
        Slot("C08", SA, 12, approver="finance"),
        Slot("C09", SA, 7),
        Slot("C10", S, 5),
        Slot("C11", S, 1.5, min_gap=20),
        Slot("C12", A, 2),
        Slot("C13", SA, 4, approver="head"),
        Slot("C14", SA, 10, approver="head"),
        Slot("C15", SA, 14, approver="housing"),
        Slot("C16", S, 8),
    ),
    "investment": (
        Slot("I01", SA, 0, approver="commerce"),
        Slot("I02", SA, 40, approver="head"),
        Slot("I03", SA, 420, sigma=0.2, approver="commerce", min_gap=300),
        Slot("I04", SA, 20, approver="head"),
        Slot("I05", SA, 15, approver="finance"),
    ),
    "land": (
        Slot("L01", S, 0),
        Slot("L02", SA, 20, approver="land"),
        Slot("L03", SA, 25, approver="land"),
        Slot("L04", SA, 15, approver="head"),
        Slot("L05", SA, 20, approver="head"),
        Slot("L06", SA, 20, approver="finance"),
        Slot("L07", SA, 30, approver="land"),
    ),
    "procurement": (
        Slot("P01", S, 0),
        Slot("P02", SA, 10),
        Slot("P03", SA, 7, approver="finance"),
        Slot("P04", SA, 8, approver="head", min_gap=28),
        Slot("P05", SA, 60, approver="finance"),
    ),
    "subsidy": (
        Slot("S01", S, 0),
        Slot("S02", SA, 15),
        Slot("S03", SA, 10, approver="head"),
        Slot("S04", SA, 15, approver="finance"),
    ),
}
SUFFIX = (Slot("C19", SA, 10, approver="housing"), Slot("C20", SA, 90, sigma=0.4, approver="audit"))


@dataclass
class Steps:
    proj: np.ndarray  # local project index
    node: np.ndarray
    pattern: np.ndarray
    start: np.ndarray  # float days
    delays: np.ndarray  # (n_steps, 3) days between the pattern's events
    approver: np.ndarray  # APPROVER_KEYS code
    amount: np.ndarray = field(default_factory=lambda: np.zeros(0))
    note: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def first(self, n: int, node: str) -> np.ndarray:
        """Step index of each project's first visit of `node` (-1 if none)."""
        out = np.full(n, -1)
        idx = np.flatnonzero(self.node == NODE[node])[::-1]
        out[self.proj[idx]] = idx
        return out

    def of(self, node: str) -> np.ndarray:
        return np.flatnonzero(self.node == NODE[node])

    @property
    def end(self) -> np.ndarray:
        return self.start + self.delays.sum(axis=1)


def _delays(rng: np.random.Generator, pattern: np.ndarray) -> np.ndarray:
    """Days between consecutive events of each pattern."""
    k = len(pattern)
    react = np.clip(rng.lognormal(np.log(1.2), 0.9, k), 0.02, 15)
    fix = np.clip(rng.lognormal(np.log(4), 0.7, k), 0.5, 30)
    d = np.zeros((k, 3))
    d[:, 0] = np.where(PAT_LEN[pattern] > 1, react, 0)
    two = (pattern == SRSA) | (pattern == SJSA)
    d[two, 1] = fix[two] * np.where(pattern[two] == SJSA, 2.0, 1.0)
    d[two, 2] = np.clip(rng.lognormal(np.log(1.0), 0.8, int(two.sum())), 0.02, 10)
    return d


def build_steps(
    rng: np.random.Generator,
    plan: Plan,
    k17: np.ndarray,
    k18: np.ndarray,
    dur: np.ndarray,
    profile: Profile | None = None,
) -> Steps:
    """All steps of a block; special orders of planted schemes are applied by shifting step starts."""
    profile = profile or Profile()
    parts: list[tuple[np.ndarray, ...]] = []
    for d, dname in enumerate(PLAN_DOMAINS):
        idx = np.flatnonzero(plan.domain == d)
        if len(idx):
            parts.extend(_domain_steps(rng, plan, idx, TEMPLATES[dname], d, k17, k18, dur, profile))
    proj, node, pattern, start, delays, approver = (np.concatenate([p[i] for p in parts]) for i in range(6))
    order = np.lexsort((node, start, proj))
    return Steps(proj[order], node[order], pattern[order], start[order], delays[order], approver[order])


def _domain_steps(
    rng: np.random.Generator,
    plan: Plan,
    idx: np.ndarray,
    slots: tuple[Slot, ...],
    domain: int,
    k17: np.ndarray,
    k18: np.ndarray,
    dur: np.ndarray,
    profile: Profile,
) -> list[tuple[np.ndarray, ...]]:
    k = len(idx)
    t = plan.t0[idx].astype(np.float64).copy()
    alive = np.ones(k, dtype=bool)
    out = []
    no_tender = plan.method[idx] == NO_TENDER
    no_call = np.isin(plan.method[idx], (5, 6))  # single_source, direct_award: no announcement or opening
    starts: dict[str, np.ndarray] = {}
    ends: dict[str, np.ndarray] = {}
    for s, slot in enumerate(slots):
        pattern = np.full(k, slot.pattern)
        if slot.pattern == SA:
            r = rng.random(k)
            pattern = np.where(r < profile.return_p, SRSA, np.where(r < profile.resubmit_p, SJSA, SA))
        stop = plan.cancel_at[idx] == s
        pattern = np.where(stop, np.where(rng.random(k) < 0.7, SJ, SW), pattern)
        present = alive.copy()
        if domain == CONSTRUCTION and slot.node in ("C09", "C10", "C11", "C12", "C13"):
            present &= ~no_tender
            if slot.node in ("C10", "C11"):
                present &= ~no_call
        delays = _delays(rng, pattern)
        if s:
            gap = slot.min_gap + rng.lognormal(np.log(max(slot.gap, 0.1)), slot.sigma, k)
            t = np.where(present, t + gap, t)
        starts[slot.node] = t.copy()
        ends[slot.node] = t + delays.sum(axis=1)
        out.append(_pack(idx[present], slot.node, pattern[present], t[present], delays[present], slot.approver))
        t = np.where(present, ends[slot.node], t)
        alive &= ~stop
    if domain == CONSTRUCTION:
        out.extend(_construction_tail(rng, idx, alive, ends["C16"], k17, k18, dur, profile))
    return out


def _pack(
    proj: np.ndarray, node: str, pattern: np.ndarray, start: np.ndarray, delays: np.ndarray, approver: str
) -> tuple[np.ndarray, ...]:
    n = len(proj)
    return (
        proj,
        np.full(n, NODE[node]),
        pattern,
        start,
        delays,
        np.full(n, APPROVER_KEYS.index(approver)),
    )


def _construction_tail(
    rng: np.random.Generator,
    idx: np.ndarray,
    alive: np.ndarray,
    c16_end: np.ndarray,
    k17: np.ndarray,
    k18: np.ndarray,
    dur: np.ndarray,
    profile: Profile,
) -> list[tuple[np.ndarray, ...]]:
    live = idx[alive]
    base = c16_end[alive]
    d = dur[live]
    out = []
    for node, counts, pattern, approver in (("C17", k17, CA, "self"), ("C18", k18, SA, "head")):
        c = counts[live]
        proj = np.repeat(live, c)
        at = np.repeat(base, c) + rng.uniform(0.03, 0.92, len(proj)) * np.repeat(d, c)
        pat = np.full(len(proj), pattern)
        out.append(_pack(proj, node, pat, at, np.minimum(_delays(rng, pat), 3.0), approver))
    t = base + d
    for slot in SUFFIX:
        pat = np.full(len(live), SA)
        r = rng.random(len(live))
        pat = np.where(r < profile.return_p, SRSA, pat)
        t = t + slot.min_gap + rng.lognormal(np.log(slot.gap), slot.sigma, len(live))
        delays = _delays(rng, pat)
        out.append(_pack(live, slot.node, pat, t, delays, slot.approver))
        t = t + delays.sum(axis=1)
    return out


@dataclass
class Events:
    proj: np.ndarray
    step: np.ndarray
    node: np.ndarray
    action: np.ndarray
    post: np.ndarray
    person: np.ndarray
    unit: np.ndarray
    ts: np.ndarray  # int seconds
    amount: np.ndarray
    channel: np.ndarray
    note: np.ndarray
    approve_of_step: np.ndarray  # event index of each step's final approve, -1 if none

    def __len__(self) -> int:
        return len(self.proj)


def approver_posts(
    rng: np.random.Generator,
    world: World,
    plan: Plan,
    steps: Steps,
    county: County | None = None,
    prng: np.random.Generator | None = None,
) -> np.ndarray:
    """The post that decides each step: the project unit's leaders or a county department's.

    Under a profile the unit's own nodes may go to its township (villages), to its head (delegation) or,
    for a project planted on a corrupt post, to that post; `prng` draws the delegation.
    """
    key = steps.approver
    unit = plan.unit[steps.proj].copy()
    if county is not None:
        unit = county.approve_unit[unit]
    for name, code in world.dept.items():
        unit = np.where(key == APPROVER_KEYS.index(name), code, unit)
    n_app = world.n_approvers[unit] if county is None else county.n_approvers[unit]
    post = world.approvers[unit, rng.integers(0, 1 << 30, len(unit)) % n_app]
    head = key == APPROVER_KEYS.index("head")
    post = np.where(head, world.heads[unit], post)
    if county is None:
        return post
    own = head | (key == APPROVER_KEYS.index("self"))
    if prng is not None and county.delegating.any():
        delegated = own & county.delegating[unit] & (prng.random(len(unit)) < county.profile.delegation_p)
        post = np.where(delegated, world.heads[unit], post)
    resp = plan.resp_post[steps.proj]
    return np.where(own & (resp >= 0), resp, post)


def expand(
    rng: np.random.Generator,
    world: World,
    plan: Plan,
    steps: Steps,
    handler: np.ndarray,
    county: County | None = None,
    prng: np.random.Generator | None = None,
) -> Events:
    """Events of all steps: actions, office-hour timestamps, posts and the persons holding them."""
    pf = county.profile if county is not None else Profile()
    n_ev = PAT_LEN[steps.pattern]
    step = np.repeat(np.arange(len(steps.proj)), n_ev)
    first = np.cumsum(n_ev) - n_ev
    k = np.arange(len(step)) - np.repeat(first, n_ev)
    action = PAT[steps.pattern[step], k]
    cum = np.concatenate([np.zeros((len(steps.proj), 1)), np.cumsum(steps.delays, axis=1)], axis=1)
    t = steps.start[step] + cum[step, k]
    day = np.floor(t).astype(np.int64)
    wd = (day + 3) % 7
    weekend = wd >= 5
    move = weekend & (rng.random(len(day)) < np.where(wd == 5, pf.saturday_move_p, pf.sunday_move_p))
    day = np.where(move, day + 7 - wd, day)
    r = rng.random(len(day))
    tod = np.where(
        r < pf.night_p,
        (rng.uniform(22, 30, len(day)) % 24) * 3600,
        np.where(
            r < pf.after_hours_p, rng.uniform(17.5, 21.9, len(day)) * 3600, rng.uniform(8.5, 17.5, len(day)) * 3600
        ),
    ).astype(np.int64)
    ts = day * DAY + tod
    proj = steps.proj[step]
    # strictly increasing within a project, in the generated order
    big = np.int64(10**11)
    i = np.arange(len(ts), dtype=np.int64)
    u = ts - 60 * i + proj.astype(np.int64) * big
    ts = np.maximum.accumulate(u) - proj.astype(np.int64) * big + 60 * i
    keep = ts < (SIM_END + 1) * DAY
    step, k, action, ts, proj = step[keep], k[keep], action[keep], ts[keep], proj[keep]

    app_post = approver_posts(rng, world, plan, steps, county, prng)
    handing = np.isin(action, (SUBMIT, CHANGE, WITHDRAW))
    post = np.where(handing, handler[proj], app_post[step])
    person = world.holders(post, ts // DAY)
    offline_project = rng.random(plan.n) < pf.offline_project_p
    channel = (rng.random(len(ts)) < np.where(offline_project[proj], pf.offline_row_p, pf.online_offline_p)).astype(
        np.int64
    )
    is_approve = action == APPROVE
    amount = np.where(is_approve | (action == CHANGE), steps.amount[step], np.nan)
    note = np.full(len(ts), -1)
    note = np.where(is_approve & (rng.random(len(ts)) < 0.5), rng.integers(0, 2, len(ts)), note)
    note = np.where(action == RETURN, 2, note)
    note = np.where(action == REJECT, 3, note)
    note = np.where(action == WITHDRAW, 7, note)
    note = np.where(action == CHANGE, steps.note[step], note)
    approve_of_step = np.full(len(steps.proj), -1)
    approve_of_step[step[is_approve]] = np.flatnonzero(is_approve)
    return Events(
        proj=proj,
        step=step,
        node=steps.node[step],
        action=action,
        post=post,
        person=person,
        unit=world.post_unit[post],
        ts=ts,
        amount=amount,
        channel=channel,
        note=note,
        approve_of_step=approve_of_step,
    )


def construction_shape(rng: np.random.Generator, plan: Plan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Change orders, progress payments and construction days per project."""
    n = plan.n
    k17 = np.minimum(rng.poisson(0.7, n), 3)
    k17 = np.where(plan.is_look("honest_change_orders"), rng.integers(2, 4, n), k17)
    k18 = rng.integers(2, 7, n)
    dur = np.clip(150 + 80 * np.log(np.maximum(plan.budget, 1e5) / 1e6) + rng.normal(0, 40, n), 120, 900)
    zero = plan.domain != CONSTRUCTION
    k17[zero] = 0
    k18[zero] = 0
    return k17, k18, dur
