"""The REST API of `newsprism serve` against real SQLite and real PostgreSQL, with the real
pipeline run by the real background worker: ingest → stories → briefs recomputed as articles
join; plus its security (token, exposure, body size, SSRF) and its errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from newsprism.errors import NewsprismError
from newsprism.render.json import span_problems, validate_brief
from newsprism.serve import Settings, check_exposure, create_app
from newsprism.serve.worker import Worker
from newsprism.store import open_store, queue
from newsprism.store.database import Store

from conftest import DATA, REPO

TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _ecb(gold: str, count: int) -> list[dict[str, Any]]:
    """Real articles of one ECB+ event as API records."""
    rows = [json.loads(line) for line in (DATA / "stories" / "ecbplus.jsonl").read_text().splitlines()]
    chosen = [r for r in rows if r["gold"] == gold][:count]
    assert len(chosen) == count
    return [{"id": r["id"], "title": r["title"], "text": r["text"]} for r in chosen]


BETTIE_PAGE = _ecb("4-ecb", 4)  # the pin-up model's death, four outlets
BANK_BOMB = _ecb("8-ecb", 2)  # a bomb at an Oregon bank, two outlets


@pytest.fixture
def served(db_url: str) -> Iterator[tuple[TestClient, Store]]:
    store = open_store(db_url)
    app = create_app(Settings(db_url=db_url, token=TOKEN), store=store)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, store
    store.close()


def _ingest(client: TestClient, records: list[dict[str, Any]]) -> str:
    response = client.post("/api/articles", json=records, headers=AUTH)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["ids"] == [r["id"] for r in records]
    return str(body["job_id"])


def _groups(groups: Any) -> list[list[str]]:
    """Groups of article ids (or of records) in a comparable order."""
    return sorted(sorted(item if isinstance(item, str) else item["id"] for item in group) for group in groups)


def _stories(client: TestClient) -> dict[str, list[str]]:
    listed = client.get("/api/stories").json()
    return {s["id"]: s["article_ids"] for s in listed["stories"]}


@pytest.mark.slow
def test_ingested_articles_become_stories_whose_briefs_follow_new_articles(
    served: tuple[TestClient, Store],
) -> None:
    client, store = served
    job_id = _ingest(client, BETTIE_PAGE[:3] + BANK_BOMB)
    assert client.get(f"/api/jobs/{job_id}").json()["status"] == "queued"
    assert client.get("/api/stories").json()["total"] == 0  # nothing happens in the request

    worker = Worker(store)
    assert worker.run_until_idle() == 3  # the ingest, then one brief per story

    job = client.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "done" and job["finished_at"] is not None
    results = {r["id"]: r for r in job["result"]["articles"]}
    assert {r["status"] for r in results.values()} == {"added"}
    stories = _stories(client)
    assert _groups(stories.values()) == _groups([BANK_BOMB, BETTIE_PAGE[:3]])
    page_story = results[BETTIE_PAGE[0]["id"]]["story_id"]
    first = client.get(f"/api/stories/{page_story}")
    assert first.status_code == 200 and first.headers["content-type"].startswith("application/json")
    brief = first.json()
    assert validate_brief(brief) == [] and span_problems(brief) == []
    assert brief["story"]["id"] == page_story and len(brief["summary"]) >= 1
    updated_before = client.get("/api/stories", params={"q": "Page"}).json()["stories"][0]["updated_at"]

    # A fourth outlet's article joins the story: same story id, brief recomputed with it.
    _ingest(client, BETTIE_PAGE[3:])
    assert queue.story_busy(store, page_story) is False  # not placed until the worker runs
    assert worker.run_until_idle() == 2
    stories = _stories(client)
    assert sorted(stories[page_story]) == sorted(r["id"] for r in BETTIE_PAGE)
    again = client.get(f"/api/stories/{page_story}").json()
    assert {a["id"] for a in again["articles"]} == {r["id"] for r in BETTIE_PAGE}
    updated_after = client.get("/api/stories", params={"q": "Page"}).json()["stories"][0]["updated_at"]
    assert updated_after > updated_before

    # The same article sent again is recognised; no story changes, no brief recomputed.
    repeat = _ingest(client, BETTIE_PAGE[:1])
    assert worker.run_until_idle() == 1
    (outcome,) = client.get(f"/api/jobs/{repeat}").json()["result"]["articles"]
    assert outcome["status"] == "already_stored" and outcome["story_id"] == page_story

    article = client.get(f"/api/articles/{BANK_BOMB[0]['id']}").json()
    assert article["id"] == BANK_BOMB[0]["id"] and "bank" in article["text"].lower()


def test_stories_list_pages_searches_and_sorts(served: tuple[TestClient, Store]) -> None:
    client, _ = served
    assert client.get("/api/stories").json() == {"stories": [], "total": 0, "limit": 50, "offset": 0}
    assert client.get("/api/stories", params={"sort": "newest", "limit": 5, "offset": 5}).status_code == 200
    bad = client.get("/api/stories", params={"sort": "oldest"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"
    assert client.get("/api/stories", params={"limit": 1000}).status_code == 422


def test_writes_need_the_token_and_reads_do_not(served: tuple[TestClient, Store]) -> None:
    client, _ = served
    record = {"id": "a1", "text": "Some text."}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        refused = client.post("/api/articles", json=record, headers=headers)
        assert refused.status_code == 401
        assert refused.json() == {
            "error": {"code": "unauthorized", "message": "a valid bearer token is required"}
        }
        assert refused.headers["www-authenticate"] == "Bearer"
    assert client.post("/api/articles", json=record, headers=AUTH).status_code == 202
    assert client.get("/api/health").json()["status"] == "ok"


def test_a_server_without_token_listens_only_on_loopback() -> None:
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        check_exposure(host, None)
    check_exposure("0.0.0.0", "a-token")
    for host in ("0.0.0.0", "::", "192.0.2.10", "example.org"):
        with pytest.raises(NewsprismError, match="without a token"):
            check_exposure(host, None)
    env = {k: v for k, v in os.environ.items() if k != "NEWSPRISM_TOKEN"}
    done = subprocess.run(
        [sys.executable, "-m", "newsprism.cli", "serve", "--host", "0.0.0.0", "--port", "9"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert (
        done.stderr.strip().count("\n") == 0 and "refusing to serve on 0.0.0.0 without a token" in done.stderr
    )


def test_request_bodies_over_the_limit_are_refused(sqlite_url: str) -> None:
    app = create_app(Settings(db_url=sqlite_url, token=TOKEN, max_body_bytes=1000))
    with TestClient(app) as client:
        big = [{"id": "big", "text": "word " * 400}]
        refused = client.post("/api/articles", json=big, headers=AUTH)
        assert refused.status_code == 413 and refused.json()["error"]["code"] == "too_large"

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
            yield b'[{"id": "big", "text": "'
            for _ in range(50):
                yield b"x" * 100
            yield b'"}]'

        streamed = client.post(
            "/api/articles", content=chunks(), headers={**AUTH, "Content-Type": "application/json"}
        )
        assert streamed.status_code == 413
        assert (
            client.post("/api/articles", json={"id": "ok", "text": "short"}, headers=AUTH).status_code == 202
        )
        store = app.state.store
        assert queue.queue_counts(store)["queued"] == 1  # only the small one was queued


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/admin",
        "http://localhost/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.8/",
        "http://[::1]:80/",
        "http://0.0.0.0/",
        "http://100.100.100.200/latest/meta-data/",  # shared address space: a cloud's metadata service
        "http://[2002:7f00:1::1]/",  # 127.0.0.1 inside a 6to4 address
        "HTTP://127.0.0.1/",
        "http://[::1/broken",
        "http://example.org:99999/",
        "file:///etc/passwd",
        "gopher://example.org/",
    ],
)
def test_url_records_to_private_hosts_are_refused(sqlite_url: str, url: str) -> None:
    app = create_app(Settings(db_url=sqlite_url, token=TOKEN))
    with TestClient(app) as client:
        refused = client.post("/api/articles", json={"id": "u1", "url": url}, headers=AUTH)
        assert refused.status_code == 422, refused.text
        message = refused.json()["error"]["message"]
        assert message.startswith("record 'u1': ")
        assert any(reason in message for reason in ("refusing to fetch", "scheme", "not a valid URL"))
        assert queue.queue_counts(app.state.store)["queued"] == 0


def test_private_urls_only_when_allowed_and_the_worker_checks_again(sqlite_url: str) -> None:
    allowed = create_app(Settings(db_url=sqlite_url, token=TOKEN, allow_private_urls=True))
    with TestClient(allowed) as client:
        job_id = _ingest(client, [{"id": "u1", "url": "http://127.0.0.1:9/article"}])
        store = allowed.state.store
        # A worker that does not allow private hosts refuses at fetch time too (DNS may change).
        Worker(store).run_until_idle()
        (outcome,) = client.get(f"/api/jobs/{job_id}").json()["result"]["articles"]
        assert outcome["status"] == "rejected" and "refusing to fetch 127.0.0.1" in outcome["reason"]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"text": "no id"}, "id"),
        ({"id": "a", "text": 5}, "text"),
        ({"id": "a"}, 'neither "text", "html" nor "url"'),
        ({"id": " ", "text": "blank id"}, "id"),
        ([], "no records"),
        ([{"id": "a", "text": "x"}, {"id": "a", "text": "y"}], "share one id"),
        ("just a string", "body"),
    ],
)
def test_bad_records_get_one_json_error(served: tuple[TestClient, Store], body: Any, needle: str) -> None:
    client, store = served
    response = client.post("/api/articles", json=body, headers=AUTH)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and needle in error["message"]
    assert queue.queue_counts(store)["queued"] == 0


def test_malformed_json_and_unknown_ids_are_json_errors(served: tuple[TestClient, Store]) -> None:
    client, _ = served
    broken = client.post(
        "/api/articles", content=b'{"id": "a", "text": ', headers={**AUTH, "Content-Type": "application/json"}
    )
    assert broken.status_code == 422 and broken.json()["error"]["code"] == "invalid_request"
    for path in ("/api/stories/s-missing", "/api/articles/missing", "/api/jobs/j-missing", "/api/nothing"):
        missing = client.get(path)
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found", path
    assert client.delete("/api/stories/x").json()["error"]["code"] in ("not_found", "method_not_allowed")


def test_a_server_failure_shows_no_stack_trace(served: tuple[TestClient, Store]) -> None:
    client, store = served
    with store.engine.begin() as connection:  # a real failure: the table is gone
        connection.execute(text("DROP TABLE story_articles"))
        connection.execute(text("DROP TABLE stories"))
    failed = client.get("/api/stories")
    assert failed.status_code == 500
    assert failed.json() == {
        "error": {"code": "internal", "message": "internal error; the server log has the details"}
    }
    page = client.get("/")
    assert page.status_code == 500
    for leak in ("Traceback", "sqlalchemy", "no such table", "does not exist", 'File "'):
        assert leak not in failed.text and leak not in page.text


# --------------------------------------------------------------------------- the queue


def test_each_job_is_claimed_once_by_racing_workers(db_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    store = open_store(db_url)
    expected = {queue.enqueue(store, "ingest", {"records": [], "n": n}) for n in range(40)}

    def drain(worker: str) -> list[str]:
        taken = []
        while (job := queue.claim(store, worker)) is not None:
            taken.append(job.id)
            queue.finish(store, job.id, worker, {})
        return taken

    with ThreadPoolExecutor(6) as pool:
        claimed = [job for result in pool.map(drain, [f"w{n}" for n in range(6)]) for job in result]
    assert sorted(claimed) == sorted(expected)  # every job once, none twice
    assert queue.queue_counts(store) == {"queued": 0, "running": 0}
    store.close()


def test_a_stopping_worker_hands_its_job_back_and_leases_exclude(db_url: str) -> None:
    from datetime import timedelta

    store = open_store(db_url)
    job_id = queue.enqueue(store, "brief", {}, story_id="s1")
    assert queue.enqueue_brief(store, "s1", "again") is None  # one waiting brief job per story is enough
    job = queue.claim(store, "w1")
    assert job is not None and job.id == job_id and job.attempts == 1
    assert queue.claim(store, "w2") is None
    assert queue.release(store, "w1") == 1
    again = queue.claim(store, "w2")
    assert again is not None and again.id == job_id and again.attempts == 1
    assert queue.finish(store, job_id, "w1", {}) is False  # no longer w1's
    assert queue.finish(store, job_id, "w2", {"ok": True}) is True

    assert queue.acquire_lease(store, "stories", "w1", timedelta(minutes=1))
    assert not queue.acquire_lease(store, "stories", "w2", timedelta(minutes=1))
    queue.release_lease(store, "stories", "w1")
    assert queue.acquire_lease(store, "stories", "w2", timedelta(seconds=-1))  # taken, already expired
    assert queue.acquire_lease(store, "stories", "w1", timedelta(minutes=1))  # so free to take
    store.close()


@pytest.mark.slow
@pytest.mark.postgres
def test_two_servers_on_one_postgres_process_everything_once(pg_url: str, tmp_path: Path) -> None:
    """Two `newsprism worker` processes (what two servers run) share one PostgreSQL queue."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:  # two servers starting at once both migrate
        list(pool.map(lambda _: open_store(pg_url).close(), range(2)))
    store = open_store(pg_url)
    app = create_app(Settings(db_url=pg_url, token=TOKEN), store=store)
    with TestClient(app) as client:
        jobs = [_ingest(client, [r]) for r in BETTIE_PAGE + BANK_BOMB]
    logs = [open(tmp_path / f"worker{n}.log", "w") for n in range(2)]  # noqa: SIM115
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "newsprism.cli", "worker", "--db", pg_url],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for log in logs
    ]
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            counts = queue.queue_counts(store)
            done = all(getattr(queue.get_job(store, j), "status", None) == "done" for j in jobs)
            if done and counts == {"queued": 0, "running": 0}:
                break
            assert all(w.poll() is None for w in workers), "a worker died"
            time.sleep(1)
        else:
            pytest.fail("the workers did not finish in 10 minutes")
    finally:
        for w in workers:
            w.terminate()
            w.wait(30)
        for log in logs:
            log.close()
    worker_log = "".join((tmp_path / f"worker{n}.log").read_text() for n in range(2))
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT kind, status, attempts, worker FROM jobs")).all()
        assignments = connection.execute(text("SELECT article_id, story_id FROM story_assignments")).all()
    assert all(status == "done" and attempts == 1 for _, status, attempts, _ in rows), rows
    assert len({w for *_, w in rows}) == 2, "both workers took jobs:\n" + worker_log
    members: dict[str, set[str]] = defaultdict(set)
    for article_id, story_id in assignments:
        members[story_id].add(article_id)
    assert _groups(members.values()) == _groups([BANK_BOMB, BETTIE_PAGE])
    for story_id, ids in members.items():  # every story's stored brief holds all its articles
        brief = store.get_story(story_id)
        assert brief is not None and {a.id for a in brief.articles} == ids
    store.close()


def test_the_quickstarts_sample_records_are_current() -> None:
    """examples/blinken-beijing-2023.records.json (posted by the README's curl) is the sample."""
    import runpy

    script = runpy.run_path(str(REPO / "scripts" / "make_sample_records.py"))
    assert (REPO / "examples" / "blinken-beijing-2023.records.json").read_text(encoding="utf-8") == script[
        "records_json"
    ](), "run: python scripts/make_sample_records.py"


def test_article_ids_with_slashes_and_times_in_utc(served: tuple[TestClient, Store]) -> None:
    from datetime import datetime, timedelta, timezone

    from newsprism.clean import clean_document
    from newsprism.read.jsonl import record_to_document
    from newsprism.serve.deps import as_utc

    client, store = served
    record = {"id": "reuters/2023/abc", "title": "A title", "text": "A first paragraph of the article."}
    store.add_articles([clean_document(record_to_document(record, "api", "test"))])
    found = client.get("/api/articles/reuters/2023/abc")
    assert found.status_code == 200 and found.json()["id"] == "reuters/2023/abc"
    berlin = datetime(2026, 1, 1, 18, 30, tzinfo=timezone(timedelta(hours=1)))
    assert as_utc(berlin) == datetime(2026, 1, 1, 17, 30, tzinfo=UTC) and as_utc(berlin).tzinfo == UTC
    assert as_utc(datetime(2026, 1, 1, 17, 30)) == datetime(2026, 1, 1, 17, 30, tzinfo=UTC)


def test_a_worker_survives_a_queue_failure_and_hands_back_on_stop(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    import threading

    store = open_store(db_url)
    worker = Worker(store, worker_id="w-survivor")
    with store.engine.begin() as connection:
        connection.execute(text("ALTER TABLE jobs RENAME TO jobs_away"))  # the queue breaks under it
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop, 0.05))
    thread.start()
    time.sleep(1.0)
    with store.engine.begin() as connection:
        connection.execute(text("ALTER TABLE jobs_away RENAME TO jobs"))  # and comes back
    job_id = queue.enqueue(store, "ingest", {"records": []})
    deadline = time.monotonic() + 30
    while getattr(queue.get_job(store, job_id), "status", None) != "done" and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    thread.join(30)
    assert not thread.is_alive()
    assert "the job queue failed; retrying" in caplog.text
    assert getattr(queue.get_job(store, job_id), "status", None) == "done"  # it went on working
    store.close()


def test_a_job_whose_heartbeat_stopped_is_taken_over(db_url: str) -> None:
    from datetime import timedelta

    store = open_store(db_url)
    job_id = queue.enqueue(store, "ingest", {"records": []})
    assert getattr(queue.claim(store, "w1"), "id", None) == job_id
    assert queue.heartbeat(store, job_id, "w1") and queue.claim(store, "w2") is None  # alive: kept
    with store.engine.begin() as connection:
        connection.execute(
            text("UPDATE jobs SET heartbeat_at = :old"), {"old": datetime.now(UTC) - queue.JOB_LEASE * 2}
        )
    taken = queue.claim(store, "w2")
    assert taken is not None and taken.id == job_id and taken.attempts == 2
    assert not queue.heartbeat(store, job_id, "w1") and not queue.finish(store, job_id, "w1", {})
    assert queue.acquire_lease(store, "stories", "w2", timedelta(minutes=1))
    assert queue.release(store, "w2") == 1  # its job back in the queue, and its lease free
    assert queue.acquire_lease(store, "stories", "w3", timedelta(minutes=1))
    store.close()
