"""The store: open (and migrate) a database, add articles idempotently, keep each story's brief.

Idempotency: an article already stored with the same text (content hash) is not stored again; a
new text for a stored canonical URL (a correction) becomes that article's text, the earlier one
kept as a version; a stored id arriving with other text and no URL in common is rejected; a story
saved again replaces its previous brief. Consistency: articles are written
in batches, each batch one transaction with a savepoint per article, and a story's brief and
article list in one transaction, so a failure never leaves half an article, half a batch or a
story whose list and brief disagree behind.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from pydantic import Field
from sqlalchemy import Engine, Select, create_engine, delete, event, func, or_, select, text
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from newsprism.clean import canonical_url
from newsprism.errors import StoreError
from newsprism.model import Article, Brief, StoryInfo
from newsprism.render.json import brief_to_json
from newsprism.store.tables import ArticleRow, ArticleVersionRow, StoryArticleRow, StoryRow

if TYPE_CHECKING:
    from newsprism.coverage import Sighting

DEFAULT_DB_URL = "sqlite:///newsprism.db"
# 200 articles per transaction: large enough to amortise commits on SQLite, small enough that a
# failure loses (and retries) little.
BATCH_SIZE = 200
# Any fixed number: the PostgreSQL advisory lock that serialises migrations.
MIGRATION_LOCK_KEY = 5_313_027_401


def database_url(url: str | None) -> str:
    """The user's URL, with ``postgresql://`` pointed at the psycopg 3 driver we ship with; a plain
    path ("news.db", "~/data/news.db") is an SQLite file."""
    url = url or os.environ.get("NEWSPRISM_DB") or DEFAULT_DB_URL
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
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
    # (article id, stored id): a new text for a stored URL, stored as the article's new version
    updated: list[tuple[str, str]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (article id, reason)


@dataclass(frozen=True)
class ArticleVersion:
    """One text an article had: ``replaced_at`` is None for the current one."""

    version: int
    title: str | None
    text: str
    stored_at: datetime | None
    replaced_at: datetime | None


class StoredStory(StoryInfo):
    """A stored story as lists show it: the model's ``StoryInfo`` and what its database row adds
    (when its brief was last stored, which of its articles reprint another). ``Store.get_story``
    gives its whole brief."""

    updated_at: datetime
    copies: dict[str, str] = Field(default_factory=dict)  # article id → id of the article it reprints


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def migration_config() -> Config:
    """Alembic's configuration for the migrations shipped in this package."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("newsprism.store").joinpath("migrations")))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (run on every open; a no-op when current)."""
    config = migration_config()
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # Two servers starting on one database at once: the second waits for the first's
            # migration instead of creating the same tables again (released at commit).
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
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
                raise StoreError(f"database write failed, batch rolled back: {_plain(exc)[:300]}") from None
            report.added += batch_report.added
            report.already_stored += batch_report.already_stored
            report.updated += batch_report.updated
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
        same_text = session.scalars(
            select(ArticleRow).where(ArticleRow.content_hash == digest).limit(1)
        ).first()
        if same_text is not None:
            report.already_stored.append((article.id, same_text.id))
            return
        if canonical:
            same_url = session.scalars(
                select(ArticleRow).where(ArticleRow.canonical_url == canonical).limit(1)
            ).first()
            if same_url is not None:
                # The page changed since it was stored (a correction, an updated toll): the new
                # text becomes the article's, the old one is kept as a version.
                self._replace_text(session, same_url, article, digest)
                report.updated.append((article.id, same_url.id))
                return
        same_id = session.get(ArticleRow, article.id)
        if same_id is not None:
            report.rejected.append((article.id, f"id {article.id!r} is already stored with different text"))
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

    @staticmethod
    def _replace_text(session: Session, row: ArticleRow, article: Article, digest: str) -> None:
        now = datetime.now(UTC)
        session.add(
            ArticleVersionRow(
                article_id=row.id,
                version=row.version,
                content_hash=row.content_hash,
                title=row.title,
                published=row.published,
                text=row.text,
                stored_at=row.updated_at or row.ingested_at,
                replaced_at=now,
            )
        )
        fresh = article.model_dump(mode="json", exclude={"id", "content_hash", *RUN_FIELDS})
        for name, value in fresh.items():
            setattr(row, name, value)
        row.content_hash = digest
        row.version += 1
        row.updated_at = now
        session.flush()

    def article_versions(self, article_id: str) -> list[ArticleVersion]:
        """An article's texts, oldest first, the current one last (one entry if it never changed)."""
        with Session(self.engine) as session:
            row = session.get(ArticleRow, article_id)
            if row is None:
                return []
            earlier = session.scalars(
                select(ArticleVersionRow)
                .where(ArticleVersionRow.article_id == article_id)
                .order_by(ArticleVersionRow.version)
            ).all()
            return [
                *(ArticleVersion(v.version, v.title, v.text, v.stored_at, v.replaced_at) for v in earlier),
                ArticleVersion(row.version, row.title, row.text, row.updated_at or row.ingested_at, None),
            ]

    def save_story(
        self, brief: Brief, copies: Mapping[str, str] | None = None, *, keep_larger: bool = False
    ) -> bool:
        """Store a story's brief, replacing the one stored under the same story id, with its list
        of articles and which of them reprint another (``copies``: article id → id of the article
        it reprints, as ``stories.find_copies`` gives; by default the articles' own ``copy_of``).
        With ``keep_larger`` a stored brief of more articles is kept (stories served by
        ``newsprism serve`` only grow, so a smaller brief is an older one finishing late); returns
        whether the brief was stored.

        One transaction: if anything fails (a brief listing one article twice, a lost
        connection) the previously stored brief and list stay exactly as they were.
        """
        story = brief.story
        # Serialised before the transaction: a brief that cannot be written never touches the database.
        document = brief_to_json(brief)
        if copies is None:
            copies = {a.id: a.copy_of for a in brief.articles if a.copy_of is not None}
        values = {
            "title": story.title,
            "article_count": len(story.article_ids),
            "first_published": story.first_published,
            "last_published": story.last_published,
            "brief_json": document,
        }
        # Two tries: a concurrent writer may insert the same new story between our read and our
        # insert; the second try then updates it.
        for attempt in (1, 2):
            row: StoryRow | None = None
            try:
                with Session(self.engine) as session, session.begin():
                    row = session.get(StoryRow, story.id, with_for_update=True)
                    now = datetime.now(UTC)
                    if row is not None and keep_larger and row.article_count > len(story.article_ids):
                        return False
                    if row is None:
                        session.add(StoryRow(id=story.id, updated_at=now, **values))
                    else:
                        for name, value in values.items():
                            setattr(row, name, value)
                        row.updated_at = now
                    session.execute(delete(StoryArticleRow).where(StoryArticleRow.story_id == story.id))
                    session.add_all(
                        StoryArticleRow(
                            story_id=story.id,
                            article_id=article_id,
                            position=position,
                            # an article never copies itself
                            copy_of=original if original != article_id else None,
                        )
                        for position, article_id in enumerate(story.article_ids)
                        for original in [copies.get(article_id)]
                    )
                return True
            except IntegrityError as exc:
                if attempt == 2 or row is not None:
                    raise StoreError(
                        f"story {story.id}: brief not stored ({_first_line(exc.orig)}); "
                        "nothing stored before was changed"
                    ) from None
            except OperationalError as exc:
                raise StoreError(
                    f"story {story.id}: database write failed, nothing changed: {_first_line(exc.orig)}"
                ) from None
        raise AssertionError("unreachable: the second try returns or raises")

    # ------------------------------------------------------------------ reading

    def count(self) -> int:
        with Session(self.engine) as session:
            return int(session.scalar(select(func.count()).select_from(ArticleRow)) or 0)

    def get_article(self, article_id: str) -> Article | None:
        with Session(self.engine) as session:
            row = session.get(ArticleRow, article_id)
            return article_from_row(row) if row is not None else None

    def get_story(self, story_id: str) -> Brief | None:
        """The stored brief of a story, or None."""
        document = self.get_story_json(story_id)
        return Brief.model_validate_json(document) if document is not None else None

    def get_story_json(self, story_id: str) -> str | None:
        """The stored brief.json of a story as written, or None."""
        with Session(self.engine) as session:
            return session.scalar(select(StoryRow.brief_json).where(StoryRow.id == story_id))

    def get_story_info(self, story_id: str) -> StoredStory | None:
        """A story as lists show it (with ``updated_at``), or None. Reads no brief: story pages
        ask this on every view."""
        with Session(self.engine) as session:
            found = _stored_stories(session, _STORY_COLUMNS.where(StoryRow.id == story_id))
        return found[0] if found else None

    def list_stories(
        self, *, limit: int | None = None, offset: int = 0, query: str | None = None, sort: str = "largest"
    ) -> list[StoredStory]:
        """Stored stories, largest first (then latest, then by id), or with ``sort="newest"`` the
        latest published first (then the latest updated); ``query`` keeps those whose title
        contains it (ignoring case)."""
        statement = _STORY_COLUMNS
        if query:
            statement = statement.where(func.lower(StoryRow.title).contains(query.lower(), autoescape=True))
        order: tuple[Any, ...]
        if sort == "largest":
            order = (StoryRow.article_count.desc(), StoryRow.last_published.desc().nulls_last(), StoryRow.id)
        elif sort == "newest":
            order = (StoryRow.last_published.desc().nulls_last(), StoryRow.updated_at.desc(), StoryRow.id)
        else:
            raise ValueError(f"unknown sort {sort!r}: use largest or newest")
        statement = statement.order_by(*order).offset(offset)
        if limit is not None:
            statement = statement.limit(limit)
        with Session(self.engine) as session:
            return _stored_stories(session, statement)

    def count_stories(self, query: str | None = None) -> int:
        statement = select(func.count()).select_from(StoryRow)
        if query:
            statement = statement.where(func.lower(StoryRow.title).contains(query.lower(), autoescape=True))
        with Session(self.engine) as session:
            return int(session.scalar(statement) or 0)

    def sightings(self, window: tuple[str, str] | None = None, limit: int | None = None) -> list[Sighting]:
        """Stored articles as coverage sees them (outlet, domain, language, date): the outlets a
        story's coverage is compared with; with ``window`` (ISO dates), only those published in it
        (ISO strings order as dates do), so a large database is not read whole."""
        from newsprism.coverage import Sighting

        columns = select(
            ArticleRow.id, ArticleRow.outlet, ArticleRow.domain, ArticleRow.language, ArticleRow.published
        )
        if window is not None:
            columns = columns.where(ArticleRow.published >= window[0], ArticleRow.published < window[1])
        if limit is not None:
            columns = columns.order_by(ArticleRow.published.desc(), ArticleRow.id).limit(limit)
        with Session(self.engine) as session:
            return [Sighting(*row) for row in session.execute(columns)]

    def iter_articles(self) -> Iterator[Article]:
        with Session(self.engine) as session:
            for row in session.scalars(select(ArticleRow).order_by(ArticleRow.published, ArticleRow.id)):
                yield article_from_row(row)


# What lists of stories show: everything but the brief itself.
_STORY_COLUMNS = select(
    StoryRow.id, StoryRow.title, StoryRow.first_published, StoryRow.last_published, StoryRow.updated_at
)


def _stored_stories(
    session: Session, statement: Select[str, str | None, str | None, str | None, datetime]
) -> list[StoredStory]:
    """The stories ``statement`` (over ``_STORY_COLUMNS``) selects, with their articles and copies."""
    rows = session.execute(statement).all()
    members: dict[str, list[str]] = {row.id: [] for row in rows}
    copies: dict[str, dict[str, str]] = {row.id: {} for row in rows}
    if members:
        for story_id, article_id, copy_of in session.execute(
            select(StoryArticleRow.story_id, StoryArticleRow.article_id, StoryArticleRow.copy_of)
            .where(StoryArticleRow.story_id.in_(list(members)))
            .order_by(StoryArticleRow.story_id, StoryArticleRow.position)
        ):
            members[story_id].append(article_id)
            if copy_of is not None:
                copies[story_id][article_id] = copy_of
    return [
        StoredStory(
            id=row.id,
            title=row.title,
            article_ids=members[row.id],
            first_published=row.first_published,
            last_published=row.last_published,
            updated_at=row.updated_at,
            copies=copies[row.id],
        )
        for row in rows
    ]


def open_store(url: str | None = None) -> Store:
    """Open a database by URL (SQLite file by default) and migrate it to the current schema."""
    resolved = database_url(url)
    try:
        engine = create_engine(resolved, future=True, pool_pre_ping=True)
    except (SQLAlchemyError, ValueError, ImportError) as exc:
        raise StoreError(f"cannot use database {redact(resolved)}: {_plain(exc)}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        if engine.dialect.name == "sqlite":
            _check_sqlite(engine, resolved)
        migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        raise StoreError(
            f"cannot open database {redact(resolved)}: {str(exc.orig).strip().splitlines()[0]}"
        ) from None
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"cannot open database {redact(resolved)}: {_plain(exc)}") from None
    return Store(engine)


def _check_sqlite(engine: Engine, url: str) -> None:
    """Refuse a damaged SQLite file before anything reads or writes it: served silently, it shows
    stories "being analysed" forever and loses what is written to it. ``quick_check`` reads every
    page (about a second per GB) but skips the slower index cross-checks of ``integrity_check``."""
    try:
        with engine.connect() as connection:
            problems = [
                " ".join(str(row[0]).split()) for row in connection.execute(text("PRAGMA quick_check(3)"))
            ]
    except DatabaseError as exc:
        engine.dispose()
        raise StoreError(
            f"cannot open database {redact(url)}: {_first_line(exc.orig)} (is it an SQLite database?)"
        ) from None
    if problems != ["ok"]:
        engine.dispose()
        raise StoreError(
            f"database {redact(url)} is damaged ({'; '.join(problems)[:200]}); nothing was changed. "
            "Restore a backup, or salvage it with: sqlite3 damaged.db .recover | sqlite3 repaired.db"
        )


def _plain(error: BaseException) -> str:
    """A library's error as one line, without SQLAlchemy's "(Background on this error at: …)"."""
    message = str(getattr(error, "orig", None) or error)
    message = re.sub(r"\s*\(Background on this error at: [^)]*\)", "", message)
    return " ".join(message.split()) or type(error).__name__


def _first_line(error: BaseException | None) -> str:
    return str(error).strip().splitlines()[0] if error is not None and str(error).strip() else "unknown error"


# Article fields that are not the article's own: ``copy_of`` relates it to another article of one
# run, so it is kept per story (``story_articles.copy_of``), where that run's brief is.
RUN_FIELDS = frozenset({"copy_of"})


def _to_row(article: Article, canonical: str | None, digest: str) -> ArticleRow:
    # Every other Article field has a column of the same name; JSON columns take the dumped lists/dicts.
    return ArticleRow(
        **article.model_dump(mode="json", exclude={"content_hash", *RUN_FIELDS}),
        canonical_url=canonical,
        content_hash=digest,
    )


def article_from_row(row: ArticleRow) -> Article:
    return Article.model_validate(
        {name: getattr(row, name) for name in Article.model_fields if name not in RUN_FIELDS}
    )
