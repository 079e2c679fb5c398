"""Citizens' page: a per-version ``public`` flag (default on; off keeps a notice off /public).

Revision ID: 0014_public_flag
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_public_flag"
# Also joins the two heads of the merged branches (the lead re-chains at merge).
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bulletin_version") as batch:
        batch.add_column(sa.Column("public", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("bulletin_version") as batch:
        batch.drop_column("public")
