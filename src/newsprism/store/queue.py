"""The job queue and leases behind ``newsprism serve``, kept in the database itself so that any
number of servers and workers sharing one database cooperate without another service.

A job is claimed with one guarded UPDATE (``... WHERE id = :id AND status = 'queued'``): of two
workers racing for it, the database lets exactly one UPDATE match, on SQLite and PostgreSQL alike,
so nothing is processed twice. A working worker beats a heartbeat on its job; a job whose
heartbeat is older than ``JOB_LEASE`` belongs to a dead worker and may be taken again, up to
``MAX_ATTEMPTS`` times.

Leases are named locks with an expiry, taken the same way; placing articles into stories holds
the ``stories`` lease so that two workers never open two stories for one event at the same moment.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Executable, and_, func, insert, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from newsprism.errors import StoreError
from newsprism.store.database import Store
from newsprism.store.tables import JobRow, LeaseRow

JOB_KINDS = ("ingest", "brief")
# A running job whose heartbeat is older than this belongs to a dead worker. Workers beat every
# HEARTBEAT_SECONDS, so only a worker that stopped (or lost the database that long) loses its job.
JOB_LEASE = timedelta(minutes=5)
HEARTBEAT_SECONDS = 30.0
MAX_ATTEMPTS = 3
STORIES_LEASE = "stories"


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    status: str  # queued | running | done | failed
    story_id: str | None
    payload: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    worker: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def _changed(session: Session, statement: Executable) -> int:
    """Run an UPDATE; how many rows it changed."""
    return int(cast(CursorResult[Any], session.execute(statement)).rowcount)


def _now() -> datetime:
    return datetime.now(UTC)


def _job(row: JobRow) -> Job:
    return Job(
        id=row.id,
        kind=row.kind,
        status=row.status,
        story_id=row.story_id,
        payload=json.loads(row.payload),
        result=json.loads(row.result) if row.result is not None else None,
        error=row.error,
        attempts=row.attempts,
        worker=row.worker,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )


def enqueue(store: Store, kind: str, payload: dict[str, Any], *, story_id: str | None = None) -> str:
    """Add a job; its id. The payload must be JSON-serialisable."""
    with Session(store.engine) as session, session.begin():
        return enqueue_in(session, kind, payload, story_id=story_id)


def enqueue_in(session: Session, kind: str, payload: dict[str, Any], *, story_id: str | None = None) -> str:
    """``enqueue`` inside the caller's transaction."""
    if kind not in JOB_KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job_id = "j" + secrets.token_hex(8)
    session.add(
        JobRow(
            id=job_id,
            kind=kind,
            status="queued",
            story_id=story_id,
            payload=json.dumps(payload, ensure_ascii=False),
            attempts=0,
            created_at=_now(),
        )
    )
    return job_id


def enqueue_brief(store: Store, story_id: str, reason: str) -> str | None:
    """Queue a recomputation of a story's brief unless one is already waiting (a waiting job
    will read the story's members when it runs, so one is enough); the new job's id or None."""
    with Session(store.engine) as session, session.begin():
        return enqueue_brief_in(session, story_id, reason)


def enqueue_brief_in(session: Session, story_id: str, reason: str) -> str | None:
    """``enqueue_brief`` inside the caller's transaction (placing articles and queueing their
    stories' briefs commit together)."""
    waiting = session.scalar(
        select(JobRow.id).where(
            JobRow.kind == "brief", JobRow.story_id == story_id, JobRow.status == "queued"
        )
    )
    if waiting is not None:
        return None
    return enqueue_in(session, "brief", {"reason": reason}, story_id=story_id)


def claim(store: Store, worker: str) -> Job | None:
    """Take the oldest job that is waiting (or whose worker died) for ``worker``; None when
    there is none. A brief job waits while another worker computes the same story."""
    now = _now()
    stale = now - JOB_LEASE
    other = aliased(JobRow)
    same_story_running = (
        select(other.id)
        .where(other.story_id == JobRow.story_id, other.status == "running", other.id != JobRow.id)
        .exists()
    )
    claimable = and_(
        or_(JobRow.status == "queued", and_(JobRow.status == "running", JobRow.heartbeat_at < stale)),
        or_(JobRow.story_id.is_(None), ~same_story_running),
    )
    with Session(store.engine) as session, session.begin():
        # Dead workers' jobs that used up their attempts fail for good.
        _changed(
            session,
            update(JobRow)
            .where(JobRow.status == "running", JobRow.heartbeat_at < stale, JobRow.attempts >= MAX_ATTEMPTS)
            .values(
                status="failed",
                finished_at=now,
                error=f"the worker running it stopped answering, on each of {MAX_ATTEMPTS} attempts",
            ),
        )
    with Session(store.engine) as session:
        candidates = session.scalars(
            select(JobRow.id).where(claimable).order_by(JobRow.created_at).limit(8)
        ).all()
    for job_id in candidates:
        with Session(store.engine) as session, session.begin():
            taken = _changed(
                session,
                update(JobRow)
                .where(JobRow.id == job_id, claimable)
                .values(
                    status="running",
                    worker=worker,
                    started_at=now,
                    heartbeat_at=now,
                    attempts=JobRow.attempts + 1,
                )
                .execution_options(synchronize_session=False),
            )
        if taken == 1:
            found = get_job(store, job_id)
            if found is not None:
                return found
    return None


def _close(store: Store, job_id: str, worker: str, values: dict[str, Any]) -> bool:
    """Record a job's end, only if this worker still holds it (it may have been taken over)."""
    with Session(store.engine) as session, session.begin():
        changed = _changed(
            session,
            update(JobRow)
            .where(JobRow.id == job_id, JobRow.worker == worker, JobRow.status == "running")
            .values(finished_at=_now(), **values),
        )
    return changed == 1


def heartbeat(store: Store, job_id: str, worker: str) -> bool:
    """Say that ``worker`` is still working on the job; False when it is no longer its job."""
    with Session(store.engine) as session, session.begin():
        changed = _changed(
            session,
            update(JobRow)
            .where(JobRow.id == job_id, JobRow.worker == worker, JobRow.status == "running")
            .values(heartbeat_at=_now()),
        )
    return changed == 1


def finish(store: Store, job_id: str, worker: str, result: dict[str, Any]) -> bool:
    return _close(store, job_id, worker, {"status": "done", "result": json.dumps(result, ensure_ascii=False)})


def fail(store: Store, job_id: str, worker: str, message: str) -> bool:
    return _close(store, job_id, worker, {"status": "failed", "error": message[:2000]})


def release(store: Store, worker: str) -> int:
    """Put a stopping worker's running jobs back in the queue (attempt not counted: it stopped
    because it was asked to) and free its leases; how many jobs."""
    with Session(store.engine) as session, session.begin():
        _changed(
            session, update(LeaseRow).where(LeaseRow.holder == worker).values(holder=None, expires_at=None)
        )
        return _changed(
            session,
            update(JobRow)
            .where(JobRow.worker == worker, JobRow.status == "running")
            .values(
                status="queued", worker=None, started_at=None, heartbeat_at=None, attempts=JobRow.attempts - 1
            ),
        )


def release_dead(store: Store, worker: str, how: str) -> list[Job]:
    """A worker died while running its jobs (killed, out of memory, crashed: ``how`` says which):
    free its leases and put each job back with the attempt counted, or fail it for good once it
    has used MAX_ATTEMPTS, so that a job that kills its worker is not retried forever. The jobs
    as they were."""
    with Session(store.engine) as session, session.begin():
        _changed(
            session, update(LeaseRow).where(LeaseRow.holder == worker).values(holder=None, expires_at=None)
        )
        rows = session.scalars(
            select(JobRow).where(JobRow.worker == worker, JobRow.status == "running")
        ).all()
        jobs = [_job(row) for row in rows]
        now = _now()
        for row in rows:
            if row.attempts >= MAX_ATTEMPTS:
                row.status, row.finished_at = "failed", now
                row.error = (
                    f"the worker running it {how}, on each of {row.attempts} attempts; "
                    "the input may be too large for this machine"
                )
            else:
                row.status, row.worker, row.started_at, row.heartbeat_at = "queued", None, None, None
    return jobs


def overdue(store: Store, worker: str, limit: timedelta) -> list[Job]:
    """The worker's jobs that have run longer than ``limit``."""
    with Session(store.engine) as session:
        rows = session.scalars(
            select(JobRow).where(
                JobRow.worker == worker, JobRow.status == "running", JobRow.started_at < _now() - limit
            )
        ).all()
        return [_job(row) for row in rows]


def get_job(store: Store, job_id: str) -> Job | None:
    with Session(store.engine) as session:
        row = session.get(JobRow, job_id)
        return _job(row) if row is not None else None


def queue_counts(store: Store) -> dict[str, int]:
    """How many jobs are queued and running (for pages that say "3 articles waiting")."""
    with Session(store.engine) as session:
        rows = session.execute(
            select(JobRow.status, func.count())
            .where(JobRow.status.in_(["queued", "running"]))
            .group_by(JobRow.status)
        ).all()
    counts = {"queued": 0, "running": 0}
    counts.update({status: int(count) for status, count in rows})
    return counts


def story_busy(store: Store, story_id: str) -> bool:
    """Whether a recomputation of this story's brief is waiting or running."""
    with Session(store.engine) as session:
        return (
            session.scalar(
                select(JobRow.id)
                .where(JobRow.story_id == story_id, JobRow.status.in_(["queued", "running"]))
                .limit(1)
            )
            is not None
        )


# --------------------------------------------------------------------------- leases


def acquire_lease(store: Store, name: str, holder: str, ttl: timedelta) -> bool:
    """Take (or extend) the lease ``name`` for ``holder`` if it is free, expired or already
    ``holder``'s."""
    now = _now()
    try:
        with Session(store.engine) as session, session.begin():
            session.execute(insert(LeaseRow).values(name=name, holder=None, expires_at=None))
    except IntegrityError:
        pass  # the row exists already
    with Session(store.engine) as session, session.begin():
        taken = _changed(
            session,
            update(LeaseRow)
            .where(
                LeaseRow.name == name,
                or_(LeaseRow.holder.is_(None), LeaseRow.holder == holder, LeaseRow.expires_at < now),
            )
            .values(holder=holder, expires_at=now + ttl),
        )
    return taken == 1


def release_lease(store: Store, name: str, holder: str) -> None:
    with Session(store.engine) as session, session.begin():
        _changed(
            session,
            update(LeaseRow)
            .where(LeaseRow.name == name, LeaseRow.holder == holder)
            .values(holder=None, expires_at=None),
        )


@contextmanager
def lease(
    store: Store, name: str, holder: str, *, ttl: timedelta = timedelta(minutes=5), wait_seconds: float = 600
) -> Iterator[None]:
    """Hold the lease ``name`` for the block, waiting for it up to ``wait_seconds``."""
    deadline = time.monotonic() + wait_seconds
    while not acquire_lease(store, name, holder, ttl):
        if time.monotonic() > deadline:
            raise StoreError(f"lease {name!r} still held by another worker after {wait_seconds:.0f} s")
        time.sleep(0.2)
    try:
        yield
    finally:
        release_lease(store, name, holder)
