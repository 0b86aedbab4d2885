"""The article store: open (and migrate) a database, add articles idempotently, read them back.

Idempotency: an article already stored under the same canonical URL, content hash or id is not
stored again. Consistency: articles are written in batches, each batch one transaction with a
savepoint per article, so a failure never leaves half an article or half a batch behind.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from itertools import islice
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, func, or_, select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from newsprism.clean import canonical_url
from newsprism.errors import StoreError
from newsprism.model import Article
from newsprism.store.tables import ArticleRow

DEFAULT_DB_URL = "sqlite:///newsprism.db"
# 200 articles per transaction: large enough to amortise commits on SQLite, small enough that a
# failure loses (and retries) little.
BATCH_SIZE = 200


def database_url(url: str | None) -> str:
    """The user's URL, with ``postgresql://`` pointed at the psycopg 3 driver we ship with."""
    url = url or os.environ.get("NEWSPRISM_DB") or DEFAULT_DB_URL
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    already_stored: list[tuple[str, str]] = field(default_factory=list)  # (article id, stored id)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (article id, reason)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (run on every open; a no-op when current)."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("newsprism.store").joinpath("migrations")))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ writing

    def add_articles(
        self,
        articles: Iterable[Article],
        *,
        batch_size: int = BATCH_SIZE,
        on_batch: Callable[[int], None] | None = None,
    ) -> IngestReport:
        """Store articles not stored yet. Each batch commits as a whole or not at all."""
        report = IngestReport()
        iterator = iter(articles)
        while batch := list(islice(iterator, batch_size)):
            batch_report = IngestReport()
            try:
                with Session(self.engine) as session, session.begin():
                    for article in batch:
                        self._add_one(session, article, batch_report)
            except OperationalError as exc:
                raise StoreError(f"database write failed, batch rolled back: {exc.orig}") from None
            report.added += batch_report.added
            report.already_stored += batch_report.already_stored
            report.rejected += batch_report.rejected
            if on_batch:
                on_batch(len(batch))
        return report

    def _add_one(self, session: Session, article: Article, report: IngestReport) -> None:
        canonical = canonical_url(article.url)
        digest = article.content_hash
        if digest is None:
            report.rejected.append((article.id, "article has no content hash"))
            return
        existing = self._find_existing(session, article.id, canonical, digest)
        if existing is not None:
            if (
                existing.id == article.id
                and existing.content_hash != digest
                and not (canonical and existing.canonical_url == canonical)
            ):
                report.rejected.append(
                    (article.id, f"id {article.id!r} is already stored with different text")
                )
            else:
                report.already_stored.append((article.id, existing.id))
            return
        row = _to_row(article, canonical, digest)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            # Another writer stored the same article between our check and our insert.
            stored = self._find_existing(session, article.id, canonical, digest)
            report.already_stored.append((article.id, stored.id if stored else article.id))
            return
        report.added.append(article.id)

    @staticmethod
    def _find_existing(
        session: Session, article_id: str, canonical: str | None, digest: str
    ) -> ArticleRow | None:
        conditions = [ArticleRow.id == article_id, ArticleRow.content_hash == digest]
        if canonical:
            conditions.append(ArticleRow.canonical_url == canonical)
        return session.scalars(select(ArticleRow).where(or_(*conditions)).limit(1)).first()

    # ------------------------------------------------------------------ reading

    def count(self) -> int:
        with Session(self.engine) as session:
            return int(session.scalar(select(func.count()).select_from(ArticleRow)) or 0)

    def get_article(self, article_id: str) -> Article | None:
        with Session(self.engine) as session:
            row = session.get(ArticleRow, article_id)
            return _from_row(row) if row is not None else None

    def iter_articles(self) -> Iterator[Article]:
        with Session(self.engine) as session:
            for row in session.scalars(select(ArticleRow).order_by(ArticleRow.published, ArticleRow.id)):
                yield _from_row(row)


def open_store(url: str | None = None) -> Store:
    """Open a database by URL (SQLite file by default) and migrate it to the current schema."""
    resolved = database_url(url)
    try:
        engine = create_engine(resolved, future=True, pool_pre_ping=True)
    except (SQLAlchemyError, ValueError, ImportError) as exc:
        raise StoreError(f"cannot use database {redact(resolved)}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        raise StoreError(
            f"cannot open database {redact(resolved)}: {str(exc.orig).strip().splitlines()[0]}"
        ) from None
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"cannot open database {redact(resolved)}: {exc}") from None
    return Store(engine)


def _to_row(article: Article, canonical: str | None, digest: str) -> ArticleRow:
    # Every Article field has a column of the same name; JSON columns take the dumped lists/dicts.
    return ArticleRow(
        **article.model_dump(mode="json", exclude={"content_hash"}),
        canonical_url=canonical,
        content_hash=digest,
    )


def _from_row(row: ArticleRow) -> Article:
    return Article.model_validate({name: getattr(row, name) for name in Article.model_fields})
