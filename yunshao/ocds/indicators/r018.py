"""R018 Single bid received → OCID. Reads ``numberOfTenderers``; it does not count bids (Cardinal)."""

from __future__ import annotations

from yunshao.ocds.indicators.base import OCID, Context, Meta, Results
from yunshao.ocds.indicators.release import Release, is_json_integer, str_at
from yunshao.ocds.indicators.settings import R018Settings


class R018:
    code = "R018"
    zh = "仅收到一份投标"
    en = "single bid received"
    #: the fields it reads, for the lacked-fields report (coverage.py)
    needs = ("tender.procurementMethod", "tender.numberOfTenderers")

    def __init__(self, settings: R018Settings, context: Context) -> None:
        self.methods = settings.procurement_methods
        self.flagged: list[str] = []

    def add(self, release: Release) -> None:
        tender = release.tender
        if tender is None:
            return
        if self.methods and str_at(tender, "procurementMethod") not in self.methods:
            return
        count = tender.get("numberOfTenderers")
        if is_json_integer(count) and count == 1:
            self.flagged.append(release.ocid)

    def finish(self, results: Results) -> Meta | None:
        for ocid in self.flagged:
            results.flag(OCID, ocid, self.code, 1.0)
        return None
