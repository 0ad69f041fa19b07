"""The inputs, settings and results of comparing the bidders of one tender; plain frozen records so that
the pipeline can turn them into table rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from yunshao.documents.model import Extracted


@dataclass(frozen=True)
class BidFile:
    """One file of a bid; ``kind`` is the contract's document kind (``price_list`` enables the table check)."""

    document_id: str
    kind: str
    extracted: Extracted


@dataclass(frozen=True)
class BidderFiles:
    """A bid, its company, the people it declared (person_id -> name), its files and its declared price
    (a figure writing a price two bids declare is no identical error: equal prices are BID-R40-4's)."""

    bid_id: str
    company_id: str
    company_name: str | None
    people: Mapping[str, str]
    files: Sequence[BidFile]
    price: float | None = None


@dataclass(frozen=True)
class CompareSettings:
    """Thresholds of the comparison; docs/documents.md explains each."""

    shingle_k: int = 5
    num_perm: int = 128
    lsh_threshold: float = 0.1
    exact_pairs_max_bidders: int = 40
    min_report_containment: float = 0.05
    min_passage_chars: int = 30
    max_passages: int = 20
    max_gram_occurrences: int = 50
    passage_saturation: float = 300.0
    rare_token_saturation: int = 3
    max_rare_tokens: int = 20
    min_background_docs_for_bigrams: int = 20
    min_company_name_chars: int = 4
    min_person_name_chars: int = 2
    min_price_rows: int = 3
    snippet_chars: int = 20
    weight_containment: float = 0.5
    weight_passages: float = 0.7
    weight_rare_tokens: float = 0.9
    weight_price_structure: float = 0.3


@dataclass(frozen=True)
class Passage:
    """A maximal run of identical normalised text in two bidders' files, absent from the tender documents.
    ``start``/``end`` index the original ``Extracted.text`` of each document (end exclusive); ``chars`` is
    its normalised length; ``rarity`` is 1 for text no background file has; ``score`` = chars × rarity."""

    text: str
    document_a: str
    document_b: str
    start_a: int
    end_a: int
    start_b: int
    end_b: int
    chars: int
    rarity: float
    score: float


@dataclass(frozen=True)
class PairResult:
    """Two bids of one tender whose files look compiled together; ``score`` in [0, 1] (docs/documents.md)."""

    bid_a: str
    bid_b: str
    jaccard: float
    containment: float
    shared_chars: int
    passages: list[Passage]
    shared_rare_tokens: list[str]
    score: float
    same_price_structure: bool = False


@dataclass(frozen=True)
class MetaLink:
    """The same non-generic author, last editor, company or template in two bids' files."""

    bid_a: str
    bid_b: str
    field: str
    value: str


@dataclass(frozen=True)
class Mixup:
    """Bid ``bid_id``'s file ``document_id`` names another bidder's company: in its text at ``[start, end)``
    (``place`` "text"), or in a file property (``place`` the property, e.g. "company"; no position)."""

    bid_id: str
    document_id: str
    named_bid_id: str
    named_company_id: str
    start: int | None
    end: int | None
    snippet: str
    place: str = "text"


@dataclass(frozen=True)
class SharedPerson:
    """A person declared by bid ``declared_by_bid_id`` is named in a file of bid ``found_in_bid_id``."""

    person_id: str
    name: str
    declared_by_bid_id: str
    found_in_bid_id: str
    document_id: str
    start: int
    end: int
    snippet: str


@dataclass(frozen=True)
class TenderResult:
    """Everything found among the bids of one tender."""

    pairs: list[PairResult] = field(default_factory=list)
    meta_links: list[MetaLink] = field(default_factory=list)
    mixups: list[Mixup] = field(default_factory=list)
    shared_people: list[SharedPerson] = field(default_factory=list)
