"""Console services: drafts, emergency templates, alert starts reported by devices, and the
folded search text of bulletin versions (filled for existing rows).

Revision ID: 0010_console_api
Revises: 0004_reports
Create Date: 2026-12-06
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0010_console_api"
down_revision = "0004_reports"
branch_labels = None
depends_on = None


def _fold(text: str) -> str:
    # A copy of server.services.text_search.fold at the time of writing (migrations stay fixed).
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d").lower())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def upgrade() -> None:
    op.create_table(
        "console_draft",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("user_id", "key"),
    )
    op.create_table(
        "emergency_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=64), nullable=True),
        sa.Column("builtin_key", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.String(length=5000), nullable=False),
        sa.Column("board_text", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("validity_hours", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["area_code"], ["area.code"]),
        sa.ForeignKeyConstraint(["created_by"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("builtin_key"),
    )
    with op.batch_alter_table("emergency_template", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_emergency_template_area_code"), ["area_code"], unique=False)
    op.create_table(
        "alert_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("alert_id", "device_id", name="uq_alert_delivery"),
    )
    with op.batch_alter_table("alert_delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_delivery_alert_id"), ["alert_id"], unique=False)
    with op.batch_alter_table("bulletin_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    conn = op.get_bind()
    table = sa.table("bulletin_version", sa.column("id", sa.Integer()), sa.column("title", sa.String()),
                     sa.column("body", sa.String()), sa.column("board_text", sa.String()),
                     sa.column("search_text", sa.Text()))
    for row in conn.execute(sa.select(table.c.id, table.c.title, table.c.body, table.c.board_text)).all():
        folded = _fold(f"{row.title}\n{row.board_text}\n{row.body}")
        conn.execute(table.update().where(table.c.id == row.id).values(search_text=folded))


def downgrade() -> None:
    with op.batch_alter_table("bulletin_version", schema=None) as batch_op:
        batch_op.drop_column("search_text")
    with op.batch_alter_table("alert_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_delivery_alert_id"))
    op.drop_table("alert_delivery")
    with op.batch_alter_table("emergency_template", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emergency_template_area_code"))
    op.drop_table("emergency_template")
    op.drop_table("console_draft")
