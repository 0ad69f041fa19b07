"""``tender.procurementMethod`` → the contract's ``tenders.method``, including what publishers write
instead of the codelist.

The OCDS codelist has four values (open, selective, limited, direct); publishers also write their own
law's words (公开招标, licitación pública, licitație deschisă …) or nothing. A value outside the codelist
is read through a small table of common phrases, looked for in ``procurementMethod`` and then in
``procurementMethodDetails``; what no phrase explains becomes ``competitive_negotiation`` (the contract
has no "other", and that value neither triggers the mandatory-tender checks nor the single-source and
direct-award ones), with the published words kept in ``tenders.ocds_procurement_method`` and a
data-quality note. A method is never a reason to drop a tender.

Phrases are matched on normalised text (NFKD without accents, casefold, whitespace collapsed), so
``Licitatie deschisa`` and ``licitație deschisă`` (comma or cedilla ș) match alike; the longest phrase
found wins, so ``dispensa de licitação`` is direct, not open like ``licitação``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from yunshao.ocds.indicators.release import str_at

CODELIST = {"open": "open", "selective": "invited", "direct": "direct_award"}
LIMITED_DEFAULT = "competitive_negotiation"
UNMAPPED = "competitive_negotiation"
SINGLE_SOURCE_HINTS = ("single", "sole", "单一来源", "direct", "directa", "direta", "exclusive")

#: phrase → (OCDS procurementMethod it stands for, contract tenders.method); see docs/ocds.md
PHRASES: dict[str, tuple[str, str]] = {
    # Chinese (政府采购法 / 招标投标法)
    "公开招标": ("open", "open"),
    "邀请招标": ("selective", "invited"),
    "竞争性谈判": ("limited", "competitive_negotiation"),
    "竞争性磋商": ("limited", "competitive_consultation"),
    "询价": ("limited", "inquiry"),
    "单一来源": ("direct", "single_source"),
    "直接发包": ("direct", "direct_award"),
    # Spanish
    "licitación pública": ("open", "open"),
    "licitación abierta": ("open", "open"),
    "procedimiento abierto": ("open", "open"),
    "licitación privada": ("selective", "invited"),
    "licitación restringida": ("selective", "invited"),
    "procedimiento restringido": ("selective", "invited"),
    "invitación a cuando menos tres personas": ("selective", "invited"),
    "procedimiento negociado sin publicidad": ("limited", "competitive_negotiation"),
    "comparación de precios": ("limited", "inquiry"),
    "contratación directa": ("direct", "direct_award"),
    "adjudicación directa": ("direct", "direct_award"),
    # Portuguese
    "licitação": ("open", "open"),
    "concorrência": ("open", "open"),
    "pregão": ("open", "open"),
    "concurso público": ("open", "open"),
    "tomada de preços": ("selective", "invited"),
    "convite": ("selective", "invited"),
    "consulta prévia": ("limited", "inquiry"),
    "dispensa de licitação": ("direct", "direct_award"),
    "inexigibilidade": ("direct", "direct_award"),
    "ajuste direto": ("direct", "direct_award"),
    # Romanian
    "licitație deschisă": ("open", "open"),
    "licitație restrânsă": ("selective", "invited"),
    "negociere competitivă": ("selective", "competitive_negotiation"),
    "negociere fără publicare": ("limited", "competitive_negotiation"),
    "dialog competitiv": ("selective", "competitive_consultation"),
    "cerere de oferte": ("limited", "inquiry"),
    "achiziție directă": ("direct", "direct_award"),
    # French
    "procédure ouverte": ("open", "open"),
    "appel d'offres ouvert": ("open", "open"),
    "procédure restreinte": ("selective", "invited"),
    "appel d'offres restreint": ("selective", "invited"),
    "procédure négociée sans publicité": ("limited", "competitive_negotiation"),
    "procédure négociée": ("selective", "competitive_negotiation"),
    "dialogue compétitif": ("selective", "competitive_consultation"),
    "demande de cotation": ("limited", "inquiry"),
    "gré à gré": ("direct", "direct_award"),
    "entente directe": ("direct", "direct_award"),
    # English (EU directives, World Bank)
    "open procedure": ("open", "open"),
    "open tender": ("open", "open"),
    "restricted procedure": ("selective", "invited"),
    "restricted tender": ("selective", "invited"),
    "selective tender": ("selective", "invited"),
    "negotiated with publication": ("selective", "competitive_negotiation"),
    "competitive procedure with negotiation": ("selective", "competitive_negotiation"),
    "negotiated without publication": ("limited", "competitive_negotiation"),
    "negotiated procedure without prior publication": ("limited", "competitive_negotiation"),
    "competitive dialogue": ("selective", "competitive_consultation"),
    "request for quotation": ("limited", "inquiry"),
    "single source": ("direct", "single_source"),
    "sole source": ("direct", "single_source"),
    "direct award": ("direct", "direct_award"),
    "direct contracting": ("direct", "direct_award"),
    # Russian and Ukrainian
    "открытый конкурс": ("open", "open"),
    "открытый аукцион": ("open", "open"),
    "відкриті торги": ("open", "open"),
    "запрос котировок": ("limited", "inquiry"),
    "единственный поставщик": ("direct", "single_source"),
}


@dataclass(frozen=True)
class Method:
    """The contract method, how it was found, and the note to keep when it was not the codelist."""

    value: str
    mapped_by: str  # "codelist", "phrase" or "unmapped"
    note: str | None = None


def fold(text: str) -> str:
    """Text as phrases are compared: accents dropped (NFKD), casefolded, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(unicodedata.normalize("NFKC", plain).casefold().split())


_FOLDED = sorted(((fold(p), p, m) for p, m in PHRASES.items()), key=lambda t: -len(t[0]))


def find_phrase(text: str | None) -> tuple[str, tuple[str, str]] | None:
    """The longest known phrase in ``text`` and what it means."""
    if not text:
        return None
    folded = fold(text)
    for key, phrase, meaning in _FOLDED:
        if key in folded:
            return phrase, meaning
    return None


def _limited(details: str | None) -> str:
    """``limited``: 竞争性磋商 and 询价 are told apart by their phrase; otherwise single source when the
    details say so, else competitive negotiation (the mapping before the phrase table, kept)."""
    found = find_phrase(details)
    if found is not None and found[1][1] in ("competitive_consultation", "inquiry"):
        return found[1][1]
    lowered = (details or "").lower()
    return "single_source" if any(hint in lowered for hint in SINGLE_SOURCE_HINTS) else LIMITED_DEFAULT


def _describe(value: object) -> str:
    if value is None:
        return "missing"
    if value == "":
        return "empty"
    return f"{value!r} is not open/selective/limited/direct"


def tender_method(tender: dict[str, Any]) -> Method:
    """The contract method of an OCDS tender; never fails."""
    raw = tender.get("procurementMethod")
    details = str_at(tender, "procurementMethodDetails")
    code = raw.strip().casefold() if isinstance(raw, str) else None
    if code in CODELIST:
        return Method(CODELIST[code], "codelist")
    if code == "limited":
        return Method(_limited(details), "codelist")
    problem = f"tender.procurementMethod: {_describe(raw)}"
    texts = (("procurementMethod", raw if isinstance(raw, str) else None), ("procurementMethodDetails", details))
    for field, text in texts:
        found = find_phrase(text)
        if found is not None:
            phrase, (ocds, method) = found
            note = f"{problem}; read as {ocds} → {method} from the phrase {phrase!r} in tender.{field}"
            return Method(method, "phrase", note)
    note = f"{problem}; no known phrase in it or in tender.procurementMethodDetails: kept as {UNMAPPED}"
    return Method(UNMAPPED, "unmapped", note)
