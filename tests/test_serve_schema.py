"""The REST API against its own OpenAPI document (schemathesis): every operation, with generated
valid and invalid requests, answers with a documented status, content type and body, and never a
server error. Runs on the real application over a real SQLite file holding a story built by the
real pipeline, with a token set and sent, so writes are exercised too."""

from __future__ import annotations

import ipaddress
import socket
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from newsprism.analysis import analyze_story
from newsprism.clean import clean_document
from newsprism.model import Article, Story
from newsprism.read import text_document
from newsprism.serve import Settings, create_app
from newsprism.store import Store, open_store, queue

TOKEN = "schema-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# A public address (TEST-NET would count as reserved): what every generated host name "resolves" to.
PUBLIC_ADDRESS = "93.184.215.14"

# Two short reports of one event that disagree on a number (three weeks or four), so the brief has
# claims, quotes and a conflict, not only empty lists.
HERALD = """Harbour bridge to close for three weeks of repairs
https://www.coastalherald.co.uk/news/harbour-bridge-repairs
June 12, 2023

The Harbour Bridge will close to all traffic from Monday for three weeks while engineers replace corroded cables, the city council said on Friday.

"We cannot keep the bridge open safely until the cables are replaced," council engineer Maria Lopez said at a press conference.

Buses will be diverted through the tunnel, adding about 20 minutes to journeys, according to the transport authority.
"""
PORT = """Bridge closure will cost shops, traders warn
https://www.dailyport.com/local/bridge-closure-traders
June 12, 2023

Traders near the Harbour Bridge say a planned four-week closure for cable repairs will cost them thousands of pounds.

"Half of our customers come over that bridge," said shop owner Tom Reed. The city council said the repairs would take three weeks and begin on Monday.

Council engineer Maria Lopez said the cables were corroded and had to be replaced.
"""


STORY_ID = "s-harbour-bridge"
ARTICLE_IDS = {"herald.txt": "herald-bridge-repairs", "port.txt": "port-bridge-traders"}


@dataclass(frozen=True)
class Seeded:
    store: Store
    job_ids: list[str]  # a finished job, a failed one and a queued one


def _resolve_without_network(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
    """getaddrinfo for the URL check: IP literals as themselves (so private ones are refused),
    every name as a public address; generated URLs never reach a DNS server."""
    try:
        address = str(ipaddress.ip_address(host))
    except ValueError:
        address = PUBLIC_ADDRESS
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    return [(family, socket.SOCK_STREAM, 6, "", (address, port or 0))]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """A SQLite file with the two articles, their story's brief (from the real pipeline) and jobs."""
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('serve-schema') / 'newsprism.db'}")
    articles: list[Article] = [
        clean_document(text_document(name, text).model_copy(update={"record_id": ARTICLE_IDS[name]}))
        for name, text in [("herald.txt", HERALD), ("port.txt", PORT)]
    ]
    assert store.add_articles(articles).added == list(ARTICLE_IDS.values())
    brief = analyze_story(Story.of(articles))
    brief = brief.model_copy(update={"story": brief.story.model_copy(update={"id": STORY_ID})})
    assert brief.claims and store.save_story(brief)
    records = [{"id": a.id, "text": a.text} for a in articles]
    done = queue.enqueue(store, "ingest", {"records": records})
    failed = queue.enqueue(store, "ingest", {"records": records[:1]})
    for job_id, finish in [(done, True), (failed, False)]:
        claimed = queue.claim(store, "schema-test")
        assert claimed is not None and claimed.id == job_id
        if finish:
            queue.finish(store, job_id, "schema-test", {"articles": [{"id": a.id} for a in articles]})
        else:
            queue.fail(store, job_id, "schema-test", "record 'x': cannot resolve host")
    waiting = queue.enqueue(store, "brief", {}, story_id=STORY_ID)
    yield Seeded(store, [done, failed, waiting])
    store.close()


@pytest.fixture(scope="module")
def app(seeded: Seeded) -> Iterator[FastAPI]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "newsprism.read.fetch.socket",
            types.SimpleNamespace(getaddrinfo=_resolve_without_network, gaierror=socket.gaierror),
        )
        yield create_app(Settings(token=TOKEN), store=seeded.store)


# The OpenAPI document does not depend on the database: it is taken from an application that is
# never started, and each generated request goes to the ``app`` fixture's (call(app=...)).
# (schemathesis.pytest.from_fixture would load it from the fixture, but fails on pytest 9.)
schema = schemathesis.openapi.from_dict(create_app(Settings(token=TOKEN)).openapi())
KNOWN = {"story_id": [STORY_ID], "article_id": list(ARTICLE_IDS.values())}


@schema.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
) -> st.SearchStrategy[dict[str, Any] | None]:
    """About half the time, ask for a story or an article that exists (generated ids never do)."""
    for name, ids in KNOWN.items():
        if path_parameters and name in path_parameters:
            existing = [{**path_parameters, name: i} for i in ids]
            return st.one_of(st.just(path_parameters), st.sampled_from(existing))
    return st.just(path_parameters)


def _with_text(record: Any) -> Any:
    if isinstance(record, dict) and not any(
        str(record.get(k) or "").strip() for k in ("text", "html", "url")
    ):
        return {**record, "text": "The Harbour Bridge will close for three weeks, the council said."}
    return record


@schema.hook
def map_case(context: schemathesis.HookContext, case: schemathesis.Case[Any]) -> schemathesis.Case[Any]:
    """Every field of a record is optional in the schema, while the handler needs text, HTML or a
    URL, so generated records are nearly all refused: valid records with none of them get text,
    so that writes are queued too (records without any are refused in a test below)."""
    meta = case.meta
    if case.operation.label == "POST /api/articles" and meta and meta.generation.mode.is_positive:
        body = case.body
        case.body = [_with_text(r) for r in body] if isinstance(body, list) else _with_text(body)
    return case


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_api_conforms_to_its_openapi_document(case: schemathesis.Case[Any], app: FastAPI) -> None:
    case.call_and_validate(app=app, headers=AUTH, checks=CHECKS)


def test_seeded_records_are_served_as_documented(app: FastAPI, seeded: Seeded) -> None:
    """Every seeded story, article and job (finished, failed, queued), validated once each."""
    calls = [
        ("/api/stories", {}),
        ("/api/stories/{story_id}", {"story_id": STORY_ID}),
        *[("/api/articles/{article_id}", {"article_id": i}) for i in ARTICLE_IDS.values()],
        *[("/api/jobs/{job_id}", {"job_id": i}) for i in seeded.job_ids],
    ]
    for path, parameters in calls:
        case = schema[path]["GET"].Case(path_parameters=parameters)
        response = case.call_and_validate(app=app, headers=AUTH, checks=CHECKS)
        assert response.status_code == 200, (path, parameters, response.text)
    listed = schema["/api/stories"]["GET"].Case(query={"q": "bridge"}).call(app=app).json()
    assert [s["id"] for s in listed["stories"]] == [STORY_ID]
    assert listed["stories"][0]["article_ids"] == list(ARTICLE_IDS.values())
    brief = schema["/api/stories/{story_id}"]["GET"].Case(path_parameters={"story_id": STORY_ID})
    assert brief.call(app=app).json()["story"]["id"] == STORY_ID


# --------------------------------------------------------------------------- refusals, by hand


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def _assert_json_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["message"]
    return dict(body["error"])


RECORD = {"id": "bridge-1", "text": "The Harbour Bridge will close for repairs, the council said."}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": TOKEN},  # no scheme
        {"Authorization": f"Basic {TOKEN}"},
    ],
    ids=["none", "wrong", "no-scheme", "basic"],
)
def test_writes_without_the_token_are_refused(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post("/api/articles", json=RECORD, headers=headers)
    error = _assert_json_error(response, 401)
    assert error["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


def test_reads_need_no_token(client: TestClient) -> None:
    assert client.get(f"/api/stories/{STORY_ID}").status_code == 200


def test_a_write_with_the_token_is_queued(client: TestClient) -> None:
    response = client.post("/api/articles", json=[RECORD], headers=AUTH)
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["ids"] == ["bridge-1"]
    job = client.get(accepted["status_url"])
    assert job.status_code == 200 and job.json()["status"] == "queued"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"id": "bridge-1", "text": "The bridge', "application/json"),  # cut short
        (b"{'id': 'bridge-1'}", "application/json"),  # not JSON quotes
        (b"", "application/json"),
        (b"\xff\xfe not utf-8", "application/json"),
        (b"id=bridge-1&text=The+bridge", "application/x-www-form-urlencoded"),
        (b'{"id": "bridge-1", "text": "The bridge"}', "text/plain"),
        (b"<article>The bridge</article>", "application/xml"),
        (b'{"id": "bridge-1", "text": "The bridge"}', "multipart/form-data; boundary=x"),
        (b"null", "application/json"),
        (b"[]", "application/json"),
        (b'"just a string"', "application/json"),
        (b'{"text": "no id"}', "application/json"),
        (b'{"id": "bridge-1"}', "application/json"),  # neither text, html nor url
        (b'{"id": "bridge-1", "url": "ftp://example.com/a"}', "application/json"),
        (b'{"id": "bridge-1", "url": "http://127.0.0.1/a"}', "application/json"),
        (b'{"id": "bridge-1", "url": "http://[::1/a"}', "application/json"),  # not a URL
        (b'{"id": "bridge-1", "url": "http://example.com:99999/a"}', "application/json"),
        (b'[{"id": "a", "text": "x"}, {"id": "a", "text": "y"}]', "application/json"),
    ],
)
def test_a_malformed_body_is_a_json_4xx_not_a_server_error(
    client: TestClient, content: bytes, content_type: str
) -> None:
    response = client.post("/api/articles", content=content, headers={**AUTH, "Content-Type": content_type})
    assert 400 <= response.status_code < 500, response.text
    _assert_json_error(response, response.status_code)


def test_a_body_over_the_limit_is_refused_before_it_is_read(seeded: Seeded) -> None:
    small = create_app(Settings(token=TOKEN, max_body_bytes=1000), store=seeded.store)
    with TestClient(small) as test_client:
        big = {"id": "big", "text": "word " * 1000}
        error = _assert_json_error(test_client.post("/api/articles", json=big, headers=AUTH), 413)
    assert error["code"] == "too_large"


@pytest.mark.parametrize(
    "path",
    [
        "/api/stories?limit=0",
        "/api/stories?limit=abc",
        "/api/stories?offset=-1",
        "/api/stories?sort=oldest",
        "/api/stories?q=" + "x" * 201,
        "/api/stories/no-such-story",
        "/api/articles/no-such-article",
        "/api/jobs/no-such-job",
        "/api/no-such-endpoint",
    ],
)
def test_bad_reads_are_json_errors(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert 400 <= response.status_code < 500
    _assert_json_error(response, response.status_code)


def test_a_wrong_method_is_a_json_405(client: TestClient) -> None:
    error = _assert_json_error(client.delete("/api/articles/x"), 405)
    assert error["code"] == "method_not_allowed"


def test_the_openapi_document_is_json(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert set(response.json()["paths"]) >= {
        "/api/health",
        "/api/articles",
        "/api/jobs/{job_id}",
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/articles/{article_id}",
    }


def test_seeded_database_is_a_real_file(seeded: Seeded) -> None:
    url = str(seeded.store.engine.url)
    assert url.startswith("sqlite:///") and Path(url.removeprefix("sqlite:///")).is_file()
