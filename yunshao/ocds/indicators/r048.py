"""R048 Heterogeneous supplier → Tenderer.

Quirks kept from Cardinal: suppliers below ``minimum_contracting_processes`` are never flagged, and
there is no guard, so when every kept supplier has one code they are all flagged.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from yunshao.ocds.indicators.base import TENDERER, Context, Meta, Results
from yunshao.ocds.indicators.fences import choose_upper
from yunshao.ocds.indicators.release import Release, single_string_id, str_at
from yunshao.ocds.indicators.settings import R048Settings


class R048:
    code = "R048"
    zh = "中标人中标品目过于分散"
    en = "heterogeneous supplier"
    #: the fields it reads, for the lacked-fields report (coverage.py)
    needs = ("awards[].status", "awards[].suppliers[].id", "awards[].items[].classification.id")

    def __init__(self, settings: R048Settings, context: Context) -> None:
        self.settings = settings
        self.codes: defaultdict[str, set[str]] = defaultdict(set)
        self.processes: Counter[str] = Counter()

    def add(self, release: Release) -> None:
        suppliers: set[str] = set()
        for award in release.active_awards:
            items = award.get("items")
            supplier = single_string_id(award.get("suppliers"))
            if not isinstance(items, list) or supplier is None:
                continue
            suppliers.add(supplier)
            codes = self.codes[supplier]
            for item in items:
                classification = str_at(item, "classification", "id")
                if classification is not None:
                    codes.add(classification[: self.settings.digits])
        for supplier in suppliers:
            self.processes[supplier] += 1

    def finish(self, results: Results) -> Meta:
        minimum = self.settings.minimum_contracting_processes
        values = {s: float(len(self.codes[s])) for s, n in self.processes.items() if n >= minimum}
        threshold = None if self.settings.threshold is None else float(self.settings.threshold)
        fence = choose_upper(list(values.values()), threshold)
        for supplier, value in values.items():
            if value >= fence.value:
                results.flag(TENDERER, supplier, self.code, value)
        return fence.meta("upper_fence")
