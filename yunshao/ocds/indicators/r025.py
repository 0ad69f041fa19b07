"""R025 Excessive unsuccessful bids → Tenderer. den counts processes with a valid bid, not bids."""

from __future__ import annotations

from collections import Counter

from yunshao.ocds.indicators.base import TENDERER, Context, Meta, Results
from yunshao.ocds.indicators.fences import choose_lower, lower_guard
from yunshao.ocds.indicators.release import Release, single_string_id
from yunshao.ocds.indicators.settings import R025Settings
from yunshao.ocds.indicators.stats import NAN, quantile, round_meta


class R025:
    code = "R025"
    zh = "投标人频繁投标却极少中标"
    en = "excessive unsuccessful bids"
    #: the fields it reads, for the lacked-fields report (coverage.py)
    needs = ("bids.details[].status", "bids.details[].tenderers[].id", "awards[].status", "awards[].suppliers[].id")

    def __init__(self, settings: R025Settings, context: Context) -> None:
        self.settings = settings
        self.wins: Counter[str] = Counter()
        self.processes: Counter[str] = Counter()

    def add(self, release: Release) -> None:
        supplier = release.single_award_supplier
        if supplier is None:
            return
        tenderers = {
            tenderer
            for bid in release.bid_objects()
            if bid.get("status") == "valid" and (tenderer := single_string_id(bid.get("tenderers"))) is not None
        }
        for tenderer in tenderers:
            self.processes[tenderer] += 1
            if tenderer == supplier:
                self.wins[tenderer] += 1

    def finish(self, results: Results) -> Meta:
        dens = [float(d) for d in self.processes.values()]
        p = self.settings.percentile / 100
        top = NAN if p > 1 else quantile(dens, p)
        ratios = {t: self.wins[t] / den for t, den in self.processes.items()}
        fence = choose_lower(list(ratios.values()), self.settings.threshold)
        if lower_guard(fence):
            for tenderer, ratio in ratios.items():
                if self.processes[tenderer] >= top and ratio <= fence.value:
                    results.flag(TENDERER, tenderer, self.code, ratio)
        meta = fence.meta("lower_fence")
        meta["upper_fence"] = round_meta(top)
        return meta
