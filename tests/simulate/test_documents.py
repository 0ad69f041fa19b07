"""Simulated bid and tender files (``simulate(..., documents=True)``): they load, rings' files share more text
than honest bidders' files, every bidder copies the tender's boilerplate, the truth names what was planted,
and the same seed writes the same bytes."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import docx
import duckdb
import pyarrow.parquet as pq
import pytest

from yunshao.contract import load_dataset
from yunshao.engine import connect
from yunshao.simulate import SimulationSummary, simulate

N, SEED = 400, 5


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> SimulationSummary:
    return simulate(tmp_path_factory.mktemp("docs") / "data", N, SEED, documents=True)


@pytest.fixture(scope="module")
def loaded(sim: SimulationSummary) -> duckdb.DuckDBPyConnection:
    con = connect()
    load_dataset(Path(sim.out), con)
    return con


def text_of(path: Path) -> str:
    """The file's text as a reader would extract it: paragraphs, then table cells (python-docx for .docx)."""
    if path.suffix == ".txt":
        return path.read_text(encoding="utf-8")
    d = docx.Document(str(path))
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def grams(text: str, n: int = 5) -> set[str]:
    t = "".join(text.split())
    return {t[i : i + n] for i in range(len(t) - n + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def test_every_path_exists_and_loads_without_quarantine(
    sim: SimulationSummary, loaded: duckdb.DuckDBPyConnection
) -> None:
    out = Path(sim.out)
    docs = pq.read_table(out / "bid_documents.parquet").to_pylist()
    tenders = pq.read_table(out / "tender_documents.parquet").to_pylist()
    assert docs and tenders and sim.rows["bid_documents"] == len(docs)
    assert all((out / r["path"]).is_file() for r in docs + tenders)
    assert {r["kind"] for r in docs} <= {"technical", "commercial", "price_list", "qualification"}
    assert loaded.execute(
        "SELECT count(*) FROM quarantine WHERE \"table\" IN ('bid_documents', 'tender_documents')"
    ).fetchone() == (0,)
    assert loaded.execute("SELECT count(*) FROM bid_documents").fetchone() == (len(docs),)
    per_bid = loaded.execute("SELECT bid_id, count(*) FROM bid_documents GROUP BY 1").fetchall()
    n_bids = loaded.execute("SELECT count(*) FROM bids").fetchone()
    assert len(per_bid) == (n_bids[0] if n_bids else -1) and all(1 <= n <= 3 for _, n in per_bid)
    kinds = dict(loaded.execute("SELECT kind, count(*) FROM bid_documents GROUP BY 1").fetchall())
    assert kinds["technical"] == len(per_bid)  # every bid has its technical file


def _ring_pairs(sim: SimulationSummary, con: duckdb.DuckDBPyConnection) -> tuple[list[tuple], list[tuple]]:
    """Technical-file pairs of two ring members of a tender, and of two honest bidders of any tender."""
    planted = pq.read_table(Path(sim.truth) / "planted.parquet").to_pylist()
    rings = {r["entity_id"]: set(json.loads(r["detail"])["members"]) for r in planted if r["scheme"] == "bid_rigging"}
    rows = con.execute(
        "SELECT b.tender_id, b.company_id, d.path FROM bid_documents d JOIN bids b USING (bid_id) "
        "WHERE d.kind = 'technical' ORDER BY 1, 2"
    ).fetchall()
    by_tender: dict[str, list[tuple[str, str]]] = {}
    for t, c, p in rows:
        by_tender.setdefault(t, []).append((c, p))
    ring, honest = [], []
    for t, files in by_tender.items():
        members = rings.get(t, set())
        for (c1, p1), (c2, p2) in itertools.combinations(files, 2):
            if c1 in members and c2 in members:
                ring.append((p1, p2))
            elif not members:
                honest.append((p1, p2))
    return ring, honest


def test_ring_files_share_more_text_than_honest_bidders_files(
    sim: SimulationSummary, loaded: duckdb.DuckDBPyConnection
) -> None:
    ring, honest = _ring_pairs(sim, loaded)
    assert len(ring) >= 5 and len(honest) >= 100
    out = Path(sim.out)
    cache: dict[str, set[str]] = {}

    def g(p: str) -> set[str]:
        if p not in cache:
            cache[p] = grams(text_of(out / p))
        return cache[p]

    ring_mean = sum(jaccard(g(a), g(b)) for a, b in ring) / len(ring)
    honest_mean = sum(jaccard(g(a), g(b)) for a, b in honest[:400]) / len(honest[:400])
    assert ring_mean > honest_mean
    # a shared passage is long: the pair that carries one overlaps clearly more than the honest average
    truth = pq.read_table(Path(sim.truth) / "documents_truth.parquet").to_pylist()
    paths = dict(loaded.execute("SELECT document_id, path FROM bid_documents").fetchall())
    shared = [r for r in truth if r["signal"] == "shared_passage"]
    assert shared
    for r in shared:
        a, b = paths[r["document_id"]], paths[r["other_document_id"]]
        assert jaccard(g(a), g(b)) > honest_mean
        typo = json.loads(r["detail"])["typo"]
        assert typo in text_of(out / a) and typo in text_of(out / b)


def test_every_bidder_file_copies_the_tender_boilerplate(
    sim: SimulationSummary, loaded: duckdb.DuckDBPyConnection
) -> None:
    out = Path(sim.out)
    tender_paths = dict(loaded.execute("SELECT tender_id, path FROM tender_documents").fetchall())
    rows = loaded.execute(
        "SELECT b.tender_id, d.path FROM bid_documents d JOIN bids b USING (bid_id) ORDER BY d.document_id"
    ).fetchall()
    passages: dict[str, list[str]] = {}
    for tender_id, path in rows:
        if tender_id not in passages:  # the tender file's long paragraphs: its requirements and legal text
            d = docx.Document(str(out / tender_paths[tender_id]))
            passages[tender_id] = [p.text for p in d.paragraphs if len(p.text) >= 25]
        text = text_of(out / path)
        assert any(p in text for p in passages[tender_id]), path
    # …which is lawful: it is recorded as a look-alike, never as a planted trace
    truth = pq.read_table(Path(sim.truth) / "documents_truth.parquet").to_pylist()
    boiler = [r for r in truth if r["signal"] == "tender_boilerplate"]
    assert len(boiler) == len(tender_paths) and not any(r["planted"] for r in boiler)


def test_truth_lists_the_planted_links(sim: SimulationSummary, loaded: duckdb.DuckDBPyConnection) -> None:
    out = Path(sim.out)
    truth = pq.read_table(Path(sim.truth) / "documents_truth.parquet").to_pylist()
    assert set(truth[0]) == {
        "tender_id", "ring", "signal", "planted", "bid_id", "other_bid_id", "document_id", "other_document_id", "detail"
    }  # fmt: skip
    planted = [r for r in truth if r["planted"]]
    signals = {r["signal"] for r in planted}
    assert {"shared_passage", "company_mixup", "same_pm_name", "shared_company_meta", "broker"} <= signals
    rings = {
        r["entity_id"]: set(json.loads(r["detail"])["members"])
        for r in pq.read_table(Path(sim.truth) / "planted.parquet").to_pylist()
        if r["scheme"] == "bid_rigging"
    }
    bids = {
        b: (t, c, a)
        for b, t, c, a in loaded.execute("SELECT bid_id, tender_id, company_id, agent_person_id FROM bids").fetchall()
    }
    docs = {d: (b, p) for d, b, p in loaded.execute("SELECT document_id, bid_id, path FROM bid_documents").fetchall()}
    names = dict(loaded.execute("SELECT company_id, name FROM companies").fetchall())
    for r in planted:
        tender, company, agent = bids[r["bid_id"]]
        assert tender == r["tender_id"] and company in rings[tender]
        detail = json.loads(r["detail"])
        if r["signal"] == "broker":
            assert agent == detail["person_id"]
            continue
        other_tender, other_company, _ = bids[r["other_bid_id"]]
        assert other_tender == tender and other_company in rings[tender] and other_company != company
        assert docs[r["document_id"]][0] == r["bid_id"] and docs[r["other_document_id"]][0] == r["other_bid_id"]
        path = out / docs[r["document_id"]][1]
        if r["signal"] == "company_mixup":
            assert detail["named_company"] == other_company and names[other_company] in text_of(path)
        if r["signal"] == "same_pm_name":
            assert detail["name"] in text_of(path) and detail["name"] in text_of(out / docs[r["other_document_id"]][1])
        if r["signal"] == "shared_company_meta":
            assert docx.Document(str(path)).core_properties is not None
            assert f"<Company>{names[other_company]}</Company>" in _app_xml(path)
    # a broker is an outsider: no company employs him; honest agents are their own firm's staff
    staff = set(loaded.execute("SELECT company_id || '/' || person_id FROM company_people").fetchall())
    brokers = {json.loads(r["detail"])["person_id"] for r in planted if r["signal"] == "broker"}
    employed = {p for (p,) in loaded.execute("SELECT DISTINCT person_id FROM company_people").fetchall()}
    assert brokers and not brokers & employed
    honest_agents = [(c, a) for _, c, a in bids.values() if a is not None and a not in brokers]
    assert honest_agents and all((f"{c}/{a}",) in staff for c, a in honest_agents)


def _app_xml(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.read("docProps/app.xml").decode("utf-8")


def test_same_seed_same_files(tmp_path: Path) -> None:
    a = simulate(tmp_path / "a", 120, 3, documents=True)
    b = simulate(tmp_path / "b", 120, 3, documents=True)
    files_a = sorted(p.relative_to(a.out) for p in (Path(a.out) / "documents").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b.out) for p in (Path(b.out) / "documents").rglob("*") if p.is_file())
    assert files_a == files_b and files_a
    for rel in files_a:
        assert (Path(a.out) / rel).read_bytes() == (Path(b.out) / rel).read_bytes(), rel
    assert pq.read_table(Path(a.out) / "bid_documents.parquet").equals(
        pq.read_table(Path(b.out) / "bid_documents.parquet")
    )
    ta = pq.read_table(Path(a.truth) / "documents_truth.parquet")
    assert ta.equals(pq.read_table(Path(b.truth) / "documents_truth.parquet"))


def test_without_documents_the_county_has_no_files(tmp_path: Path) -> None:
    s = simulate(tmp_path / "plain", 120, 3)
    assert not (Path(s.out) / "documents").exists() and s.rows.get("bid_documents", 0) == 0
    assert s.documents == {}
    agents = pq.read_table(next(Path(s.out).glob("bids.*.parquet"))).column("agent_person_id")
    assert agents.null_count == len(agents)
