"""Reports: daily/monthly airtime rollups, their state, and an as-run index on received_at.

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


COUNTERS = ("planned", "played", "interrupted", "missed", "failed", "offline", "media_failed", "preempted",
            "expired", "unplanned")


def _counters() -> list[sa.Column]:
    return [sa.Column(name, sa.Integer(), nullable=False) for name in COUNTERS] + [
        sa.Column("aired_ms", sa.BigInteger(), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "report_airtime",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("span", sa.String(length=8), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("area_code", sa.String(length=64), nullable=False),
        sa.Column("bulletin_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        *_counters(),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("report_airtime", schema=None) as batch_op:
        batch_op.create_index("ix_report_airtime_span_date_area", ["span", "local_date", "area_code"], unique=False)

    op.create_table(
        "report_device",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("span", sa.String(length=8), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("area_code", sa.String(length=64), nullable=False),
        *_counters(),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("report_device", schema=None) as batch_op:
        batch_op.create_index("ix_report_device_span_date_area", ["span", "local_date", "area_code"], unique=False)

    op.create_table(
        "report_rollup_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("closed_through", sa.Date(), nullable=True),
        sa.Column("watermark", sa.DateTime(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("refreshed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("asrun", schema=None) as batch_op:
        batch_op.create_index("ix_asrun_received", ["received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("asrun", schema=None) as batch_op:
        batch_op.drop_index("ix_asrun_received")
    op.drop_table("report_rollup_state")
    with op.batch_alter_table("report_device", schema=None) as batch_op:
        batch_op.drop_index("ix_report_device_span_date_area")
    op.drop_table("report_device")
    with op.batch_alter_table("report_airtime", schema=None) as batch_op:
        batch_op.drop_index("ix_report_airtime_span_date_area")
    op.drop_table("report_airtime")
