"""Database tables (SQLAlchemy 2 declarative). Changes here need an Alembic migration."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, func
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
    # A corrected text for a stored URL replaces the text here; the earlier one moves to
    # article_versions, so nothing stored is lost and the brief uses the latest.
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_articles_published", "published"), Index("ix_articles_outlet", "outlet"))


class ArticleVersionRow(Base):
    """An earlier text of an article that a correction replaced (``version`` 1 is the first)."""

    __tablename__ = "article_versions"

    article_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    stored_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    replaced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


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


class JobRow(Base):
    """Background work for ``newsprism serve``: ``ingest`` (records → stored, cleaned articles
    placed in stories) or ``brief`` (recompute one story's brief). Claimed by one worker at a time
    with a guarded UPDATE (see ``newsprism.store.queue``)."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # queued | running | done | failed
    story_id: Mapped[str | None] = mapped_column(String(200))  # brief jobs
    payload: Mapped[str] = mapped_column(Text)  # JSON
    result: Mapped[str | None] = mapped_column(Text)  # JSON
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    worker: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the worker is alive
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_jobs_status", "status", "created_at"),
        Index("ix_jobs_story", "story_id", "status"),
    )


class LeaseRow(Base):
    """A named lock with an expiry, held by one worker: portable across SQLite and PostgreSQL
    and safe when a holder dies (the lease runs out)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AssignmentRow(Base):
    """Which story an ingested article joined, with the vector it was placed by, so that any
    worker can rebuild the story stream's state (``seq`` orders assignments for incremental
    catch-up)."""

    __tablename__ = "story_assignments"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("articles.id", ondelete="CASCADE"), unique=True
    )
    story_id: Mapped[str] = mapped_column(String(200))
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32 dense story vector
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_story_assignments_story", "story_id"),)
