"""The serving state as it was before migrations: API keys, feedback and the audit log.

Files written by earlier versions already hold some of these tables (created with ``CREATE TABLE IF NOT
EXISTS``); this revision creates only the ones a database lacks, so such files are adopted as they are.

Revision ID: 0001
Revises:
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _absent(name: str) -> bool:
    return name not in sa.inspect(op.get_bind()).get_table_names()


def upgrade() -> None:
    if _absent("api_keys"):
        op.create_table(
            "api_keys",
            sa.Column("key_id", sa.String(32), primary_key=True),
            sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
            sa.Column("role", sa.String(32), nullable=False),
            sa.Column("name", sa.Text, nullable=False),
            sa.Column("created_at", sa.String(40), nullable=False),
            sa.Column("revoked_at", sa.String(40)),
        )
    if _absent("feedback"):
        op.create_table(
            "feedback",
            sa.Column("feedback_id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("client_key", sa.Text, nullable=False, unique=True),
            sa.Column("entity_type", sa.Text, nullable=False),
            sa.Column("entity_id", sa.Text, nullable=False),
            sa.Column("warning_id", sa.Text),
            sa.Column("outcome", sa.Text, nullable=False),
            sa.Column("scheme", sa.Text),
            sa.Column("note", sa.Text),
            sa.Column("who", sa.Text, nullable=False),
            sa.Column("key_id", sa.Text, nullable=False),
            sa.Column("decided_at", sa.Text, nullable=False),
            sa.Column("received_at", sa.Text, nullable=False),
            sa.Column("payload_sha256", sa.Text, nullable=False),
        )
        op.create_index("feedback_entity", "feedback", ["entity_type", "entity_id"])
    if _absent("audit_log"):
        op.create_table(
            "audit_log",
            sa.Column("audit_id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("at", sa.Text, nullable=False),
            sa.Column("key_id", sa.Text, nullable=False),
            sa.Column("key_name", sa.Text, nullable=False),
            sa.Column("role", sa.Text, nullable=False),
            sa.Column("action", sa.Text, nullable=False),
            sa.Column("entity_type", sa.Text, nullable=False),
            sa.Column("entity_id", sa.Text, nullable=False),
            sa.Column("path", sa.Text, nullable=False),
        )
        op.create_index("audit_entity", "audit_log", ["entity_type", "entity_id"])


def downgrade() -> None:
    for name in ("audit_log", "feedback", "api_keys"):
        op.drop_table(name)
