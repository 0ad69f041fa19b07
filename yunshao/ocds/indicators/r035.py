"""R035 All except winning bid disqualified → OCID (count) and Tenderer (0.0 for the valid tenderer)."""

from __future__ import annotations

from yunshao.ocds.indicators.base import OCID, TENDERER, Context, Meta, Results
from yunshao.ocds.indicators.release import Release, string_ids
from yunshao.ocds.indicators.settings import R035Settings


class R035:
    code = "R035"
    zh = "除中标人外所有投标被否决"
    en = "all except winning bid disqualified"
    #: the fields it reads, for the lacked-fields report (coverage.py)
    needs = ("bids.details[].status", "bids.details[].tenderers[].id", "awards[].status", "awards[].suppliers[].id")

    def __init__(self, settings: R035Settings, context: Context) -> None:
        self.threshold = settings.threshold
        self.hits: list[tuple[str, str, int]] = []

    def add(self, release: Release) -> None:
        final = release.final_awards
        if final is None:
            return
        awarded = {s for award in final for s in string_ids(award.get("suppliers"))}
        valid: set[str] = set()
        disqualified: set[str] = set()
        for bid in release.bid_objects():
            status = bid.get("status")
            if status == "valid":
                valid.update(string_ids(bid.get("tenderers")))
            elif status == "disqualified":
                disqualified.update(string_ids(bid.get("tenderers")))
        if len(valid) != 1 or valid != awarded:
            return
        count = len(disqualified - valid)
        if count >= self.threshold:
            self.hits.append((release.ocid, next(iter(valid)), count))

    def finish(self, results: Results) -> Meta | None:
        for ocid, tenderer, count in self.hits:
            results.flag(OCID, ocid, self.code, float(count))
            results.flag(TENDERER, tenderer, self.code, 0.0)
        return None
