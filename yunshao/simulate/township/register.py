"""The villages' household register (户籍): households, their members, who joined and left, splits (分户),
deaths and moves.

The register is the ground the township schemes stand on: a second homestead is only a second one
against the household's earlier plot, a payment is only posthumous against `died_on`, a beneficiary is
only outside the area against where the register says he lives. So the register is drawn first and the
power items read it; the look-alikes (a split household's new head, a resident who moved in) are in it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from yunshao.contract.schema import HOUSEHOLD_ROLES, PERSON_STATUSES
from yunshao.simulate import encode as enc
from yunshao.simulate.config import day_of
from yunshao.simulate.world import People

LIVING, DECEASED, MOVED_AWAY = (PERSON_STATUSES.index(s) for s in PERSON_STATUSES)
#: Register events happen inside this window (the trails' years, so fund payments can meet them).
EVENT_FROM, EVENT_TO = day_of("2021-06-01"), day_of("2026-06-30")
SPLIT_P, DEATH_P, MOVE_AWAY_P, MOVE_IN_P = 0.08, 0.05, 0.02, 0.04


@dataclass
class Register:
    """Households (index = household number) and the register rows (one per stay of a person)."""

    hh_village: list[int] = field(default_factory=list)
    hh_head: list[int] = field(default_factory=list)
    hh_formed: list[int] = field(default_factory=list)
    hh_has_home: list[bool] = field(default_factory=list)
    hh_split_from: list[int] = field(default_factory=list)
    rows: list[list[int]] = field(default_factory=list)  # [household, person, role, joined, left]
    status: dict[int, int] = field(default_factory=dict)  # person -> status code
    died_on: dict[int, int] = field(default_factory=dict)
    income: dict[int, int] = field(default_factory=dict)  # person -> income band 1 (poorest) .. 10
    fixed: set[int] = field(default_factory=set)  # people the main simulator uses: never die or move
    _by_person: dict[int, list[list[int]]] = field(default_factory=dict, repr=False)

    @property
    def n_households(self) -> int:
        return len(self.hh_village)

    def add_household(self, village: int, head: int, formed: int, has_home: bool, split_from: int = -1) -> int:
        self.hh_village.append(village)
        self.hh_head.append(head)
        self.hh_formed.append(formed)
        self.hh_has_home.append(has_home)
        self.hh_split_from.append(split_from)
        return self.n_households - 1

    def index(self) -> None:
        """Index the rows by person (call once the register is complete)."""
        self._by_person = {}
        for r in self.rows:
            self._by_person.setdefault(r[1], []).append(r)

    def stays(self, person: int) -> list[list[int]]:
        return self._by_person.get(person, [])

    def village_on(self, person: int, day: int) -> int:
        """The village whose register holds the person on that day (-1 if none)."""
        for hh, _, _, joined, left in self.stays(person):
            if joined <= day and (left < 0 or day < left):
                return self.hh_village[hh]
        return -1

    def living_on(self, person: int, day: int) -> bool:
        return self.status.get(person, LIVING) != DECEASED or day <= self.died_on[person]

    def table(self) -> pa.Table:
        r = np.array(self.rows, dtype=np.int64).reshape(-1, 5)
        return enc.table(
            "households",
            len(r),
            {
                "household_id": [f"HH{int(h):06d}" for h in r[:, 0]],
                "person_id": enc.ids("person", r[:, 1]),
                "role": enc.vocab(r[:, 2], HOUSEHOLD_ROLES),
                "village_unit_id": enc.ids("unit", np.array([self.hh_village[int(h)] for h in r[:, 0]])),
                "joined_on": enc.dates(r[:, 3]),
                "left_on": enc.dates(r[:, 4]),
            },
        )

    def people_columns(self, n_people: int) -> tuple[pa.Array, pa.Array]:
        """`people.status` and `people.died_on` for every person: the register's people only, others null."""
        status = np.full(n_people, -1, dtype=np.int64)
        died = np.full(n_people, -1, dtype=np.int64)
        for p, s in self.status.items():
            status[p] = s
        for p, d in self.died_on.items():
            died[p] = d
        return enc.vocab(status, PERSON_STATUSES), enc.dates(died)


def hh_id(h: int) -> str:
    return f"HH{h:06d}"


def build_register(
    rng: np.random.Generator, people: People, villages: np.ndarray, n_households: int, known: np.ndarray
) -> Register:
    """Households of the villages: the main simulator's villagers (`known`, kept alive and in place) plus
    new villagers; then splits, deaths, moves away and moves in, each on a day of the trail years."""
    reg = Register()
    sizes = rng.integers(1, 6, n_households)
    new = people.add(max(0, int(sizes.sum()) - len(known)))
    pool = np.concatenate([known.astype(np.int64), new])[: int(sizes.sum())]
    reg.fixed = {int(p) for p in known}
    hh_of = rng.choice(villages, n_households)
    formed = rng.integers(day_of("1995-01-01"), day_of("2019-12-31"), n_households)
    homes = rng.random(n_households) < 0.7
    bands = 1 + rng.binomial(9, 0.4, len(pool))
    pos = 0
    for h in range(n_households):
        members = pool[pos : pos + sizes[h]]
        pos += int(sizes[h])
        reg.add_household(int(hh_of[h]), int(members[0]), int(formed[h]), bool(homes[h]))
        for j, p in enumerate(members):
            reg.rows.append([h, int(p), 0 if j == 0 else 1, int(formed[h]), -1])
            reg.status[int(p)] = LIVING
            reg.income[int(p)] = int(bands[pos - sizes[h] + j])
    _splits(rng, reg, n_households)
    _deaths_and_moves(rng, reg, villages)
    reg.index()
    return reg


def _splits(rng: np.random.Generator, reg: Register, n_households: int) -> None:
    """分户: a grown member leaves a household that holds a home and heads a new one, with no home yet."""
    for h in range(n_households):
        if not reg.hh_has_home[h] or rng.random() >= SPLIT_P:
            continue
        members = [r for r in reg.rows if r[0] == h and r[2] == 1 and r[4] < 0]
        if not members:
            continue
        row = members[int(rng.integers(0, len(members)))]
        day = int(rng.integers(EVENT_FROM, day_of("2023-12-31")))
        row[4] = day
        new = reg.add_household(reg.hh_village[h], row[1], day, False, split_from=h)
        reg.rows.append([new, row[1], 0, day, -1])


def _deaths_and_moves(rng: np.random.Generator, reg: Register, villages: np.ndarray) -> None:
    heads = set(reg.hh_head)
    for row in list(reg.rows):
        hh, p, _role, _, left = row
        if left >= 0 or p in reg.fixed or p in heads:
            continue
        x = rng.random()
        day = int(rng.integers(EVENT_FROM, EVENT_TO))
        if x < DEATH_P:
            row[4] = day
            reg.status[p], reg.died_on[p] = DECEASED, day
        elif x < DEATH_P + MOVE_AWAY_P:
            row[4] = day
            reg.status[p] = MOVED_AWAY
        elif x < DEATH_P + MOVE_AWAY_P + MOVE_IN_P:
            target = [h for h in range(reg.n_households) if reg.hh_village[h] != reg.hh_village[hh]]
            dest = target[int(rng.integers(0, len(target)))]
            row[4] = day
            reg.rows.append([dest, p, 1, day, -1])
