"""What every township power item writes through: new projects, their approval events, truth rows.

Power items (housing, assets, funds, finance) are generated item by item in Python over vectorised draws:
a county of 5,000 projects holds about a thousand township items, so the per-item work is small; the
tables are formed once, at the end, through `encode` like the main simulator's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from yunshao.contract.schema import ACTIONS, ALL_NODES, CHANNELS, DOMAINS, PROJECT_STATUSES
from yunshao.simulate import encode as enc
from yunshao.simulate.config import DAY, TRAIL_START, TRAIL_START_END
from yunshao.simulate.county import County
from yunshao.simulate.profiles import Profile
from yunshao.simulate.state import State, Truth
from yunshao.simulate.township.conventions import TOWNSHIP_LOOKALIKE_P, TOWNSHIP_SCHEME_P, TownshipConvention
from yunshao.simulate.world import CLERK, World

PROJECT_COLS = ("g", "domain", "unit", "name", "category", "budget", "approved_at", "start", "end", "status")
EVENT_COLS = ("g", "node", "action", "person", "post", "unit", "ts", "amount", "channel")
NODE_CODE = {code: i for i, code in enumerate(ALL_NODES)}
#: Township projects are investigated (labelled unfounded) from this share of clean ones, as in block.py.
CLEAN_SAMPLE_P = 0.03


def workday(day: int) -> int:
    """The day itself, or the Monday after when it falls on a weekend (1970-01-01 was a Thursday)."""
    dow = (day + 3) % 7  # Monday 0
    return day + (7 - dow if dow >= 5 else 0)


def is_weekend(day: int) -> bool:
    return (day + 3) % 7 >= 5


@dataclass
class Town:
    """The township simulation's shared state: the world, the register, and the rows collected so far."""

    rng: np.random.Generator
    world: World
    county: County
    state: State
    profile: Profile
    first_project: int
    villages: np.ndarray
    proj: dict[str, list[Any]] = field(default_factory=lambda: {k: [] for k in PROJECT_COLS})
    ev: dict[str, list[Any]] = field(default_factory=lambda: {k: [] for k in EVENT_COLS})
    n_proj: int = 0
    related: set[int] = field(default_factory=set)  # people given a relation here: never drawn as honest parties
    parties: set[int] = field(default_factory=set)  # applicants, lessees, beneficiaries so far: never related later
    forced: dict[str, dict[int, tuple[str, str]]] = field(default_factory=dict)  # domain -> draw -> (kind, name)
    draws: dict[str, int] = field(default_factory=dict)

    @property
    def conv(self) -> TownshipConvention:
        return self.profile.township

    def t0(self, k: int, n: int) -> float:
        """Start day of item k of n: spread over the trail window like the main projects, jittered."""
        span = TRAIL_START_END - TRAIL_START
        return TRAIL_START + span * (k + float(self.rng.random())) / max(n, 1)

    def assign(self, domain: str, n: int, extra_looks: dict[str, float] | None = None, span: float = 1.0) -> None:
        """Decide which of the domain's next `n` draws are planted or look-alikes: binomial counts from the
        profile's rates, at least one of each (so that a small county still holds every scheme), at random
        draws after the first eighth (where earlier items exist to build on: a plot already approved, a
        payment already made this year) and before `span` of them (finance groups use several items a draw)."""
        f = self.profile.scheme_factor
        kinds = [("scheme", s, p * f(s)) for s, p in TOWNSHIP_SCHEME_P[domain].items()]
        kinds += [("look", k, p) for k, p in (TOWNSHIP_LOOKALIKE_P[domain] | (extra_looks or {})).items()]
        lo, hi = n // 8, max(n // 8, int(n * span))
        counts = [max(1, int(self.rng.binomial(n, p))) for _, _, p in kinds]
        at = self.rng.permutation(np.arange(lo, hi))[: sum(counts)]
        labels = [(kind, name) for (kind, name, _), c in zip(kinds, counts, strict=True) for _ in range(c)]
        self.forced[domain] = {int(k): x for k, x in zip(at, labels, strict=False)}
        self.draws[domain] = 0

    def defer(self, domain: str, kind: str, name: str) -> None:
        """Move a case that found nobody to stand on (no earlier plot, no death in the window) to the
        domain's next free draw."""
        k, forced = self.draws.get(domain, 0), self.forced.setdefault(domain, {})
        while k in forced:
            k += 1
        forced[k] = (kind, name)

    def draw(self, domain: str) -> tuple[str, str]:
        """What the domain's next item is: ("scheme", code), ("look", kind) or ("clean", "")."""
        k = self.draws.get(domain, 0)
        self.draws[domain] = k + 1
        return self.forced.get(domain, {}).get(k, ("clean", ""))

    def schedule(self, day0: int, gaps: tuple[tuple[int, int], ...]) -> list[int]:
        """Working days of consecutive nodes, strictly increasing: the first on `day0` (or the Monday after),
        each next one a drawn gap later (moved off the weekend), so trails keep their legal order."""
        days = [workday(day0)]
        for lo, hi in gaps:
            days.append(workday(days[-1] + max(1, int(self.rng.integers(lo, hi + 1)))))
        return days

    # ---- posts and people ---------------------------------------------------------------------------
    def approver(self, unit: int, day: int, head: bool = False, avoid: set[int] | None = None) -> tuple[int, int]:
        """(post, person) of an approving post of the unit that signs its nodes, on that day."""
        u = int(self.county.approve_unit[unit])
        posts = self.world.approvers[u, : max(1, int(self.county.n_approvers[u]))]
        if head:
            posts = np.array([self.world.heads[u]])
        people = self.world.holders(posts, np.full(len(posts), day))
        ok = [i for i in range(len(posts)) if not avoid or int(people[i]) not in avoid]
        i = ok[int(self.rng.integers(0, len(ok)))] if ok else 0
        return int(posts[i]), int(people[i])

    def clerk(self, unit: int, day: int) -> tuple[int, int]:
        """(post, person) of a clerk of the unit on that day."""
        posts = self.world.clerks[unit, : self.world.n_clerks[unit]]
        post = int(posts[int(self.rng.integers(0, len(posts)))])
        return post, int(self.world.holders(np.array([post]), np.array([day]))[0])

    def relate(self, a: int, b: int) -> None:
        """Record a family relation (spouse, kin or in-law) between two people."""
        kind = int(self.rng.integers(0, 3))
        self.state.extra_relations.add((min(a, b), max(a, b), kind))
        self.related.update((a, b))

    # ---- rows ---------------------------------------------------------------------------------------
    def project(self, domain: str, unit: int, name: str, category: str, budget: float, t0: float) -> int:
        """A new project; returns its global index (its id is `P` + index)."""
        g = self.first_project + self.n_proj
        self.n_proj += 1
        for k, v in zip(
            PROJECT_COLS,
            (g, DOMAINS.index(domain), unit, name, category, budget, -1, int(t0), int(t0) + 365, 0),
            strict=True,
        ):
            self.proj[k].append(v)
        if self.rng.random() < CLEAN_SAMPLE_P:
            self.state.clean_sample.append((enc.id_text("project", g), DOMAINS.index(domain), float(t0)))
        self.state.project_t0.setdefault(enc.id_text("project", g), float(t0))
        return g

    def event(
        self,
        g: int,
        node: str,
        day: int,
        person: int,
        post: int = -1,
        unit: int = -1,
        action: str = "approve",
        amount: float = float("nan"),
    ) -> int:
        """One approval event on that day, at a time of day and through a channel drawn from the county's
        habits (evening and night sessions, offline entry, date-only clocks; no batch lag, which would
        reorder a township trail); returns its timestamp (seconds)."""
        if post >= 0 and self.world.post_level[post] == CLERK:
            action = "submit"  # clerks record and forward; only approving posts approve (world.py)
        pf, r = self.profile, float(self.rng.random())
        hours = (22.0, 23.9) if r < pf.night_p else (17.5, 21.9) if r < pf.after_hours_p else (8.5, 17.5)
        tod = 0 if self.rng.random() < pf.date_only_p else int(self.rng.uniform(*hours) * 3600)
        channel = int(self.rng.random() < pf.offline_share)
        ts = int(day) * DAY + tod
        for k, v in zip(EVENT_COLS, (g, node, action, person, post, unit, ts, amount, channel), strict=True):
            self.ev[k].append(v)
        return ts

    def finish(self, g: int, approved_ts: int, completed: bool) -> None:
        """Set a project's approval time and status (completed or still ongoing)."""
        i = g - self.first_project
        self.proj["approved_at"][i] = approved_ts
        self.proj["status"][i] = 1 if completed else 0

    def truth(self, g: int, scheme: str, detail: dict[str, Any], strength: str = "strong") -> None:
        pid = enc.id_text("project", g)
        self.state.truth.append(Truth(pid, scheme, "project", pid, strength, detail))

    def lookalike(self, g: int, kind: str) -> None:
        self.state.lookalikes.append((enc.id_text("project", g), kind))

    def tables(self) -> dict[str, pa.Table]:
        p, e = self.proj, self.ev
        n, k = len(p["g"]), len(e["g"])
        first = self.state.take("event", k)
        ts = np.array(e["ts"], dtype=np.int64)
        order = np.lexsort((ts, np.array(e["g"], dtype=np.int64)))
        col = {c: np.array(e[c], dtype=object if c == "node" or c == "action" else None)[order] for c in EVENT_COLS}
        return {
            "projects": enc.table(
                "projects",
                n,
                {
                    "project_id": enc.ids("project", np.array(p["g"], dtype=np.int64)),
                    "domain": enc.vocab(np.array(p["domain"]), DOMAINS),
                    "unit_id": enc.ids("unit", np.array(p["unit"], dtype=np.int64)),
                    "name": p["name"],
                    "category": p["category"],
                    "budget_amount": enc.money(np.array(p["budget"], dtype=np.float64)),
                    "approved_at": enc.timestamps(np.array(p["approved_at"], dtype=np.int64)),
                    "planned_start": enc.dates(np.array(p["start"], dtype=np.int64)),
                    "planned_end": enc.dates(np.array(p["end"], dtype=np.int64)),
                    "status": enc.vocab(np.array(p["status"]), PROJECT_STATUSES),
                },
            ),
            "approvals": enc.table(
                "approvals",
                k,
                {
                    "event_id": enc.ids("event", first + np.arange(k)),
                    "project_id": enc.ids("project", col["g"].astype(np.int64)),
                    "node": enc.vocab(np.array([NODE_CODE[x] for x in col["node"]]), tuple(ALL_NODES)),
                    "action": enc.vocab(np.array([ACTIONS.index(x) for x in col["action"]]), ACTIONS),
                    "person_id": enc.ids("person", col["person"].astype(np.int64)),
                    "post_id": enc.ids("post", col["post"].astype(np.int64)),
                    "unit_id": enc.ids("unit", col["unit"].astype(np.int64)),
                    "occurred_at": enc.timestamps(col["ts"].astype(np.int64)),
                    "amount": enc.money(col["amount"].astype(np.float64)),
                    "channel": enc.vocab(col["channel"].astype(np.int64), CHANNELS),
                },
            ),
        }
