"""Mapping one OCDS compiled release to rows of the trail contract.

One release is one project (``project_id`` = ocid) with one tender (``tender_id`` = ocid). Dates
become approval events on the tendering nodes; anything that cannot be mapped is quarantined with
the OCDS field path that failed, so nothing is lost silently.

OCDS 已编译发布 → 行权轨迹契约的各表；无法映射的内容连同字段路径进入隔离表。
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from yunshao.ocds.buyers import find_buyer
from yunshao.ocds.indicators.release import is_number, obj, path, str_at
from yunshao.ocds.methods import tender_method

# Steps of the trail → node codes. Procurement has one sourcing node (P03) for the whole tender.
PROCUREMENT_NODES = {
    "request": "P01",
    "approve": "P02",
    "announce": "P03",
    "close": "P03",
    "evaluate": "P03",
    "award": "P03",
    "contract": "P04",
    "pay": "P05",
}
WORKS_NODES = {
    "approve": "C09",
    "announce": "C10",
    "close": "C11",
    "evaluate": "C12",
    "award": "C13",
    "contract": "C14",
    "pay": "C18",
}
# planning.milestones[].type (OCDS milestoneType codelist) → step, for milestones that were met
MILESTONE_STEPS = {"preProcurement": ("request", "submit"), "approval": ("approve", "approve")}
BID_STATUSES = {"valid": "valid", "disqualified": "disqualified", "withdrawn": "withdrawn"}
PROJECT_STATUSES = {
    "complete": "completed",
    "cancelled": "cancelled",
    "unsuccessful": "cancelled",
    "withdrawn": "cancelled",
}


@dataclass(frozen=True)
class Quarantined:
    table: str
    row: dict[str, Any]
    reason: str


@dataclass
class Mapped:
    """The rows of one release, by table, plus what was quarantined and the data-quality notes on rows
    that were kept (a value read through a table or a fallback rather than as published)."""

    rows: defaultdict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    quarantine: list[Quarantined] = field(default_factory=list)
    notes: list[Quarantined] = field(default_factory=list)

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.rows[table].append(row)

    def reject(self, table: str, row: dict[str, Any], reason: str) -> None:
        self.quarantine.append(Quarantined(table, row, reason))

    def note(self, table: str, row: dict[str, Any], reason: str) -> None:
        self.notes.append(Quarantined(table, row, reason))


def iso_timestamp(value: object) -> str | None:
    """The string itself when it is an ISO 8601 date or timestamp, else ``None``."""
    if not isinstance(value, str):
        return None
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return value


def _describe(value: object) -> str:
    return "missing" if value is None else f"{value!r} is not a number"


def _amount(container: object, *keys: str) -> tuple[float | None, str | None]:
    value = path(container, *keys)
    currency = str_at(path(container, *keys[:-1]), "currency") if len(keys) > 1 else None
    return (float(value) if is_number(value) else None), currency


def _text(value: object) -> str | None:
    """A published value kept for the record: strings as they are, anything else as JSON-ish text."""
    if value is None or isinstance(value, str):
        return value
    return repr(value)


def _id(value: object) -> str | None:
    if isinstance(value, str) and value:
        return value
    if is_number(value):
        return str(value)
    return None


def _ids(entries: object) -> list[str | None]:
    """The ids of an array of organisation references (tenderers, suppliers)."""
    if not isinstance(entries, list):
        return []
    return [_id(e.get("id")) for e in entries if isinstance(e, dict)]


class ReleaseMapper:
    """Maps one compiled release; ``line`` (and ``at``, where in the file it came from) is kept on every
    quarantined row for the user to find it."""

    def __init__(self, data: dict[str, Any], line: int | None, at: str | None = None) -> None:
        self.data = data
        self.line = line
        self.at = at if at is not None else f"line {line}"
        self.ocid: str = data["ocid"]
        self.tender = obj(data.get("tender")) or {}
        works = self.tender.get("mainProcurementCategory") == "works"
        self.domain = "construction" if works else "procurement"
        self.nodes = WORKS_NODES if works else PROCUREMENT_NODES
        self.out = Mapped()
        self.buyer = find_buyer(data)
        self.unit_id = self.buyer.unit_id if self.buyer is not None else None
        self.awards = (
            [a for a in data.get("awards") or [] if isinstance(a, dict)] if isinstance(data.get("awards"), list) else []
        )
        self.events = 0

    def where(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"ocid": self.ocid, "line": self.line, "at": self.at, **row}

    def map(self) -> Mapped:
        if self.unit_id is None:
            self.out.reject(
                "projects",
                self.where({"project_id": self.ocid}),
                "buyer.id: missing (and no buyer.name, parties with role buyer, or tender.procuringEntity id or "
                "name): the project has no unit",
            )
            return self.out
        self._project()
        self._planning()
        self._tender()
        self._bids()
        contracts = self._contracts()
        self._payments(contracts)
        self._parties()
        return self.out

    def _project(self) -> None:
        budget, currency = _amount(self.data, "planning", "budget", "amount", "amount")
        status = str_at(self.tender, "status")
        self.out.add(
            "projects",
            {
                "project_id": self.ocid,
                "domain": self.domain,
                "unit_id": self.unit_id,
                "name": str_at(self.tender, "title") or str_at(self.data, "planning", "project"),
                "category": str_at(self.tender, "mainProcurementCategory"),
                "budget_amount": budget,
                "status": PROJECT_STATUSES.get(status or "", "ongoing"),
                "currency": currency,
            },
        )
        self._unit()

    def _unit(self) -> None:
        assert self.buyer is not None
        self.out.add("units", {"unit_id": self.unit_id, "name": self.buyer.name, "ocds_unit_from": self.buyer.field})
        if self.buyer.field != "buyer.id":
            row = self.where({"unit_id": self.unit_id, "name": self.buyer.name})
            self.out.note("units", row, f"buyer.id: missing; the unit is identified by {self.buyer.field}")

    def _planning(self) -> None:
        milestones = path(self.data, "planning", "milestones")
        for k, milestone in enumerate(milestones if isinstance(milestones, list) else []):
            step = MILESTONE_STEPS.get(str_at(milestone, "type") or "")
            if step is None or step[0] not in self.nodes:
                continue
            self._event(step[0], step[1], path(milestone, "dateMet"), f"planning.milestones[{k}].dateMet")

    def _event(
        self,
        step: str,
        action: str,
        value: object,
        field_path: str,
        amount: float | None = None,
        currency: str | None = None,
    ) -> None:
        occurred = iso_timestamp(value)
        row = {
            "event_id": f"{self.ocid}/events/{self.events}",
            "project_id": self.ocid,
            "node": self.nodes[step],
            "action": action,
            "unit_id": self.unit_id,
            "occurred_at": occurred,
            "amount": amount,
            "channel": "online",
            "note": field_path,
            "currency": currency,
        }
        self.events += 1
        if occurred is None:
            if value is not None:
                self.out.reject(
                    "approvals", self.where(row | {"occurred_at": repr(value)}), f"{field_path}: not an ISO 8601 date"
                )
            return
        self.out.add("approvals", row)

    def _active_awards(self) -> list[tuple[int, dict[str, Any]]]:
        return [(i, a) for i, a in enumerate(self.awards) if a.get("status") == "active"]

    def _tender(self) -> None:
        if not self.tender:
            return
        announced = self.tender.get("datePublished") or path(self.tender, "tenderPeriod", "startDate")
        announce_path = "tender.datePublished" if "datePublished" in self.tender else "tender.tenderPeriod.startDate"
        self._event("announce", "approve", announced, announce_path)
        amendments = path(self.tender, "amendments")
        for k, amendment in enumerate(amendments if isinstance(amendments, list) else []):
            self._event("announce", "change", path(amendment, "date"), f"tender.amendments[{k}].date")
        deadline = path(self.tender, "tenderPeriod", "endDate")
        self._event("close", "approve", deadline, "tender.tenderPeriod.endDate")
        self._event(
            "evaluate", "approve", path(self.tender, "awardPeriod", "startDate"), "tender.awardPeriod.startDate"
        )
        award_dates = []
        for i, award in self._active_awards():
            self._event("award", "approve", award.get("date"), f"awards[{i}].date")
            if iso_timestamp(award.get("date")):
                award_dates.append(award["date"])
        method = tender_method(self.tender)
        ceiling, currency = _amount(self.tender, "value", "amount")
        row = {
            "tender_id": self.ocid,
            "project_id": self.ocid,
            "method": method.value,
            "announced_at": iso_timestamp(announced),
            "bid_deadline": iso_timestamp(deadline),
            "opened_at": iso_timestamp(path(self.tender, "bidOpening", "date")),
            "awarded_at": min(award_dates) if award_dates else None,
            "ceiling_price": ceiling,
            "currency": currency,
            "ocds_tender_id": _id(self.tender.get("id")),
            "ocds_procurement_method": _text(self.tender.get("procurementMethod")),
            "ocds_procurement_method_details": _text(self.tender.get("procurementMethodDetails")),
            "method_mapped_by": method.mapped_by,
            **self._winner(),
        }
        if method.note is not None:
            self.out.note("tenders", self.where({"tender_id": self.ocid, "method": method.value}), method.note)
        self.out.add("tenders", row)

    def _winner(self) -> dict[str, Any]:
        active = self._active_awards()
        if len(active) != 1:
            return {"winner_company_id": None, "award_price": None, "award_currency": None}
        ids = _ids(active[0][1].get("suppliers"))
        price, currency = _amount(active[0][1], "value", "amount")
        return {
            "winner_company_id": ids[0] if len(ids) == 1 else None,
            "award_price": price,
            "award_currency": currency,
        }

    def _bids(self) -> None:
        details = path(self.data, "bids", "details")
        if not isinstance(details, list):
            return
        for i, bid in enumerate(details):
            field_path = f"bids.details[{i}]"
            if not isinstance(bid, dict):
                self.out.reject("bids", self.where({"bid": repr(bid)}), f"{field_path}: not an object")
                continue
            self._bid(i, bid, field_path)

    def _bid(self, i: int, bid: dict[str, Any], field_path: str) -> None:
        ids = _ids(bid.get("tenderers"))
        price, currency = _amount(bid, "value", "amount")
        status = bid.get("status")
        row = {
            "bid_id": f"{self.ocid}/bids/{i}",
            "tender_id": self.ocid,
            "company_id": ids[0] if len(ids) == 1 else None,
            "price": price,
            "submitted_at": iso_timestamp(bid.get("date")),
            "status": BID_STATUSES.get(status) if isinstance(status, str) else None,
            "currency": currency,
            "ocds_bid_id": _id(bid.get("id")),
        }
        if status == "invited":
            self.out.reject("bids", self.where(row), f"{field_path}.status: 'invited' is not a submitted bid")
        elif len(ids) != 1 or ids[0] is None:
            self.out.reject(
                "bids", self.where(row), f"{field_path}.tenderers: {len(ids)} tenderers, expected exactly 1 with an id"
            )
        elif price is None:
            found = path(bid, "value", "amount")
            self.out.reject("bids", self.where(row), f"{field_path}.value.amount: {_describe(found)}")
        else:
            self.out.add("bids", row)

    def _award_supplier(self, award_id: object) -> tuple[str | None, str]:
        for i, award in enumerate(self.awards):
            if award_id is not None and _id(award.get("id")) == _id(award_id):
                ids = _ids(award.get("suppliers"))
                if len(ids) == 1 and ids[0] is not None:
                    return ids[0], ""
                return None, f"awards[{i}].suppliers: {len(ids)} suppliers, expected exactly 1"
        return None, f"awardID {award_id!r} matches no award"

    def _contracts(self) -> list[tuple[int, dict[str, Any], str]]:
        contracts = self.data.get("contracts")
        kept: list[tuple[int, dict[str, Any], str]] = []
        if not isinstance(contracts, list):
            return kept
        for i, contract in enumerate(contracts):
            if not isinstance(contract, dict):
                continue
            field_path = f"contracts[{i}]"
            company, problem = self._award_supplier(contract.get("awardID"))
            amount, currency = _amount(contract, "value", "amount")
            contract_id = f"{self.ocid}/contracts/{i}"
            row = {
                "contract_id": contract_id,
                "project_id": self.ocid,
                "tender_id": self.ocid if self.tender else None,
                "company_id": company,
                "kind": "main",
                "signed_at": iso_timestamp(contract.get("dateSigned")),
                "amount": amount,
                "currency": currency,
                "ocds_contract_id": _id(contract.get("id")),
            }
            if company is None:
                self.out.reject("contracts", self.where(row), f"{field_path}.awardID: {problem}")
            elif amount is None:
                self.out.reject(
                    "contracts",
                    self.where(row),
                    f"{field_path}.value.amount: {_describe(path(contract, 'value', 'amount'))}",
                )
            else:
                self.out.add("contracts", row)
                kept.append((i, contract, contract_id))
            self._event("contract", "approve", contract.get("dateSigned"), f"{field_path}.dateSigned", amount, currency)
        return kept

    def _payments(self, contracts: list[tuple[int, dict[str, Any], str]]) -> None:
        for i, contract, contract_id in contracts:
            transactions = path(contract, "implementation", "transactions")
            for k, tx in enumerate(transactions if isinstance(transactions, list) else []):
                self._payment(f"contracts[{i}].implementation.transactions[{k}]", tx, contract_id, k)

    def _payment(self, field_path: str, tx: object, contract_id: str, k: int) -> None:
        amount, currency = _amount(tx, "value", "amount")
        amount_path = f"{field_path}.value.amount"
        if amount is None and path(tx, "value") is None:  # OCDS 1.0 spelled it amount.amount
            amount, currency = _amount(tx, "amount", "amount")
            amount_path = f"{field_path}.amount.amount"
        payee = _id(path(tx, "payee", "id")) or _id(path(tx, "receiverOrganization", "id"))
        paid_at = iso_timestamp(path(tx, "date"))
        row = {
            "payment_id": f"{contract_id}/payments/{k}",
            "project_id": self.ocid,
            "contract_id": contract_id,
            "kind": "other",
            "amount": amount,
            "paid_at": paid_at,
            "payee_company_id": payee,
            "currency": currency,
        }
        if amount is None:
            self.out.reject(
                "payments", self.where(row), f"{amount_path}: {_describe(path(tx, *amount_path.rsplit('.', 2)[-2:]))}"
            )
        elif paid_at is None:
            self.out.reject("payments", self.where(row), f"{field_path}.date: missing or not an ISO 8601 date")
        else:
            self.out.add("payments", row)
            self._event("pay", "approve", paid_at, f"{field_path}.date", amount, currency)

    def _parties(self) -> None:
        """Companies: every party that bid or supplied, and every id the rows above refer to."""
        referenced = {
            row[col]
            for table, col in (
                ("bids", "company_id"),
                ("contracts", "company_id"),
                ("tenders", "winner_company_id"),
                ("payments", "payee_company_id"),
            )
            for row in self.out.rows.get(table, [])
            if row.get(col)
        }
        parties = self.data.get("parties")
        seen: set[str] = set()
        for party in parties if isinstance(parties, list) else []:
            party_id = _id(path(party, "id"))
            roles = path(party, "roles")
            is_company = isinstance(roles, list) and bool(
                {"tenderer", "supplier", "payee"} & set(r for r in roles if isinstance(r, str))
            )
            if party_id is None or not (is_company or party_id in referenced) or party_id in seen:
                continue
            seen.add(party_id)
            self.out.add("companies", _company(party_id, party))
        for company_id in sorted(referenced - seen):
            self.out.add("companies", {"company_id": company_id})


def _company(party_id: str, party: dict[str, Any]) -> dict[str, Any]:
    scheme = str_at(party, "identifier", "scheme") or ""
    return {
        "company_id": party_id,
        "name": str_at(party, "name"),
        "credit_code": str_at(party, "identifier", "id") if scheme.upper().startswith("CN") else None,
        "address": str_at(party, "address", "streetAddress"),
        "phone": str_at(party, "contactPoint", "telephone"),
        "email": str_at(party, "contactPoint", "email"),
        "identifier_scheme": scheme or None,
        "identifier_id": str_at(party, "identifier", "id"),
    }
