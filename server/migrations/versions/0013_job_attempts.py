"""Jobs count their attempts: a job cut by a dead scheduler leader runs once more, then fails.

Revision ID: 0013_job_attempts
Revises: 0009_lexicon
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_job_attempts"
down_revision = "0009_lexicon"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.drop_column("attempts")
