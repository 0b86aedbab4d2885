"""Which story each article served by ``newsprism serve`` joined, with the vector that placed it:
the state of the story stream, shared by every worker through the database."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newsprism.model import Article
from newsprism.store.database import Store, article_from_row
from newsprism.store.queue import enqueue_brief_in
from newsprism.store.tables import ArticleRow, AssignmentRow


@dataclass(frozen=True)
class Assignment:
    seq: int
    article_id: str
    story_id: str
    vector: NDArray[np.float32]


# Ids per IN (...) list: PostgreSQL takes at most 65,535 parameters per statement.
ID_CHUNK = 1000
# Assignments read per query while a worker catches up.
CATCH_UP_PAGE = 5000


def _chunks(ids: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), ID_CHUNK):
        yield list(ids[start : start + ID_CHUNK])


def add_assignments(
    store: Store, placed: Sequence[tuple[str, str, NDArray[np.float32]]], *, brief_reason: str | None = None
) -> None:
    """Record ``(article id, story id, vector)`` triples and, with ``brief_reason``, queue a brief
    for each story that grew — all in one transaction, so a story never grows without its brief
    being queued."""
    now = datetime.now(UTC)
    with Session(store.engine) as session, session.begin():
        session.add_all(
            AssignmentRow(
                article_id=article_id,
                story_id=story_id,
                vector=np.asarray(vector, dtype=np.float32).tobytes(),
                assigned_at=now,
            )
            for article_id, story_id, vector in placed
        )
        if brief_reason is not None:
            session.flush()
            for story_id in dict.fromkeys(story_id for _, story_id, _ in placed):
                enqueue_brief_in(session, story_id, brief_reason)


def assignments_since(store: Store, seq: int, limit: int = CATCH_UP_PAGE) -> list[Assignment]:
    """Up to ``limit`` assignments recorded after ``seq``, oldest first (a worker's catch-up
    reads page after page)."""
    with Session(store.engine) as session:
        rows = session.execute(
            select(AssignmentRow.seq, AssignmentRow.article_id, AssignmentRow.story_id, AssignmentRow.vector)
            .where(AssignmentRow.seq > seq)
            .order_by(AssignmentRow.seq)
            .limit(limit)
        ).all()
    return [
        Assignment(seq=s, article_id=a, story_id=st, vector=np.frombuffer(v, dtype=np.float32))
        for s, a, st, v in rows
    ]


def assigned_story(store: Store, article_ids: Sequence[str]) -> dict[str, str]:
    """article id → story id, for those of ``article_ids`` already placed."""
    found: dict[str, str] = {}
    with Session(store.engine) as session:
        for chunk in _chunks(article_ids):
            rows = session.execute(
                select(AssignmentRow.article_id, AssignmentRow.story_id).where(
                    AssignmentRow.article_id.in_(chunk)
                )
            ).all()
            found |= {article_id: story_id for article_id, story_id in rows}
    return found


def story_articles(store: Store, story_id: str) -> list[Article]:
    """The articles placed in a story, in the order they joined."""
    with Session(store.engine) as session:
        rows = session.scalars(
            select(ArticleRow)
            .join(AssignmentRow, AssignmentRow.article_id == ArticleRow.id)
            .where(AssignmentRow.story_id == story_id)
            .order_by(AssignmentRow.seq)
        ).all()
        return [article_from_row(row) for row in rows]


def get_articles(store: Store, article_ids: Sequence[str]) -> list[Article]:
    """Stored articles by id, in the order asked (unknown ids left out)."""
    rows: dict[str, Article] = {}
    with Session(store.engine) as session:
        for chunk in _chunks(article_ids):
            rows |= {
                row.id: article_from_row(row)
                for row in session.scalars(select(ArticleRow).where(ArticleRow.id.in_(chunk)))
            }
    return [rows[i] for i in article_ids if i in rows]


def latest_seq(store: Store) -> int:
    """The newest assignment's sequence number (0 when none)."""
    with Session(store.engine) as session:
        return int(session.scalar(select(func.max(AssignmentRow.seq))) or 0)
