"""Delivery and scheduling: devices, manifests, alerts, presence, as-run, plans, slots.

Revision ID: 0003_delivery_scheduling
Revises: 0002_workflow
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_delivery_scheduling"
down_revision = "0002_workflow"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "asrun",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("area_code", sa.String(length=64), nullable=False),
        sa.Column("bulletin_id", sa.Integer(), nullable=True),
        sa.Column("version_hash", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("priority", sa.String(length=16), nullable=True),
        sa.Column("planned_start", sa.DateTime(), nullable=False),
        sa.Column("actual_start", sa.DateTime(), nullable=True),
        sa.Column("actual_end", sa.DateTime(), nullable=True),
        sa.Column("device_time", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("aired_ms", sa.Integer(), nullable=False),
        sa.Column("clock_skew_ms", sa.Integer(), nullable=False),
        sa.Column("skew_flagged", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("device_id", "key", name="uq_asrun_device_key"),
    )
    with op.batch_alter_table("asrun", schema=None) as batch_op:
        batch_op.create_index("ix_asrun_area_planned", ["area_code", "planned_start"], unique=False)
        batch_op.create_index("ix_asrun_device_planned", ["device_id", "planned_start"], unique=False)

    op.create_table(
        "device_manifest",
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("etag", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("envelope", sa.Text(), nullable=False),
        sa.Column("window_from", sa.Date(), nullable=False),
        sa.Column("compiled_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("device_id"),
    )
    op.create_table(
        "planned_item",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("area_code", sa.String(length=64), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("start", sa.DateTime(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("bulletin_id", sa.Integer(), nullable=True),
        sa.Column("version_hash", sa.String(length=64), nullable=True),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("slot_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("area_code", "start", "bulletin_id", "kind", name="uq_planned_item"),
    )
    with op.batch_alter_table("planned_item", schema=None) as batch_op:
        batch_op.create_index("ix_planned_item_day", ["local_date", "area_code"], unique=False)

    op.create_table(
        "topic_seq",
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("topic"),
    )
    op.create_table(
        "area_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.String(length=64), nullable=False),
        sa.Column("area_code", sa.String(length=64), nullable=False),
        sa.Column("bulletin_id", sa.Integer(), nullable=False),
        sa.Column("version_hash", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("envelope", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["area.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("alert_id", "area_code", name="uq_area_alert"),
    )
    with op.batch_alter_table("area_alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_alert_alert_id"), ["alert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_area_alert_area_code"), ["area_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_area_alert_bulletin_id"), ["bulletin_id"], unique=False)

    op.create_table(
        "device",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("area_code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("board_cols", sa.Integer(), nullable=True),
        sa.Column("board_rows", sa.Integer(), nullable=True),
        sa.Column("board_ascii", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["area.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_area_code"), ["area_code"], unique=False)

    op.create_table(
        "slot_holiday",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("slot_name", sa.String(length=64), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["area.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("slot_holiday", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_slot_holiday_area_code"), ["area_code"], unique=False)

    op.create_table(
        "device_outage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("device_outage", schema=None) as batch_op:
        batch_op.create_index("ix_device_outage_device_started", ["device_id", "started_at"], unique=False)

    op.create_table(
        "slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("start_local", sa.String(length=8), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("rrule", sa.String(length=500), nullable=True),
        sa.Column("dtstart", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("exdates", sa.JSON(), nullable=False),
        sa.Column("template", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["area.code"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("slot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_slot_area_code"), ["area_code"], unique=False)

    op.create_table(
        "relay",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("stream_url", sa.String(length=500), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["slot.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("relay", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relay_slot_id"), ["slot_id"], unique=False)

    op.create_table(
        "slot_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("bulletin_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["slot.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slot_id", "date", "bulletin_id", name="uq_slot_order"),
    )


def downgrade() -> None:

    op.drop_table("slot_order")
    with op.batch_alter_table("relay", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relay_slot_id"))

    op.drop_table("relay")
    with op.batch_alter_table("slot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slot_area_code"))

    op.drop_table("slot")
    with op.batch_alter_table("device_outage", schema=None) as batch_op:
        batch_op.drop_index("ix_device_outage_device_started")

    op.drop_table("device_outage")
    with op.batch_alter_table("slot_holiday", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slot_holiday_area_code"))

    op.drop_table("slot_holiday")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_area_code"))

    op.drop_table("device")
    with op.batch_alter_table("area_alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_alert_bulletin_id"))
        batch_op.drop_index(batch_op.f("ix_area_alert_area_code"))
        batch_op.drop_index(batch_op.f("ix_area_alert_alert_id"))

    op.drop_table("area_alert")
    op.drop_table("topic_seq")
    with op.batch_alter_table("planned_item", schema=None) as batch_op:
        batch_op.drop_index("ix_planned_item_day")

    op.drop_table("planned_item")
    op.drop_table("device_manifest")
    with op.batch_alter_table("asrun", schema=None) as batch_op:
        batch_op.drop_index("ix_asrun_device_planned")
        batch_op.drop_index("ix_asrun_area_planned")

    op.drop_table("asrun")
