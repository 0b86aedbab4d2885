"""``newsprism serve`` end to end, as a reader meets it: a real server (API, worker, pages) in its
own process, the bundled sample posted to the API, and the story's page in Debian's Chromium with
the server's Content-Security-Policy in force: the summary with its citations, the charts drawn,
a citation followed to its passage, when the brief was last updated, and an article's own page.
Nothing may be requested from any other host and nothing may log a console error. Leaves a
screenshot as a CI artifact."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from conftest import CHROMIUM_ARGS, REPO, SAMPLE_RECORDS, _free_port, follow_citation

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

START_TIMEOUT = 60.0
# The worker loads the language and embedding models on its first job.
ANALYSIS_TIMEOUT = 300.0
STOP_TIMEOUT = 30.0

pytestmark = pytest.mark.slow


@dataclass
class Server:
    base: str
    token: str
    log: Path
    process: subprocess.Popen[bytes]

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"the server exited with status {self.process.returncode}:\n{self.log_tail()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (uvicorn shuts down and stops its workers), then SIGKILL to the process group this
    test started, so that no worker outlives the test."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # workers left behind, if any


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``newsprism serve`` on a fresh SQLite database and a free port, with one worker."""
    where = tmp_path_factory.mktemp("serve")
    port = _free_port()
    token = secrets.token_urlsafe(24)
    log = where / "server.log"
    command = [
        sys.executable,
        "-m",
        "newsprism.cli",
        "serve",
        "--db",
        f"sqlite:///{where / 'e.db'}",
        "--port",
        str(port),
        "--token",
        token,
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, cwd=where, start_new_session=True
        )
    running = Server(f"http://127.0.0.1:{port}", token, log, process)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            running.check_alive()
            try:
                if httpx.get(f"{running.base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the server did not answer /api/health in {START_TIMEOUT:.0f} s:\n{running.log_tail()}"
                )
            time.sleep(0.2)
        yield running
    finally:
        _stop(process)


def _sample_records() -> list[dict[str, Any]]:
    """The sample as API records: the file the README's curl posts."""
    records: list[dict[str, Any]] = json.loads(SAMPLE_RECORDS.read_text(encoding="utf-8"))
    return records


def _wait_for(what: str, server: Server, check: Any, timeout: float = ANALYSIS_TIMEOUT) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        server.check_alive()
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}:\n{server.log_tail()}")
        time.sleep(1.0)


@pytest.fixture(scope="module")
def story_id(server: Server) -> str:
    """Post the sample and wait until its story's brief is stored; the story's id."""
    records = _sample_records()
    assert len(records) == 5
    with httpx.Client(base_url=server.base, timeout=30) as client:
        refused = client.post("/api/articles", json=records)
        assert refused.status_code == 401  # no token, no write
        accepted = client.post(
            "/api/articles", json=records, headers={"Authorization": f"Bearer {server.token}"}
        )
        assert accepted.status_code == 202, accepted.text
        status_url = accepted.json()["status_url"]

        def job_finished() -> dict[str, Any] | None:
            job = client.get(status_url).json()
            if job["status"] == "failed":
                pytest.fail(f"the ingest job failed: {job['error']}")
            return job if job["status"] == "done" else None

        job = _wait_for("the ingest job", server, job_finished)
        placed = {a["story_id"] for a in job["result"]["articles"] if a.get("story_id")}
        assert len(placed) == 1, f"the sample should make one story, not {job['result']}"
        (wanted,) = placed

        def brief_stored() -> bool:
            listed = client.get("/api/stories", params={"sort": "newest"}).json()["stories"]
            return any(s["id"] == wanted and len(s["article_ids"]) == len(records) for s in listed)

        _wait_for("the story's brief", server, brief_stored)
        assert client.get(f"/api/stories/{wanted}").status_code == 200
    return str(wanted)


@dataclass
class Watched:
    """What the pages did that they must not: requests to other hosts, console errors."""

    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def check(self) -> None:
        assert not self.outside, f"the pages asked for {self.outside}"
        assert not self.errors, f"console errors: {self.errors}"


def _new_page(browser: Browser, server: Server, watched: Watched) -> Page:
    """A page that may load only from the server (anything else is aborted and recorded) and
    records its console errors."""

    def local(url: str) -> bool:
        return url.startswith((f"{server.base}/", "data:", "about:"))

    def only_local(route: Route) -> None:
        if local(route.request.url):
            route.continue_()
        else:
            watched.outside.append(route.request.url)
            route.abort()

    context = browser.new_context(viewport={"width": 1200, "height": 900}, service_workers="block")
    context.route("**/*", only_local)
    page = context.new_page()
    page.on("request", lambda request: None if local(request.url) else watched.outside.append(request.url))
    page.on(
        "console", lambda message: watched.errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    return page


def test_a_story_page_in_a_browser(chromium: Path, server: Server, story_id: str) -> None:
    from playwright.sync_api import sync_playwright

    artifacts = Path(os.environ.get("NEWSPRISM_ARTIFACTS") or REPO / "test-artifacts")
    watched = Watched()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = _new_page(browser, server, watched)

            # the story list leads to the story
            page.goto(f"{server.base}/")
            page.locator(f'a.story-title[href="/stories/{story_id}"]').click()
            page.wait_for_url(f"{server.base}/stories/{story_id}")
            page.wait_for_function("document.body.dataset.chartsRendered !== undefined", timeout=60_000)

            # the summary: at least three sentences, each citing its outlets
            sentences = page.locator("#summary ol.summary > li")
            assert sentences.count() >= 3
            for index in range(sentences.count()):
                assert sentences.nth(index).locator("a.cite").count() >= 1, (
                    f"sentence {index + 1} cites nothing"
                )

            # the charts, drawn under the server's Content-Security-Policy
            figures = page.locator("figure.chart")
            assert figures.count() >= 1
            assert page.evaluate("document.body.dataset.chartsFailed") == "0"
            assert page.evaluate("document.body.dataset.chartsRendered") == str(figures.count())
            drawn = [
                figures.nth(i).locator("svg g.role-mark path, svg g.role-mark text").count()
                for i in range(figures.count())
            ]
            assert all(drawn), f"charts without marks: {drawn}"

            # who covered it, from the outlet registry, counted against the database's outlets
            coverage = page.locator("#coverage").inner_text()
            assert "By country" in coverage and "By ownership" in coverage
            assert page.locator("#chart-outlet-kinds svg g.role-mark path").count() >= 1

            # when the brief was computed
            status = page.locator(".story-status").inner_text()
            assert "Last updated" in status and "UTC" in status

            # a citation leads to its highlighted passage
            link = page.locator("#summary a.cite").first
            follow_citation(page, link)

            artifacts.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(artifacts / "serve-story.png"), full_page=True)

            # an article's own page, from the story page
            article_link = page.locator("a.article-page").first
            article_href = article_link.get_attribute("href")
            assert article_href and article_href.startswith("/articles/")
            article_link.click()
            page.wait_for_url(f"{server.base}{article_href}")
            paragraphs = page.locator(".article-body p")
            assert paragraphs.count() >= 2
            shown = " ".join(paragraphs.all_inner_texts())
            with httpx.Client(base_url=server.base, timeout=30) as client:
                stored = client.get(f"/api{article_href}").json()
            first = stored["text"].split("\n\n")[0].strip()
            assert first[:60] in shown
            assert page.locator("h1").inner_text().strip() == (stored["title"] or "Untitled article")
        finally:
            browser.close()
    watched.check()


def test_a_new_article_updates_the_story_page(chromium: Path, server: Server, story_id: str) -> None:
    """An article joining the story gets its brief recomputed; meanwhile the page says so, and
    (with site.js) offers the new brief once it is stored; "Last updated" moves on."""
    from playwright.sync_api import sync_playwright

    with httpx.Client(base_url=server.base, timeout=30) as client:
        before = client.get("/api/stories").json()["stories"]
        (story,) = [s for s in before if s["id"] == story_id]
        # a longer version of one of the sample's reports, as a later update of it would be
        extra = {
            "id": "late-report",
            "title": "Blinken wraps up his visit to Beijing",
            "published": "2023-06-20",
            "text": _sample_records()[1]["text"]
            + "\n\nBlinken was due to fly back to Washington on Tuesday.",
        }
        accepted = client.post(
            "/api/articles", json=[extra], headers={"Authorization": f"Bearer {server.token}"}
        )
        assert accepted.status_code == 202, accepted.text
        status_url = accepted.json()["status_url"]
        job = _wait_for(
            "the second ingest job",
            server,
            lambda: (found := client.get(status_url).json())["status"] in ("done", "failed") and found,
        )
        assert job["status"] == "done", job
        (placed,) = job["result"]["articles"]
        assert placed["story_id"] == story_id, f"the new article went elsewhere: {placed}"

    watched = Watched()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = _new_page(browser, server, watched)
            page.goto(f"{server.base}/stories/{story_id}")
            notice = page.locator(".notice[data-status-url]")
            if notice.count():  # the recomputation is still queued or running
                assert "New articles are being analysed" in notice.inner_text()
                offer = notice.locator("a")
                offer.wait_for(timeout=ANALYSIS_TIMEOUT * 1000)  # site.js saw the new brief
                offer.click()
                page.wait_for_load_state()
            else:  # already done by the time the page loaded
                _wait_for(
                    "the recomputed brief",
                    server,
                    lambda: page.reload() or "6 articles" in page.locator(".masthead .meta").inner_text(),
                )
            assert "6 articles" in page.locator(".masthead .meta").inner_text()
            updated = page.locator(".story-status time").get_attribute("datetime")
            assert updated and updated > story["updated_at"][:19], (updated, story["updated_at"])
            assert page.locator(".notice[data-status-url]").count() == 0
        finally:
            browser.close()
    watched.check()
