"""R003 Short submission period → OCID."""

from __future__ import annotations

from yunshao.ocds.indicators.base import OCID, Context, Meta, Results
from yunshao.ocds.indicators.release import Release, str_at
from yunshao.ocds.indicators.rfc3339 import epoch_nanoseconds, whole_days_between
from yunshao.ocds.indicators.settings import R003Settings


class R003:
    code = "R003"
    zh = "投标期过短"
    en = "short submission period"
    #: the fields it reads, for the lacked-fields report (coverage.py)
    needs = ("tender.tenderPeriod.startDate", "tender.tenderPeriod.endDate")

    def __init__(self, settings: R003Settings, context: Context) -> None:
        self.settings = settings
        self.flagged: list[str] = []

    def add(self, release: Release) -> None:
        tender = release.tender
        if tender is None:
            return
        methods = self.settings.procurement_methods
        if methods and str_at(tender, "procurementMethod") not in methods:
            return
        start = str_at(tender, "tenderPeriod", "startDate")
        end = str_at(tender, "tenderPeriod", "endDate")
        start_ns = epoch_nanoseconds(start) if start is not None else None
        end_ns = epoch_nanoseconds(end) if end is not None else None
        if start_ns is None or end_ns is None:
            return
        details = release.method_details
        threshold = self.settings.threshold
        if details is not None:
            threshold = self.settings.details_thresholds.get(details, threshold)
        if whole_days_between(start_ns, end_ns) < threshold:
            self.flagged.append(release.ocid)

    def finish(self, results: Results) -> Meta | None:
        for ocid in self.flagged:
            results.flag(OCID, ocid, self.code, 1.0)
        return None
