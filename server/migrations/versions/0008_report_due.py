"""Reports: ``upcoming`` and ``pending`` counters on the airtime rollups (not due / log not in yet).

Revision ID: 0008
Revises: 0004_reports
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0004_reports"
branch_labels = None
depends_on = None

TABLES = ("report_airtime", "report_device")
COLUMNS = ("upcoming", "pending")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in COLUMNS:
                batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in COLUMNS:
                batch_op.drop_column(name)
