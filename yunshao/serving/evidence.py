"""A warning's evidence as an inspector reads it: labelled rows, names for ids, amounts in yuan, local dates.

Rules write their evidence as JSON of codes and ids (``{"payee_company_id": "C3", "kind": "progress"}``),
which is what a machine needs and what a person cannot check against a file. Each key becomes a row: its
label in the request's language, the value formatted — company, person, unit, project and post ids
resolved to names through the store, amounts as ``1,234,567 元``, timestamps in local form, code values
translated (``serving/codes.py``), lists joined. The guide is rendered again from the rule catalog in the
request's language with the same readable values, since the stored one is in the language of the run.

People's names are masked for roles without the NAMES permission by ``core/masking.py`` (through
``Caller.shown``), applied to the evidence before it is read and to the rows after names were resolved: a
resolved person sits under the key ``person_name``, which that masking always hides.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from yunshao.contract.schema import TABLES, Kind
from yunshao.rules.guide import render_guide
from yunshao.serving.api.deps import Caller
from yunshao.serving.codes import code_name, rule_catalog, rule_name
from yunshao.serving.core.localtime import naive_local
from yunshao.serving.i18n import MESSAGES
from yunshao.serving.store import Store

LABEL_PREFIX = "ev_"
#: Kinds of ids whose names the store holds, by the contract table they refer to.
NAMED_TABLES = {"companies": "company", "people": "person", "units": "unit", "projects": "project", "posts": "post"}
#: Kinds whose names are shown only for records in the caller's scope (a name would confirm they exist).
SCOPED_KINDS = ("project", "post")
#: Evidence keys of the rules' SQL that are no contract column (aliases, aggregates), by how to read them.
EVIDENCE_KEYS: dict[str, str] = {
    "approver_id": "person", "officer_id": "person", "relative_id": "person",
    "seller_id": "person_or_company", "contractor_id": "company", "other_bidder_id": "company",
    "insured_by": "company", "payee": "company", "sibling_id": "project", "rule_id": "rule",
    "nodes": "code", "roles": "code", "relation": "code", "relations": "code", "schemes": "code",
    "scope": "code", "device_kind": "code", "link": "code", "how": "code", "company_gains": "code",
    "unmet": "code", "threshold": "money", "prices": "money", "advance_total": "money",
    "change_total": "money", "contract_total": "money", "invested_total": "money", "paid_total": "money",
    "excess": "ratio", "premium": "ratio", "share": "ratio", "ratio": "ratio", "price_ratio": "ratio",
    "min_step": "ratio", "max_step": "ratio", "chance": "ratio", "area_m2": "number",
    "company_a": "company", "company_b": "company", "containment": "ratio",
}  # fmt: skip
#: Name endings that say what an evidence key holds, for keys neither above nor in the contract.
SUFFIXES = (
    ("company_id", "company"), ("person_id", "person"), ("unit_id", "unit"), ("project_id", "project"),
    ("post_id", "post"), ("_node", "code"), ("_nodes", "code"), ("_roles", "code"), ("_amount", "money"),
    ("_price", "money"), ("_tax", "money"), ("_month", "month"),
)  # fmt: skip
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Part = dict[str, str]


@cache
def _contract_kinds() -> dict[str, str]:
    """How each contract column reads as evidence: the table its id names, or code, money, month."""
    kinds: dict[str, str] = {}
    for table in TABLES.values():
        for col in table.columns:
            target = col.references.split(".")[0] if col.references else None
            if target in NAMED_TABLES:
                kinds[col.name] = NAMED_TABLES[target]
            elif col.kind is Kind.ENUM:
                kinds[col.name] = "code"
            elif col.kind is Kind.AMOUNT:
                kinds[col.name] = "money"
            elif col.kind is Kind.MONTH:
                kinds[col.name] = "month"
    return kinds


@cache
def key_kind(key: str) -> str:
    """What an evidence key holds: a kind of named id, ``code``, ``rule``, ``money``, ``ratio``, ``month``,
    ``number`` or ``text``; a plural ``*_ids`` reads as its singular."""
    one = key[:-1] if key.endswith("_ids") else key
    for name in (key, one):
        if name in EVIDENCE_KEYS:
            return EVIDENCE_KEYS[name]
        if name in _contract_kinds():
            return _contract_kinds()[name]
    for suffix, kind in SUFFIXES:
        if one.endswith(suffix):
            return kind
    return "text"


def wanted_kinds(kind: str) -> tuple[str, ...]:
    """The name kinds a key's ids are looked up in (a seller may be a person or a company)."""
    if kind == "person_or_company":
        return ("person", "company")
    return (kind,) if kind in NAMED_TABLES.values() else ()


@dataclass(frozen=True)
class NameBook:
    """Names of the ids a page's evidence mentions, looked up once per kind for the whole page."""

    names: dict[str, dict[str, str]] = field(default_factory=dict)

    def name(self, kind: str, ref: str) -> tuple[str, str] | None:
        """(name kind, name) of ``ref`` read as ``kind``; None when the store has no name for it."""
        for one in wanted_kinds(kind):
            found = self.names.get(one, {}).get(ref)
            if found:
                return one, found
        return None

    @classmethod
    def lookup(cls, store: Store, evidences: Iterable[Any], sees_unit: Callable[[str | None], bool]) -> NameBook:
        """One query per kind of id for all of ``evidences``; projects and posts outside the caller's scope
        (``sees_unit``) stay nameless, as a 404 would leave them."""
        wanted: dict[str, set[str]] = {}
        for evidence in evidences:
            for kind, ref in _refs(evidence):
                for one in wanted_kinds(kind):
                    wanted.setdefault(one, set()).add(ref)
        names: dict[str, dict[str, str]] = {}
        for kind, refs in wanted.items():
            found = store.names_of(kind, refs)
            names[kind] = {
                ref: name
                for ref, (name, unit) in found.items()
                if name and (kind not in SCOPED_KINDS or sees_unit(unit))
            }
        return cls(names)


def _refs(evidence: Any) -> Iterable[tuple[str, str]]:
    if not isinstance(evidence, dict):
        return
    for key, value in evidence.items():
        kind = key_kind(key)
        if wanted_kinds(kind):
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str | int) and not isinstance(item, bool):
                    yield kind, str(item)


def evidence_rows(evidence: dict[str, Any], lang: str, book: NameBook) -> list[dict[str, Any]]:
    """One row per evidence key, in the rule's order: ``{key, label, parts}``, each part a piece of text,
    a name with its id (``ref``) and perhaps a link (``href``), or a person's name under ``person_name``."""
    rows = []
    for key, value in evidence.items():
        if _other_language(key, lang, evidence):
            continue
        kind = key_kind(key)
        values = value if isinstance(value, list) else [value]
        parts = [_part(kind, key, v, lang, book) for v in values] or [{"text": MESSAGES[lang]["ev_none"]}]
        rows.append({"key": key, "label": label(key, lang), "parts": parts})
    return rows


def _other_language(key: str, lang: str, evidence: dict[str, Any]) -> bool:
    """``indicator_en`` on a Chinese page (and ``*_zh`` on an English one) when the other is there too."""
    stem, _, suffix = key.rpartition("_")
    return suffix in ("zh", "en") and suffix != lang and f"{stem}_{lang}" in evidence


def label(key: str, lang: str) -> str:
    """The key's label in ``lang``; an undeclared key (a county's own rule) as it is."""
    return MESSAGES[lang].get(LABEL_PREFIX + key, key)


def _part(kind: str, key: str, value: Any, lang: str, book: NameBook) -> Part:
    if value is None:
        return {"text": MESSAGES[lang]["ev_none"]}
    if wanted_kinds(kind) and isinstance(value, str | int) and not isinstance(value, bool):
        return _named(kind, str(value), book)
    if kind == "code" and isinstance(value, str):
        return {"text": code_name(value, lang, key)}
    if kind == "rule" and isinstance(value, str):
        return {"text": f"{value} {rule_name(value, lang)}".strip()}
    return {"text": format_value(value, kind, lang)}


def _named(kind: str, ref: str, book: NameBook) -> Part:
    found = book.name(kind, ref)
    if found is None:
        return {"text": ref}
    one, name = found
    if one == "person":
        return {"person_name": name, "ref": ref}
    part = {"text": name, "ref": ref}
    if one in SCOPED_KINDS:
        part["href"] = f"/pages/{one}s/{ref}"
    return part


def format_value(value: Any, kind: str, lang: str) -> str:
    """A scalar as text: money in yuan, ratios in per cent, numbers grouped, timestamps in local form."""
    words = MESSAGES[lang]
    if isinstance(value, bool):
        return words["ev_yes"] if value else words["ev_no"]
    if isinstance(value, int | float):
        if kind == "money":
            return f"{money(value)} {words['ev_yuan']}"
        if kind == "ratio":
            return f"{value * 100:.1f}%"
        return number(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    if kind == "month" and MONTH.match(text):
        return month(text, lang)
    if TIMESTAMP.match(text):
        return when(text, lang)
    return text


def money(value: float) -> str:
    """``1,234,567`` (fen only when there are any)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def number(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}" if abs(value) >= 100 else f"{value:.4g}"


def when(text: str, lang: str) -> str:
    """An ISO date or timestamp in local form (``2024年3月20日 10:00``, ``20 Mar 2024 10:00``); a
    timestamp with an offset is first turned into the store's local time."""
    try:
        moment = naive_local(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return text
    if len(text) <= len("YYYY-MM-DD"):
        return _day(moment.year, moment.month, moment.day, lang)
    clock = f"{moment:%H:%M:%S}" if moment.second or moment.microsecond else f"{moment:%H:%M}"
    return f"{_day(moment.year, moment.month, moment.day, lang)} {clock}"


def _day(year: int, mon: int, day: int, lang: str) -> str:
    return f"{year}年{mon}月{day}日" if lang == "zh" else f"{day} {MONTHS_EN[mon - 1]} {year}"


def month(text: str, lang: str) -> str:
    """``2024-03`` as ``2024年3月`` or ``Mar 2024``."""
    found = MONTH.match(text)
    if found is None:
        return text
    year, mon = int(found.group(1)), int(found.group(2))
    return f"{year}年{mon}月" if lang == "zh" else f"{MONTHS_EN[mon - 1]} {year}"


def part_text(part: Part, lang: str) -> str:
    """A part as plain text, for the guide: ``丙建设公司（C3）`` or ``丙建设公司 (C3)``."""
    shown = part.get("person_name") or part.get("text", "")
    ref = part.get("ref")
    if not ref or ref == shown:
        return shown
    return f"{shown}（{ref}）" if lang == "zh" else f"{shown} ({ref})"


def guide_values(evidence: dict[str, Any], rows: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """The values a guide's placeholders read: the rows' texts, but numbers as numbers (the guide's own
    words say ``元`` and ``日`` after them, and ``rules/guide.py`` groups their digits)."""
    values: dict[str, Any] = {}
    for row in rows:
        raw = evidence.get(row["key"])
        if key_kind(row["key"]) in ("money", "ratio", "number") or isinstance(raw, int | float | bool):
            values[row["key"]] = raw
        else:
            texts = [part_text(p, lang) for p in row["parts"]]
            values[row["key"]] = texts if isinstance(raw, list) else texts[0]
    return values


def guide_in(warning: dict[str, Any], rows: list[dict[str, Any]], lang: str, book: NameBook) -> str | None:
    """The warning's guide in ``lang`` from the catalog; None for a rule the catalog does not hold."""
    rule = rule_catalog().get(str(warning.get("rule_id")))
    evidence = warning.get("evidence")
    if rule is None or not isinstance(evidence, dict):
        return None
    values = guide_values(evidence, rows, lang)
    address = {
        "entity_id": warning.get("entity_id"),
        "project_id": _address(warning.get("project_id"), "project", book, lang),
        "post_id": _address(warning.get("post_id"), "post", book, lang),
    }
    return render_guide(rule, {**values, **address}, lang, warning.get("severity"))


def _address(ref: Any, kind: str, book: NameBook, lang: str) -> Any:
    return part_text(_named(kind, str(ref), book), lang) if ref else ref


def readable_warnings(warnings: list[dict[str, Any]], store: Store, caller: Caller, lang: str) -> list[dict[str, Any]]:
    """Copies of ``warnings`` with ``rows`` (the evidence to read), ``guide`` in ``lang``, and the names of
    the rule, scheme and entity type; the store's cached dicts are left as they are."""
    shown = [caller.shown(w, store.people_names) for w in warnings]
    addresses = [{"project_id": w.get("project_id"), "post_id": w.get("post_id")} for w in shown]
    book = NameBook.lookup(store, [*(w.get("evidence") for w in shown), *addresses], caller.sees_unit)
    return [_readable(w, store, caller, lang, book) for w in shown]


def _readable(w: dict[str, Any], store: Store, caller: Caller, lang: str, book: NameBook) -> dict[str, Any]:
    evidence = w.get("evidence")
    rows = evidence_rows(evidence, lang, book) if isinstance(evidence, dict) else []
    rows = caller.shown(rows, store.people_names)
    guide = guide_in(w, rows, lang, book)
    return {
        **w,
        "rows": rows,
        "guide": caller.shown(guide, store.people_names) if guide is not None else w.get("guide"),
        "rule_name": rule_name(str(w.get("rule_id")), lang),
        "scheme_name": code_name(str(w["scheme"]), lang) if w.get("scheme") else "",
        "entity_name": code_name(str(w.get("entity_type")), lang),
    }
