"""simulate(): the whole simulated county, streamed to Parquet block by block.

The world (units, officials, companies) is built once; projects are generated in fixed blocks of
`config.BLOCK`, each with its own generator seeded by (seed, block), and flushed every `chunk_projects`.
Memory is bounded by one chunk plus the world; the output does not depend on the chunk size.

A profile (`profiles.PROFILES`) sets the county's conventions; the default profile reproduces the
original county byte for byte. Every profile writes `<truth>/posts.parquet` (corrupt posts) and
`<truth>/practices.parquet` (lawful local practice, empty for the default).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from yunshao.contract.schema import TABLES
from yunshao.simulate import corrupt, labels, practices
from yunshao.simulate import encode as enc
from yunshao.simulate.block import Context, make_block
from yunshao.simulate.companies import build_companies, staff_relations
from yunshao.simulate.config import BLOCK, DOMAIN_P, SCHEMES
from yunshao.simulate.county import build_county, share_buildings
from yunshao.simulate.profiles import get_profile
from yunshao.simulate.state import State
from yunshao.simulate.township.run import simulate_township, township_count
from yunshao.simulate.world import RELATION_KINDS, People, build_world
from yunshao.simulate.writer import PartWriter, write_bad_csv


@dataclass
class SimulationSummary:
    """What a run wrote: rows per table, planted cases per scheme, look-alikes, bad rows, where."""

    out: Path
    truth: Path
    seed: int
    n_projects: int
    profile: str = "default"
    rows: dict[str, int] = field(default_factory=dict)
    planted: dict[str, int] = field(default_factory=dict)
    planted_projects: int = 0
    lookalikes: dict[str, int] = field(default_factory=dict)
    bad_rows: int = 0
    labels: int = 0
    seconds: float = 0.0
    documents: dict[str, int] = field(default_factory=dict)  # with documents=True: files per kind, truth rows

    def to_json(self) -> dict[str, object]:
        d = asdict(self)
        d["out"], d["truth"] = str(self.out), str(self.truth)
        return d


def _clear(folder: Path) -> None:
    """Remove files a previous run wrote (only contract tables and truth files)."""
    if not folder.exists():
        return
    names = set(TABLES) | {"planted", "lookalikes", "bad_rows", "summary", "posts", "practices", "documents_truth"}
    for f in folder.iterdir():
        if f.is_file() and f.name.split(".")[0] in names:
            f.unlink()


def simulate(
    out: Path,
    n_projects: int,
    seed: int,
    *,
    label_frac: float = 0.4,
    truth: Path | None = None,
    bad_row_frac: float = 0.002,
    chunk_projects: int = 20_000,
    progress: Callable[[int, int], None] | None = None,
    profile: str = "default",
    documents: bool = False,
) -> SimulationSummary:
    """Write a simulated dataset to `out` and its ground truth to `truth` (default `<out>_truth`).

    `documents` also writes the bid and tender files (`simulate/documents/`), `bids.agent_person_id` and
    `<truth>/documents_truth.parquet`; the rest of the county is the same with or without them.

    `profile` names a county in `profiles.PROFILES` (ValueError listing the known names otherwise).
    """
    prof = get_profile(profile)
    if n_projects < 1:
        raise ValueError(f"n_projects must be at least 1, got {n_projects}")
    if not 0.0 <= label_frac <= 1.0:
        raise ValueError(f"label_frac must lie in [0, 1], got {label_frac}")
    if not 0.0 <= bad_row_frac <= 0.1:
        raise ValueError(f"bad_row_frac must lie in [0, 0.1], got {bad_row_frac}")
    if chunk_projects < 1:
        raise ValueError(f"chunk_projects must be at least 1, got {chunk_projects}")
    started = time.perf_counter()
    out = Path(out)
    truth = Path(truth) if truth is not None else out.parent / f"{out.name}_truth"
    for folder in (out, truth):
        _clear(folder)
        folder.mkdir(parents=True, exist_ok=True)
    people = People(np.random.default_rng([seed, 1]))
    world = build_world(np.random.default_rng([seed, 0]), people)
    n_town = township_count(n_projects)  # township power items (township/), appended after the main projects
    n_main = n_projects - n_town
    companies = build_companies(np.random.default_rng([seed, 2]), people, n_main)
    world.relations.extend(sorted(staff_relations(np.random.default_rng([seed, 5]), companies)))
    county = build_county(None if prof.is_default else np.random.default_rng([seed, 21]), world, prof, n_main)
    state = State()
    if prof.shared_building_groups:
        for building, firm in share_buildings(
            np.random.default_rng([seed, 22]), companies, prof.shared_building_groups
        ):
            state.practices.append(("company", f"CO{firm:04d}", f"shared_building:{building}"))
    state.practices.extend(("unit", f"U{u:03d}", "head_delegation") for u in np.flatnonzero(county.delegating))
    villagers = people.add(max(50, int(n_main * DOMAIN_P["land"] * 1.2)))
    region_rng = np.random.default_rng([seed, 3])
    regions = sorted(set(world.unit_region))
    factor = dict(zip(regions, region_rng.uniform(0.8, 1.25, len(regions)), strict=True))
    region_factor = np.array([factor[r] for r in world.unit_region])
    ctx = Context(world, companies, state, villagers, region_factor, n_main, bad_row_frac, county, seed)
    writer = PartWriter(out)
    per_chunk = max(1, chunk_projects // BLOCK)
    town = simulate_township(seed, people, world, county, state, prof, n_town, n_main, villagers) if n_town else None
    starts = list(range(0, n_main, BLOCK))
    for b, p0 in enumerate(starts):
        n = min(BLOCK, n_main - p0)
        for name, table in make_block(np.random.default_rng([seed, 10, b]), ctx, p0, n).items():
            writer.add(name, table)
        if town is not None and b == len(starts) - 1:  # in the last chunk: part files do not change
            for name, table in town.tables.items():
                writer.add(name, table)
        if (b + 1) % per_chunk == 0:
            writer.flush()
        if progress is not None:
            progress(n_projects if b == len(starts) - 1 else p0 + n, n_projects)
    writer.flush()
    _write_world(writer, world, people, companies, state, town.register if town is not None else None)
    label_table = labels.build(np.random.default_rng([seed, 4]), state, label_frac, prof)
    if label_table is not None:
        writer.write("labels", label_table)
    for name, rows in sorted(state.bad_csv.items()):
        write_bad_csv(out, name, rows)
    writer.ensure_all(skip=set() if label_table is not None else {"labels"})
    doc_counts = _write_documents(out, truth, seed, state, writer) if documents else {}
    summary = _write_truth(truth, out, state, writer, seed, n_projects, label_table)
    summary.documents = doc_counts
    summary.profile = prof.name
    pq.write_table(corrupt.posts_table(len(world.post_unit), county, state), truth / "posts.parquet")
    pq.write_table(practices.table(state), truth / "practices.parquet")
    summary.seconds = round(time.perf_counter() - started, 2)
    (truth / "summary.json").write_text(json.dumps(summary.to_json(), ensure_ascii=False, indent=2))
    return summary


def _write_documents(out: Path, truth: Path, seed: int, state: State, writer: PartWriter) -> dict[str, int]:
    """Bid and tender files and their two tables (over the empty ones `ensure_all` wrote); counts for the summary."""
    from yunshao.simulate.documents import write_documents

    docs = write_documents(out, truth, seed, state)
    writer.write("tender_documents", docs.tender_documents)
    writer.write("bid_documents", docs.bid_documents)
    return docs.counts()


def _write_world(
    writer: PartWriter, world: object, people: People, companies: object, state: State, register: object = None
) -> None:
    from yunshao.simulate.companies import Companies
    from yunshao.simulate.world import World

    assert isinstance(world, World) and isinstance(companies, Companies)
    tables = world.tables()
    for name in ("units", "posts", "assignments"):
        writer.write(name, tables[name])
    base = {tuple(r) for r in world.relations}
    rel = np.array(sorted(base | state.extra_relations), dtype=np.int64).reshape(-1, 3)
    writer.write(
        "relations",
        enc.table(
            "relations",
            len(rel),
            {
                "person_id_a": enc.ids("person", rel[:, 0]),
                "person_id_b": enc.ids("person", rel[:, 1]),
                "kind": enc.vocab(rel[:, 2], RELATION_KINDS),
            },
        ),
    )
    people_table = people.table()
    if register is not None:  # the villages' register knows who died or moved away (contract v1.1)
        from yunshao.simulate.township.register import Register

        assert isinstance(register, Register)
        status, died_on = register.people_columns(people_table.num_rows)
        people_table = people_table.set_column(3, "status", status).set_column(4, "died_on", died_on)
    writer.write("people", people_table)
    writer.write("companies", companies.table())
    writer.write("company_people", companies.people_table())
    writer.write("certificates", companies.cert_table())
    for part, t in enumerate(companies.social_insurance()):
        writer.write(f"social_insurance.{part:05d}", t, "social_insurance")


def _write_truth(
    truth: Path, out: Path, state: State, writer: PartWriter, seed: int, n_projects: int, label_table: pa.Table | None
) -> SimulationSummary:
    t = state.truth
    planted = pa.table(
        {
            "project_id": [x.project_id for x in t],
            "scheme": [x.scheme for x in t],
            "entity_type": [x.entity_type for x in t],
            "entity_id": [x.entity_id for x in t],
            "strength": [x.strength for x in t],
            "detail": [json.dumps(x.detail, ensure_ascii=False, sort_keys=True) for x in t],
        },
        schema=pa.schema(
            [(c, pa.string()) for c in ("project_id", "scheme", "entity_type", "entity_id", "strength", "detail")]
        ),
    )
    pq.write_table(planted, truth / "planted.parquet")
    looks = sorted(set(state.lookalikes))
    pq.write_table(
        pa.table(
            {"project_id": [p for p, _ in looks], "kind": [k for _, k in looks]},
            schema=pa.schema([("project_id", pa.string()), ("kind", pa.string())]),
        ),
        truth / "lookalikes.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "table": [b[0] for b in state.bad_rows],
                "key": [b[1] for b in state.bad_rows],
                "defect": [b[2] for b in state.bad_rows],
            },
            schema=pa.schema([("table", pa.string()), ("key", pa.string()), ("defect", pa.string())]),
        ),
        truth / "bad_rows.parquet",
    )
    cases = Counter(x.scheme for x in t if x.entity_type != "post")
    rows = dict(writer.rows)
    for name, bad in state.bad_csv.items():
        rows[name] = rows.get(name, 0) + len(bad)
    return SimulationSummary(
        out=out,
        truth=truth,
        seed=seed,
        n_projects=n_projects,
        rows=dict(sorted(rows.items())),
        planted={s: cases.get(s, 0) for s in SCHEMES},
        planted_projects=len({x.project_id for x in t}),
        lookalikes=dict(sorted(Counter(k for _, k in looks).items())),
        bad_rows=len(state.bad_rows),
        labels=0 if label_table is None else label_table.num_rows,
    )
