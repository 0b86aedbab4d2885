"""The parse-ahead helper (nlp/parse_ahead.py) gives exactly the parse ``annotate`` makes on its
own, whoever parses each article, and every way it can fail ends in the ordinary parse, in
bounded time, with the helper gone: a helper killed mid-run, a text changed after it was sent,
articles in other languages, a parent killed without closing it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from newsprism.model import Article
from newsprism.nlp import parse_ahead
from newsprism.nlp.annotate import AnnotatedArticle, annotate
from newsprism.nlp.parse_ahead import ParseAhead, parsing_ahead
from newsprism.pipeline import read_articles

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "blinken-beijing-2023"


@pytest.fixture(scope="module")
def sample() -> list[Article]:
    return list(read_articles([str(SAMPLE)], report=lambda _: None))


def _tokens(annotated: list[AnnotatedArticle]) -> list[list[tuple[object, ...]]]:
    return [
        [
            (
                p.start,
                t.idx,
                t.text,
                t.tag_,
                t.pos_,
                t.dep_,
                t.head.i,
                t.lemma_,
                t.ent_type_,
                t.is_sent_start,
                t.is_stop,
            )
            for t in p.doc
        ]
        for a in annotated
        for p in a.paragraphs
    ]


@pytest.fixture(scope="module")
def parsed_here(sample: list[Article]) -> list[list[tuple[object, ...]]]:
    """The sample parsed in this process, as without a helper."""
    return _tokens(annotate(sample, n_process=1))


@contextmanager
def _sent_ahead(articles: list[Article]) -> Iterator[ParseAhead]:
    """A helper of this process, every article of ``articles`` sent to it."""
    with parsing_ahead() as ahead:
        assert ahead is not None, "a helper starts on a machine with two CPUs"
        for article in articles:
            ahead.submit(article)
        yield ahead


def test_parses_from_the_helper_equal_the_parse_made_here(
    sample: list[Article], parsed_here: list[list[tuple[object, ...]]]
) -> None:
    with _sent_ahead(sample) as ahead:
        time.sleep(3)  # the helper has begun (or finished) every article by now
        assert parse_ahead.active() is ahead
        got = annotate(sample)
        assert not ahead.problems
    assert _tokens(got) == parsed_here
    assert parse_ahead.active() is None


def test_articles_taken_back_at_once_are_parsed_here_and_equal(
    sample: list[Article], parsed_here: list[list[tuple[object, ...]]]
) -> None:
    with _sent_ahead(sample):
        got = annotate(sample)  # at once: the helper has begun one or two, this process takes the rest
    assert _tokens(got) == parsed_here


def test_stories_in_another_order_than_the_articles_came_get_the_same_parses(
    sample: list[Article], parsed_here: list[list[tuple[object, ...]]]
) -> None:
    first, second = [sample[3], sample[1]], [sample[4], sample[0], sample[2]]
    with _sent_ahead(sample) as ahead:
        got = {a.id: a for a in annotate(first) + annotate(second)}
        assert not ahead.problems
    assert _tokens([got[a.id] for a in sample]) == parsed_here


def test_a_killed_helper_leaves_the_parse_to_this_process_in_bounded_time(
    sample: list[Article], parsed_here: list[list[tuple[object, ...]]]
) -> None:
    with _sent_ahead(sample) as ahead:
        time.sleep(0.5)
        assert ahead.pid is not None
        os.kill(ahead.pid, 9)  # the failure under test
        started = time.monotonic()
        got = annotate(sample)
        took = time.monotonic() - started
        assert ahead.problems, "the lost helper is reported"
    assert _tokens(got) == parsed_here
    assert took < parse_ahead.ANSWER_TIMEOUT_SECONDS / 2, "a dead helper is seen at once, not waited for"


def test_a_text_changed_after_it_was_sent_is_parsed_as_it_is_now(sample: list[Article]) -> None:
    changed = sample[0].model_copy(update={"text": sample[0].text.replace("Blinken", "Yellen")})
    with parsing_ahead() as ahead:
        assert ahead is not None
        ahead.submit(sample[0])
        time.sleep(2)
        assert not ahead.holds(changed)
        (got,) = annotate([changed])
    assert any("Yellen" in p.doc.text for p in got.paragraphs)
    assert _tokens([got]) == _tokens(annotate([changed], n_process=1))


def test_only_articles_the_english_model_reads_are_sent(sample: list[Article]) -> None:
    french = sample[0].model_copy(update={"id": "fr-1", "language": "fr"})
    with parsing_ahead() as ahead:
        assert ahead is not None
        ahead.submit(french)
        ahead.submit(sample[1])
        assert not ahead.holds(french)
        assert ahead.holds(sample[1])


def test_no_helper_on_one_cpu_or_when_not_wanted(monkeypatch: pytest.MonkeyPatch) -> None:
    with parsing_ahead(wanted=False) as ahead:
        assert ahead is None
    monkeypatch.setenv("NEWSPRISM_THREADS", "1")
    with parsing_ahead() as ahead:
        assert ahead is None


def test_the_helper_is_gone_after_the_block_and_after_its_parent_is_killed() -> None:
    helper = ParseAhead()
    pid = helper.pid
    assert pid is not None
    helper.close()
    assert not _alive(pid)
    # A parent that dies without closing it (kill -9): the helper sees it and leaves by itself.
    script = (
        "import os, sys\n"
        "from newsprism.nlp.parse_ahead import ParseAhead\n"
        "helper = ParseAhead()\n"
        "print(helper.pid, flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    orphan = int(run.stdout.split()[0])
    deadline = time.monotonic() + 30
    while _alive(orphan) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(orphan), "an orphaned helper leaves within seconds"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its new parent) counts as gone.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\tZ" in status.read_text())
