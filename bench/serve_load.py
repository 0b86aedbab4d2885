"""How ``newsprism serve`` holds up under many concurrent readers, on 127.0.0.1.

    python bench/serve_load.py [--concurrency 200] [--duration 30] [--client httpx|raw] [--only TEXT]
                               [--timeout 30] [--sample examples/blinken-beijing-2023.records.json]
                               [--corpus] [--db full.db]

    soak (README, Limits and guarantees): --concurrency 50 --duration 60 --corpus --db full.db

The bundled sample is ingested first by the real worker in this process (the job the API would
queue, run to the end), so the server only serves reads. Then ``newsprism serve --workers 0``
starts as a subprocess on a free port, and ``--concurrency`` clients (one shared httpx client with
that many connections) send requests back to back for ``--duration`` seconds, cycling through:
the story list, a story's brief, an article, the health check, and the home page and a story's
page when they answer 200 (checked first; a page that does not is left out and named).

Printed: total requests and requests/second; errors by kind (non-2xx by status, timeouts,
connection errors); latency p50/p90/p99/max per endpoint and overall; the server's resident
memory idle, at its peak during the load and after; CPU seconds used by server and client.
Caveat: client and server share this machine's cores, so the client's own CPU use lowers the
figures; the CPU line says how much each took. httpx's pool costs much CPU per request with
hundreds of connections; ``--client raw`` (a minimal keep-alive HTTP/1.1 client) shows what the
server alone manages. ``--only health`` (etc.) loads one endpoint, to see what each costs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine
from newsprism.serve.worker import Worker
from newsprism.store import open_store, queue

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "data" / "stories" / "ecbplus.jsonl"  # CC BY 3.0, see its README
RECORD_FIELDS = {"id", "text", "html", "title", "url", "outlet", "published", "language"}
MIB = 2**20
R = TypeVar("R")


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: Callable[[random.Random], str]  # a request path, drawing ids from the generator


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    body_bytes: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    errors_by_endpoint: Counter[str] = field(default_factory=Counter)
    requests: int = 0


# ----------------------------------------------------------------------------- setup


def ingest_sample(sources: list[Path], db_url: str) -> tuple[int, int, float]:
    """API records (a JSON list, as the README's curl posts; or JSONL) run through the real
    worker, in requests of at most 200 records: (articles, stories, seconds)."""
    started = time.perf_counter()
    records: list[dict[str, Any]] = []
    for source in sources:
        text = source.read_text(encoding="utf-8")
        if source.suffix == ".jsonl":
            records += [
                {k: v for k, v in json.loads(line).items() if k in RECORD_FIELDS}
                for line in text.splitlines()
                if line
            ]
        else:
            records += json.loads(text)
    store = open_store(db_url)
    try:
        for begin in range(0, len(records), 200):
            queue.enqueue(store, "ingest", {"records": records[begin : begin + 200]})
        Worker(store).run_until_idle()
        counts = (store.count(), store.count_stories())
    finally:
        store.close()
    return counts[0], counts[1], time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db_url: str, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    script = Path(sys.executable).parent / "newsprism"
    command = [str(script), "serve", "--db", db_url, "--host", "127.0.0.1", "--port", str(port)]
    with open(log_path, "wb") as log:
        return subprocess.Popen([*command, "--workers", "0"], stdout=log, stderr=subprocess.STDOUT)


def wait_until_up(base: str, server: subprocess.Popen[bytes], timeout: float = 60.0) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with status {server.returncode} before answering")
        try:
            if httpx.get(f"{base}/api/health", timeout=1.0).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the server did not answer /api/health within {timeout:.0f} s")


def stop_server(server: subprocess.Popen[bytes], grace: float = 15.0) -> str:
    """Ctrl-C (uvicorn's graceful shutdown), then SIGTERM, then SIGKILL; how it ended."""
    started = time.perf_counter()
    for sent, how in [(signal.SIGINT, "SIGINT"), (signal.SIGTERM, "SIGTERM"), (signal.SIGKILL, "SIGKILL")]:
        server.send_signal(sent)
        try:
            status = server.wait(grace)
        except subprocess.TimeoutExpired:
            continue
        return f"stopped by {how} in {time.perf_counter() - started:.2f} s, exit status {status}"
    return "did not stop"


class ServerMemory:
    """Resident memory of the server process (psutil, else /proc/<pid>/status), sampled."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        try:
            import psutil  # type: ignore[import-untyped]

            self.process: Any = psutil.Process(pid)
        except ImportError:
            self.process = None
        self.peak = 0

    def rss(self) -> int:
        if self.process is not None:
            value = int(self.process.memory_info().rss)
        else:
            with open(f"/proc/{self.pid}/status", encoding="utf-8") as handle:
                line = next(line for line in handle if line.startswith("VmRSS:"))
            value = int(line.split()[1]) * 1024
        self.peak = max(self.peak, value)
        return value

    def cpu_seconds(self) -> float:
        with open(f"/proc/{self.pid}/stat", encoding="utf-8") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ----------------------------------------------------------------------------- the load


def choose_endpoints(base: str) -> tuple[list[Endpoint], list[str]]:
    """The read endpoints to load, and notes on the pages left out."""
    listing = httpx.get(f"{base}/api/stories", params={"limit": 200}, timeout=10.0).json()
    story_ids = [s["id"] for s in listing["stories"]]
    article_ids = [a for s in listing["stories"] for a in s["article_ids"]]
    if not story_ids or not article_ids:
        raise SystemExit("no stories stored after the ingest: nothing to read")
    endpoints = [
        Endpoint("GET /api/stories", lambda _: "/api/stories"),
        Endpoint("GET /api/stories/{id}", lambda r: f"/api/stories/{r.choice(story_ids)}"),
        Endpoint("GET /api/articles/{id}", lambda r: f"/api/articles/{r.choice(article_ids)}"),
        Endpoint("GET /api/health", lambda _: "/api/health"),
    ]
    notes = []
    pages = [
        (Endpoint("GET / (page)", lambda _: "/"), "/"),
        (Endpoint("GET /stories/{id} (page)", lambda r: f"/stories/{r.choice(story_ids)}"), None),
    ]
    for endpoint, fixed in pages:
        paths = [fixed] if fixed else [f"/stories/{i}" for i in story_ids]
        statuses = {httpx.get(f"{base}{p}", timeout=30.0).status_code for p in paths}
        if statuses == {200}:
            endpoints.append(endpoint)
        else:
            notes.append(f"{endpoint.name} left out: answered {sorted(statuses)}")
    return endpoints, notes


class RawConnection:
    """One keep-alive HTTP/1.1 connection, by hand: a client that costs a few tens of microseconds
    per request, to tell the server's limit from httpx's (--client raw)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> tuple[int, int]:
        try:
            return await self._get(path)
        except BaseException:
            self.close()  # a half-read answer leaves the connection unusable
            raise

    async def _get(self, path: str) -> tuple[int, int]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode())
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        headers = dict(line.lower().split(": ", 1) for line in head[1:] if ": " in line)
        length = 0
        if "content-length" in headers:
            length = len(await reader.readexactly(int(headers["content-length"])))
        elif headers.get("transfer-encoding") == "chunked":
            while size := int((await reader.readline()).split(b";")[0], 16):
                length += len(await reader.readexactly(size + 2)) - 2
            await reader.readline()
        if headers.get("connection") == "close":
            self.close()
        return status, length

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


def error_kind(exc: BaseException) -> str | None:
    """The tally's name for a failed request; None for what is not a request's failure."""
    if isinstance(exc, httpx.PoolTimeout):
        return "pool timeout (no free connection)"
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return "timeout"
    if isinstance(exc, httpx.ConnectError | ConnectionError | asyncio.IncompleteReadError):
        return "connection error"
    if isinstance(exc, httpx.TransportError | OSError | ValueError):
        return f"transport error ({type(exc).__name__})"
    return None


async def client_loop(
    number: int,
    send: Callable[[str], Awaitable[tuple[int, int]]],
    endpoints: list[Endpoint],
    deadline: float,
    timeout: float,
    tally: Tally,
) -> None:
    draw = random.Random(number)
    turn = number  # clients start at different endpoints, then each cycles through all of them
    while time.perf_counter() < deadline:
        endpoint = endpoints[turn % len(endpoints)]
        turn += 1
        started = time.perf_counter()
        try:
            status, length = await asyncio.wait_for(send(endpoint.path(draw)), timeout)
        except Exception as exc:
            kind = error_kind(exc)
            if kind is None:
                raise
        else:
            tally.latencies[endpoint.name].append(time.perf_counter() - started)
            tally.body_bytes[endpoint.name] += length
            kind = "" if 200 <= status < 300 else f"HTTP {status}"
        tally.requests += 1
        if kind:
            tally.errors[kind] += 1
            tally.errors_by_endpoint[endpoint.name] += 1


async def sample_memory(memory: ServerMemory, deadline: float) -> None:
    while time.perf_counter() < deadline:
        memory.rss()
        await asyncio.sleep(0.25)


async def run_load(
    base: str,
    endpoints: list[Endpoint],
    concurrency: int,
    duration: float,
    timeout: float,
    client_kind: str,
    memory: ServerMemory,
) -> tuple[Tally, float]:
    tally = Tally()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    # The per-request limit is asyncio.wait_for's, the same for both clients; httpx's own pool
    # timeout stays, so that waiting for a free connection is told apart.
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout + 1) as client:

        async def send_httpx(path: str) -> tuple[int, int]:
            response = await client.get(path)
            return response.status_code, len(await response.aread())

        host, port = httpx.URL(base).host, httpx.URL(base).port or 80
        raw = [RawConnection(host, port) for _ in range(concurrency)]
        senders = [send_httpx if client_kind == "httpx" else connection.get for connection in raw]
        started = time.perf_counter()
        deadline = started + duration
        await asyncio.gather(
            sample_memory(memory, deadline),
            *[client_loop(n, senders[n], endpoints, deadline, timeout, tally) for n in range(concurrency)],
        )
        elapsed = time.perf_counter() - started  # includes the requests in flight at the deadline
        for connection in raw:
            connection.close()
    return tally, elapsed


def event_loop_runner() -> tuple[str, Callable[[Coroutine[Any, Any, R]], R]]:
    """uvloop when installed (it comes with uvicorn[standard]): the client's loop costs less."""
    try:
        import uvloop
    except ImportError:
        return "asyncio", asyncio.run
    return "uvloop", uvloop.run


# ----------------------------------------------------------------------------- report


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted values."""
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def latency_row(name: str, values: list[float], errors: int, body_bytes: int) -> str:
    if not values:
        return f"  {name:<28} {0:>8} {errors:>7}  (no answers)"
    ordered = sorted(values)
    figures = [percentile(ordered, f) * 1000 for f in (0.5, 0.9, 0.99)] + [ordered[-1] * 1000]
    size = f"{body_bytes / len(values) / 1024:>9.1f}"
    return f"  {name:<28} {len(values):>8} {errors:>7} " + "".join(f"{x:>9.1f}" for x in figures) + size


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--concurrency", type=int, default=200, help="concurrent clients (connections)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load")
    parser.add_argument("--timeout", type=float, default=30.0, help="per-request timeout, seconds")
    parser.add_argument(
        "--client",
        choices=["httpx", "raw"],
        default="raw",
        help="httpx.AsyncClient, or a minimal keep-alive HTTP/1.1 client that costs the shared CPU less",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="TEXT",
        help="load only the endpoints whose name contains TEXT (repeatable), e.g. --only health",
    )
    parser.add_argument(
        "--sample",
        type=Path,
        default=REPO / "examples" / "blinken-beijing-2023.records.json",
        help="API records (JSON list)",
    )
    parser.add_argument(
        "--corpus",
        action="store_true",
        help="also ingest the 982 ECB+ articles (tests/data/stories), for a realistically full database",
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="keep the database in this SQLite file and reuse it when it exists (building the full one takes minutes)",
    )
    args = parser.parse_args()

    print(f"machine: {describe_machine()}")
    print(
        "caveat: the load client (Python, in this process) and the server share these cores; "
        "the client's CPU use lowers the figures (see the CPU line)"
    )
    with tempfile.TemporaryDirectory(prefix="newsprism-serve-load-") as scratch:
        db_path = args.db or Path(scratch) / "newsprism.db"
        db_url = f"sqlite:///{db_path.resolve()}"
        if args.db is not None and db_path.exists():
            store = open_store(db_url)
            articles, stories = store.count(), store.count_stories()
            store.close()
            print(f"database: SQLite file {db_path} reused: {articles} articles in {stories} stories")
        else:
            sources = [args.sample] + ([CORPUS] if args.corpus else [])
            articles, stories, seconds = ingest_sample(sources, db_url)
            print(
                f"database: SQLite file; {', '.join(p.name for p in sources)}: {articles} articles in {stories} "
                f"stor{'y' if stories == 1 else 'ies'} (ingested by the worker in this process in {seconds:.1f} s)"
            )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(db_url, port, Path(scratch) / "server.log")
        try:
            print(f"server: newsprism serve --workers 0 on {base}, up in {wait_until_up(base, server):.1f} s")
            memory = ServerMemory(server.pid)
            idle = memory.rss()
            endpoints, notes = choose_endpoints(base)
            for note in notes:
                print(f"note: {note}")
            if args.only:
                endpoints = [e for e in endpoints if any(text in e.name for text in args.only)]
                if not endpoints:
                    raise SystemExit(f"no endpoint name contains any of {args.only}")
            print(f"endpoints, in turn: {', '.join(e.name for e in endpoints)}")
            loop_name, run = event_loop_runner()
            client_name = (
                f"one httpx.AsyncClient, {args.concurrency} connections"
                if args.client == "httpx"
                else f"{args.concurrency} raw HTTP/1.1 keep-alive connections"
            )
            print(
                f"load: {args.concurrency} concurrent clients for {args.duration:.0f} s "
                f"({client_name}, on {loop_name}; timeout {args.timeout:.0f} s) ..."
            )
            server_cpu = memory.cpu_seconds()
            client_cpu = time.process_time()
            tally, elapsed = run(
                run_load(base, endpoints, args.concurrency, args.duration, args.timeout, args.client, memory)
            )
            server_cpu = memory.cpu_seconds() - server_cpu
            client_cpu = time.process_time() - client_cpu
            after = memory.rss()
        finally:
            how = stop_server(server)
        log_tail = (Path(scratch) / "server.log").read_text(encoding="utf-8", errors="replace")

    errors = sum(tally.errors.values())
    print(
        f"\nrequests: {tally.requests} in {elapsed:.1f} s = {tally.requests / elapsed:.0f} requests/s; "
        f"errors: {errors}"
        + (" (" + ", ".join(f"{k}: {v}" for k, v in sorted(tally.errors.items())) + ")" if errors else "")
    )
    print(
        f"\n  {'latency, ms':<28} {'answers':>8} {'errors':>7} {'p50':>9}{'p90':>9}{'p99':>9}{'max':>9}{'KiB':>9}"
    )
    for endpoint in endpoints:
        name = endpoint.name
        print(
            latency_row(name, tally.latencies[name], tally.errors_by_endpoint[name], tally.body_bytes[name])
        )
    everything = [x for values in tally.latencies.values() for x in values]
    print(latency_row("overall", everything, errors, sum(tally.body_bytes.values())))
    print(
        f"\nserver memory (RSS): idle {idle / MIB:.0f} MiB, peak under load {memory.peak / MIB:.0f} MiB, "
        f"after {after / MIB:.0f} MiB"
    )
    print(
        f"CPU during the load: server {server_cpu:.1f} s, client {client_cpu:.1f} s "
        f"(of {elapsed * (os.cpu_count() or 1):.0f} core-seconds); "
        f"this process peak RSS (the worker's models included) {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    print(f"server: {how}")
    if "Traceback" in log_tail:
        print("server log has a traceback:\n" + log_tail[log_tail.index("Traceback") :][-2000:])


if __name__ == "__main__":
    main()
