"""Supervision analytics (监督分析): the unit integrity index (廉情指数), high-risk posts (高风险岗位),
rule review and recurring problems (高频问题), written as tables and an HTML report.

Exports are imported on first use: the report pulls in matplotlib, which ``yunshao --help`` must not pay for.
"""

from typing import TYPE_CHECKING

from yunshao.lazy import lazy_exports

if TYPE_CHECKING:
    from yunshao.analytics.compute import compute_tables
    from yunshao.analytics.report import ReportResult, build_report
    from yunshao.analytics.tables import ReportTables

__all__ = ["ReportResult", "ReportTables", "build_report", "compute_tables"]

__getattr__ = lazy_exports(
    __name__,
    {
        "ReportResult": "yunshao.analytics.report",
        "build_report": "yunshao.analytics.report",
        "compute_tables": "yunshao.analytics.compute",
        "ReportTables": "yunshao.analytics.tables",
    },
)
