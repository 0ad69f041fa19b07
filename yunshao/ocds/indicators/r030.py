"""R030 Late bid won → OCID and Tenderer. Dates are compared as plain strings, as Cardinal does."""

from __future__ import annotations

from yunshao.ocds.indicators.base import OCID, TENDERER, Context, Meta, Results
from yunshao.ocds.indicators.release import Release, str_at, string_ids


class R030:
    code = "R030"
    zh = "截止时间后提交的投标中标"
    en = "late bid won"
    #: the fields it reads, for the lacked-fields report (coverage.py)
    needs = (
        "tender.tenderPeriod.endDate",
        "bids.details[].date",
        "bids.details[].status",
        "bids.details[].tenderers[].id",
        "awards[].status",
        "awards[].suppliers[].id",
    )

    def __init__(self, settings: object, context: Context) -> None:
        self.ocids: list[str] = []
        self.tenderers: set[str] = set()

    def add(self, release: Release) -> None:
        end = str_at(release.tender, "tenderPeriod", "endDate")
        if end is None or release.awards is None or release.bid_details is None:
            return
        winners = {s for award in release.active_awards for s in string_ids(award.get("suppliers"))}
        late_winners = {
            tenderer
            for bid in release.bid_objects()
            if bid.get("status") == "valid" and (date := str_at(bid, "date")) is not None and date > end
            for tenderer in string_ids(bid.get("tenderers"))
            if tenderer in winners
        }
        if late_winners:
            self.ocids.append(release.ocid)
            self.tenderers.update(late_winners)

    def finish(self, results: Results) -> Meta | None:
        for ocid in self.ocids:
            results.flag(OCID, ocid, self.code, 1.0)
        for tenderer in self.tenderers:
            results.flag(TENDERER, tenderer, self.code, 1.0)
        return None
