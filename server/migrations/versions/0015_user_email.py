"""Notifications: an optional e-mail address per account (e-mails go to the users in scope).

Revision ID: 0015_user_email
Revises: 0014_public_flag
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_user_email"
down_revision = "0014_public_flag"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("email")
