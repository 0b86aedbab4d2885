"""Storage against real SQLite and real PostgreSQL: idempotent ingest, stories replaced in place,
consistency on failure."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine

from newsprism import __version__
from newsprism.clean import clean_document
from newsprism.errors import StoreError
from newsprism.model import Article, Brief, Claim, Generator, Span, StoryInfo
from newsprism.read import read_inputs
from newsprism.store import open_store

from conftest import SAMPLE_DIR


@pytest.fixture(scope="module")
def sample_articles() -> list[Article]:
    return [clean_document(doc) for doc in read_inputs([str(SAMPLE_DIR)]) if not isinstance(doc, Exception)]


def test_ingest_is_idempotent(db_url: str, sample_articles: list[Article]) -> None:
    store = open_store(db_url)
    first = store.add_articles(sample_articles)
    second = store.add_articles(sample_articles)
    assert len(first.added) == 5 and not first.already_stored
    assert not second.added and len(second.already_stored) == 5
    assert store.count() == 5
    store.close()


def test_same_text_under_another_id_is_recognised(db_url: str, sample_articles: list[Article]) -> None:
    store = open_store(db_url)
    store.add_articles(sample_articles[:1])
    copy = sample_articles[0].model_copy(update={"id": "copy-of-first", "source": "elsewhere.txt"})
    report = store.add_articles([copy])
    assert report.already_stored == [("copy-of-first", sample_articles[0].id)]
    assert store.count() == 1
    store.close()


def test_same_id_with_different_text_is_rejected_not_overwritten(
    db_url: str, sample_articles: list[Article]
) -> None:
    store = open_store(db_url)
    store.add_articles(sample_articles[:1])
    impostor = sample_articles[1].model_copy(update={"id": sample_articles[0].id})
    report = store.add_articles([impostor])
    assert report.rejected and "different text" in report.rejected[0][1]
    stored = store.get_article(sample_articles[0].id)
    assert stored is not None and stored.text == sample_articles[0].text
    store.close()


def test_round_trip_keeps_every_field(db_url: str, sample_articles: list[Article]) -> None:
    store = open_store(db_url)
    store.add_articles(sample_articles)
    for article in sample_articles:
        assert store.get_article(article.id) == article
    store.close()


def test_failure_mid_batch_leaves_database_consistent(db_url: str, sample_articles: list[Article]) -> None:
    """A crash in the middle of a batch rolls the batch back; earlier batches stay; a re-run completes."""

    def crashing() -> Iterator[Article]:
        yield from sample_articles[:3]
        raise RuntimeError("reader crashed")

    store = open_store(db_url)
    with pytest.raises(RuntimeError):
        store.add_articles(crashing(), batch_size=2)
    # The first batch (2 articles) committed; the interrupted one (article 3) did not.
    assert store.count() == 2
    assert store.get_article(sample_articles[2].id) is None
    report = store.add_articles(sample_articles)
    assert len(report.added) == 3 and len(report.already_stored) == 2
    assert store.count() == 5
    store.close()


def test_reopening_runs_migrations_once(db_url: str, sample_articles: list[Article]) -> None:
    open_store(db_url).close()
    store = open_store(db_url)
    store.add_articles(sample_articles[:2])
    store.close()
    assert open_store(db_url).count() == 2


def test_unreachable_database_is_a_clear_error() -> None:
    with pytest.raises(
        StoreError, match=r"cannot open database postgresql\+psycopg://u:\*\*\*@127.0.0.1:1/x"
    ):
        open_store("postgresql://u:secret@127.0.0.1:1/x")


def test_unwritable_sqlite_path_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StoreError, match="cannot open database"):
        open_store(f"sqlite:///{tmp_path}/missing-dir/db.sqlite")


# --------------------------------------------------------------------------- stories


def _brief(articles: list[Article], *, story_id: str = "s-test", title: str = "Blinken in Beijing") -> Brief:
    dates = sorted(a.published for a in articles if a.published)
    return Brief(
        generated_by=Generator(version=__version__),
        story=StoryInfo(
            id=story_id,
            title=title,
            article_ids=[a.id for a in articles],
            first_published=dates[0] if dates else None,
            last_published=dates[-1] if dates else None,
        ),
        articles=articles,
        claims=[
            Claim(
                id="c1",
                text=articles[0].text[:40],
                support=[Span(article_id=articles[0].id, start=0, end=40, text=articles[0].text[:40])],
                article_ids=[articles[0].id],
                status="exclusive",
            )
        ],
    )


def test_saved_story_reads_back_equal(db_url: str, sample_articles: list[Article]) -> None:
    store = open_store(db_url)
    brief = _brief(sample_articles)
    store.save_story(brief, {sample_articles[1].id: sample_articles[0].id})
    assert store.get_story(brief.story.id) == brief
    assert store.get_story("no-such-story") is None
    (listed,) = store.list_stories()
    assert listed.id == brief.story.id and listed.title == brief.story.title
    assert listed.article_ids == brief.story.article_ids
    assert listed.copies == {sample_articles[1].id: sample_articles[0].id}
    assert (listed.first_published, listed.last_published) == (
        brief.story.first_published,
        brief.story.last_published,
    )
    store.close()


def test_copies_default_to_the_articles_own_marks(db_url: str, sample_articles: list[Article]) -> None:
    """``copy_of`` relates articles of one run, so it is kept with the story, not the article."""
    marked = [sample_articles[0], sample_articles[1].model_copy(update={"copy_of": sample_articles[0].id})]
    store = open_store(db_url)
    store.add_articles(marked)
    store.save_story(_brief(marked))
    assert store.list_stories()[0].copies == {marked[1].id: marked[0].id}
    assert store.get_story("s-test") == _brief(marked)
    stored = store.get_article(marked[1].id)
    assert stored is not None and stored.copy_of is None and stored == sample_articles[1]
    store.close()


def test_saving_a_story_again_replaces_it(db_url: str, sample_articles: list[Article]) -> None:
    store = open_store(db_url)
    store.save_story(_brief(sample_articles), {sample_articles[1].id: sample_articles[0].id})
    first_saved = store.list_stories()[0].updated_at
    newer = _brief(sample_articles[:3], title="Blinken meets Xi")
    store.save_story(newer)
    assert store.count_stories() == 1
    assert store.get_story("s-test") == newer
    (listed,) = store.list_stories()
    assert listed.article_ids == [a.id for a in sample_articles[:3]] and listed.copies == {}
    assert listed.title == "Blinken meets Xi" and listed.updated_at >= first_saved
    store.close()


def test_a_failing_save_keeps_the_previous_brief(db_url: str, sample_articles: list[Article]) -> None:
    """A brief that lists one article twice cannot be stored: the transaction rolls back after the
    story row was already updated, and the stored brief and its article list are as before."""
    store = open_store(db_url)
    good = _brief(sample_articles[:2])
    store.save_story(good)
    bad = _brief(sample_articles[:2], title="half-written")
    bad.story.article_ids.append(sample_articles[0].id)
    with pytest.raises(StoreError, match="s-test: brief not stored"):
        store.save_story(bad)
    assert store.get_story("s-test") == good
    (listed,) = store.list_stories()
    assert listed.title == good.story.title and listed.article_ids == good.story.article_ids
    # A new story with the same fault leaves nothing behind.
    bad_new = _brief(sample_articles[:1], story_id="s-new")
    bad_new.story.article_ids.append(sample_articles[0].id)
    with pytest.raises(StoreError):
        store.save_story(bad_new)
    assert store.count_stories() == 1 and store.get_story("s-new") is None
    store.close()


def test_stories_are_listed_largest_first(db_url: str, sample_articles: list[Article]) -> None:
    store = open_store(db_url)
    store.save_story(_brief(sample_articles[:1], story_id="s-small", title="Small story"))
    store.save_story(_brief(sample_articles[1:5], story_id="s-large", title="Large story"))
    store.save_story(_brief(sample_articles[2:4], story_id="s-middle", title="Middle 100% story"))
    assert [s.id for s in store.list_stories()] == ["s-large", "s-middle", "s-small"]
    assert [s.id for s in store.list_stories(limit=1, offset=1)] == ["s-middle"]
    assert [s.id for s in store.list_stories(query="SMALL")] == ["s-small"]
    assert [s.id for s in store.list_stories(query="100%")] == ["s-middle"]  # % is not a wildcard
    assert store.list_stories(query="nothing like it") == []
    store.close()


def test_a_database_from_before_stories_is_migrated(db_url: str, sample_articles: list[Article]) -> None:
    """A database made by the first schema (articles only) gains the story tables on open and
    keeps its articles."""
    from alembic import command

    from newsprism.store.database import database_url, migration_config

    engine = create_engine(database_url(db_url))
    config = migration_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    # Rows as the first schema holds them (today's ORM knows columns that schema lacks).
    from sqlalchemy import insert

    from newsprism.store.database import _to_row
    from newsprism.store.tables import ArticleRow

    first_schema = [
        c for c in ArticleRow.__table__.columns if c.name not in {"version", "updated_at", "ingested_at"}
    ]
    with engine.begin() as connection:
        for article in sample_articles[:2]:
            row = _to_row(article, None, article.content_hash or "")
            connection.execute(
                insert(ArticleRow.__table__).values({c.name: getattr(row, c.name) for c in first_schema})
            )
    engine.dispose()
    store = open_store(db_url)
    assert store.count() == 2 and store.count_stories() == 0
    store.save_story(_brief(sample_articles[:2]))
    assert store.count_stories() == 1
    store.close()
