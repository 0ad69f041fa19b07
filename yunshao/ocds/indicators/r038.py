"""R038 Excessive disqualified bids → Buyer, ProcuringEntity and Tenderer.

Quirk kept from Cardinal: ``minimum_contracting_processes`` is compared with the number of
submitted bids of a buyer or procuring entity, not with its number of processes.
"""

from __future__ import annotations

from collections import Counter

from yunshao.ocds.indicators.base import BUYER, PROCURING_ENTITY, TENDERER, Context, Meta, Results
from yunshao.ocds.indicators.fences import choose_upper
from yunshao.ocds.indicators.release import Release, str_at, string_ids
from yunshao.ocds.indicators.settings import R038Settings


class _Share:
    def __init__(self) -> None:
        self.num: Counter[str] = Counter()
        self.den: Counter[str] = Counter()

    def add(self, entity_id: str, num: int, den: int) -> None:
        self.num[entity_id] += num
        self.den[entity_id] += den


class R038:
    code = "R038"
    zh = "被否决投标占比过高"
    en = "excessive disqualified bids"
    #: the fields it reads, for the lacked-fields report (coverage.py)
    needs = ("bids.details[].status", "bids.details[].tenderers[].id")

    def __init__(self, settings: R038Settings, context: Context) -> None:
        self.settings = settings
        self.shares = {BUYER: _Share(), PROCURING_ENTITY: _Share(), TENDERER: _Share()}

    def add(self, release: Release) -> None:
        submitted = release.submitted_bids
        if not submitted:
            return
        disqualified = 0
        for bid in submitted:
            is_disqualified = bid["status"] == "disqualified"
            disqualified += is_disqualified
            for tenderer in string_ids(bid.get("tenderers")):
                self.shares[TENDERER].add(tenderer, int(is_disqualified), 1)
        buyer = str_at(release.data, "buyer", "id")
        if buyer is not None:
            self.shares[BUYER].add(buyer, disqualified, len(submitted))
        entity = str_at(release.tender, "procuringEntity", "id")
        if entity is not None:
            self.shares[PROCURING_ENTITY].add(entity, disqualified, len(submitted))

    def _minimum(self, group: str) -> int:
        if group == TENDERER:
            return self.settings.minimum_submitted_bids
        return self.settings.minimum_contracting_processes

    def finish(self, results: Results) -> Meta:
        meta: Meta = {}
        for group, share in self.shares.items():
            minimum = self._minimum(group)
            ratios = {e: share.num[e] / den for e, den in share.den.items() if den >= minimum}
            if not ratios:
                continue
            fence = choose_upper(list(ratios.values()), self.settings.threshold)
            if fence.value > 0:
                for entity_id, ratio in ratios.items():
                    if ratio >= fence.value:
                        results.flag(group, entity_id, self.code, ratio)
            meta.update(fence.meta("upper_fence", prefix=f"{group}_"))
        return meta
