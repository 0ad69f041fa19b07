"""Companies and the people behind them: owners, key staff, certificates, social insurance.

Companies that take part in planted schemes are set aside here (bid-rigging rings, crony firms,
certificate-hanging staff) so that clean tenders never carry a scheme's traces by accident; industrial
park firms share a park IP address, which is benign.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from yunshao.simulate import encode as enc
from yunshao.simulate.config import COMPANY_KIND_P, DOMAIN_P, SCHEME_P, SI_FIRST_MONTH, SI_LAST_MONTH, day_of
from yunshao.simulate.names import address, company_name, hex_codes
from yunshao.simulate.world import People

KINDS = tuple(COMPANY_KIND_P)
WORKS, GOODS, SERVICES, AGENCY, APPRAISER, INVESTOR = range(6)
CERT_TYPES = ("constructor_1", "constructor_2", "safety_b")
ROLE_CODES = {"legal_rep": 0, "shareholder": 1, "director": 2, "supervisor": 3, "manager": 4, "employee": 5}
RING_COMPANY_TRAITS = ("shared_owner", "shared_phone", "shared_address")
RING_BID_TRAITS = ("shared_device", "same_doc", "same_deposit", "price_ladder", "high_win")


@dataclass
class Ring:
    members: np.ndarray
    kind: int
    traits: tuple[str, ...]
    owner: int = -1  # shared shareholder, if any


@dataclass
class Companies:
    n: int
    kind: np.ndarray
    legal_rep: np.ndarray
    ip: list[str]
    device: list[str]
    mac: list[str]
    doc_author: list[str]
    account: list[str]
    phone: list[str]
    address: list[str]
    pms: list[np.ndarray]
    techs: list[np.ndarray]
    safeties: list[np.ndarray]
    employees: list[np.ndarray]
    cp_rows: list[tuple[int, int, int, float, int]]  # company, person, role, share, since day
    cert_rows: list[tuple[int, int, int, int, int]]  # person, type, company, from, to
    si_person: np.ndarray
    si_company: np.ndarray
    registered_day: np.ndarray
    capital: np.ndarray
    blacklisted: np.ndarray
    clean: dict[int, np.ndarray]  # kind -> companies free of planted roles
    rings: dict[int, list[Ring]]
    cronies: dict[int, np.ndarray]
    hanging: list[tuple[int, int, int]]  # (person, certificate company W, employer X)
    park_of: np.ndarray
    parks: list[np.ndarray]
    owners: list[list[int]] = field(default_factory=list)  # legal rep + shareholders per company
    people: People | None = None
    is_works: list[bool] = field(default_factory=list)
    hired: list[tuple[int, int]] = field(default_factory=list)  # (person, company) hired while bidding

    def hire_pm(self, c: int) -> int:
        """A new project manager for a busy company, with a certificate and insurance like the others."""
        assert self.people is not None
        p = int(self.people.add(1)[0])
        self.pms[c] = np.append(self.pms[c], p)
        self.cp_rows.append((c, p, 4, np.nan, day_of("2020-06-01")))
        self.cert_rows.append((p, 1, c, day_of("2020-07-01"), day_of("2029-12-31")))
        self.hired.append((p, c))
        return p

    def table(self) -> pa.Table:
        names = [company_name(i, KINDS[k], np.random.default_rng(i)) for i, k in enumerate(self.kind)]
        idx = np.arange(self.n)
        credit = [f"91330424{(i * 7_919 + 1_234) % 10**9:09d}{'ABCDEFGHJK'[i % 10]}" for i in range(self.n)]
        return enc.table(
            "companies",
            self.n,
            {
                "company_id": enc.ids("company", idx),
                "name": names,
                "credit_code": credit,
                "legal_rep_id": enc.ids("person", self.legal_rep),
                "registered_at": enc.timestamps(self.registered_day * 86_400 + 9 * 3600),
                "registered_capital": enc.money(self.capital),
                "address": self.address,
                "phone": self.phone,
                "email": [f"co{i:05d}@yunshan-biz.cn" for i in range(self.n)],
                "blacklisted_until": enc.dates(self.blacklisted),
            },
        )

    def people_table(self) -> pa.Table:
        rows = np.array(self.cp_rows, dtype=np.float64).reshape(-1, 5)
        return enc.table(
            "company_people",
            len(rows),
            {
                "company_id": enc.ids("company", rows[:, 0].astype(np.int64)),
                "person_id": enc.ids("person", rows[:, 1].astype(np.int64)),
                "role": enc.vocab(rows[:, 2].astype(np.int64), list(ROLE_CODES)),
                "share_pct": pa.array(rows[:, 3], mask=np.isnan(rows[:, 3])),
                "since": enc.dates(rows[:, 4].astype(np.int64)),
            },
        )

    def cert_table(self) -> pa.Table:
        rows = np.array(self.cert_rows, dtype=np.int64).reshape(-1, 5)
        return enc.table(
            "certificates",
            len(rows),
            {
                "cert_id": enc.ids("cert", np.arange(len(rows))),
                "person_id": enc.ids("person", rows[:, 0]),
                "cert_type": enc.vocab(rows[:, 1], CERT_TYPES),
                "registered_company_id": enc.ids("company", rows[:, 2]),
                "valid_from": enc.dates(rows[:, 3]),
                "valid_to": enc.dates(rows[:, 4]),
            },
        )

    def social_insurance(self, batch: int = 20_000) -> list[pa.Table]:
        """Monthly social insurance of key staff, in parts of `batch` people (whole window each)."""
        months = np.arange(np.datetime64(SI_FIRST_MONTH), np.datetime64(SI_LAST_MONTH) + 1).astype(str)
        m = len(months)
        parts = []
        persons = np.concatenate([self.si_person, np.array([h[0] for h in self.hired], dtype=np.int64)])
        firms = np.concatenate([self.si_company, np.array([h[1] for h in self.hired], dtype=np.int64)])
        for s in range(0, len(persons), batch):
            p = persons[s : s + batch]
            c = firms[s : s + batch]
            parts.append(
                enc.table(
                    "social_insurance",
                    len(p) * m,
                    {
                        "person_id": enc.ids("person", np.repeat(p, m)),
                        "company_id": enc.ids("company", np.repeat(c, m)),
                        "month": enc.vocab(np.tile(np.arange(m), len(p)), list(months)),
                    },
                )
            )
        return parts


def staff_relations(rng: np.random.Generator, co: Companies) -> set[tuple[int, int, int]]:
    """Classmates and former colleagues among key staff of different firms (never owners)."""
    staff = np.concatenate([*co.pms, *co.techs, *co.employees])
    k = len(staff) // 20
    a, b = staff[rng.integers(0, len(staff), k)], staff[rng.integers(0, len(staff), k)]
    kinds = rng.choice([3, 4], size=k)
    return {(int(min(x, y)), int(max(x, y)), int(c)) for x, y, c in zip(a, b, kinds, strict=True) if x != y}


def expected_cases(n_projects: int, scheme: str) -> float:
    return sum(n_projects * DOMAIN_P[d] * p.get(scheme, 0.0) for d, p in SCHEME_P.items())


def build_companies(rng: np.random.Generator, people: People, n_projects: int) -> Companies:
    n = max(200, n_projects // 10)
    kind = rng.choice(len(KINDS), size=n, p=list(COMPANY_KIND_P.values()))
    kind[:6] = np.arange(6)  # every kind exists even in tiny worlds
    registered = rng.integers(day_of("2003-01-01"), day_of("2020-12-31"), n)
    capital = np.round(np.exp(rng.normal(np.log(8e6), 1.0, n)), -4)
    blacklisted = np.where(rng.random(n) < 0.01, rng.integers(day_of("2020-01-01"), day_of("2021-10-31"), n), -1)
    legal_rep = people.add(n)
    cp_rows: list[tuple[int, int, int, float, int]] = []
    owners: list[list[int]] = []
    pms: list[np.ndarray] = []
    techs: list[np.ndarray] = []
    safeties: list[np.ndarray] = []
    employees: list[np.ndarray] = []
    cert_rows: list[tuple[int, int, int, int, int]] = []
    si_p: list[int] = []
    si_c: list[int] = []
    n_sh = rng.integers(0, 3, n)
    shareholders = people.add(int(n_sh.sum()))
    sh_pos = 0
    for c in range(n):
        since = int(registered[c])
        lr = int(legal_rep[c])
        k = int(n_sh[c])
        others = [int(x) for x in shareholders[sh_pos : sh_pos + k]]
        sh_pos += k
        shares = rng.dirichlet(np.ones(k + 1)) * 100
        cp_rows.append((c, lr, 0, np.nan, since))
        cp_rows.append((c, lr, 1, round(float(shares[0]), 2), since))
        for o, s in zip(others, shares[1:], strict=True):
            cp_rows.append((c, o, 1, round(float(s), 2), since))
        owners.append([lr, *others])
        if kind[c] == WORKS:
            counts = (int(rng.integers(3, 8)), int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        else:
            counts = (0, 0, 0)
        n_emp = int(rng.integers(1, 3))
        staff = people.add(sum(counts) + n_emp)
        pm = staff[: counts[0]]
        te = staff[counts[0] : counts[0] + counts[1]]
        sa = staff[counts[0] + counts[1] : sum(counts)]
        em = staff[sum(counts) :]
        pms.append(pm)
        techs.append(te)
        safeties.append(sa)
        employees.append(em)
        hired = max(since, day_of("2015-01-01")) - int(rng.integers(0, 400))
        for p in pm:
            cp_rows.append((c, int(p), 4, np.nan, hired))
            cert = 0 if rng.random() < 0.4 else 1
            cert_rows.append((int(p), cert, c, hired + 30, day_of("2028-12-31")))
        for p in te:
            cp_rows.append((c, int(p), 5, np.nan, hired))
            cert_rows.append((int(p), 1, c, hired + 30, day_of("2029-06-30")))
        for p in sa:
            cp_rows.append((c, int(p), 5, np.nan, hired))
            cert_rows.append((int(p), 2, c, hired + 30, day_of("2028-06-30")))
        for p in em:
            cp_rows.append((c, int(p), 5, np.nan, hired))
        for p in staff:
            si_p.append(int(p))
            si_c.append(c)
        if rng.random() < 0.25:
            sup = int(people.add(1)[0])
            cp_rows.append((c, sup, 3, np.nan, since))

    ip = [f"{58 + (i >> 16) % 160}.{(i >> 8) & 255}.{i & 255}.{int(x)}" for i, x in enumerate(rng.integers(2, 250, n))]
    device = [h.upper() for h in hex_codes(rng, n)]
    mac = [":".join(h[j : j + 2] for j in range(0, 12, 2)) for h in hex_codes(rng, n, 12)]
    author = [
        "Administrator" if r < 0.05 else f"user{int(x):06d}"
        for r, x in zip(rng.random(n), rng.permutation(n) + 100_000, strict=True)
    ]
    account = [f"6222{(i * 7_919 + 12_345) % 10**15:015d}" for i in range(n)]
    phone = [f"1{3 + i % 7}{(i * 104_729 + 5) % 10**9:09d}" for i in range(n)]
    addresses = [address(rng) for _ in range(n)]

    # industrial parks: firms in one park share the park's IP address (benign)
    park_of = np.full(n, -1)
    parks: list[np.ndarray] = []
    candidates = np.flatnonzero((kind == WORKS) | (kind == GOODS) | (kind == SERVICES))
    n_parks = 3
    park_members = rng.choice(candidates, size=min(len(candidates) // 4, max(12, n // 25)), replace=False)
    for p, chunk in enumerate(np.array_split(park_members, n_parks)):
        park_ip = f"112.17.{200 + p}.{10 + p}"
        for c in chunk:
            park_of[c] = p
            ip[c] = park_ip
            addresses[c] = (
                f"{address(rng).split('镇')[0]}镇工业园区{('一', '二', '三')[p]}号地块{int(rng.integers(1, 80))}号"
            )
        parks.append(np.sort(chunk))

    used = np.zeros(n, dtype=bool)
    used[park_members] = True
    rings: dict[int, list[Ring]] = {WORKS: [], GOODS: [], SERVICES: []}
    cronies: dict[int, np.ndarray] = {}
    for kd, share in ((WORKS, 0.8), (GOODS, 0.1), (SERVICES, 0.1)):
        n_rings = max(2, round(expected_cases(n_projects, "bid_rigging") * share / 5))
        pool = [int(c) for c in rng.permutation(np.flatnonzero((kind == kd) & ~used))]
        for _ in range(n_rings):
            size = int(rng.integers(3, 6))
            if len(pool) < size + 10:
                break
            members = np.array([pool.pop() for _ in range(size)])
            used[members] = True
            ring = _make_ring(rng, members, kd, people, cp_rows, phone, addresses)
            rings[kd].append(ring)
        n_cr = max(2, round(expected_cases(n_projects, "relative_favour") * (0.7 if kd == WORKS else 0.15) / 1.5))
        cr = np.array([pool.pop() for _ in range(min(n_cr, max(len(pool) - 10, 0)))], dtype=np.int64)
        used[cr] = True
        cronies[kd] = cr

    # benign cross-holdings: the owner of a works firm also holds shares of a firm that never bids with it
    targets = np.flatnonzero(((kind == SERVICES) | (kind == INVESTOR) | (kind == APPRAISER)) & ~used)
    holders = np.flatnonzero((kind == WORKS) & ~used)
    n_cross = min(len(targets), len(holders), max(2, n // 60))
    for a, b in zip(
        rng.choice(holders, n_cross, replace=False), rng.choice(targets, n_cross, replace=False), strict=True
    ):
        cp_rows.append((int(b), int(legal_rep[a]), 1, round(float(rng.uniform(5, 30)), 2), int(registered[b])))
    clean_works = np.flatnonzero((kind == WORKS) & ~used)
    hanging: list[tuple[int, int, int]] = []
    n_hang = max(3, round(expected_cases(n_projects, "qualification_borrowing") / 2))
    for _ in range(n_hang):
        x, w = (int(v) for v in rng.choice(clean_works, 2, replace=False))
        person = int(people.add(1)[0])
        cp_rows.append((x, person, 5, np.nan, day_of("2018-03-01")))
        cert_rows.append((person, 1, w, day_of("2019-01-01"), day_of("2028-12-31")))
        si_p.append(person)
        si_c.append(x)
        hanging.append((person, w, x))

    clean = {kd: np.flatnonzero((kind == kd) & ~used | (park_of >= 0) & (kind == kd)) for kd in range(6)}
    return Companies(
        n=n,
        kind=kind,
        legal_rep=legal_rep,
        ip=ip,
        device=device,
        mac=mac,
        doc_author=author,
        account=account,
        phone=phone,
        address=addresses,
        pms=pms,
        techs=techs,
        safeties=safeties,
        employees=employees,
        cp_rows=cp_rows,
        cert_rows=cert_rows,
        si_person=np.array(si_p, dtype=np.int64),
        si_company=np.array(si_c, dtype=np.int64),
        registered_day=registered,
        capital=capital,
        blacklisted=blacklisted,
        clean=clean,
        rings=rings,
        cronies=cronies,
        hanging=hanging,
        park_of=park_of,
        parks=parks,
        owners=owners,
        people=people,
        is_works=(kind == WORKS).tolist(),
    )


def _make_ring(
    rng: np.random.Generator,
    members: np.ndarray,
    kd: int,
    people: People,
    cp_rows: list[tuple[int, int, int, float, int]],
    phone: list[str],
    addresses: list[str],
) -> Ring:
    """A ring with several but never all traces; a subtle ring keeps only a price ladder and a shared owner."""
    if rng.random() < 0.25:
        traits: tuple[str, ...] = ("shared_owner", "price_ladder")
    else:
        all_traits = RING_COMPANY_TRAITS + RING_BID_TRAITS
        k = int(rng.integers(2, len(all_traits) - 2))
        traits = tuple(str(t) for t in rng.choice(all_traits, size=k, replace=False))
    ring = Ring(members=members, kind=kd, traits=traits)
    if "shared_owner" in traits:
        owner = int(people.add(1)[0])
        ring.owner = owner
        for c in members[: max(2, len(members) - int(rng.integers(0, 2)))]:
            cp_rows.append((int(c), owner, 1, round(float(rng.uniform(10, 45)), 2), day_of("2019-06-01")))
    if "shared_phone" in traits:
        for c in members[1:]:
            phone[c] = phone[members[0]]
    if "shared_address" in traits:
        for c in members[1:]:
            addresses[c] = addresses[members[0]]
    return ring
