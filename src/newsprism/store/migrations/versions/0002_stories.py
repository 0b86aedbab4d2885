"""stories and story_articles tables

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("article_count", sa.Integer(), nullable=False),
        sa.Column("first_published", sa.String(40), nullable=True),
        sa.Column("last_published", sa.String(40), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("brief_json", sa.Text(), nullable=False),
    )
    op.create_index("ix_stories_size", "stories", ["article_count", "last_published"])
    op.create_table(
        "story_articles",
        sa.Column(
            "story_id",
            sa.String(200),
            sa.ForeignKey("stories.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("article_id", sa.String(200), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("copy_of", sa.String(200), nullable=True),
    )
    op.create_index("ix_story_articles_article", "story_articles", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_story_articles_article", "story_articles")
    op.drop_table("story_articles")
    op.drop_index("ix_stories_size", "stories")
    op.drop_table("stories")
