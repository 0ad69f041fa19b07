"""The 核查指引 an inspector reads with a warning, filled with this hit's facts.

A static text makes the inspector open the evidence to learn *which* bidders or *which* payment; the
rendered guide names them, so the first reading already says what to pull from which system.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from typing import Any

from yunshao.rules.model import PLACEHOLDER, Rule

SEVERITY_WORD = {"zh": {"red": "红色预警", "yellow": "黄色预警"}, "en": {"red": "RED", "yellow": "YELLOW"}}

#: Contract codes as a Chinese reader says them (display only; the evidence JSON keeps the codes).
ZH_WORDS = {
    "project_manager": "项目负责人", "tech_lead": "技术负责人", "safety_lead": "安全负责人",
    "legal_rep": "法定代表人", "shareholder": "股东", "director": "董事", "supervisor": "监事",
    "manager": "经理", "employee": "员工", "spouse": "配偶", "kin": "亲属", "in_law": "姻亲",
    "classmate": "同学", "former_colleague": "前同事", "winner": "中标人", "contractor": "合同相对方",
    "payee": "收款方", "agreement": "招商协议方", "investment": "投资额", "tax": "税收", "jobs": "用工",
    "mac_address": "MAC地址", "device_id": "机器码", "seller_is_officer": "出让方即评估机构人员",
    "shared_officer": "共同人员", "unit": "同单位同类", "county": "全县同类", "advance": "预付款",
    "progress": "进度款", "settlement": "结算款", "compensation": "补偿款", "subsidy": "补贴",
    "other": "其他", "open": "公开招标", "invited": "邀请招标", "competitive_negotiation": "竞争性谈判",
    "competitive_consultation": "竞争性磋商", "inquiry": "询价", "single_source": "单一来源",
    "direct_award": "直接发包", "construction": "工程建设", "procurement": "政府采购",
    "ongoing": "在建", "completed": "已完成", "cancelled": "已取消", "bid_rigging": "围标串标",
    "qualification_borrowing": "借用资质", "tender_avoidance": "规避招标", "tender_splitting": "化整为零",
    "build_before_approval": "未批先建", "settlement_inflation": "结算虚高", "self_approval": "自批自审",
    "relative_favour": "利益输送亲属", "payout_unmet_promise": "违规兑现", "land_appraisal_inflation": "评估虚高",
    "payment_anomaly": "支付异常", "power_concentration": "权力集中", "blacklist": "失信企业",
    "sequence": "程序倒置", "proxy_approval": "越权代批", "estimate_overrun": "概算超估算",
}  # fmt: skip


def plain(value: Any) -> Any:
    """A DuckDB value as plain JSON (timestamps as local 'YYYY-MM-DD HH:MM:SS', NaN as null)."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def evidence_json(evidence: dict[str, Any]) -> str:
    return json.dumps(evidence, ensure_ascii=False, separators=(", ", ": "))


def show(value: Any, lang: str) -> str:
    """A value as an inspector reads it: amounts with thousands separators, lists joined."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return ("、" if lang == "zh" else ", ").join(show(v, lang) for v in value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.4g}"
    text = str(value)
    return ZH_WORDS.get(text, text) if lang == "zh" else text


def fill(text: str, evidence: dict[str, Any], lang: str) -> str:
    return PLACEHOLDER.sub(lambda m: show(evidence.get(m.group(1)), lang), text)


def render_guide(rule: Rule, evidence: dict[str, Any], lang: str, severity: str | None = None) -> str:
    """Headline, what to check, how, and the legitimate explanations to rule out, in ``lang``.

    ``evidence`` is the hit's whole row (address columns such as project_id included), so the text can
    name the project even though the evidence JSON leaves the address columns to their own columns.
    """
    text = rule.guide.zh if lang == "zh" else rule.guide.en
    level = SEVERITY_WORD[lang][severity or rule.severity]
    article = rule.legal_basis.article.zh if lang == "zh" else rule.legal_basis.article.en
    if lang == "zh":
        rule_out = "；".join(f"{i}. {s}" for i, s in enumerate(text.rule_out, 1))
        return (
            f"【{level}·{rule.id} {rule.name.zh}】查什么：{fill(text.what, evidence, lang)}\n"
            f"怎么查：{fill(text.how, evidence, lang)}\n需排除的合理情形：{rule_out}\n依据：{article}"
        )
    rule_out = "; ".join(f"{i}. {s}" for i, s in enumerate(text.rule_out, 1))
    return (
        f"[{level} · {rule.id} {rule.name.en}] What to check: {fill(text.what, evidence, lang)}\n"
        f"How: {fill(text.how, evidence, lang)}\nRule out: {rule_out}\nBasis: {article}"
    )
