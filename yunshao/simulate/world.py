"""The county's organisation: units, posts, the officials who hold them over time, and their relations.

Officials rotate only between posts of the same level (a clerk never becomes an approver), so the person
who submits a node is never, by accident, the person who approves it: self-approval exists only where
it is planted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from yunshao.simulate import encode as enc
from yunshao.simulate.config import DEPARTMENTS, DEPT_KEYS, SIM_END, SOES, TOWNSHIPS, WORLD_START, ZONES
from yunshao.simulate.names import hex_codes, person_names

HEAD, DEPUTY, CHIEF, CLERK = 0, 1, 2, 3
LEVEL_NAMES = ("正职", "副职", "科股长", "科员")
KIND_CODES = {"township": 0, "development_zone": 1, "department": 2, "soe": 3, "village": 4}
TITLES = {
    # kind: (head, deputy, chief, clerk)
    "township": ("党委书记", "副镇长", "所长", "科员"),
    "development_zone": ("管委会主任", "管委会副主任", "局长", "科员"),
    "department": ("局长", "副局长", "科长", "科员"),
    "soe": ("董事长", "副总经理", "部门经理", "职员"),
    "village": ("村党支部书记", "村委会副主任", "村会计", "村文书"),
}
RELATION_KINDS = ("spouse", "kin", "in_law", "classmate", "former_colleague", "other")


@dataclass
class People:
    """Everyone in the dataset; indices are allocated in blocks by the modules that create people."""

    rng: np.random.Generator
    names: list[np.ndarray] = field(default_factory=list)
    count: int = 0

    def add(self, n: int) -> np.ndarray:
        """Allocate n new people and return their indices."""
        self.names.append(person_names(self.rng, n))
        start = self.count
        self.count += n
        return np.arange(start, start + n, dtype=np.int64)

    def table(self) -> pa.Table:
        names = np.concatenate(self.names) if self.names else np.array([], dtype=object)
        idx = np.arange(self.count)
        return enc.table(
            "people",
            self.count,
            {"person_id": enc.ids("person", idx), "name": names, "id_hash": hex_codes(self.rng, self.count)},
        )


@dataclass
class World:
    unit_kind: np.ndarray  # kind code per unit
    unit_names: list[str]
    unit_parent: np.ndarray
    unit_region: list[str]
    post_unit: np.ndarray
    post_level: np.ndarray
    post_title: list[str]
    clerks: np.ndarray  # units x max clerks, -1 padded
    n_clerks: np.ndarray
    approvers: np.ndarray  # units x max approver posts (head, deputies, chiefs)
    n_approvers: np.ndarray
    heads: np.ndarray  # head post per unit
    asg_person: np.ndarray
    asg_post: np.ndarray
    asg_start: np.ndarray
    asg_end: np.ndarray  # NULL = still holding
    relations: list[tuple[int, int, int]]  # (a, b, kind code)
    officials: np.ndarray
    dept: dict[str, int]  # short key -> unit index
    _shift: int = field(init=False, default=0)
    _key: np.ndarray = field(init=False, repr=False, default_factory=lambda: np.zeros(0, dtype=np.int64))
    _person_sorted: np.ndarray = field(init=False, repr=False, default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def n_units(self) -> int:
        return len(self.unit_kind)

    def units_of(self, kind: str) -> np.ndarray:
        return np.flatnonzero(self.unit_kind == KIND_CODES[kind])

    def index(self) -> None:
        """Sort assignments by (post, start) so that holders() is one searchsorted."""
        self._shift = WORLD_START - 10_000
        key = self.asg_post.astype(np.int64) * 100_000 + (self.asg_start - self._shift)
        order = np.argsort(key, kind="stable")
        self._key = key[order]
        self._person_sorted = self.asg_person[order]

    def holders(self, post: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Person holding each post on each day; posts are always filled from before WORLD_START."""
        q = post.astype(np.int64) * 100_000 + (np.asarray(day, dtype=np.int64) - self._shift)
        pos = np.searchsorted(self._key, q, side="right") - 1
        return self._person_sorted[pos]

    def tables(self) -> dict[str, pa.Table]:
        n_u, n_p, n_a = self.n_units, len(self.post_unit), len(self.asg_person)
        kinds = list(KIND_CODES)
        return {
            "units": enc.table(
                "units",
                n_u,
                {
                    "unit_id": enc.ids("unit", np.arange(n_u)),
                    "name": self.unit_names,
                    "kind": enc.vocab(self.unit_kind, kinds),
                    "parent_unit_id": enc.ids("unit", self.unit_parent),
                    "region": self.unit_region,
                },
            ),
            "posts": enc.table(
                "posts",
                n_p,
                {
                    "post_id": enc.ids("post", np.arange(n_p)),
                    "unit_id": enc.ids("unit", self.post_unit),
                    "title": self.post_title,
                    "is_head": self.post_level == HEAD,
                    "level": enc.vocab(self.post_level, LEVEL_NAMES),
                },
            ),
            "assignments": enc.table(
                "assignments",
                n_a,
                {
                    "person_id": enc.ids("person", self.asg_person),
                    "post_id": enc.ids("post", self.asg_post),
                    "start_date": enc.dates(self.asg_start),
                    "end_date": enc.dates(self.asg_end),
                },
            ),
        }


def _units() -> tuple[list[str], list[int], list[int], list[str]]:
    names: list[str] = []
    kinds: list[int] = []
    parents: list[int] = []
    regions: list[str] = []

    def add(name: str, kind: str, parent: int, region: str) -> int:
        names.append(name)
        kinds.append(KIND_CODES[kind])
        parents.append(parent)
        regions.append(region)
        return len(names) - 1

    for d in DEPARTMENTS:
        add(d, "department", -1, "县本级")
    towns = [add(t, "township", -1, t) for t in TOWNSHIPS]
    zones = [add(z, "development_zone", -1, z) for z in ZONES]
    for s in SOES:
        add(s, "soe", zones[0] if "开发区" in s else -1, ZONES[0] if "开发区" in s else "县本级")
    village_words = ("东", "西", "南", "北", "上", "下", "新", "前")
    for t, town in zip(towns, TOWNSHIPS, strict=True):
        for v in range(5):
            add(f"{town}{village_words[v]}{('溪', '山', '塘', '湾', '岭')[(t + v) % 5]}村", "village", t, town)
    return names, kinds, parents, regions


def build_world(rng: np.random.Generator, people: People) -> World:
    """Units, posts, assignments with rotations, and relations among officials."""
    names, kinds, parents, regions = _units()
    unit_kind = np.array(kinds)
    kind_names = list(KIND_CODES)
    post_unit: list[int] = []
    post_level: list[int] = []
    post_title: list[str] = []
    for u, k in enumerate(kinds):
        kind = kind_names[k]
        small = kind == "village"
        counts = (
            (1, 1, 1, 2) if small else (1, int(rng.integers(2, 4)), int(rng.integers(2, 5)), int(rng.integers(3, 6)))
        )
        for level, count in enumerate(counts):
            for _ in range(count):
                post_unit.append(u)
                post_level.append(level)
                post_title.append(TITLES[kind][level])
    pu, pl = np.array(post_unit), np.array(post_level)
    n_units = len(names)

    def padded(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lists = [np.flatnonzero(mask & (pu == u)) for u in range(n_units)]
        width = max(len(x) for x in lists)
        out = np.full((n_units, width), -1, dtype=np.int64)
        for u, x in enumerate(lists):
            out[u, : len(x)] = x
        return out, np.array([len(x) for x in lists])

    clerks, n_clerks = padded(pl == CLERK)
    approvers, n_approvers = padded(pl < CLERK)
    heads = np.array([np.flatnonzero((pu == u) & (pl == HEAD))[0] for u in range(n_units)])

    a_person, a_post, a_start, a_end = _assignments(rng, people, pl)
    officials = np.unique(a_person)
    relations = _official_relations(rng, officials, a_person, a_post, pu)
    world = World(
        unit_kind=unit_kind,
        unit_names=names,
        unit_parent=np.array(parents),
        unit_region=regions,
        post_unit=pu,
        post_level=pl,
        post_title=post_title,
        clerks=clerks,
        n_clerks=n_clerks,
        approvers=approvers,
        n_approvers=n_approvers,
        heads=heads,
        asg_person=a_person,
        asg_post=a_post,
        asg_start=a_start,
        asg_end=a_end,
        relations=relations,
        officials=officials,
        dept=dict(DEPT_KEYS),
    )
    world.index()
    return world


def _assignments(
    rng: np.random.Generator, people: People, levels: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Contiguous terms per post; successors are often officials rotating in from a same-level post."""
    terms: list[tuple[int, int, int]] = []  # (start, end, post)
    for post in range(len(levels)):
        start = WORLD_START - int(rng.integers(30, 1500))
        while start <= SIM_END:
            end = start + int(rng.integers(700, 1800))
            terms.append((start, end if end <= SIM_END else -1, post))
            start = end + 1 if end <= SIM_END else SIM_END + 1
    terms.sort()
    free: dict[int, list[tuple[int, int]]] = {lv: [] for lv in range(4)}  # level -> [(free_from, person)]
    persons: list[int] = []
    n_new = 0
    for start, end, post in terms:
        level = int(levels[post])
        pool = free[level]
        ready = [i for i, (f, _) in enumerate(pool) if start - 90 <= f <= start]
        if ready and rng.random() < 0.4:
            person = pool.pop(ready[int(rng.integers(0, len(ready)))])[1]
        else:
            person = -(n_new + 1)  # placeholder, numbered once the count is known
            n_new += 1
        persons.append(person)
        if end >= 0:
            pool.append((end + 1, person))
    new = people.add(n_new)
    out = np.array([p if p >= 0 else new[-p - 1] for p in persons], dtype=np.int64)
    starts = np.array([t[0] for t in terms], dtype=np.int64)
    ends = np.array([t[1] for t in terms], dtype=np.int64)
    posts = np.array([t[2] for t in terms], dtype=np.int64)
    return out, posts, starts, ends


def _official_relations(
    rng: np.random.Generator, officials: np.ndarray, a_person: np.ndarray, a_post: np.ndarray, post_unit: np.ndarray
) -> list[tuple[int, int, int]]:
    """Spouses, kin, classmates and former colleagues among officials (never with company owners)."""
    n = len(officials)
    out: set[tuple[int, int, int]] = set()
    for kind, share in ((0, 0.03), (1, 0.05), (2, 0.03), (3, 0.10), (5, 0.02)):
        k = int(n * share)
        a = rng.choice(officials, k)
        b = rng.choice(officials, k)
        for x, y in zip(a, b, strict=True):
            if x != y:
                out.add((int(min(x, y)), int(max(x, y)), kind))
    units_of: dict[int, set[int]] = {}
    for p, post in zip(a_person, a_post, strict=True):
        units_of.setdefault(int(p), set()).add(int(post_unit[post]))
    movers = [p for p, u in units_of.items() if len(u) > 1]
    for p in movers:
        if rng.random() < 0.5:
            q = int(rng.choice(officials))
            if q != p:
                out.add((min(p, q), max(p, q), 4))
    return sorted(out)
