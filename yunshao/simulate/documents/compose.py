"""Honest files: a tender's file and each bidder's technical, commercial and price-list files.

A bidder copies some of the tender's wording (its legal boilerplate, its requirements, the price-list
note) as every real bidder does; that shared text is the tender's, not evidence of a shared writer.
Everything else is written in the bidder's own style (``style.py``) with figures of its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from yunshao.simulate.documents.doc import Doc, Meta
from yunshao.simulate.documents.phrases import (
    LEGAL_BOILERPLATE,
    PRICE_COLUMNS,
    PRICE_ITEMS,
    PRICE_NOTE,
    QUALITY,
    REQUIREMENTS,
)
from yunshao.simulate.documents.style import Style, realise


@dataclass
class TenderInfo:
    """What a tender's file says, and the passages every bidder may copy from it."""

    tender_id: str
    project: str
    owner: str
    works: bool
    days: int
    quality: str
    warranty: int
    template: str  # the agency's (or trading centre's) template id
    agency: str
    announced: str  # ISO time for metadata
    quantities: list[float]
    unit_refs: list[float]  # the estimate's unit price of each item, which bidders' prices scatter around
    boilerplate: list[str] = field(default_factory=list)  # legal paragraphs of this tender's file
    requirements: list[str] = field(default_factory=list)


@dataclass
class BidInfo:
    bid_id: str
    company_id: str
    price: float
    submitted: str  # ISO time for metadata
    pm: str
    tech: str
    factors: list[float] = field(default_factory=list)  # its own unit prices over the estimate's, per item


def fill(text: str, slots: dict[str, object]) -> str:
    """The text with its slots filled; a slot without a value is left empty."""
    return text.format_map(defaultdict(str, slots))


def tender_info(
    rng: np.random.Generator,
    tender_id: str,
    project: str,
    owner: str,
    works: bool,
    template: str,
    agency: str,
    announced: str,
) -> TenderInfo:
    """A tender's terms and the boilerplate its template carries."""
    kind = "works" if works else "supply"
    days = int(rng.integers(6, 37)) * 10 if works else int(rng.integers(3, 19)) * 5
    info = TenderInfo(
        tender_id=tender_id,
        project=project,
        owner=owner,
        works=works,
        days=days,
        quality=QUALITY[int(rng.integers(0, 2))],
        warranty=int(rng.choice([12, 24, 36])),
        template=template,
        agency=agency,
        announced=announced,
        quantities=[float(round(q, 1)) for q in np.exp(rng.normal(4.5, 1.2, len(PRICE_ITEMS[kind])))],
        unit_refs=[float(x) for x in np.exp(rng.normal(5.5, 1.0, len(PRICE_ITEMS[kind])))],
    )
    slots = {"days": days, "quality": info.quality, "warranty": info.warranty}
    picks = rng.integers(0, 3, 4).tolist()
    info.requirements = [fill(realise(t, picks), slots) for t in REQUIREMENTS[kind]]
    chosen = sorted(rng.choice(len(LEGAL_BOILERPLATE), size=3, replace=False).tolist())
    info.boilerplate = [LEGAL_BOILERPLATE[k] for k in chosen]
    return info


def tender_doc(t: TenderInfo) -> Doc:
    """The tender file: requirements, legal boilerplate and the price-list template."""
    doc = Doc(f"{t.project}招标文件", meta=Meta(t.agency, t.agency, t.agency, t.template, t.announced, t.announced))
    doc.p(f"招标编号：{t.tender_id}")
    doc.p(f"招标人：{t.owner}")
    doc.h("第一章 投标人须知")
    for line in t.requirements:
        doc.p(line)
    for line in t.boilerplate:
        doc.p(line)
    doc.h("第二章 工程量清单（报价表）格式" if t.works else "第二章 分项报价表格式")
    doc.p(PRICE_NOTE)
    doc.table(_price_rows(t, PRICE_COLUMNS[0], list(range(len(t.quantities))), None, []))
    return doc


def _price_rows(
    t: TenderInfo, columns: tuple[str, ...], order: list[int], price: float | None, factors: list[float]
) -> list[list[str]]:
    """The price table; with a price, unit prices around the estimate's, scaled so the items sum to it."""
    items = PRICE_ITEMS["works" if t.works else "supply"]
    weights = [t.unit_refs[k] * (factors[k] if factors else 1.0) for k in range(len(items))]
    scale = (price or 0.0) / (sum(w * q for w, q in zip(weights, t.quantities, strict=True)) or 1.0)
    rows = [list(columns)]
    for n, k in enumerate(order, 1):
        name, unit = items[k]
        q = t.quantities[k]
        unit_price = "" if price is None else f"{weights[k] * scale:.2f}"
        total = "" if price is None else f"{weights[k] * scale * q:.2f}"
        cells = {
            "序号": str(n),
            "编号": f"{n:02d}",
            "项目名称": name,
            "名称": name,
            "清单项目": name,
            "单位": unit,
            "计量单位": unit,
            "数量": f"{q:g}",
            "工程量": f"{q:g}",
        }
        rows.append([cells.get(c, unit_price if "单价" in c else (total if c != "备注" else "")) for c in columns])
    return rows


def _meta(style: Style, rng: np.random.Generator, t: TenderInfo, bid: BidInfo) -> Meta:
    author = style.writers[int(rng.integers(0, len(style.writers)))]
    editor = style.writers[int(rng.integers(0, len(style.writers)))]
    template = t.template if style.uses_agency_template else "Normal.dotm"
    return Meta(author, editor, style.meta_company, template, t.announced, bid.submitted)


def _typo(doc: Doc, style: Style) -> None:
    """A firm's habitual misspelling, wherever the word occurs in its own sentences."""
    if style.typo is None:
        return
    right, wrong = style.typo
    doc.blocks = [(k, v.replace(right, wrong) if isinstance(v, str) else v) for k, v in doc.blocks]


def technical_doc(rng: np.random.Generator, style: Style, t: TenderInfo, bid: BidInfo) -> Doc:
    """Technical file: the firm's sections in its order, numbering and wording, one requirement quoted."""
    doc = Doc(f"{t.project}投标文件（技术部分）", meta=_meta(style, rng, t, bid))
    slots = {
        "project": t.project,
        "days": max(10, t.days - int(rng.integers(0, 4)) * 5),
        "quality": t.quality,
        "warranty": t.warranty,
        "cure": int(rng.choice([7, 14])),
        "fence": float(rng.choice([1.8, 2.0, 2.5])),
        "mobilise": int(rng.integers(1, 8)),
        "workers": int(rng.integers(3, 30)) * 5,
        "machines": int(rng.integers(4, 25)),
        "respond": int(rng.choice([2, 4, 12, 24])),
        "pm": bid.pm,
        "tech": bid.tech,
        "company": style.company_name,
    }
    doc.p(f"投标人：{style.company_name}")
    for n, section in enumerate(style.order):
        doc.h(style.numbering[n % len(style.numbering)] + section)
        for j, sentence in enumerate(style.sections[section]):
            doc.p(style.items[j % len(style.items)] + fill(sentence, slots))
    _typo(doc, style)  # in its own sentences; what it quotes from the tender stays as the tender wrote it
    quoted = t.requirements[int(rng.integers(0, len(t.requirements)))]
    legal = t.boilerplate[int(rng.integers(0, len(t.boilerplate)))]
    doc.blocks[1:1] = [("p", "响应招标文件要求：" + quoted), ("p", "我方已知悉：" + legal)]
    return doc


def commercial_doc(rng: np.random.Generator, style: Style, t: TenderInfo, bid: BidInfo, signer: str) -> Doc:
    """Commercial file: the bid letter in the firm's wording, with the tender's boilerplate it accepts."""
    doc = Doc(f"{t.project}投标文件（商务部分）", meta=_meta(style, rng, t, bid))
    slots = {
        "owner": t.owner,
        "project": t.project,
        "tender_id": t.tender_id,
        "price": f"{bid.price:,.2f}",
        "validity": int(rng.choice([60, 90, 120])),
        "company": style.company_name,
        "signer": signer,
    }
    doc.h("投标函")
    for line in style.commercial:
        doc.p(fill(line, slots))
    _typo(doc, style)
    doc.p("我方承诺遵守：" + t.boilerplate[int(rng.integers(0, len(t.boilerplate)))])
    return doc


def price_doc(rng: np.random.Generator, style: Style, t: TenderInfo, bid: BidInfo) -> Doc:
    """Price list: the tender's items and quantities in the firm's own columns and order."""
    doc = Doc(f"{t.project}投标报价表", meta=_meta(style, rng, t, bid))
    doc.p(f"投标人：{style.company_name}")
    doc.p(PRICE_NOTE)
    bid.factors = [float(x) for x in np.exp(rng.normal(0.0, 0.08, len(t.quantities)))]
    doc.table(_price_rows(t, style.price_columns, style.price_order, bid.price, bid.factors))
    doc.p(f"投标总价（元）：{bid.price:.2f}")
    return doc


def price_rows_like(t: TenderInfo, lead: Style, bid: BidInfo) -> list[list[str]]:
    """``bid``'s prices in a table laid out exactly as ``lead`` lays its own out."""
    return _price_rows(t, lead.price_columns, lead.price_order, bid.price, bid.factors)
