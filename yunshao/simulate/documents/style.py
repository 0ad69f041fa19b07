"""Each firm's way of writing: its wording, section order, numbering, typo habit and file metadata.

A style is drawn once per company from its own generator (seed, company), so a firm writes the same way in
every bid of the run whatever else was simulated, and two firms write differently even when both draw on
the same stock phrases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from yunshao.simulate.documents.phrases import (
    COMMERCIAL,
    DEFAULT_OFFICE_COMPANIES,
    ITEM_MARKS,
    NUMBERING,
    PRICE_COLUMNS,
    SUPPLY_SECTIONS,
    TYPOS,
    WORKS_SECTIONS,
)
from yunshao.simulate.names import person_names

_ALT = re.compile(r"\[([^\]]+)\]")


def realise(template: str, picks: list[int]) -> str:
    """The template with its k-th ``[a|b]`` group replaced by alternative ``picks[k]`` (modulo its size)."""
    it = iter(picks)

    def choose(m: re.Match[str]) -> str:
        alts = m.group(1).split("|")
        return alts[next(it, 0) % len(alts)]

    return _ALT.sub(choose, template)


@dataclass
class Style:
    """How one company writes its bid files."""

    company_id: str
    company_name: str
    writers: list[str]  # its staff who write and revise bid files (document author metadata)
    meta_company: str  # what its office suite writes as the file's company
    sections: dict[str, list[str]]  # section → its chosen sentences (alternatives fixed, slots open)
    commercial: list[str]  # its bid letter, alternatives fixed
    order: list[str]  # its order of sections
    numbering: tuple[str, ...]
    items: tuple[str, ...]
    price_columns: tuple[str, ...]
    price_order: list[int]  # its order of price-list items
    typo: tuple[str, str] | None = None  # its own habitual misspelling, if any
    commercial_docx: bool = False  # writes its commercial file as .docx, else .txt
    uses_agency_template: bool = False  # starts from the tender agency's template (its id shows in the file)
    agents: list[str] = field(default_factory=list)  # its own staff who handle its bids


def draw_style(
    rng: np.random.Generator, company_id: str, company_name: str, works: bool, staff: list[str], n_items: int
) -> Style:
    """A company's style; ``staff`` are its people (``company_people``) who may handle its bids."""
    bank = WORKS_SECTIONS if works else SUPPLY_SECTIONS
    sections: dict[str, list[str]] = {}
    for name, templates in bank.items():
        keep = max(2, round(len(templates) * rng.uniform(0.5, 0.9)))
        chosen = sorted(rng.choice(len(templates), size=min(keep, len(templates)), replace=False).tolist())
        if rng.random() < 0.5:
            chosen = [chosen[j] for j in rng.permutation(len(chosen))]
        sections[name] = [realise(templates[k], rng.integers(0, 6, 8).tolist()) for k in chosen]
    order = list(bank)
    if rng.random() < 0.6:  # most keep the template's order, some reshuffle the middle sections
        middle = order[1:-1]
        order = [order[0], *[middle[j] for j in rng.permutation(len(middle))], order[-1]]
    n_writers = int(rng.integers(1, 4))
    writers = [str(x) for x in person_names(rng, n_writers)]
    meta = company_name if rng.random() < 0.7 else DEFAULT_OFFICE_COMPANIES[int(rng.integers(0, 4))]
    typo = TYPOS[int(rng.integers(0, len(TYPOS)))] if rng.random() < 0.15 else None
    n_agents = min(len(staff), int(rng.integers(1, 3))) if rng.random() < 0.4 else 0
    agents = [staff[j] for j in rng.choice(len(staff), size=n_agents, replace=False)] if n_agents else []
    order_items = list(range(n_items))
    if rng.random() < 0.5:
        order_items = [int(j) for j in rng.permutation(n_items)]
    return Style(
        company_id=company_id,
        company_name=company_name,
        writers=writers,
        meta_company=meta,
        sections=sections,
        commercial=[realise(t, rng.integers(0, 6, 8).tolist()) for t in COMMERCIAL],
        order=order,
        numbering=NUMBERING[int(rng.integers(0, len(NUMBERING)))],
        items=ITEM_MARKS[int(rng.integers(0, len(ITEM_MARKS)))],
        price_columns=PRICE_COLUMNS[int(rng.integers(0, len(PRICE_COLUMNS)))],
        price_order=order_items,
        typo=typo,
        commercial_docx=bool(rng.random() < 0.35),
        uses_agency_template=bool(rng.random() < 0.5),
        agents=agents,
    )
