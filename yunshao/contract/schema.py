"""The trail contract (../shared/contract.md, v1) declared once.

Loading, validation, quarantine, the simulator and the API's body models all derive from this
declaration, so a change to the contract is a change to this file alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from yunshao.domains.catalog import shipped_domains


class Kind(StrEnum):
    """How a column's text is read and checked."""

    ID = "id"
    TEXT = "text"
    AMOUNT = "amount"  # yuan, decimal, never negative unless the column declares `negative_where`
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    TIMESTAMP = "timestamp"  # ISO 8601, no zone = Asia/Shanghai local time
    DATE = "date"  # YYYY-MM-DD
    MONTH = "month"  # YYYY-MM
    ENUM = "enum"


#: DuckDB type each kind is stored as after validation.
DUCKDB_TYPE: dict[Kind, str] = {
    Kind.ID: "VARCHAR",
    Kind.TEXT: "VARCHAR",
    Kind.AMOUNT: "DOUBLE",
    Kind.NUMBER: "DOUBLE",
    Kind.INTEGER: "BIGINT",
    Kind.BOOLEAN: "BOOLEAN",
    Kind.TIMESTAMP: "TIMESTAMP",
    Kind.DATE: "DATE",
    Kind.MONTH: "VARCHAR",
    Kind.ENUM: "VARCHAR",
}


def arrow_type(kind: Kind) -> Any:
    """The Arrow type a column of this kind is written as (simulator output, API bundles)."""
    import pyarrow as pa

    return {
        Kind.ID: pa.string(),
        Kind.TEXT: pa.string(),
        Kind.ENUM: pa.string(),
        Kind.MONTH: pa.string(),
        Kind.AMOUNT: pa.float64(),
        Kind.NUMBER: pa.float64(),
        Kind.INTEGER: pa.int64(),
        Kind.BOOLEAN: pa.bool_(),
        Kind.TIMESTAMP: pa.timestamp("us"),
        Kind.DATE: pa.date32(),
    }[kind]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT
    required: bool = False
    values: tuple[str, ...] = ()  # allowed values of an ENUM
    references: str | None = None  # "table.column" the value must resolve to
    minimum: float | None = None
    maximum: float | None = None
    #: (column, values): negative only on rows whose ``column`` holds one of ``values``, otherwise refused
    #: as below 0 (the contract's normal reductions: 核减 change orders, clawbacks); see ``contract/signs.py``
    negative_where: tuple[str, tuple[str, ...]] | None = None

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPE[self.kind]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # primary key; duplicates after the first are quarantined
    required: bool = False  # a dataset must hold this table
    zh: str = ""
    en: str = ""
    extra_checks: tuple[str, ...] = field(default=())  # names of cross-table checks in references.py

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def ddl(self) -> str:
        """The column list of ``CREATE TABLE`` for an empty table of this shape (a stand-in, a schema probe)."""
        return ", ".join(f'"{c.name}" {c.duckdb_type}' for c in self.columns)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name}")


#: Node codes of each project domain, in their legal order: derived from the shipped power-item
#: declarations (yunshao/domains/catalog/*.yaml, docs/domains.md), never listed here. A run with the user's
#: own declarations widens these (yunshao.domains.contract.activate) so the enums below follow.
NODES_BY_DOMAIN: dict[str, dict[str, tuple[str, str]]] = shipped_domains().nodes_by_domain()
CONSTRUCTION_NODES: dict[str, tuple[str, str]] = NODES_BY_DOMAIN["construction"]
INVESTMENT_NODES: dict[str, tuple[str, str]] = NODES_BY_DOMAIN["investment"]
LAND_NODES: dict[str, tuple[str, str]] = NODES_BY_DOMAIN["land"]
PROCUREMENT_NODES: dict[str, tuple[str, str]] = NODES_BY_DOMAIN["procurement"]
SUBSIDY_NODES: dict[str, tuple[str, str]] = NODES_BY_DOMAIN["subsidy"]
HOUSING_NODES: dict[str, tuple[str, str]] = NODES_BY_DOMAIN["housing"]
ASSETS_NODES: dict[str, tuple[str, str]] = NODES_BY_DOMAIN["assets"]
FUNDS_NODES: dict[str, tuple[str, str]] = NODES_BY_DOMAIN["funds"]
FINANCE_NODES: dict[str, tuple[str, str]] = NODES_BY_DOMAIN["finance"]
ALL_NODES: dict[str, tuple[str, str]] = {k: v for nodes in NODES_BY_DOMAIN.values() for k, v in nodes.items()}

DOMAINS = tuple(NODES_BY_DOMAIN)
UNIT_KINDS = ("township", "development_zone", "department", "soe", "village")
RELATION_KINDS = ("spouse", "kin", "in_law", "classmate", "former_colleague", "other")
PROJECT_STATUSES = ("ongoing", "completed", "cancelled")
ACTIONS = ("submit", "approve", "reject", "return", "change", "withdraw")
CHANNELS = ("online", "offline")
TENDER_METHODS = (
    "open",
    "invited",
    "competitive_negotiation",
    "competitive_consultation",
    "inquiry",
    "single_source",
    "direct_award",
)
BID_STATUSES = ("valid", "disqualified", "withdrawn")
COMPANY_ROLES = ("legal_rep", "shareholder", "director", "supervisor", "manager", "employee")
CONTRACT_KINDS = ("main", "supplement")
PAYMENT_KINDS = ("advance", "progress", "settlement", "compensation", "subsidy", "other")
PERSON_STATUSES = ("living", "deceased", "moved_away")
HOUSEHOLD_ROLES = ("head", "member")
ASSET_KINDS = ("land", "pond", "forest", "building", "shop", "other")
LEASE_METHODS = ("auction", "public_listing", "negotiated")
EXPENSE_KINDS = ("meals", "travel", "office", "other")
DOCUMENT_KINDS = ("technical", "commercial", "price_list", "qualification", "other")
#: Where the contract allows a negative amount: a change node's reduction of the works (核减) and a
#: clawback (追回), a payment of kind `other`.
CHANGE_NODES = ("C17",)
CLAWBACK_KINDS = ("other",)
LABEL_ENTITIES = ("project", "post", "tender")
#: The misconduct schemes yunshao plants, detects and reports per scheme. ``labels.scheme`` is free text (a
#: county may use its own codes); these are the codes the simulator, rules and pages share.
SCHEMES = (
    "bid_rigging",
    "qualification_borrowing",
    "tender_avoidance",
    "tender_splitting",
    "build_before_approval",
    "settlement_inflation",
    "self_approval",
    "relative_favour",
    "payout_unmet_promise",
    "land_appraisal_inflation",
    # township power items (contract v1.1): rural housing, collective assets, special funds, finance
    "homestead_second_plot",
    "homestead_over_area",
    "housing_relative",
    "lease_below_value",
    "lease_no_bidding",
    "lease_relative",
    "fund_deceased",
    "fund_ineligible",
    "fund_twice",
    "fund_relative",
    "invoice_splitting",
    "duplicate_invoice",
    "holiday_banquet",
    "expense_self_approval",
)
#: Schemes firms commit against the county, with or without an official's help; every other scheme is
#: committed by an official from a post: what a corrupt post's holders do.
FIRM_SCHEMES = ("bid_rigging", "qualification_borrowing")
OFFICIAL_SCHEMES = tuple(s for s in SCHEMES if s not in FIRM_SCHEMES)
OUTCOMES = ("confirmed", "unfounded", "partial")

ID, TX, AMT, NUM, INT, BOOL, TS, DAY, MON, ENUM = (
    Kind.ID,
    Kind.TEXT,
    Kind.AMOUNT,
    Kind.NUMBER,
    Kind.INTEGER,
    Kind.BOOLEAN,
    Kind.TIMESTAMP,
    Kind.DATE,
    Kind.MONTH,
    Kind.ENUM,
)


def _c(name: str, kind: Kind = TX, req: bool = False, **kw: object) -> Column:
    return Column(name, kind, req, **kw)  # type: ignore[arg-type]


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "units",
            (
                _c("unit_id", ID, True),
                _c("name"),
                _c("kind", ENUM, values=UNIT_KINDS),
                _c("parent_unit_id", ID, references="units.unit_id"),
                _c("region"),
            ),
            key=("unit_id",),
            zh="单位",
            en="units",
        ),
        Table(
            "people",
            (
                _c("person_id", ID, True),
                _c("name"),
                _c("id_hash"),
                _c("status", ENUM, values=PERSON_STATUSES),  # v1.1, where the register has it
                _c("died_on", DAY),  # v1.1
            ),
            key=("person_id",),
            zh="人员",
            en="people",
        ),
        Table(
            "posts",
            (
                _c("post_id", ID, True),
                _c("unit_id", ID, True, references="units.unit_id"),
                _c("title"),
                _c("is_head", BOOL),
                _c("level"),
            ),
            key=("post_id",),
            zh="岗位",
            en="posts",
        ),
        Table(
            "assignments",
            (
                _c("person_id", ID, True, references="people.person_id"),
                _c("post_id", ID, True, references="posts.post_id"),
                _c("start_date", DAY, True),
                _c("end_date", DAY),
            ),
            key=("person_id", "post_id", "start_date"),
            zh="任职",
            en="assignments",
        ),
        Table(
            "relations",
            (
                _c("person_id_a", ID, True, references="people.person_id"),
                _c("person_id_b", ID, True, references="people.person_id"),
                _c("kind", ENUM, values=RELATION_KINDS),
            ),
            key=("person_id_a", "person_id_b", "kind"),
            zh="关系",
            en="relations",
        ),
        Table(
            "projects",
            (
                _c("project_id", ID, True),
                _c("domain", ENUM, True, values=DOMAINS),
                _c("unit_id", ID, True, references="units.unit_id"),
                _c("name"),
                _c("category"),
                _c("budget_amount", AMT, minimum=0),
                _c("approved_at", TS),
                _c("planned_start", DAY),
                _c("planned_end", DAY),
                _c("parent_project_id", ID, references="projects.project_id"),
                _c("status", ENUM, values=PROJECT_STATUSES),
            ),
            key=("project_id",),
            required=True,
            zh="项目",
            en="projects",
        ),
        Table(
            "approvals",
            (
                _c("event_id", ID, True),
                _c("project_id", ID, True, references="projects.project_id"),
                _c("node", ENUM, True, values=tuple(ALL_NODES)),
                _c("action", ENUM, True, values=ACTIONS),
                _c("person_id", ID, references="people.person_id"),
                _c("post_id", ID, references="posts.post_id"),
                _c("unit_id", ID, references="units.unit_id"),
                _c("occurred_at", TS, True),
                _c("amount", AMT, negative_where=("node", CHANGE_NODES)),
                _c("channel", ENUM, values=CHANNELS),
                _c("note"),
            ),
            key=("event_id",),
            required=True,
            zh="审批轨迹",
            en="approvals",
            extra_checks=("node_matches_domain",),
        ),
        Table(
            "tenders",
            (
                _c("tender_id", ID, True),
                _c("project_id", ID, True, references="projects.project_id"),
                _c("method", ENUM, True, values=TENDER_METHODS),
                _c("announced_at", TS),
                _c("bid_deadline", TS),
                _c("opened_at", TS),
                _c("awarded_at", TS),
                _c("ceiling_price", AMT, minimum=0),
                _c("winner_company_id", ID, references="companies.company_id"),
                _c("award_price", AMT, minimum=0),
                _c("agency_company_id", ID, references="companies.company_id"),
            ),
            key=("tender_id",),
            zh="招标",
            en="tenders",
        ),
        Table(
            "bids",
            (
                _c("bid_id", ID, True),
                _c("tender_id", ID, True, references="tenders.tender_id"),
                _c("company_id", ID, True, references="companies.company_id"),
                _c("price", AMT, True, minimum=0),
                _c("submitted_at", TS),
                _c("ip_address"),
                _c("mac_address"),
                _c("device_id"),
                _c("doc_author"),
                _c("doc_hash"),
                _c("deposit_account"),
                _c("project_manager_id", ID, references="people.person_id"),
                _c("tech_lead_id", ID, references="people.person_id"),
                _c("safety_lead_id", ID, references="people.person_id"),
                _c("status", ENUM, values=BID_STATUSES),
                _c("agent_person_id", ID, references="people.person_id"),  # v1.1: the agent or broker who handled it
            ),
            key=("bid_id",),
            zh="投标",
            en="bids",
        ),
        Table(
            "companies",
            (
                _c("company_id", ID, True),
                _c("name"),
                _c("credit_code"),
                _c("legal_rep_id", ID, references="people.person_id"),
                _c("registered_at", TS),
                _c("registered_capital", AMT, minimum=0),
                _c("address"),
                _c("phone"),
                _c("email"),
                _c("blacklisted_until", DAY),
            ),
            key=("company_id",),
            zh="企业",
            en="companies",
        ),
        Table(
            "company_people",
            (
                _c("company_id", ID, True, references="companies.company_id"),
                _c("person_id", ID, True, references="people.person_id"),
                _c("role", ENUM, True, values=COMPANY_ROLES),
                _c("share_pct", NUM, minimum=0, maximum=100),
                _c("since", DAY),
                _c("until", DAY),
            ),
            key=("company_id", "person_id", "role", "since"),
            zh="企业人员",
            en="company people",
        ),
        Table(
            "certificates",
            (
                _c("cert_id", ID, True),
                _c("person_id", ID, True, references="people.person_id"),
                _c("cert_type"),
                _c("registered_company_id", ID, True, references="companies.company_id"),
                _c("valid_from", DAY),
                _c("valid_to", DAY),
            ),
            key=("cert_id",),
            zh="执业证书",
            en="certificates",
        ),
        Table(
            "social_insurance",
            (
                _c("person_id", ID, True, references="people.person_id"),
                _c("company_id", ID, True, references="companies.company_id"),
                _c("month", MON, True),
            ),
            key=("person_id", "company_id", "month"),
            zh="社保缴纳",
            en="social insurance",
        ),
        Table(
            "contracts",
            (
                _c("contract_id", ID, True),
                _c("project_id", ID, True, references="projects.project_id"),
                _c("tender_id", ID, references="tenders.tender_id"),
                _c("company_id", ID, True, references="companies.company_id"),
                _c("kind", ENUM, values=CONTRACT_KINDS),
                _c("signed_at", TS),
                _c("amount", AMT, True, minimum=0),
            ),
            key=("contract_id",),
            zh="合同",
            en="contracts",
        ),
        Table(
            "payments",
            (
                _c("payment_id", ID, True),
                _c("project_id", ID, True, references="projects.project_id"),
                _c("contract_id", ID, references="contracts.contract_id"),
                _c("kind", ENUM, values=PAYMENT_KINDS),
                _c("amount", AMT, True, negative_where=("kind", CLAWBACK_KINDS)),
                _c("paid_at", TS, True),
                _c("payee_company_id", ID, references="companies.company_id"),
                _c("payee_account"),
                _c("person_id", ID, references="people.person_id"),
            ),
            key=("payment_id",),
            zh="支付",
            en="payments",
        ),
        Table(
            "settlements",
            (
                _c("project_id", ID, True, references="projects.project_id"),
                _c("submitted_amount", AMT, minimum=0),
                _c("audited_amount", AMT, minimum=0),
                _c("settled_at", TS),
            ),
            key=("project_id",),
            zh="结算",
            en="settlements",
        ),
        Table(
            "agreements",
            (
                _c("agreement_id", ID, True),
                _c("project_id", ID, True, references="projects.project_id"),
                _c("company_id", ID, True, references="companies.company_id"),
                _c("signed_at", TS),
                _c("promised_investment", AMT, minimum=0),
                _c("promised_tax_annual", AMT, minimum=0),
                _c("promised_jobs", INT, minimum=0),
                _c("deadline", DAY),
            ),
            key=("agreement_id",),
            zh="招商协议",
            en="agreements",
        ),
        Table(
            "performance",
            (
                _c("agreement_id", ID, True, references="agreements.agreement_id"),
                _c("year", INT, True, minimum=1900, maximum=2200),
                _c("actual_investment", AMT, minimum=0),
                _c("actual_tax", AMT, minimum=0),
                _c("actual_jobs", INT, minimum=0),
            ),
            key=("agreement_id", "year"),
            zh="履约情况",
            en="performance",
        ),
        Table(
            "land_parcels",
            (
                _c("parcel_id", ID, True),
                _c("project_id", ID, True, references="projects.project_id"),
                _c("area_m2", AMT, minimum=0),
                _c("appraised_value", AMT, minimum=0),
                _c("appraiser_company_id", ID, references="companies.company_id"),
                _c("agreed_price", AMT, minimum=0),
                _c("seller_id", ID),
            ),
            key=("parcel_id",),
            zh="地块",
            en="land parcels",
        ),
        # ---- contract v1.1, optional: the bid files themselves (issue 15) ----
        Table(
            "bid_documents",
            (
                _c("document_id", ID, True),
                _c("bid_id", ID, True, references="bids.bid_id"),
                _c("path", TX, True),  # relative to the dataset folder: .docx, .pdf or .txt
                _c("kind", ENUM, values=DOCUMENT_KINDS),
            ),
            key=("document_id",),
            zh="投标文件",
            en="bid documents",
            extra_checks=("document_path",),  # inside the dataset folder, .docx/.pdf/.txt, present
        ),
        Table(
            "tender_documents",
            (
                _c("tender_id", ID, True, references="tenders.tender_id"),
                _c("path", TX, True),  # relative to the dataset folder: .docx, .pdf or .txt
            ),
            key=("tender_id", "path"),
            zh="招标文件",
            en="tender documents",
            extra_checks=("document_path",),  # inside the dataset folder, .docx/.pdf/.txt, present
        ),
        # ---- contract v1.1, optional: township power items (issue 18). Each application, lease, fund
        # programme and expense claim is a project of its domain with its approval trail. ----
        Table(
            "households",
            (
                _c("household_id", ID, True),
                _c("person_id", ID, True, references="people.person_id"),
                _c("role", ENUM, values=HOUSEHOLD_ROLES),
                _c("village_unit_id", ID, references="units.unit_id"),
                _c("joined_on", DAY),
                _c("left_on", DAY),
            ),
            key=("household_id", "person_id"),
            zh="户籍",
            en="households",
        ),
        Table(
            "housing_applications",
            (
                _c("application_id", ID, True),
                _c("project_id", ID, True, references="projects.project_id"),
                _c("applicant_person_id", ID, True, references="people.person_id"),
                _c("household_id", ID),
                _c("village_unit_id", ID, references="units.unit_id"),
                _c("plot_area_m2", NUM, minimum=0),
                _c("existing_homes", INT, minimum=0),
                _c("approved_area_m2", NUM, minimum=0),
                _c("reason"),
            ),
            key=("application_id",),
            zh="农房审批",
            en="housing applications",
        ),
        Table(
            "collective_assets",
            (
                _c("asset_id", ID, True),
                _c("village_unit_id", ID, True, references="units.unit_id"),
                _c("kind", ENUM, values=ASSET_KINDS),
                _c("name"),
                _c("area_m2", NUM, minimum=0),
                _c("appraised_rent", AMT, minimum=0),  # yuan a year
                _c("appraised_at", DAY),
            ),
            key=("asset_id",),
            zh="集体资产",
            en="collective assets",
        ),
        Table(
            "asset_leases",
            (
                _c("lease_id", ID, True),
                _c("project_id", ID, True, references="projects.project_id"),
                _c("asset_id", ID, True, references="collective_assets.asset_id"),
                _c("lessee_person_id", ID, references="people.person_id"),
                _c("lessee_company_id", ID, references="companies.company_id"),
                _c("rent", AMT, minimum=0),  # yuan a year
                _c("start_date", DAY),
                _c("term_years", NUM, minimum=0),
                _c("method", ENUM, values=LEASE_METHODS),
                _c("assembly_approved", BOOL),
                _c("renews_lease_id", ID, references="asset_leases.lease_id"),
            ),
            key=("lease_id",),
            zh="资产发包租赁",
            en="asset leases",
        ),
        Table(
            "fund_programmes",
            (
                _c("programme_id", ID, True),
                _c("project_id", ID, True, references="projects.project_id"),
                _c("name"),
                _c("kind"),
                _c("area_unit_id", ID, references="units.unit_id"),  # the township or village it serves
                _c("max_income_band", INT, minimum=0),
                _c("amount_per_beneficiary", AMT, minimum=0),
            ),
            key=("programme_id",),
            zh="专项资金项目",
            en="fund programmes",
        ),
        Table(
            "fund_payments",
            (
                _c("payment_id", ID, True),
                _c("programme_id", ID, True, references="fund_programmes.programme_id"),
                _c("beneficiary_person_id", ID, True, references="people.person_id"),
                _c("amount", AMT, True, minimum=0),
                _c("paid_at", TS, True),
                _c("approver_person_id", ID, references="people.person_id"),
                _c("residence_unit_id", ID, references="units.unit_id"),
                _c("income_band", INT, minimum=0),
            ),
            key=("payment_id",),
            zh="专项资金发放",
            en="fund payments",
        ),
        Table(
            "expenses",
            (
                _c("expense_id", ID, True),
                _c("project_id", ID, True, references="projects.project_id"),  # the claim
                _c("unit_id", ID, references="units.unit_id"),
                _c("invoice_number"),
                _c("issuer"),
                _c("amount", AMT, True, minimum=0),
                _c("kind", ENUM, values=EXPENSE_KINDS),
                _c("claimant_person_id", ID, references="people.person_id"),
                _c("approver_person_id", ID, references="people.person_id"),
                _c("spent_on", DAY),
                _c("paid_at", TS),
                _c("headcount", INT, minimum=0),
                _c("purpose"),
            ),
            key=("expense_id",),
            zh="财务报销",
            en="expenses",
        ),
        Table(
            "labels",
            (
                _c("entity_type", ENUM, True, values=LABEL_ENTITIES),
                _c("entity_id", ID, True),
                _c("outcome", ENUM, True, values=OUTCOMES),
                _c("scheme"),
                _c("decided_at", TS),
            ),
            key=("entity_type", "entity_id", "scheme"),
            zh="核查结论",
            en="labels",
            extra_checks=("label_entity_resolves",),
        ),
    )
}


def load_order() -> list[str]:
    """Tables ordered so that every referenced table is validated before the tables that point at it."""
    order: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in order or name in path:
            return
        for col in TABLES[name].columns:
            if col.references:
                visit(col.references.split(".")[0], (*path, name))
        order.append(name)

    for name in TABLES:
        visit(name, ())
    return order
