"""Supervision analytics (监督分析): the unit integrity index (廉情指数), high-risk posts (高风险岗位),
rule review and recurring problems (高频问题), written as tables and an HTML report."""

from yunshao.analytics.report import ReportResult, build_report, compute_tables
from yunshao.analytics.tables import ReportTables

__all__ = ["ReportResult", "ReportTables", "build_report", "compute_tables"]
