"""The background worker of ``newsprism serve``: takes jobs from the database queue and runs the
pipeline, never in a request's thread.

- ``ingest``: records (text, HTML or a URL to fetch) → clean articles → stored → each placed in a
  story by the story stream (the same clustering as ``newsprism cluster --stream``) → a ``brief``
  job queued for every story that gained articles.
- ``brief``: one story's brief recomputed from all its articles and stored; the page then shows
  the new "last updated" time.

Several workers (in one server or in several servers on one PostgreSQL) share the queue: a job is
claimed by exactly one of them (``newsprism.store.queue``), and placing articles into stories
holds a lease, after which the worker first catches up with the assignments others made.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from newsprism.clean import clean_document
from newsprism.errors import InputError, NewsprismError
from newsprism.meta import OutletDirectory, default_directory
from newsprism.model import Article, RawDocument, Story
from newsprism.parts import Parts
from newsprism.read import ReadOptions, read_inputs
from newsprism.read.fetch import check_host_allowed
from newsprism.read.jsonl import record_to_document
from newsprism.store import queue
from newsprism.store.assignments import (
    add_assignments,
    assigned_story,
    assignments_since,
    get_articles,
    latest_seq,
    story_articles,
)
from newsprism.store.database import Store
from newsprism.stories import StoryStream, dense_vectors, with_copies

log = logging.getLogger("newsprism.worker")

POLL_SECONDS = 0.5
MAX_BACKOFF_SECONDS = 60.0


class _Heartbeat:
    """Beats the job's heartbeat from a thread while the job runs, so that a long job is never
    mistaken for a dead worker's."""

    def __init__(self, store: Store, job_id: str, worker: str) -> None:
        self._args = (store, job_id, worker)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}", daemon=True)

    def _beat(self) -> None:
        while not self._stop.wait(queue.HEARTBEAT_SECONDS):
            try:
                queue.heartbeat(*self._args)
            except Exception:  # a missed beat is harmless; JOB_LEASE spans ten of them
                log.warning("heartbeat of job %s failed", self._args[1], exc_info=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def new_worker_id() -> str:
    """Unique per worker process, readable in the jobs table: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass
class Worker:
    store: Store
    worker_id: str = field(default_factory=new_worker_id)
    allow_private_urls: bool = False
    parts: Parts = field(default_factory=Parts.default)
    stream: StoryStream = field(default_factory=StoryStream)
    directory: OutletDirectory = field(default_factory=default_directory)
    _seen_seq: int = 0

    # ------------------------------------------------------------------ the loop

    def run(
        self, stop: threading.Event | Any, poll_seconds: float = POLL_SECONDS, parent_pid: int | None = None
    ) -> None:
        """Process jobs until ``stop`` is set (a threading or multiprocessing Event), or until
        the process that started this one is gone (``parent_pid``). A database outage does not
        end the loop: the worker waits, longer each time, and tries again."""
        log.info("worker %s started", self.worker_id)
        failures = 0
        try:
            while not stop.is_set() and (parent_pid is None or os.getppid() == parent_pid):
                try:
                    job = self.run_once()
                    failures = 0
                except Exception:  # the queue itself failed (database down or locked)
                    failures += 1
                    log.exception("worker %s: the job queue failed; retrying", self.worker_id)
                    stop.wait(min(MAX_BACKOFF_SECONDS, poll_seconds * 2**failures))
                    continue
                if job is None:
                    stop.wait(poll_seconds)
        finally:
            try:
                released = queue.release(self.store, self.worker_id)
            except Exception:
                log.exception(
                    "worker %s: could not hand its job back; it is retried after %s",
                    self.worker_id,
                    queue.JOB_LEASE,
                )
            else:
                if released:
                    log.info("worker %s stopping: %d job(s) back in the queue", self.worker_id, released)

    def run_once(self) -> queue.Job | None:
        """Claim and process one job; the job as claimed, or None when the queue is empty."""
        job = queue.claim(self.store, self.worker_id)
        if job is None:
            return None
        log.info("job %s (%s) started", job.id, job.kind)
        with _Heartbeat(self.store, job.id, self.worker_id):
            try:
                result = self._ingest(job) if job.kind == "ingest" else self._brief(job)
            except NewsprismError as exc:
                queue.fail(self.store, job.id, self.worker_id, str(exc))
                log.warning("job %s failed: %s", job.id, exc)
                return job
            except Exception as exc:  # a bug must not kill the worker; details stay in the log
                log.exception("job %s failed", job.id)
                queue.fail(
                    self.store,
                    job.id,
                    self.worker_id,
                    f"internal error ({type(exc).__name__}); the worker's log has the details",
                )
                return job
        queue.finish(self.store, job.id, self.worker_id, result)
        log.info("job %s done", job.id)
        return job

    def run_until_idle(self) -> int:
        """Process jobs until none is left (tests, and ``newsprism ingest``-like batch use); how many."""
        done = 0
        while self.run_once() is not None:
            done += 1
        return done

    # ------------------------------------------------------------------ ingest

    def _ingest(self, job: queue.Job) -> dict[str, Any]:
        outcomes: list[dict[str, Any]] = []
        articles: list[Article] = []
        for record in job.payload["records"]:
            record_id = str(record.get("id", ""))
            try:
                documents = self._documents(record)
                fresh = [clean_document(document, self.directory) for document in documents]
            except InputError as exc:
                outcomes.append({"id": record_id, "status": "rejected", "reason": exc.reason})
                continue
            articles += fresh
        report = self.store.add_articles(articles)
        updated = dict(report.updated)
        stored_as = (
            dict(report.already_stored) | updated | {article_id: article_id for article_id in report.added}
        )
        outcomes += [{"id": i, "status": "rejected", "reason": reason} for i, reason in report.rejected]
        placed = self._place(get_articles(self.store, sorted(set(stored_as.values()))))
        # A corrected article's story is recomputed from its new text.
        for story_id in sorted({placed[i] for i in updated.values() if i in placed}):
            queue.enqueue_brief(self.store, story_id, "an article was corrected")
        for article in articles:
            stored_id = stored_as.get(article.id)
            if stored_id is None:
                continue
            status = (
                "added"
                if article.id in report.added
                else "updated"
                if article.id in updated
                else "already_stored"
            )
            outcomes.append(
                {
                    "id": article.id,
                    "status": status,
                    "stored_id": stored_id,
                    "story_id": placed.get(stored_id),
                }
            )
        return {"articles": outcomes}

    def _documents(self, record: dict[str, Any]) -> list[RawDocument]:
        """A record with text or HTML is one document; one with only a URL is fetched (a feed's
        URL gives its entries), refusing private addresses unless allowed."""
        where = f"record {record.get('id')!r}"
        if record.get("text") or record.get("html") or not record.get("url"):
            return [record_to_document(record, "api", where)]
        url = str(record["url"]).strip()
        check_host_allowed(url, self.allow_private_urls)  # refuses other schemes and private hosts
        scheme, rest = url.split(":", 1)
        url = f"{scheme.lower()}:{rest}"  # "HTTP://…" must never be read as a local path
        options = ReadOptions(allow_private=self.allow_private_urls)
        documents: list[RawDocument] = []
        try:
            for item in read_inputs([url], options):
                if isinstance(item, InputError):
                    raise InputError(where, item.reason)
                documents.append(item)
        finally:
            options.close()  # its HTTP client
        if len(documents) == 1:  # the record's own metadata wins over what the page says
            documents[0] = documents[0].model_copy(
                update={
                    "record_id": str(record["id"]),
                    **{k: record[k] for k in ("title", "outlet", "published", "language") if record.get(k)},
                }
            )
        return documents

    def _place(self, articles: Sequence[Article]) -> dict[str, str]:
        """Put stored articles into stories (those not placed yet), queue the stories' briefs;
        article id → story id for all of them."""
        placed = assigned_story(self.store, [a.id for a in articles])
        new = [a for a in articles if a.id not in placed]
        if not new:
            return placed
        # The slow part, outside the lease.
        vectors = dense_vectors(
            new, self.parts.get_embedder(), self.parts.cross_lingual_for(a.language for a in new)
        )
        self._catch_up()  # most of it outside the lease too; what others add meanwhile, inside
        with queue.lease(self.store, queue.STORIES_LEASE, self.worker_id):
            try:
                self._catch_up()
                placed |= assigned_story(self.store, [a.id for a in new])  # placed meanwhile elsewhere
                todo = [i for i, a in enumerate(new) if a.id not in placed]
                if todo:
                    chosen = [new[i] for i in todo]
                    story_ids = self.stream.add_batch(chosen, vectors[todo])
                    add_assignments(
                        self.store,
                        [(a.id, s, vectors[i]) for i, a, s in zip(todo, chosen, story_ids, strict=True)],
                        brief_reason="new articles joined",
                    )
                    # Nobody else places articles while we hold the lease: our stream is current.
                    self._seen_seq = latest_seq(self.store)
                    placed |= {a.id: s for a, s in zip(chosen, story_ids, strict=True)}
            except Exception:
                # The stream may hold placements the database does not: start it afresh.
                self.stream, self._seen_seq = StoryStream(), 0
                raise
        return placed

    def _catch_up(self) -> None:
        """Add to this worker's stream the assignments other workers made since it last looked,
        a page at a time."""
        while missed := assignments_since(self.store, self._seen_seq):
            articles = {a.id: a for a in get_articles(self.store, [m.article_id for m in missed])}
            known = [m for m in missed if m.article_id in articles]
            if known:
                self.stream.place(
                    [articles[m.article_id] for m in known],
                    [m.story_id for m in known],
                    np.stack([m.vector for m in known]),
                )
            self._seen_seq = missed[-1].seq

    # ------------------------------------------------------------------ briefs

    def _brief(self, job: queue.Job) -> dict[str, Any]:
        from newsprism.analysis import analyze_story
        from newsprism.coverage import MAX_SIGHTINGS, comparable_window, with_coverage

        story_id = job.story_id
        if story_id is None:
            raise NewsprismError(f"job {job.id}: a brief job without a story")
        articles = story_articles(self.store, story_id)
        if not articles:
            raise NewsprismError(f"story {story_id}: no articles placed in it")
        brief = analyze_story(Story(id=story_id, articles=with_copies(articles)), self.parts)
        # Who covered it, against every outlet the database holds.
        corpus = self.store.sightings(comparable_window(articles), MAX_SIGHTINGS)
        brief = with_coverage([brief], corpus, self.parts.get_directory())[0]
        stored = self.store.save_story(brief, keep_larger=True)
        return {"story_id": story_id, "articles": len(articles), "stored": stored}
