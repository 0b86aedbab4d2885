"""Storage against real SQLite and real PostgreSQL: idempotent ingest, consistency on failure."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsprism.clean import clean_document
from newsprism.errors import StoreError
from newsprism.model import Article
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
