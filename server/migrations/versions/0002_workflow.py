"""Workflow: bulletins, their versions and targets; the audit chain and its head.

Revision ID: 0002_workflow
Revises: 0001_foundation
Create Date: 2026-11-23

``bulletin`` and ``bulletin_version`` reference each other. SQLite accepts the forward
reference inside CREATE TABLE (and cannot ALTER a constraint in); PostgreSQL gets the two
foreign keys from bulletin to bulletin_version added after both tables exist.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_workflow"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

_POINTERS = (
    ("fk_bulletin_current_version", "current_version_id"),
    ("fk_bulletin_approved_version", "approved_version_id"),
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    pointer_fks = [
        sa.ForeignKeyConstraint([column], ["bulletin_version.id"], name=name) for name, column in _POINTERS
    ] if sqlite else []
    op.create_table(
        "bulletin",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("area_code", sa.String(64), sa.ForeignKey("area.code"), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("current_version_id", sa.Integer(), nullable=True),
        sa.Column("approved_version_id", sa.Integer(), nullable=True),
        sa.Column("rejected_reason", sa.String(1000), nullable=True),
        sa.Column("last_job_id", sa.Integer(), sa.ForeignKey("job.id"), nullable=True),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        *pointer_fks,
    )
    op.create_index("ix_bulletin_status", "bulletin", ["status"])
    op.create_index("ix_bulletin_area_code", "bulletin", ["area_code"])
    op.create_table(
        "bulletin_version",
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.String(5000), nullable=False),
        sa.Column("board_text", sa.String(300), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("valid_from", sa.DateTime(), nullable=False),
        sa.Column("valid_until", sa.DateTime(), nullable=False),
        sa.Column("repeats_per_day", sa.Integer(), nullable=False),
        sa.Column("reads_per_play", sa.Integer(), nullable=False),
        sa.Column("gap_seconds", sa.Float(), nullable=False),
        sa.Column("pin_date", sa.Date(), nullable=True),
        sa.Column("pin_slot_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("bulletin_id", sa.Integer(), sa.ForeignKey("bulletin.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("recording_sha256", sa.String(64), nullable=True),
        sa.Column("recording_name", sa.String(200), nullable=True),
        sa.Column("version_hash", sa.String(64), nullable=False),
        sa.Column("audio_sha256", sa.String(64), nullable=True),
        sa.Column("audio_size", sa.Integer(), nullable=True),
        sa.Column("audio_duration_ms", sa.Integer(), nullable=True),
        sa.Column("audio_engine", sa.String(64), nullable=True),
        sa.Column("audio_voice", sa.String(128), nullable=True),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_by", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("approved_hash", sa.String(64), nullable=True),
        sa.Column("approved_audio_sha256", sa.String(64), nullable=True),
        sa.Column("one_step", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("bulletin_id", "number", name="uq_bulletin_version_number"),
    )
    op.create_index("ix_bulletin_version_bulletin_id", "bulletin_version", ["bulletin_id"])
    op.create_index("ix_bulletin_version_version_hash", "bulletin_version", ["version_hash"])
    if not sqlite:
        for name, column in _POINTERS:
            op.create_foreign_key(name, "bulletin", "bulletin_version", [column], ["id"])
    op.create_table(
        "bulletin_target",
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("bulletin_version.id"), primary_key=True),
        sa.Column("area_code", sa.String(64), sa.ForeignKey("area.code"), primary_key=True),
    )
    op.create_index("ix_bulletin_target_area_code", "bulletin_target", ["area_code"])
    op.create_table(
        "audit_event",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(128), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_event_actor_id", "audit_event", ["actor_id"])
    op.create_index("ix_audit_event_action", "audit_event", ["action"])
    op.create_index("ix_audit_event_subject", "audit_event", ["subject"])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_head")
    op.drop_table("audit_event")
    op.drop_table("bulletin_target")
    # Break the bulletin <-> bulletin_version cycle before dropping either table.
    op.execute("UPDATE bulletin SET current_version_id = NULL, approved_version_id = NULL")
    if op.get_bind().dialect.name != "sqlite":
        for name, _column in _POINTERS:
            op.drop_constraint(name, "bulletin", type_="foreignkey")
    op.drop_table("bulletin_version")
    op.drop_table("bulletin")
