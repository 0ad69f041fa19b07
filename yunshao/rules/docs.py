"""The catalog as data (``rules list --format json``) and as the bilingual page docs/rules.md.

Both are generated from the rule files, so the page inspectors read can never disagree with what runs.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from yunshao.rules.model import Rule

DOCS_PATH = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
SEVERITY = {"red": "红色 red", "yellow": "黄色 yellow"}


def rule_record(rule: Rule) -> dict[str, Any]:
    """A rule's catalog entry in both languages (no SQL: that is in the rule file)."""
    return {
        "id": rule.id,
        "name": rule.name.model_dump(),
        "domain": rule.domain,
        "scheme": rule.scheme,
        "severity": rule.severity,
        "entity": rule.entity,
        "stage": rule.stage,
        "legal_basis": rule.legal_basis.model_dump(),
        "requires": rule.requires,
        "params": {k: p.model_dump() for k, p in rule.params.items()},
        "guide": rule.guide.model_dump(),
        "file": rule.path.name,
    }


def render_markdown(rules: list[Rule]) -> str:
    """docs/rules.md: a summary table, then every rule with its basis, parameters and guide."""
    counts = Counter(r.scheme for r in rules)
    lines = [
        "# 预警规则库 / Rule catalog",
        "",
        "Generated from `yunshao/rules/catalog/` by `yunshao rules docs` — do not edit by hand.",
        "由规则文件自动生成，请勿手工修改。",
        "",
        f"{len(rules)} rules; by scheme: " + ", ".join(f"`{k}` {v}" for k, v in sorted(counts.items())),
        "",
        "| id | 名称 | name | severity | scheme | entity |",
        "|---|---|---|---|---|---|",
    ]
    ordered = sorted(rules, key=lambda r: (r.stage != "detect", r.scheme, r.id))
    lines += [
        f"| [{r.id}](#{r.id.lower()}) | {r.name.zh} | {r.name.en} | {SEVERITY[r.severity]} | {r.scheme} | {r.entity} |"
        for r in ordered
    ]
    for rule in ordered:
        lines += ["", *_rule_section(rule)]
    return "\n".join(lines) + "\n"


def _rule_section(rule: Rule) -> list[str]:
    basis = rule.legal_basis
    out = [
        f"## {rule.id}",
        "",
        f"**{rule.name.zh}** / {rule.name.en}",
        "",
        f"- severity 级别: {SEVERITY[rule.severity]}; scheme 类型: `{rule.scheme}`; entity 对象: `{rule.entity}`; "
        f"domain 领域: {', '.join(rule.domain)}"
        + ("; runs after the other rules 其他规则之后运行" if rule.stage == "escalate" else ""),
        f"- 依据: {basis.article.zh} —— {basis.summary.zh}",
        f"- Basis: {basis.article.en} — {basis.summary.en}",
        f"- requires 所需数据表: {', '.join(f'`{t}`' for t in rule.requires)}",
    ]
    if rule.params:
        out.append(
            "- params 参数: " + "; ".join(f"`{k}` = {p.default!r} ({p.zh} / {p.en})" for k, p in rule.params.items())
        )
    for lang, title in (("zh", "核查指引"), ("en", "Guide")):
        text = getattr(rule.guide, lang)
        what, how, out_word = ("查什么", "怎么查", "需排除的合理情形") if lang == "zh" else ("What", "How", "Rule out")
        out += [
            "",
            f"**{title}**",
            "",
            f"- {what}: {text.what}",
            f"- {how}: {text.how}",
            f"- {out_word}: " + ("；" if lang == "zh" else "; ").join(text.rule_out),
        ]
    return out


def write_docs(rules: list[Rule], path: Path = DOCS_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(rules), encoding="utf-8")
    return path
