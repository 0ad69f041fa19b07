"""The second-lowest-bid ratio shared by R024 and R058, and the two indicators built on it.

Both indicators read the same ratios, so one collector computes them once per release (the main
currency is then examined once, as in Cardinal).
"""

from __future__ import annotations

from dataclasses import dataclass

from yunshao.ocds.indicators.base import OCID, TENDERER, Context, Meta, Results
from yunshao.ocds.indicators.fences import choose_lower, choose_upper, lower_guard
from yunshao.ocds.indicators.release import Release, number_at, single_string_id, str_at
from yunshao.ocds.indicators.settings import FenceSettings
from yunshao.ocds.indicators.stats import divide


@dataclass(frozen=True)
class Ratio:
    ocid: str
    winner: str
    runner_up: str
    value: float


class RatioCollector:
    def __init__(self, context: Context) -> None:
        self.context = context
        self.ratios: list[Ratio] = []
        self._last: Release | None = None

    def add(self, release: Release) -> None:
        if release is self._last:
            return
        self._last = release
        if not self.context.passes_price_comparison(release):
            return
        supplier = release.single_award_supplier
        if supplier is None:
            return
        winner: float | None = None
        runner: tuple[float, str] | None = None
        for bid in release.bid_objects():
            candidate = self._candidate(bid)
            if candidate is None:
                continue
            amount, tenderer = candidate
            if tenderer == supplier:
                if winner is None or amount < winner:
                    winner = amount
            elif runner is None or amount < runner[0]:
                runner = (amount, tenderer)
        if winner is None or runner is None or not runner[0] >= winner:
            return
        self.ratios.append(Ratio(release.ocid, supplier, runner[1], divide(runner[0] - winner, winner)))

    def _candidate(self, bid: dict[str, object]) -> tuple[float, str] | None:
        if bid.get("status") != "valid":
            return None
        amount = number_at(bid, "value", "amount")
        currency = str_at(bid, "value", "currency")
        tenderer = single_string_id(bid.get("tenderers"))
        if amount is None or currency is None or tenderer is None:
            return None
        if not self.context.currency.accepts(currency):
            return None
        return amount, tenderer


#: the fields the winner / runner-up ratio reads (R024 and R058 share it), for the lacked-fields report
RATIO_NEEDS = (
    "bids.details[].status",
    "bids.details[].tenderers[].id",
    "bids.details[].value.amount",
    "bids.details[].value.currency",
    "awards[].status",
    "awards[].suppliers[].id",
)


class R024:
    """Price close to winning bid → OCID (ratio) and Tenderer (0.0 for winner and runner-up)."""

    code = "R024"
    zh = "次低报价与中标价过于接近"
    en = "price close to winning bid"
    #: the fields it reads, for the lacked-fields report (coverage.py)
    needs = RATIO_NEEDS

    def __init__(self, settings: FenceSettings, collector: RatioCollector) -> None:
        self.threshold = settings.threshold
        self.collector = collector

    def add(self, release: Release) -> None:
        self.collector.add(release)

    def finish(self, results: Results) -> Meta:
        fence = choose_lower([r.value for r in self.collector.ratios], self.threshold)
        if lower_guard(fence):
            for ratio in self.collector.ratios:
                if ratio.value <= fence.value:
                    results.flag(OCID, ratio.ocid, self.code, ratio.value)
                    results.flag(TENDERER, ratio.winner, self.code, 0.0)
                    results.flag(TENDERER, ratio.runner_up, self.code, 0.0)
        return fence.meta("lower_fence")


class R058:
    """Heavily discounted bid → OCID (ratio) and Tenderer (0.0 for the winner)."""

    code = "R058"
    zh = "中标价远低于次低报价"
    en = "heavily discounted bid"
    #: the fields it reads, for the lacked-fields report (coverage.py)
    needs = RATIO_NEEDS

    def __init__(self, settings: FenceSettings, collector: RatioCollector) -> None:
        self.threshold = settings.threshold
        self.collector = collector

    def add(self, release: Release) -> None:
        self.collector.add(release)

    def finish(self, results: Results) -> Meta:
        fence = choose_upper([r.value for r in self.collector.ratios], self.threshold)
        if fence.value > 0:
            for ratio in self.collector.ratios:
                if ratio.value >= fence.value:
                    results.flag(OCID, ratio.ocid, self.code, ratio.value)
                    results.flag(TENDERER, ratio.winner, self.code, 0.0)
        return fence.meta("upper_fence")
