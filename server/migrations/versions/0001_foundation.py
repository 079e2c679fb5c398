"""Foundation: areas, users, jobs.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "area",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("parent_code", sa.String(64), sa.ForeignKey("area.code"), nullable=True),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.Column("successor_code", sa.String(64), sa.ForeignKey("area.code"), nullable=True),
    )
    op.create_index("ix_area_level", "area", ["level"])
    op.create_index("ix_area_parent_code", "area", ["parent_code"])
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("area_code", sa.String(64), sa.ForeignKey("area.code"), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_user_account_username", "user_account", ["username"], unique=True)
    op.create_index("ix_user_account_area_code", "user_account", ["area_code"])
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(2000), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_job_kind", "job", ["kind"])
    op.create_index("ix_job_state", "job", ["state"])


def downgrade() -> None:
    op.drop_table("job")
    op.drop_table("user_account")
    op.drop_table("area")
