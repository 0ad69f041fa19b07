"""Write the bid and tender files of a simulated county, their contract tables and their truth.

Runs after the county's tables are written (``simulate(..., documents=True)``) and reads them back, so the
county itself is the same with or without files. Every tender gets its file; every bid 1–3 files: a
technical .docx, often a commercial .txt or .docx and a price-list .docx. Bids of a planted ``bid_rigging``
ring may carry a shared writer's traces (``plant.py``); lawful look-alikes (the tender's boilerplate copied
by everyone, the agency's template id, a consortium partner's text, an office suite's default company) are
recorded beside them in ``documents_truth.parquet``.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from yunshao.simulate import encode as enc
from yunshao.simulate.documents import compose
from yunshao.simulate.documents.agents import bid_files, broker_pool, write_agents
from yunshao.simulate.documents.doc import Doc, Meta, write
from yunshao.simulate.documents.phrases import DEFAULT_OFFICE_COMPANIES, PRICE_ITEMS
from yunshao.simulate.documents.plant import BidFiles, RingHabits, TruthRow, draw_habits, plant_ring
from yunshao.simulate.documents.style import Style, draw_style
from yunshao.simulate.state import State

#: Folder of the files inside the dataset; ``path`` columns are relative to the dataset folder.
FOLDER = "documents"
TRUTH_FILE = "documents_truth.parquet"
#: The county trading centre's template, used where a tender has no agency.
CENTRE_TEMPLATE = "YSGGZY-ZBWJ-2022"
TRUTH_COLUMNS = (
    "tender_id",
    "ring",
    "signal",
    "planted",
    "bid_id",
    "other_bid_id",
    "document_id",
    "other_document_id",
    "detail",
)


@dataclass
class DocumentsResult:
    """What was written: files per kind, rows of the two tables, truth rows per signal."""

    tender_documents: pa.Table
    bid_documents: pa.Table
    files: dict[str, int] = field(default_factory=dict)
    signals: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Files per kind (``technical.docx``…) and truth rows per signal (``truth.shared_passage``…)."""
        return {**dict(sorted(self.files.items())), **{f"truth.{k}": v for k, v in self.signals.items()}}


def _read(out: Path, name: str) -> pa.Table:
    files = sorted([*out.glob(f"{name}.parquet"), *out.glob(f"{name}.[0-9]*.parquet")])
    return pa.concat_tables([pq.read_table(f) for f in files]) if files else enc.arrow_schema(name).empty_table()


def _iso(value: datetime | None) -> str:
    """A contract time (Asia/Shanghai local) as the UTC text document properties hold."""
    return ((value or datetime(2024, 1, 1, 8)) - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Styles:
    """Each company's style, drawn once from its own generator."""

    def __init__(self, seed: int, names: dict[str, str], staff: dict[str, list[str]]) -> None:
        self.seed, self.names, self.staff = seed, names, staff
        self.cache: dict[tuple[str, bool], Style] = {}

    def get(self, company_id: str, works: bool) -> Style:
        key = (company_id, works)
        if key not in self.cache:
            rng = np.random.default_rng([self.seed, 31, int(company_id.removeprefix("CO")), int(works)])
            n_items = len(PRICE_ITEMS["works" if works else "supply"])
            name = self.names.get(company_id, company_id)
            self.cache[key] = draw_style(rng, company_id, name, works, self.staff.get(company_id, []), n_items)
        return self.cache[key]


def _rings(state: State) -> dict[str, tuple[str, set[str], str | None]]:
    """Tender id → (ring, member company ids, winner) of every planted bid-rigging tender."""
    out: dict[str, tuple[str, set[str], str | None]] = {}
    for t in state.truth:
        if t.scheme == "bid_rigging" and t.entity_type == "tender":
            out[t.entity_id] = (str(t.detail["ring"]), set(t.detail["members"]), t.detail.get("winner"))
    return out


def write_documents(out: Path, truth: Path, seed: int, state: State) -> DocumentsResult:
    """Write ``OUT/documents/…``, fill ``bids.agent_person_id`` and return the two tables to write.

    The truth goes to ``truth/documents_truth.parquet``. Same seed, same county: same files, byte for byte.
    """
    out, truth = Path(out), Path(truth)
    shutil.rmtree(out / FOLDER, ignore_errors=True)
    tenders = _read(out, "tenders").sort_by("tender_id").to_pylist()
    bids = pa.concat_tables([pq.read_table(p) for p in bid_files(out)]) if bid_files(out) else None
    bid_rows = sorted(bids.to_pylist(), key=lambda r: r["bid_id"]) if bids is not None else []
    projects = {r["project_id"]: r for r in _read(out, "projects").to_pylist()}
    units = dict(zip(*_read(out, "units").select(["unit_id", "name"]).to_pydict().values(), strict=True))
    companies = dict(zip(*_read(out, "companies").select(["company_id", "name"]).to_pydict().values(), strict=True))
    people_t = _read(out, "people")
    person = dict(zip(*people_t.select(["person_id", "name"]).to_pydict().values(), strict=True))
    cp = _read(out, "company_people")
    staff: dict[str, list[str]] = {}
    for c, p, role in zip(*cp.select(["company_id", "person_id", "role"]).to_pydict().values(), strict=True):
        if role in ("manager", "employee"):
            staff.setdefault(c, []).append(p)
    pool = broker_pool(people_t, cp, _read(out, "assignments"))
    styles = _Styles(seed, companies, staff)
    rings = _rings(state)
    habits: dict[str, RingHabits] = {}
    habit_rng = np.random.default_rng([seed, 33])
    for ring_name in sorted({r for r, _, _ in rings.values()}):
        habits[ring_name] = draw_habits(habit_rng, pool)
    by_tender: dict[str, list[dict[str, object]]] = {}
    for b in bid_rows:
        by_tender.setdefault(str(b["tender_id"]), []).append(b)

    result = DocumentsResult(
        enc.arrow_schema("tender_documents").empty_table(), enc.arrow_schema("bid_documents").empty_table()
    )
    t_rows: list[tuple[str, str]] = []
    d_rows: list[tuple[str, str, str, str]] = []
    truth_rows: list[TruthRow] = []
    agent_of: dict[str, str] = {}
    for tender in tenders:
        tid = str(tender["tender_id"])
        project = projects.get(tender["project_id"], {})
        works = project.get("domain") == "construction"
        rng = np.random.default_rng([seed, 32, int(tid.removeprefix("T"))])
        agency = tender.get("agency_company_id")
        template = f"ZBDL-{agency}-{int(rng.integers(1, 4)):02d}" if agency else CENTRE_TEMPLATE
        info = compose.tender_info(
            rng,
            tid,
            str(project.get("name") or tid),
            str(units.get(project.get("unit_id"), "招标人")),
            works,
            template,
            str(companies.get(agency, "云山县公共资源交易中心")),
            _iso(tender.get("announced_at")),
        )
        folder = out / FOLDER / tid
        folder.mkdir(parents=True, exist_ok=True)
        rel = f"{FOLDER}/{tid}/tender.docx"
        write(compose.tender_doc(info), out / rel)
        t_rows.append((tid, rel))
        result.files["tender"] = result.files.get("tender", 0) + 1
        truth_rows.append(
            TruthRow(tid, None, "tender_boilerplate", False, None, detail={"paragraphs": info.boilerplate})
        )
        files = [_compose_bid(rng, styles, info, b, person, companies, works) for b in by_tender.get(tid, [])]
        here: list[TruthRow] = []
        ring = rings.get(tid)
        if ring is not None:
            ring_name, members, winner = ring
            mine = [f for f in files if f.style.company_id in members]
            if mine:
                lead = next((f for f in mine if f.style.company_id == winner), mine[0])
                planted = plant_ring(rng, habits[ring_name], info, ring_name, lead, [f for f in mine if f is not lead])
                here.extend(planted)
                h = habits[ring_name]
                for f in mine:
                    if h.broker is not None and rng.random() < h.p_broker:
                        agent_of[f.bid.bid_id] = h.broker
                        row = TruthRow(tid, ring_name, "broker", True, f.bid.bid_id, detail={"person_id": h.broker})
                        here.append(row)
        for f in files:
            if f.bid.bid_id not in agent_of and f.style.agents and rng.random() < 0.8:
                agent_of[f.bid.bid_id] = f.style.agents[int(rng.integers(0, len(f.style.agents)))]
        doc_ids = _write_bid_files(out, tid, files, d_rows, result)
        here.extend(_lookalikes(info, files))  # after planting: what the files finally carry
        for row in here:
            row.document_id = doc_ids.get((row.bid_id or "", row.kind or ""))
            row.other_document_id = doc_ids.get((row.other_bid_id or "", row.other_kind or ""))
        truth_rows.extend(here)
    write_agents(out, agent_of)
    _write_truth(truth / TRUTH_FILE, truth_rows)
    result.tender_documents = enc.table(
        "tender_documents", len(t_rows), {"tender_id": [r[0] for r in t_rows], "path": [r[1] for r in t_rows]}
    )
    result.bid_documents = enc.table(
        "bid_documents",
        len(d_rows),
        {k: [r[j] for r in d_rows] for j, k in enumerate(("document_id", "bid_id", "path", "kind"))},
    )
    result.signals = dict(sorted(Counter(r.signal for r in truth_rows).items()))
    return result


def _compose_bid(
    rng: np.random.Generator,
    styles: _Styles,
    info: compose.TenderInfo,
    b: dict[str, object],
    person: dict[str, str],
    companies: dict[str, str],
    works: bool,
) -> BidFiles:
    style = styles.get(str(b["company_id"]), works)
    writer = style.writers[0]
    submitted = b.get("submitted_at")
    bid = compose.BidInfo(
        bid_id=str(b["bid_id"]),
        company_id=style.company_id,
        price=float(b["price"]),  # type: ignore[arg-type]
        submitted=_iso(submitted if isinstance(submitted, datetime) else None),
        pm=person.get(str(b.get("project_manager_id")), "") or writer,
        tech=person.get(str(b.get("tech_lead_id")), "") or style.writers[-1],
    )
    f = BidFiles(bid, style)
    f.docs["technical"], f.ext["technical"] = compose.technical_doc(rng, style, info, bid), ".docx"
    u = rng.random(3)
    if u[0] < 0.7:
        signer = person.get(style.agents[0], writer) if style.agents else writer
        f.docs["commercial"] = compose.commercial_doc(rng, style, info, bid, signer)
        f.ext["commercial"] = ".docx" if style.commercial_docx else ".txt"
    if u[1] < 0.8:
        f.docs["price_list"], f.ext["price_list"] = compose.price_doc(rng, style, info, bid), ".docx"
    if u[2] < 0.03 and "commercial" in f.docs:  # a consortium: the partner's own part in its own style
        partner_id = _partner(rng, companies, style.company_id)
        partner = styles.get(partner_id, works)
        doc = Doc(
            f"{info.project}联合体协议书",
            meta=Meta(partner.writers[0], partner.writers[0], partner.meta_company, "Normal.dotm"),
        )
        doc.p(
            f"{style.company_name}（牵头人）与{partner.company_name}（成员）自愿组成联合体，共同参加{info.project}投标。"
        )
        section = partner.order[-1]
        doc.h(section)
        for sentence in partner.sections[section]:
            doc.p(compose.fill(sentence, {"pm": bid.pm, "tech": bid.tech, "project": info.project}))
        doc.p("联合体各方已知悉：" + info.boilerplate[0])
        del f.docs["commercial"], f.ext["commercial"]
        f.docs["qualification"], f.ext["qualification"] = doc, ".docx"
    return f


def _partner(rng: np.random.Generator, companies: dict[str, str], own: str) -> str:
    ids = sorted(companies)
    pick = ids[int(rng.integers(0, len(ids)))]
    return pick if pick != own else ids[(ids.index(pick) + 1) % len(ids)]


def _lookalikes(info: compose.TenderInfo, files: list[BidFiles]) -> list[TruthRow]:
    """Lawful sameness in a tender's bid files, recorded so that a detector flagging it counts as wrong."""
    rows: list[TruthRow] = []
    templated = [f for f in files if f.style.uses_agency_template]
    if len(templated) >= 2:
        for f in templated:
            detail = {"template": info.template}
            rows.append(
                TruthRow(info.tender_id, None, "agency_template", False, f.bid.bid_id, None, "technical", None, detail)
            )
    meta = {f.bid.bid_id: f.docs["technical"].meta.company for f in files}
    defaults = Counter(c for c in meta.values() if c in DEFAULT_OFFICE_COMPANIES[:-1])
    for f in files:
        if defaults.get(meta[f.bid.bid_id], 0) >= 2:  # an office suite's default, not a shared machine
            detail = {"company": meta[f.bid.bid_id]}
            rows.append(
                TruthRow(
                    info.tender_id, None, "default_office_company", False, f.bid.bid_id, None, "technical", None, detail
                )
            )
    for f in files:
        if "qualification" in f.docs:
            rows.append(TruthRow(info.tender_id, None, "consortium", False, f.bid.bid_id, None, "qualification"))
    return rows


def _write_bid_files(
    out: Path, tid: str, files: list[BidFiles], d_rows: list[tuple[str, str, str, str]], result: DocumentsResult
) -> dict[tuple[str, str], str]:
    """Write a tender's bid files; their document ids by (bid, kind)."""
    ids: dict[tuple[str, str], str] = {}
    for f in files:
        for kind, doc in f.docs.items():
            rel = f"{FOLDER}/{tid}/{f.bid.bid_id}_{kind}{f.ext[kind]}"
            write(doc, out / rel)
            document_id = f"D{len(d_rows):08d}"
            d_rows.append((document_id, f.bid.bid_id, rel, kind))
            ids[(f.bid.bid_id, kind)] = document_id
            key = f"{kind}{f.ext[kind]}"
            result.files[key] = result.files.get(key, 0) + 1
    return ids


def _write_truth(path: Path, rows: list[TruthRow]) -> None:
    """One row per planted trace or recorded look-alike; ``detail`` is JSON."""

    def detail(r: TruthRow) -> str:
        return json.dumps(r.detail, ensure_ascii=False, sort_keys=True)

    table = pa.table(
        {
            "tender_id": [r.tender_id for r in rows],
            "ring": [r.ring for r in rows],
            "signal": [r.signal for r in rows],
            "planted": [r.planted for r in rows],
            "bid_id": [r.bid_id for r in rows],
            "other_bid_id": [r.other_bid_id for r in rows],
            "document_id": [r.document_id for r in rows],
            "other_document_id": [r.other_document_id for r in rows],
            "detail": [detail(r) for r in rows],
        },
        schema=pa.schema([(c, pa.bool_() if c == "planted" else pa.string()) for c in TRUTH_COLUMNS]),
    )
    pq.write_table(table, path)
