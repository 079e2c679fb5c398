"""Pronunciation lexicon per area, and the spoken form each synthesized version was made from.

Revision ID: 0009_lexicon
Revises: 0004_reports
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_lexicon"
down_revision = "0004_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lexicon_entry",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("area_code", sa.String(length=64), nullable=False),
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.Column("reading", sa.String(length=200), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["area_code"], ["area.code"]),
        sa.ForeignKeyConstraint(["updated_by"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("area_code", "term", name="uq_lexicon_entry_area_term"),
    )
    with op.batch_alter_table("lexicon_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lexicon_entry_area_code"), ["area_code"], unique=False)
    op.create_table(
        "version_reading",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("spoken_sha256", sa.String(length=64), nullable=False),
        sa.Column("reading_changed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["bulletin_version.id"]),
        sa.PrimaryKeyConstraint("version_id"),
    )


def downgrade() -> None:
    op.drop_table("version_reading")
    with op.batch_alter_table("lexicon_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lexicon_entry_area_code"))
    op.drop_table("lexicon_entry")
