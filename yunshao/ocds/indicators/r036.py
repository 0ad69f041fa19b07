"""R036 Lowest bid disqualified → OCID. Pending awards do not exclude a release here."""

from __future__ import annotations

from yunshao.ocds.indicators.base import OCID, Context, Meta, Results
from yunshao.ocds.indicators.release import Release, number_at, str_at


class R036:
    code = "R036"
    zh = "最低报价被否决"
    en = "lowest bid disqualified"
    #: the fields it reads, for the lacked-fields report (coverage.py)
    needs = ("bids.details[].status", "bids.details[].value.amount", "bids.details[].value.currency", "awards[].status")

    def __init__(self, settings: object, context: Context) -> None:
        self.context = context
        self.flagged: list[str] = []

    def add(self, release: Release) -> None:
        if not self.context.passes_price_comparison(release) or not release.active_awards:
            return
        lowest: float | None = None
        lowest_disqualified = False
        any_valid = False
        for bid in release.submitted_bids:
            amount = number_at(bid, "value", "amount")
            currency = str_at(bid, "value", "currency")
            if amount is None or currency is None or not self.context.currency.accepts(currency):
                continue
            status = bid["status"]
            any_valid = any_valid or status == "valid"
            if lowest is None or amount < lowest:
                lowest = amount
                lowest_disqualified = status == "disqualified"
        if any_valid and lowest_disqualified:
            self.flagged.append(release.ocid)

    def finish(self, results: Results) -> Meta | None:
        for ocid in self.flagged:
            results.flag(OCID, ocid, self.code, 1.0)
        return None
