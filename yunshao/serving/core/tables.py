"""The tables of the case store: keys, sessions, feedback, the audit log, cases and their history, webhooks.

Declared once here with SQLAlchemy Core; the Alembic migrations (``serving/migrations``) create them on
SQLite or PostgreSQL, and every module that reads or writes them imports the ``Table`` objects from here.
Times are ISO 8601 text in UTC (``at``, ``created_at``…) or naive local time (``decided_at``, deadlines),
as the contract's own timestamps are; text keeps SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, MetaData, String, Table, Text, true

metadata = MetaData()

api_keys = Table(
    "api_keys",
    metadata,
    Column("key_id", String(32), primary_key=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("revoked_at", String(40)),
    Column("scope", Text, nullable=False, server_default="[]"),  # JSON list of unit ids and regions; [] = all
)

login_sessions = Table(
    "login_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),  # SHA-256 of the cookie's random id
    Column("key_id", String(32), ForeignKey("api_keys.key_id"), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Column("revoked_at", String(40)),
)

feedback = Table(
    "feedback",
    metadata,
    Column("feedback_id", Integer, primary_key=True, autoincrement=True),
    Column("client_key", Text, nullable=False, unique=True),
    Column("entity_type", Text, nullable=False),
    Column("entity_id", Text, nullable=False),
    Column("warning_id", Text),
    Column("outcome", Text, nullable=False),
    Column("scheme", Text),
    Column("note", Text),
    Column("who", Text, nullable=False),
    Column("key_id", Text, nullable=False),
    Column("decided_at", Text, nullable=False),
    Column("received_at", Text, nullable=False),
    Column("payload_sha256", Text, nullable=False),
    Column("case_id", Integer),  # the case whose verdict this is (None for feedback sent without a case)
    Index("feedback_entity", "entity_type", "entity_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("audit_id", Integer, primary_key=True, autoincrement=True),
    Column("at", Text, nullable=False),
    Column("key_id", Text, nullable=False),
    Column("key_name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("entity_type", Text, nullable=False),
    Column("entity_id", Text, nullable=False),
    Column("path", Text, nullable=False),
    Index("audit_entity", "entity_type", "entity_id"),
)

cases = Table(
    "cases",
    metadata,
    Column("case_id", Integer, primary_key=True, autoincrement=True),
    Column("subject", String(200), nullable=False, unique=True),  # warning:<warning_id> or project:<project_id>
    Column("warning_id", Text),
    Column("project_id", Text),
    Column("unit_id", Text),
    Column("region", Text),
    Column("rule_id", Text),
    Column("severity", String(16), nullable=False),
    Column("scheme", Text),
    Column("title", Text),
    Column("state", String(16), nullable=False),
    Column("firing", Boolean, nullable=False),  # did the latest run still raise the warning / the red level
    Column("first_run_id", Text),
    Column("last_run_id", Text),
    Column("assigned_unit", Text),
    Column("inspector", Text),
    Column("deadline", Text),
    Column("verdict", String(16)),
    Column("measures", Text),
    Column("rectify_deadline", Text),
    Column("closing_evidence", Text),
    Column("escalation", Integer, nullable=False, server_default="0"),  # 0 none, 1 reminded, 2 superior
    Column("escalated_to", Text),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    Index("cases_state", "state"),
    Index("cases_unit", "unit_id"),
    Index("cases_project", "project_id"),
)

case_events = Table(
    "case_events",
    metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.case_id"), nullable=False),
    Column("at", Text, nullable=False),
    Column("action", String(32), nullable=False),
    Column("from_state", String(16)),
    Column("to_state", String(16)),
    Column("key_id", Text),
    Column("who", Text, nullable=False),
    Column("detail", Text, nullable=False, server_default="{}"),  # JSON: the transition's fields
    Index("case_events_case", "case_id"),
)

synced_runs = Table(
    "synced_runs",
    metadata,
    Column("sync_id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False),
    Column("synced_at", Text, nullable=False),
    Column("opened", Integer, nullable=False),
    Column("refired", Integer, nullable=False),
    Column("stopped", Integer, nullable=False),
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("webhook_id", Integer, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False),
    Column("secret", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("active", Boolean, nullable=False, server_default=true()),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("delivery_id", Integer, primary_key=True, autoincrement=True),
    Column("webhook_id", Integer, ForeignKey("webhooks.webhook_id"), nullable=False),
    Column("event_id", Integer, ForeignKey("case_events.event_id"), nullable=False),
    Column("body", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_at", Text, nullable=False),
    Column("delivered_at", Text),
    Column("last_error", Text),
    Index("webhook_deliveries_due", "delivered_at", "next_at"),
)
