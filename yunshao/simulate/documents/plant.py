"""Traces a bid-rigging ring leaves in its members' files when one writer prepares them.

Each ring gets its own habits when the documents are simulated: for every trace a probability (zero for
some rings) that a member's files carry it, and maybe a broker who handles its bids. The probabilities
are drawn from the simulator's own ranges, never set from any detector's threshold, so a detector is
measured on traces it was not tuned to. Every trace placed is returned as a truth row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from yunshao.simulate.documents.compose import BidInfo, TenderInfo, price_rows_like
from yunshao.simulate.documents.doc import Block, Doc
from yunshao.simulate.documents.phrases import TYPOS
from yunshao.simulate.documents.style import Style

#: Traces in the files, in the order they are tried for each member's bid.
SIGNALS = (
    "shared_author",
    "shared_company_meta",
    "shared_passage",
    "company_mixup",
    "same_pm_name",
    "same_price_structure",
)


#: Sentences in which a writer preparing several firms' files leaves the wrong firm's name.
MIXUPS = (
    "{company}将严格按照招标文件及设计图纸要求组织实施。",
    "投标人：{company}",
    "{company}承诺本项目主要人员均为本单位在职人员。",
    "以上内容由{company}负责解释。",
)


@dataclass
class BidFiles:
    """One bid's files while they are composed (kind → document, kind → extension)."""

    bid: BidInfo
    style: Style
    docs: dict[str, Doc] = field(default_factory=dict)
    ext: dict[str, str] = field(default_factory=dict)


@dataclass
class TruthRow:
    tender_id: str
    ring: str | None
    signal: str
    planted: bool
    bid_id: str | None
    other_bid_id: str | None = None
    kind: str | None = None  # document kind of bid_id's file that carries it
    other_kind: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    document_id: str | None = None  # set once the files are written
    other_document_id: str | None = None


@dataclass
class RingHabits:
    p: dict[str, float]
    broker: str | None
    p_broker: float


def draw_habits(rng: np.random.Generator, broker_pool: list[str]) -> RingHabits:
    """A ring's own probabilities of each trace (a quarter of rings never leave a given one)."""
    p = {s: 0.0 if rng.random() < 0.25 else float(rng.uniform(0.15, 0.85)) for s in SIGNALS}
    broker = broker_pool[int(rng.integers(0, len(broker_pool)))] if broker_pool and rng.random() < 0.4 else None
    return RingHabits(p, broker, float(rng.uniform(0.4, 0.95)))


def _names(doc: Doc, name: str) -> bool:
    return any(name in str(v) for k, v in doc.blocks if k != "t")


def _section_span(doc: Doc, name: str) -> tuple[int, int] | None:
    """Block indices [start, end) of the paragraphs under the heading that ends with ``name``."""
    start = next((k + 1 for k, (kind, v) in enumerate(doc.blocks) if kind == "h" and str(v).endswith(name)), None)
    if start is None:
        return None
    end = next((k for k in range(start, len(doc.blocks)) if doc.blocks[k][0] == "h"), len(doc.blocks))
    return start, end


def _passage(rng: np.random.Generator, lead: BidFiles) -> tuple[str, list[Block], dict[str, Any]]:
    """The writer's passage: the lead's longest section (not its team) plus a sentence with a rare typo
    and odd figures; it is added to the lead's own file too, since the same person wrote both."""
    doc = lead.docs["technical"]
    names = [s for s in lead.style.order if s != "项目班子"]
    spans = {s: _section_span(doc, s) for s in names}
    name = max(names, key=lambda s: (spans[s] or (0, 0))[1] - (spans[s] or (0, 0))[0])
    span = spans[name] or (len(doc.blocks), len(doc.blocks))
    right, wrong = TYPOS[int(rng.integers(0, len(TYPOS)))]
    workers, pct = int(rng.integers(101, 389)), round(float(rng.uniform(1.05, 4.95)), 2)
    odd = f"经测算，{wrong}相关工序高峰期需投入劳动力{workers}人，材料按{pct}%的损耗系数备料。"
    doc.blocks.insert(span[1], ("p", odd))
    blocks = doc.blocks[span[0] : span[1] + 1]
    detail: dict[str, Any] = {"section": name, "typo": wrong, "of": right, "figures": [workers, pct]}
    detail["chars"] = sum(len(str(v)) for _, v in blocks)
    return name, blocks, detail


def plant_ring(
    rng: np.random.Generator, habits: RingHabits, t: TenderInfo, ring: str, lead: BidFiles, members: list[BidFiles]
) -> list[TruthRow]:
    """Place each trace in each member's files with the ring's probability; the truth rows of what was placed."""
    rows: list[TruthRow] = []
    passage: tuple[str, list[Block], dict[str, Any]] | None = None

    def row(signal: str, m: BidFiles, kind: str, other_kind: str, **detail: Any) -> None:
        rows.append(TruthRow(t.tender_id, ring, signal, True, m.bid.bid_id, lead.bid.bid_id, kind, other_kind, detail))

    for m in members:
        draws = rng.random(len(SIGNALS))
        on = {s for s, u in zip(SIGNALS, draws, strict=True) if u < habits.p[s]}
        tech = m.docs["technical"]
        lead_tech = lead.docs["technical"]
        if "shared_author" in on:
            for kind, d in m.docs.items():
                if m.ext[kind] == ".docx":
                    d.meta.author = lead_tech.meta.author
                    d.meta.last_modified_by = lead_tech.meta.author
            row("shared_author", m, "technical", "technical", author=lead_tech.meta.author)
        if "shared_company_meta" in on:
            for kind, d in m.docs.items():
                if m.ext[kind] == ".docx":
                    d.meta.company = lead.style.company_name
            row("shared_company_meta", m, "technical", "technical", company=lead.style.company_name)
        if "shared_passage" in on:
            if passage is None:
                passage = _passage(rng, lead)
            name, blocks, detail = passage
            span = _section_span(tech, name)
            if span is None:
                tech.blocks.extend(blocks)
            else:
                tech.blocks[span[0] : span[1]] = list(blocks)
            row("shared_passage", m, "technical", "technical", **detail)
        if "company_mixup" in on:
            where = 2 + int(rng.integers(0, max(1, len(tech.blocks) - 2)))
            slip = MIXUPS[int(rng.integers(0, len(MIXUPS)))].format(company=lead.style.company_name)
            tech.blocks.insert(where, ("p", slip))
            row("company_mixup", m, "technical", "technical", named_company=lead.style.company_id)
        if "same_pm_name" in on and lead.bid.pm and lead.bid.pm != m.bid.pm:
            if not _names(lead_tech, lead.bid.pm):  # the lead's own file names its manager too
                lead_tech.p(f"项目经理：{lead.bid.pm}")
            if m.bid.pm and _names(tech, m.bid.pm):
                tech.blocks = [(k, str(v).replace(m.bid.pm, lead.bid.pm) if k != "t" else v) for k, v in tech.blocks]
            else:
                tech.p(f"项目经理：{lead.bid.pm}")
            row("same_pm_name", m, "technical", "technical", name=lead.bid.pm)
        if "same_price_structure" in on and "price_list" in m.docs and "price_list" in lead.docs:
            doc = m.docs["price_list"]
            doc.blocks = [("t", price_rows_like(t, lead.style, m.bid)) if k == "t" else (k, v) for k, v in doc.blocks]
            row("same_price_structure", m, "price_list", "price_list", columns=list(lead.style.price_columns))
    return rows
