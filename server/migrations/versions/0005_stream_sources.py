"""Stream sources: relays name an approved source instead of a free URL.

Existing relays get a *pending* source of their slot's area with their URL (one per area and
URL): nothing that was never approved keeps airing after the upgrade.

Revision ID: 0005
Revises: 0013_job_attempts
Create Date: 2026-12-06
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0013_job_attempts"
branch_labels = None
depends_on = None

FK_NAME = "fk_relay_stream_id_stream_source"


def upgrade() -> None:
    op.create_table(
        "stream_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approved_hash", sa.String(length=64), nullable=True),
        sa.Column("rejected_by", sa.Integer(), nullable=True),
        sa.Column("rejected_at", sa.DateTime(), nullable=True),
        sa.Column("rejection_reason", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(["area_code"], ["area.code"]),
        sa.ForeignKeyConstraint(["created_by"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["approved_by"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["rejected_by"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stream_source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stream_source_area_code"), ["area_code"], unique=False)
    with op.batch_alter_table("relay", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stream_id", sa.Integer(), nullable=True))
    _pending_sources_for_existing_relays()
    with op.batch_alter_table("relay", schema=None) as batch_op:
        batch_op.alter_column("stream_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(FK_NAME, "stream_source", ["stream_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_relay_stream_id"), ["stream_id"], unique=False)
        batch_op.drop_column("stream_url")


def _pending_sources_for_existing_relays() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT r.id, r.stream_url, r.title, s.area_code, s.created_by FROM relay r JOIN slot s ON s.id = r.slot_id"
        " ORDER BY r.id"
    )).all()
    made: dict[tuple[str, str], int] = {}
    now = datetime.now(UTC).replace(tzinfo=None)  # columns hold naive UTC, whatever the server's zone
    for relay_id, url, title, area, created_by in rows:
        key = (area, url)
        if key not in made:
            conn.execute(sa.text(
                "INSERT INTO stream_source (area_code, url, title, status, created_by, created_at)"
                " VALUES (:area, :url, :title, 'pending', :by, :at)"
            ), {"area": area, "url": url, "title": title, "by": created_by, "at": now})
            made[key] = conn.execute(sa.text(
                "SELECT max(id) FROM stream_source WHERE area_code = :area AND url = :url"
            ), {"area": area, "url": url}).scalar_one()
        conn.execute(sa.text("UPDATE relay SET stream_id = :sid WHERE id = :rid"),
                     {"sid": made[key], "rid": relay_id})


def downgrade() -> None:
    with op.batch_alter_table("relay", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stream_url", sa.String(length=500), nullable=True))
    op.execute("UPDATE relay SET stream_url = (SELECT url FROM stream_source WHERE stream_source.id = relay.stream_id)")
    with op.batch_alter_table("relay", schema=None) as batch_op:
        batch_op.alter_column("stream_url", existing_type=sa.String(length=500), nullable=False)
        batch_op.drop_index(batch_op.f("ix_relay_stream_id"))
        batch_op.drop_constraint(FK_NAME, type_="foreignkey")
        batch_op.drop_column("stream_id")
    with op.batch_alter_table("stream_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stream_source_area_code"))
    op.drop_table("stream_source")
