"""Reports: daily airtime rollups, their state, and an as-run index on received_at.

Revision ID: 0004_reports
Revises: 0003_delivery_scheduling
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_reports"
down_revision = "0003_delivery_scheduling"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "report_airtime_daily",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("area_code", sa.String(length=64), nullable=False),
        sa.Column("bulletin_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=True),
        sa.Column("planned", sa.Boolean(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("aired_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("report_airtime_daily", schema=None) as batch_op:
        batch_op.create_index("ix_report_airtime_daily_day_area", ["local_date", "area_code"], unique=False)

    op.create_table(
        "report_device_daily",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("area_code", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=True),
        sa.Column("planned", sa.Boolean(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("aired_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("report_device_daily", schema=None) as batch_op:
        batch_op.create_index("ix_report_device_daily_day_area", ["local_date", "area_code"], unique=False)

    op.create_table(
        "report_rollup_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("closed_through", sa.Date(), nullable=True),
        sa.Column("watermark", sa.DateTime(), nullable=True),
        sa.Column("refreshed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("asrun", schema=None) as batch_op:
        batch_op.create_index("ix_asrun_received", ["received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("asrun", schema=None) as batch_op:
        batch_op.drop_index("ix_asrun_received")
    op.drop_table("report_rollup_state")
    with op.batch_alter_table("report_device_daily", schema=None) as batch_op:
        batch_op.drop_index("ix_report_device_daily_day_area")
    op.drop_table("report_device_daily")
    with op.batch_alter_table("report_airtime_daily", schema=None) as batch_op:
        batch_op.drop_index("ix_report_airtime_daily_day_area")
    op.drop_table("report_airtime_daily")
