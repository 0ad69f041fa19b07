"""The inspectors' workbench: cases and their history, key scopes, login sessions, webhooks.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("scope", sa.Text, nullable=False, server_default="[]"))
    with op.batch_alter_table("feedback") as batch:
        batch.add_column(sa.Column("case_id", sa.Integer))
    op.create_table(
        "login_sessions",
        sa.Column("session_hash", sa.String(64), primary_key=True),
        sa.Column("key_id", sa.String(32), sa.ForeignKey("api_keys.key_id"), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("expires_at", sa.String(40), nullable=False),
        sa.Column("revoked_at", sa.String(40)),
    )
    _cases()
    _webhooks()


def _cases() -> None:
    op.create_table(
        "cases",
        sa.Column("case_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("subject", sa.String(200), nullable=False, unique=True),
        sa.Column("warning_id", sa.Text),
        sa.Column("project_id", sa.Text),
        sa.Column("unit_id", sa.Text),
        sa.Column("region", sa.Text),
        sa.Column("rule_id", sa.Text),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("scheme", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("firing", sa.Boolean, nullable=False),
        sa.Column("first_run_id", sa.Text),
        sa.Column("last_run_id", sa.Text),
        sa.Column("assigned_unit", sa.Text),
        sa.Column("inspector", sa.Text),
        sa.Column("deadline", sa.Text),
        sa.Column("verdict", sa.String(16)),
        sa.Column("measures", sa.Text),
        sa.Column("rectify_deadline", sa.Text),
        sa.Column("closing_evidence", sa.Text),
        sa.Column("escalation", sa.Integer, nullable=False, server_default="0"),
        sa.Column("escalated_to", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    )
    op.create_index("cases_state", "cases", ["state"])
    op.create_index("cases_unit", "cases", ["unit_id"])
    op.create_index("cases_project", "cases", ["project_id"])
    op.create_table(
        "case_events",
        sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.case_id"), nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("from_state", sa.String(16)),
        sa.Column("to_state", sa.String(16)),
        sa.Column("key_id", sa.Text),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False, server_default="{}"),
    )
    op.create_index("case_events_case", "case_events", ["case_id"])
    op.create_table(
        "synced_runs",
        sa.Column("sync_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("synced_at", sa.Text, nullable=False),
        sa.Column("opened", sa.Integer, nullable=False),
        sa.Column("refired", sa.Integer, nullable=False),
        sa.Column("stopped", sa.Integer, nullable=False),
    )


def _webhooks() -> None:
    op.create_table(
        "webhooks",
        sa.Column("webhook_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("delivery_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("webhook_id", sa.Integer, sa.ForeignKey("webhooks.webhook_id"), nullable=False),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("case_events.event_id"), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_at", sa.Text, nullable=False),
        sa.Column("delivered_at", sa.Text),
        sa.Column("last_error", sa.Text),
    )
    op.create_index("webhook_deliveries_due", "webhook_deliveries", ["delivered_at", "next_at"])


def downgrade() -> None:
    for name in ("webhook_deliveries", "webhooks", "synced_runs", "case_events", "cases", "login_sessions"):
        op.drop_table(name)
    with op.batch_alter_table("feedback") as batch:
        batch.drop_column("case_id")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("scope")
