"""Request and response models of the API (what /docs shows)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field

from yunshao.contract.schema import OUTCOMES

T = TypeVar("T")


class RuleHit(BaseModel):
    """A warning: the rule that fired, its evidence and the guide (核查指引) to check it."""

    warning_id: str
    entity_type: str
    entity_id: str
    rule_id: str
    severity: Literal["red", "yellow"]
    evidence: Any = Field(description="what the rule saw (JSON)")
    guide: str | None = Field(default=None, description="核查指引: what to check and how")
    project_id: str | None = None
    scheme: str | None = None
    post_id: str | None = None


class Factor(BaseModel):
    """One of the factors that moved the score most (SHAP value with a model, exact share without)."""

    feature: str
    feature_zh: str | None = None
    feature_en: str | None = None
    value: float | None = None
    contribution: float


class ScoreResult(BaseModel):
    project_id: str
    risk_score: float | None = Field(description="0–100, higher is riskier")
    level: Literal["red", "yellow", "green"] | None
    anomaly_score: float | None
    model_score: float | None = Field(description="null when no model is loaded")
    rule_hits: list[RuleHit]
    top_factors: list[Factor]
    model_version: str | None = None


class ScoreBatch(BaseModel):
    count: int
    results: list[ScoreResult]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int


class WarningItem(RuleHit):
    project_name: str | None = None
    domain: str | None = None
    unit_id: str | None = None
    unit_name: str | None = None
    risk_score: float | None = None
    level: str | None = None
    last_event_at: str | None = Field(default=None, description="latest trail event of the project")


class FeedbackIn(BaseModel):
    """The outcome of checking a warning, project, post or tender."""

    entity_type: Literal["project", "post", "tender", "warning"]
    entity_id: str = Field(min_length=1, max_length=200)
    outcome: Literal[OUTCOMES]  # type: ignore[valid-type]
    scheme: str | None = Field(default=None, max_length=100, description="scheme code, e.g. bid_rigging")
    note: str | None = Field(default=None, max_length=4000)
    who: str | None = Field(default=None, max_length=200, description="the inspector; default: the key's name")
    decided_at: dt.datetime | None = Field(default=None, description="default: now (local: engine.timezone)")
    client_key: str = Field(
        min_length=8, max_length=128, description="idempotency key: a retry with the same key stores nothing new"
    )


class FeedbackOut(BaseModel):
    feedback_id: int
    client_key: str
    entity_type: str
    entity_id: str
    warning_id: str | None
    outcome: str
    scheme: str | None
    note: str | None
    who: str
    key_id: str
    decided_at: str
    received_at: str
    created: bool = Field(description="false when this client key had already been stored")


class FeedbackItem(BaseModel):
    """A stored outcome (a label of the next run), as ``GET /v1/feedback`` lists and exports it.

    Feedback on a warning is stored on its project, with ``warning_id`` naming the warning.
    """

    feedback_id: int
    client_key: str = Field(description="the idempotency key it was sent with")
    entity_type: str = Field(description="project, post, tender, or warning (a warning that concerns no project)")
    entity_id: str
    warning_id: str | None
    outcome: str = Field(description="confirmed, partial or unfounded")
    scheme: str | None = Field(description="scheme code, e.g. bid_rigging")
    note: str | None
    who: str = Field(description="the inspector who decided")
    key_id: str = Field(description="id of the API key that sent it (`system` for an automatic one)")
    decided_at: str = Field(description="when the outcome was decided (naive local time, ISO 8601)")
    received_at: str = Field(description="when the API stored it (UTC, ISO 8601)")
    case_id: int | None = Field(description="the case whose verdict this is; null for feedback sent directly")


class FeedbackQuery(BaseModel):
    """The filters of ``GET /v1/feedback`` and its export (query parameters; every one optional)."""

    entity_type: Literal["project", "post", "tender", "warning"] | None = Field(
        default=None, description="feedback on a warning is stored on its project: filter on `warning_id` for it"
    )
    entity_id: str | None = Field(default=None, min_length=1, max_length=200)
    warning_id: str | None = Field(default=None, min_length=1, max_length=200, description="the warning checked")
    outcome: Literal[OUTCOMES] | None = None  # type: ignore[valid-type]
    scheme: str | None = Field(default=None, min_length=1, max_length=100, description="scheme code")
    case_id: int | None = Field(default=None, ge=1, le=2**31, description="the case whose verdict it is")
    who: str | None = Field(default=None, min_length=1, max_length=200, description="the inspector")
    since: dt.datetime | None = Field(default=None, description="decided at or after (no offset: local time)")
    until: dt.datetime | None = Field(default=None, description="decided before (no offset: local time)")


class ProjectDetail(BaseModel):
    project: dict[str, Any] = Field(description="the project's columns, its unit and its latest scores")
    trail: list[dict[str, Any]] = Field(description="the trail (行权轨迹), oldest first")
    tenders: list[dict[str, Any]]
    warnings: list[RuleHit]
    feedback: list[dict[str, Any]]


class PostDetail(BaseModel):
    post: dict[str, Any]
    holders: list[dict[str, Any]]
    projects: list[dict[str, Any]]
    warnings: list[RuleHit]


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    store: str
    scoring: bool
    model_version: str | None
    notes: list[str]


class CaseItem(BaseModel):
    """A case: one warning (or one red project without a warning) followed to its close."""

    case_id: int
    subject: str = Field(description="warning:<warning_id> or project:<project_id>")
    warning_id: str | None
    project_id: str | None
    unit_id: str | None
    region: str | None
    rule_id: str | None
    severity: str
    scheme: str | None
    title: str | None
    state: Literal["new", "assigned", "checking", "confirmed", "partial", "unfounded", "rectifying", "closed"]
    firing: bool = Field(description="false when the latest run no longer raises the warning")
    assigned_unit: str | None
    inspector: str | None
    deadline: str | None = Field(description="date the check is due (YYYY-MM-DD)")
    verdict: str | None
    measures: str | None = Field(description="rectification measures (整改措施)")
    rectify_deadline: str | None
    closing_evidence: str | None = Field(description="evidence of rectification given at 销号")
    escalation: int = Field(description="0 none, 1 reminded, 2 escalated to the unit's superior")
    escalated_to: str | None
    created_at: str
    updated_at: str
    version: int = Field(description="send it back with a transition to refuse a stale one (409)")


class CaseEvent(BaseModel):
    event_id: int
    at: str
    action: str
    from_state: str | None
    to_state: str | None
    who: str
    key_id: str | None
    detail: dict[str, Any]


class CaseDetail(CaseItem):
    history: list[CaseEvent]


class TransitionIn(BaseModel):
    """A step of the lifecycle; each action takes its own fields (docs/cases.md)."""

    model_config = {"extra": "forbid"}

    action: Literal["assign", "check", "verdict", "rectify", "close"]
    assigned_unit: str | None = Field(default=None, min_length=1, max_length=200, description="assign: 督办单位")
    inspector: str | None = Field(default=None, min_length=1, max_length=200, description="assign: 核查人")
    deadline: dt.date | None = Field(default=None, description="assign: check due by (not in the past)")
    verdict: Literal[OUTCOMES] | None = Field(default=None, description="verdict: the check's outcome")  # type: ignore[valid-type]
    scheme: str | None = Field(default=None, max_length=100, description="verdict: scheme code, e.g. bid_rigging")
    measures: str | None = Field(default=None, min_length=1, max_length=4000, description="rectify: 整改措施")
    rectify_deadline: dt.date | None = Field(default=None, description="rectify: rectification due by")
    closing_evidence: str | None = Field(
        default=None, min_length=1, max_length=4000, description="close: evidence of rectification (销号依据)"
    )
    note: str | None = Field(default=None, max_length=4000)
    version: int | None = Field(default=None, ge=1, le=2**31, description="the version the caller read")

    def fields(self) -> dict[str, Any]:
        return self.model_dump(exclude={"action", "version"}, exclude_none=True)
