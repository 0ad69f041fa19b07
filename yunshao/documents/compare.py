"""Compare the bidders of one tender (Article 40 of the Bidding Law's implementing regulation): overlap of
their files beyond the tender documents, shared rare passages and identical errors, shared authoring
metadata, mix-ups (one bid naming another bidder), shared people and identical price-table structure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import combinations

from yunshao.documents.background import Background
from yunshao.documents.lsh import candidate_pairs
from yunshao.documents.metadata import MIXUP_FIELDS, is_tender_value, shared_values, tender_values
from yunshao.documents.model import Extracted
from yunshao.documents.names import find_first, snippet
from yunshao.documents.normalise import Normalised, normalise
from yunshao.documents.passages import common_runs
from yunshao.documents.price import Row, structure, tender_order
from yunshao.documents.rare import rare_tokens
from yunshao.documents.records import (
    BidderFiles,
    CompareSettings,
    MetaLink,
    Mixup,
    PairResult,
    Passage,
    SharedPerson,
    TenderResult,
)
from yunshao.documents.score import pair_score
from yunshao.documents.shingles import gram_hashes
from yunshao.documents.tokens import is_amount, tokens


@dataclass
class _Doc:
    document_id: str
    extracted: Extracted
    norm: Normalised
    grams: list[int]


@dataclass
class _Bidder:
    bid: BidderFiles
    docs: list[_Doc]
    shingles: set[int]
    tokens: set[str]
    price: tuple[Row, ...]


@dataclass
class _Tender:
    norms: list[str]
    shingles: set[int]
    tokens: set[str]
    meta: set[str]
    table_order: dict[tuple[str, ...], int]

    def mentions(self, needle: str) -> bool:
        return any(needle in text for text in self.norms)


def compare_tender(
    tender_texts: Sequence[str | Extracted],
    bidders: Sequence[BidderFiles],
    background: Background | None = None,
    settings: CompareSettings = CompareSettings(),
) -> TenderResult:
    """Compare every pair of ``bidders`` of one tender. ``tender_texts`` are the tender documents (text, or
    ``Extracted`` to also discount their metadata and tables); ``background`` holds the other tenders'
    files of the run. Up to ``settings.exact_pairs_max_bidders`` bidders every pair is checked exactly (a
    small shared passage in long files has a Jaccard too low for LSH to see); above it, the pairs MinHash
    LSH finds similar or that share a rare token or a price-table structure. A pair is reported when it has
    any evidence; metadata, mix-ups and people are checked for every pair."""
    tender = _tender(tender_texts, settings)
    bg = background if background is not None else Background.empty()
    equal = _equal_prices(bidders)
    prepared = [_bidder(b, tender, equal, settings) for b in bidders]
    rare = rare_tokens(
        [p.tokens for p in prepared],
        [[d.norm.text for d in p.docs] for p in prepared],
        [p.shingles for p in prepared],
        bg,
        settings.min_background_docs_for_bigrams,
        settings.shingle_k,
        settings.max_rare_tokens,
    )
    price = {
        (a, b): len(pa.price) >= settings.min_price_rows and pa.price == pb.price
        for (a, pa), (b, pb) in combinations(enumerate(prepared), 2)
    }
    if len(prepared) <= settings.exact_pairs_max_bidders:
        candidates = set(combinations(range(len(prepared)), 2))
    else:
        lsh_pairs = candidate_pairs(
            {str(n): p.shingles for n, p in enumerate(prepared)}, settings.lsh_threshold, settings.num_perm
        )
        candidates = {(int(a), int(b)) for a, b in lsh_pairs} | set(rare) | {p for p, same in price.items() if same}
    pairs = [
        pair
        for a, b in sorted(candidates)
        if _has_evidence(
            pair := _pair(prepared[a], prepared[b], rare.get((a, b), []), price[(a, b)], tender, bg, settings),
            settings,
        )
    ]
    pairs.sort(key=lambda p: -p.score)
    return TenderResult(
        pairs=pairs,
        meta_links=_meta_links(prepared, tender),
        mixups=_mixups(prepared, tender, settings),
        shared_people=_shared_people(prepared, tender, settings),
    )


def _tender(items: Sequence[str | Extracted], settings: CompareSettings) -> _Tender:
    docs = [Extracted.from_text(item) if isinstance(item, str) else item for item in items]
    norms = [normalise(d.text).text for d in docs]
    return _Tender(
        norms=norms,
        shingles={g for n in norms for g in gram_hashes(n, settings.shingle_k)},
        tokens={t for n in norms for t in tokens(n)},
        meta=tender_values(d.meta for d in docs),
        table_order=tender_order(t for d in docs for t in d.tables),
    )


def _equal_prices(bidders: Sequence[BidderFiles]) -> list[float]:
    """Prices two or more bids declare: the figures writing them are BID-R40-4's evidence (read from the
    bids table), not an identical error of one hand, and would otherwise count the same fact twice."""
    counts = Counter(b.price for b in bidders if b.price is not None)
    return [price for price, n in counts.items() if n >= 2]


def _bidder(bid: BidderFiles, tender: _Tender, equal_prices: list[float], settings: CompareSettings) -> _Bidder:
    docs = []
    for f in bid.files:
        norm = normalise(f.extracted.text)
        docs.append(_Doc(f.document_id, f.extracted, norm, gram_hashes(norm.text, settings.shingle_k)))
    price_tables = [t for f in bid.files if f.kind == "price_list" for t in f.extracted.tables]
    return _Bidder(
        bid=bid,
        docs=docs,
        shingles={g for d in docs for g in d.grams} - tender.shingles,
        tokens={t for d in docs for t in tokens(d.norm.text) if not any(is_amount(t, p) for p in equal_prices)}
        - tender.tokens,
        price=structure(price_tables, tender.table_order, settings.min_price_rows),
    )


def _has_evidence(pair: PairResult, settings: CompareSettings) -> bool:
    return bool(
        pair.containment >= settings.min_report_containment
        or pair.passages
        or pair.shared_rare_tokens
        or pair.same_price_structure
    )


def _pair(
    a: _Bidder,
    b: _Bidder,
    rare: list[str],
    same_price: bool,
    tender: _Tender,
    bg: Background,
    settings: CompareSettings,
) -> PairResult:
    inter = len(a.shingles & b.shingles)
    union = len(a.shingles | b.shingles)
    smaller = min(len(a.shingles), len(b.shingles))
    passages = _passages(a, b, tender, bg, settings)
    containment = inter / smaller if smaller else 0.0
    return PairResult(
        bid_a=a.bid.bid_id,
        bid_b=b.bid.bid_id,
        jaccard=inter / union if union else 0.0,
        containment=containment,
        shared_chars=sum(p.chars for p in passages),
        passages=passages[: settings.max_passages],
        shared_rare_tokens=rare,
        score=pair_score(containment, passages, len(rare), same_price, settings),
        same_price_structure=same_price,
    )


def _passages(a: _Bidder, b: _Bidder, tender: _Tender, bg: Background, settings: CompareSettings) -> list[Passage]:
    k = settings.shingle_k
    out = []
    for da in a.docs:
        for db in b.docs:
            runs = common_runs(
                da.norm.text,
                db.norm.text,
                da.grams,
                db.grams,
                tender.shingles,
                k,
                settings.min_passage_chars,
                settings.max_gram_occurrences,
            )
            for start_a, start_b, n in runs:
                sa, ea = da.norm.span(start_a, start_a + n)
                sb, eb = db.norm.span(start_b, start_b + n)
                rarity = bg.rarity(da.grams[start_a : start_a + n - k + 1], k)
                out.append(
                    Passage(
                        text=da.extracted.text[sa:ea],
                        document_a=da.document_id,
                        document_b=db.document_id,
                        start_a=sa,
                        end_a=ea,
                        start_b=sb,
                        end_b=eb,
                        chars=n,
                        rarity=rarity,
                        score=n * rarity,
                    )
                )
    out.sort(key=lambda p: (-p.score, p.document_a, p.start_a))
    return out


def _meta_links(bidders: list[_Bidder], tender: _Tender) -> list[MetaLink]:
    out = []
    for a, b in combinations(bidders, 2):
        metas_a = [d.extracted.meta for d in a.docs]
        metas_b = [d.extracted.meta for d in b.docs]
        for field, value in shared_values(metas_a, metas_b, tender.meta):
            out.append(MetaLink(a.bid.bid_id, b.bid.bid_id, field, value))
    return out


def _mixups(bidders: list[_Bidder], tender: _Tender, settings: CompareSettings) -> list[Mixup]:
    """Another bidder's company name in a bid's file. A name the tender documents also contain, or one
    contained in the bidder's own name (a branch and its parent), is not counted."""
    out = []
    for x in bidders:
        own = normalise(x.bid.company_name or "").text
        for y in bidders:
            if y is x or not y.bid.company_name:
                continue
            name = normalise(y.bid.company_name).text
            if len(name) < settings.min_company_name_chars or tender.mentions(name) or (own and name in own):
                continue
            for doc in x.docs:
                named = Mixup(x.bid.bid_id, doc.document_id, y.bid.bid_id, y.bid.company_id, None, None, "")
                span = find_first(doc.norm, name)
                if span:
                    text = snippet(doc.extracted.text, *span, settings.snippet_chars)
                    out.append(replace(named, start=span[0], end=span[1], snippet=text))
                in_properties = _properties_naming(doc, name, tender.meta)
                out.extend(replace(named, snippet=value, place=f) for f, value in in_properties)
    return out


def _properties_naming(doc: _Doc, name: str, tender_meta: set[str]) -> list[tuple[str, str]]:
    """The file properties (company, author, last editor) that hold ``name``: a file whose properties
    name another bidder was saved on that bidder's computer or copied from its file (unless the tender
    documents carry the same value: the agency's template)."""
    meta = doc.extracted.meta
    found = []
    for field in MIXUP_FIELDS:
        value = getattr(meta, field)
        if value and name in normalise(value).text and not is_tender_value(value, tender_meta):
            found.append((field, value))
    return found


def _shared_people(bidders: list[_Bidder], tender: _Tender, settings: CompareSettings) -> list[SharedPerson]:
    """A person declared by one bidder named in another bidder's file. Skipped when the other bidder
    declared someone else of the same name (a namesake) or the tender documents name them; an occurrence
    inside a longer name the other bidder declared ("谭亮" in its own "谭亮佳") is no mention."""
    out = []
    for x in bidders:
        for person_id, raw_name in x.bid.people.items():
            name = normalise(raw_name or "").text
            if len(name) < settings.min_person_name_chars or tender.mentions(name):
                continue
            for y in bidders:
                if y is x:
                    continue
                own = {pid: normalise(n or "").text for pid, n in y.bid.people.items()}
                namesakes = {pid for pid, n in own.items() if n == name}
                if namesakes and person_id not in namesakes:
                    continue
                for doc in y.docs:
                    span = find_first(doc.norm, name, inside=own.values())
                    if span:
                        out.append(
                            SharedPerson(
                                person_id=person_id,
                                name=raw_name,
                                declared_by_bid_id=x.bid.bid_id,
                                found_in_bid_id=y.bid.bid_id,
                                document_id=doc.document_id,
                                start=span[0],
                                end=span[1],
                                snippet=snippet(doc.extracted.text, *span, settings.snippet_chars),
                            )
                        )
    return out
