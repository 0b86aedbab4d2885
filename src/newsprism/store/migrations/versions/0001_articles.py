"""articles table

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("canonical_url", sa.String(2000), nullable=True, unique=True),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("outlet", sa.String(300), nullable=True),
        sa.Column("domain", sa.String(300), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published", sa.String(40), nullable=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("removed", sa.JSON(), nullable=False),
        sa.Column("repairs", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_articles_published", "articles", ["published"])
    op.create_index("ix_articles_outlet", "articles", ["outlet"])


def downgrade() -> None:
    op.drop_index("ix_articles_outlet", "articles")
    op.drop_index("ix_articles_published", "articles")
    op.drop_table("articles")
