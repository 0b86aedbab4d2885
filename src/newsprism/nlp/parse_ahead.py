"""The English parse of each article started in a second process as soon as the article is clean,
while this process goes on reading, cleaning and grouping the rest.

Without it, a small run is one long chain on one core: clean, group into stories, load spaCy,
parse, embed. The parse is the largest link that needs no story (every English article of an
``analyze`` run is annotated, whichever story it joins), so a forked helper loads the model and
parses articles as they come. ``annotate`` takes the finished parses, and parses itself, at the
same time, those the helper has not begun. On the bundled sample the parse (0.8 s in two
processes) leaves the chain.

What comes back is exactly what ``annotate`` would have made: the same model, the same
paragraphs (``paragraphs_of``), returned as spaCy's own ``Doc.to_bytes`` (as spaCy's ``n_process``
does) and read into this process's vocabulary. Only the tok2vec tensor is left behind: no stage
reads token vectors (the small model has no static vectors either).

Anything unusual falls back to the ordinary parse, never to a missing or different one: an
article the helper was not sent, an answer that does not come (the helper died or is stuck), a
helper's error, a text that changed since it was sent.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from newsprism.model import Article

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess
    from multiprocessing.queues import Queue

    from spacy.tokens import Doc

# Articles parsed ahead, at most: their parses wait in memory until their story is analysed
# (about 150 KB per 1,000-word article: 60 MB at most), so a corpus has its first ones parsed
# ahead and the rest as before. The sample is 5, a story rarely 100.
MAX_ARTICLES_AHEAD = 400
# How long ``collect`` waits for one article's parse before parsing it here instead. A paragraph
# parses in milliseconds; only a helper that hangs takes this long (a dead one is seen at once).
ANSWER_TIMEOUT_SECONDS = 30.0
# How long closing waits for the helper to leave before killing it.
CLOSE_TIMEOUT_SECONDS = 5.0
# How often an idle helper checks that its parent still lives (a killed parent cannot stop it).
PARENT_CHECK_SECONDS = 1.0

_active: ParseAhead | None = None


def _fingerprint(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


# Who parses an article sent ahead (one byte per article, shared by both processes): nobody yet,
# the helper, or this process, which takes back what the helper has not begun when it needs it.
UNCLAIMED, HELPER, PARENT = 0, 1, 2
# How long either process waits for the lock on those bytes: it is held for microseconds, so only
# a helper killed while holding it makes this process wait that long (and then give up on it).
CLAIM_LOCK_SECONDS = 2.0

Answer = tuple[str, list[bytes] | None, str]  # article id ("" for the helper itself), Docs, problem


def _serve(requests: Queue[tuple[int, str, str] | None], answers: Connection, claims: Any) -> None:
    """The helper's loop: load the model, then parse each article sent that this process has not
    taken back, until told to stop (or its parent is gone)."""
    from newsprism.nlp.annotate import BATCH_SIZE, load_model, paragraphs_of

    parent = os.getppid()
    try:
        nlp = load_model()
    except Exception as exc:  # any failure: reported to the parent, which parses itself
        answers.send(("", None, f"the model did not load: {exc}"))
        return
    while True:
        try:
            request = requests.get(timeout=PARENT_CHECK_SECONDS)
        except queue.Empty:
            if os.getppid() != parent:
                return
            continue
        if request is None:
            return
        slot, article_id, text = request
        if not claims.get_lock().acquire(timeout=CLAIM_LOCK_SECONDS):
            return
        try:
            mine = claims[slot] == UNCLAIMED
            if mine:
                claims[slot] = HELPER
        finally:
            claims.get_lock().release()
        if not mine:
            continue  # the parent took it back
        try:
            texts = [paragraph for _, paragraph in paragraphs_of(text)]
            docs = [doc.to_bytes(exclude=["tensor"]) for doc in nlp.pipe(texts, batch_size=BATCH_SIZE)]
        except Exception as exc:  # any failure: that article is parsed by the parent instead
            answers.send((article_id, None, f"{type(exc).__name__}: {exc}"))
        else:
            answers.send((article_id, docs, ""))


class ParseAhead:
    """A forked helper process that parses the English articles it is sent (``submit``). When
    ``annotate`` needs them, it takes back and parses those the helper has not begun
    (``take_back_last``), then ``collect``s the others as Docs of this process's model.

    Articles go out through a queue (its feeder thread never makes cleaning wait); parses come
    back through a pipe whose only writer is the helper, read by a thread here as they come: a
    helper that dies, even halfway through sending, ends the pipe, and whoever waits is told."""

    def __init__(self, max_articles: int = MAX_ARTICLES_AHEAD) -> None:
        context = multiprocessing.get_context("fork")
        self._requests: Queue[tuple[int, str, str] | None] = context.Queue()
        self._claims = context.Array("b", max_articles)
        answers, helper_end = context.Pipe(duplex=False)
        self._process: BaseProcess = context.Process(
            target=_serve,
            args=(self._requests, helper_end, self._claims),
            name="newsprism-parse-ahead",
            daemon=True,
        )
        self._process.start()
        helper_end.close()  # the helper holds the only writing end: its death ends the pipe here
        self._answers = answers
        self._max_articles = max_articles
        self._slots_used = 0  # one slot of ``_claims`` per article sent, never reused
        self._sent: dict[str, tuple[int, str]] = {}  # article id → (slot, fingerprint of the text)
        self._answered: dict[str, list[bytes] | None] = {}  # None: the helper failed on it
        self._changed = threading.Condition()
        self._gone = False  # the helper stopped, or stopped answering
        self._closing = False
        self.problems: list[str] = []  # what went wrong (those articles were parsed here)
        self._reader = threading.Thread(
            target=self._read_answers, name="newsprism-parse-ahead-answers", daemon=True
        )
        self._reader.start()

    @property
    def pid(self) -> int | None:
        """The helper's process id."""
        return self._process.pid

    def _read_answers(self) -> None:
        try:
            while True:
                article_id, docs, problem = self._answers.recv()
                with self._changed:
                    if problem:
                        self.problems.append(problem)
                    if article_id:
                        self._answered[article_id] = docs
                    else:
                        self._gone = True  # the model did not load: nothing will come
                    self._changed.notify_all()
        except (EOFError, OSError):
            with self._changed:
                if not self._closing:
                    self.problems.append("the parse-ahead helper stopped before it was told to")
                self._gone = True
                self._changed.notify_all()

    def submit(self, article: Article) -> None:
        """Send an article to be parsed, if it is one ``annotate`` reads with the English model."""
        from newsprism.nlp.annotate import is_english

        if self._gone or self._slots_used >= self._max_articles or article.id in self._sent:
            return
        if not is_english(article):
            return
        slot, self._slots_used = self._slots_used, self._slots_used + 1
        self._sent[article.id] = (slot, _fingerprint(article.text))
        self._requests.put((slot, article.id, article.text))

    def holds(self, article: Article) -> bool:
        """Whether this article, as it is now, was sent to a helper still working."""
        sent = self._sent.get(article.id)
        return not self._gone and sent is not None and sent[1] == _fingerprint(article.text)

    def take_back_last(self, articles: Sequence[Article]) -> Article | None:
        """Of ``articles``, the one sent last that the helper has not begun, now this process's
        to parse (the helper will skip it), or None. Taking from the end of its queue while it
        works from the front splits what is left between the two processes."""
        held = [(self._sent[a.id], a) for a in articles if a.id in self._sent]
        for sent, article in sorted(held, key=lambda pair: pair[0][0], reverse=True):
            if not self._claims.get_lock().acquire(timeout=CLAIM_LOCK_SECONDS):
                self._give_up("the parse-ahead helper holds its lock; it is given up")
                return None
            try:
                taken = self._claims[sent[0]] == UNCLAIMED
                if taken:
                    self._claims[sent[0]] = PARENT
            finally:
                self._claims.get_lock().release()
            if taken:
                del self._sent[article.id]
                return article
        return None

    def collect(self, article: Article, vocab: Any) -> list[Doc] | None:
        """The paragraph Docs (in ``paragraphs_of`` order, read into ``vocab``) of an article the
        helper ``holds``, or None if they will not come (parse it here): not held, or the helper
        reported an error, died, or said nothing for ``ANSWER_TIMEOUT_SECONDS``."""
        from spacy.tokens import Doc

        if not self.holds(article):
            return None
        del self._sent[article.id]
        deadline = time.monotonic() + ANSWER_TIMEOUT_SECONDS
        with self._changed:
            while article.id not in self._answered:
                if self._gone:
                    return None
                left = deadline - time.monotonic()
                if left <= 0:
                    self._gone = True
                    self.problems.append(f"no parse came back within {ANSWER_TIMEOUT_SECONDS:.0f} s")
                    return None
                self._changed.wait(left)
            docs = self._answered.pop(article.id)
        return None if docs is None else [Doc(vocab).from_bytes(data) for data in docs]

    def _give_up(self, problem: str) -> None:
        with self._changed:
            self._gone = True
            self.problems.append(problem)

    def _disown_unbegun(self) -> None:
        if not self._claims.get_lock().acquire(timeout=CLAIM_LOCK_SECONDS):
            return
        try:
            for slot, _ in self._sent.values():
                if self._claims[slot] == UNCLAIMED:
                    self._claims[slot] = PARENT
        finally:
            self._claims.get_lock().release()

    def close(self) -> None:
        """Stop the helper (killing it if it does not leave in time) and drop unclaimed parses."""
        with self._changed:
            self._closing = True
        self._disown_unbegun()  # so that the helper does not parse them before it reads "stop"
        if self._process.is_alive():
            with suppress(OSError, ValueError):
                self._requests.put(None)
            self._process.join(CLOSE_TIMEOUT_SECONDS)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(CLOSE_TIMEOUT_SECONDS)
        self._reader.join(CLOSE_TIMEOUT_SECONDS)  # the pipe has ended with the helper
        self._requests.cancel_join_thread()  # articles never read must not hold this process at exit
        self._requests.close()
        self._answers.close()
        self._answered.clear()
        self._sent.clear()


def active() -> ParseAhead | None:
    """The helper of the run in progress in this process, if it has one."""
    return _active


def worth_starting() -> bool:
    """A helper pays only with a second CPU for it, and can only be forked from a process that
    may have children (not a daemonic worker) on a system that forks."""
    from newsprism.threads import cpu_budget

    return (
        "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
        and cpu_budget() >= 2
    )


@contextmanager
def parsing_ahead(wanted: bool = True) -> Iterator[ParseAhead | None]:
    """Within the block, ``annotate`` takes from a helper started here the parses of the articles
    sent to it (``submit``); the helper is stopped on leaving. Yields None, and starts nothing,
    when not ``wanted``, not ``worth_starting``, or a helper is already active."""
    global _active
    if not wanted or _active is not None or not worth_starting():
        yield None
        return
    # Forked before spaCy is even imported: the helper loads the model while this process loads
    # lingua and cleans, and begins parsing as the first article comes. (Forking after loading the
    # model here put that load, 0.7 s, before any cleaning, and the parse finished 0.4 s later.)
    helper = ParseAhead()
    _active = helper
    try:
        yield helper
    finally:
        _active = None
        helper.close()
