"""Database tables (SQLAlchemy 2 declarative). Changes here need an Alembic migration."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ArticleRow(Base):
    __tablename__ = "articles"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    canonical_url: Mapped[str | None] = mapped_column(String(2000), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    outlet: Mapped[str | None] = mapped_column(String(300))
    domain: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    removed: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    repairs: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    evidence: Mapped[dict[str, str]] = mapped_column(JSON)
    authors: Mapped[list[str]] = mapped_column(JSON)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (Index("ix_articles_published", "published"), Index("ix_articles_outlet", "outlet"))


class StoryRow(Base):
    """One story's latest brief. ``brief_json`` is brief.json as written to disk (the contract's
    format, so a reader needs nothing but the JSON Schema); the other columns are what lists and
    searches of stories need without parsing it."""

    __tablename__ = "stories"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    title: Mapped[str | None] = mapped_column(Text)
    article_count: Mapped[int] = mapped_column(Integer)
    first_published: Mapped[str | None] = mapped_column(String(40))
    last_published: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    brief_json: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_stories_size", "article_count", "last_published"),)


class StoryArticleRow(Base):
    """Which articles a story holds. ``article_id`` is the id in the brief and deliberately not a
    foreign key: the same text may be stored under another id (``articles`` keeps the first), and
    the brief carries its articles anyway. ``copy_of``: the id of the article this one reprints
    (a wire copy under another masthead), or null."""

    __tablename__ = "story_articles"

    story_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True
    )
    article_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # in the brief's story.article_ids
    copy_of: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_story_articles_article", "article_id"),)
