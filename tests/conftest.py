"""Shared fixtures. PostgreSQL tests run against a real, throw-away server started here on
127.0.0.1 (or the one named by NEWSPRISM_TEST_PG_URL)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

# Property tests draw the same examples on every run, so CI is repeatable; explore new ones locally
# with HYPOTHESIS_PROFILE=explore (a failure found there becomes an explicit test case).
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO / "examples" / "blinken-beijing-2023"
SAMPLE_RECORDS = REPO / "examples" / "blinken-beijing-2023.records.json"  # the sample as API records
DATA = Path(__file__).resolve().parent / "data"
# Debian's Chromium, driven by Playwright (never `playwright install`), with the flags STACK.md gives.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def run_cli(
    *args: str, stdin: str | None = None, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``newsprism ARGS`` as a user runs it: a new process, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "newsprism.cli", *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=cwd,
        timeout=timeout,
    )


def _pg_bin() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _unavailable(reason: str) -> None:
    if os.environ.get("NEWSPRISM_REQUIRE_PG"):
        pytest.fail(f"PostgreSQL required but unavailable: {reason}")
    pytest.skip(f"PostgreSQL unavailable: {reason}")


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A PostgreSQL server URL (without a database name)."""
    given = os.environ.get("NEWSPRISM_TEST_PG_URL")
    if given:
        yield given.rsplit("/", 1)[0]
        return
    bin_dir = _pg_bin()
    if bin_dir is None:
        _unavailable("no pg_ctl found (apt-get install postgresql)")
    assert bin_dir is not None
    data_dir = Path(tempfile.mkdtemp(prefix="newsprism-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root and there is no 'postgres' user")
        os.chown(data_dir, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, text=True)

    try:
        run(
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir / "db"),
            "--auth=trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
        )
        run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data_dir / "db"),
            "-l",
            str(data_dir / "db" / "server.log"),
            "-w",
            "-o",
            f"-h 127.0.0.1 -p {port} -k {data_dir} -c fsync=off -c full_page_writes=off",
            "start",
        )
    except subprocess.CalledProcessError as exc:
        _unavailable(f"could not start a test server: {exc.stderr.strip()[-300:]}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data_dir / "db"), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{pg_server_url}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{pg_server_url}/{name}"
    finally:
        with psycopg.connect(f"{pg_server_url}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'newsprism.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every storage test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'newsprism.db'}"
    return str(request.getfixturevalue("pg_url"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite golden files from the current output"
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium; skipped when missing unless NEWSPRISM_REQUIRE_BROWSER is set (CI)."""
    required = bool(os.environ.get("NEWSPRISM_REQUIRE_BROWSER"))
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing (bash scripts/system-deps.sh installs Debian's chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is missing (pip install -e '.[dev]')"
    if problem:
        if required:
            pytest.fail(f"browser required (NEWSPRISM_REQUIRE_BROWSER) but {problem}")
        pytest.skip(f"no browser test: {problem}")
    return CHROMIUM


def follow_citation(page: Page, link: Locator) -> None:
    """Click a citation of a brief (a Playwright locator on a page showing one) and check that
    it leads to its passage: a single ``mark`` that becomes ``:target``, flashes and is in view."""
    href = link.get_attribute("href")
    assert href and href.startswith("#")
    target = href[1:]
    assert page.locator(f'mark[id="{target}"]').count() == 1
    link.click()
    page.wait_for_function(
        """id => {
            const mark = document.getElementById(id);
            const box = mark.getBoundingClientRect();
            return mark.matches(":target") && mark.classList.contains("flash")
                && box.top >= 0 && box.top < window.innerHeight && box.height > 0;
        }""",
        arg=target,
        timeout=10_000,
    )
    assert page.locator(f'mark[id="{target}"]').is_visible()
    assert page.evaluate("location.hash") == href
