"""R028 Identical bid prices → OCID and Tenderer."""

from __future__ import annotations

from yunshao.ocds.indicators.base import OCID, TENDERER, Context, Meta, Results
from yunshao.ocds.indicators.release import Release, number_at, str_at, string_ids


class R028:
    code = "R028"
    zh = "不同投标人报价完全相同"
    en = "identical bid prices"
    #: the fields it reads, for the lacked-fields report (coverage.py)
    needs = (
        "bids.details[].status",
        "bids.details[].tenderers[].id",
        "bids.details[].value.amount",
        "bids.details[].value.currency",
    )

    def __init__(self, settings: object, context: Context) -> None:
        self.context = context
        self.ocids: list[str] = []
        self.tenderers: set[str] = set()

    def add(self, release: Release) -> None:
        if not self.context.passes_price_comparison(release):
            return
        seen: dict[tuple[float, str], frozenset[str]] = {}
        flagged = False
        for bid in release.submitted_bids:
            amount = number_at(bid, "value", "amount")
            currency = str_at(bid, "value", "currency")
            ids = frozenset(string_ids(bid.get("tenderers")))
            if amount is None or currency is None or not ids:
                continue
            key = (amount, currency)
            previous = seen.get(key)
            if previous is not None and previous != ids:
                flagged = True
                self.tenderers.update(ids | previous)
            seen[key] = ids
        if flagged:
            self.ocids.append(release.ocid)

    def finish(self, results: Results) -> Meta | None:
        for ocid in self.ocids:
            results.flag(OCID, ocid, self.code, 1.0)
        for tenderer in self.tenderers:
            results.flag(TENDERER, tenderer, self.code, 1.0)
        return None
