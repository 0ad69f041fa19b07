"""Who handled each bid (``bids.agent_person_id``, contract v1.1).

Honest firms that send someone send their own staff (a manager or employee in ``company_people``), which is
lawful. A ring's broker, an outsider employed by none of its firms, handles the ring's bids across its
tenders, each bid with the ring's own probability. The bids files are rewritten with the column filled.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def broker_pool(people: pa.Table, company_people: pa.Table, assignments: pa.Table, k: int = 200) -> list[str]:
    """People who neither work for a company nor hold a post: the outsiders a broker is drawn from."""
    busy = set(company_people.column("person_id").to_pylist()) | set(assignments.column("person_id").to_pylist())
    free = [p for p in people.column("person_id").to_pylist() if p not in busy]
    return sorted(free)[-k:]


def bid_files(out: Path) -> list[Path]:
    """The simulator's Parquet files of ``bids`` (whole or in parts; never the planted bad rows)."""
    return sorted([*out.glob("bids.parquet"), *out.glob("bids.*.parquet")])


def write_agents(out: Path, agent_of: dict[str, str]) -> None:
    """Fill ``agent_person_id`` of every bids file from ``agent_of`` (bid id → person id)."""
    for path in bid_files(out):
        table = pq.read_table(path)
        ids = table.column("bid_id").to_pylist()
        agents = pa.array([agent_of.get(b) for b in ids], type=pa.string())
        i = table.schema.get_field_index("agent_person_id")
        table = table.set_column(i, "agent_person_id", agents)
        pq.write_table(table, path, compression="zstd")
