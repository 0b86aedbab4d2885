"""The REST API of ``newsprism serve`` (../CONTRACT.md: health, articles in, stories and
articles out, an OpenAPI document at /openapi.json) and the application that also serves the
web pages (``newsprism.serve.pages``).

Request handlers only read the database or add a job to its queue; the pipeline runs in the
worker (``newsprism.serve.worker``). Every error a client sees is ``{"error": {"code",
"message"}}`` with a fitting status (HTML pages get the same message as a page), never a stack
trace.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsprism import __version__
from newsprism.errors import InputError
from newsprism.model import Article
from newsprism.read.fetch import check_host_allowed
from newsprism.serve.deps import Settings, as_utc, get_settings, get_store, require_token
from newsprism.serve.errors import error_code, error_response
from newsprism.serve.pages import error_page
from newsprism.serve.pages import router as pages
from newsprism.store import queue
from newsprism.store.database import Store, open_store

log = logging.getLogger("newsprism.serve")

MAX_RECORDS_PER_REQUEST = 1000
MAX_TEXT_CHARACTERS = 2_000_000
MAX_PAGE = 200


LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def allowed_hosts(bind_host: str, settings: Settings) -> frozenset[str] | None:
    """The Host names to answer to: any when a token guards writes, else this machine's loopback
    names, the address it listens on and the names given with ``--allow-host``."""
    if settings.token:
        return None
    return LOOPBACK_NAMES | {bind_host.strip("[]").lower()} | {h.lower() for h in settings.extra_hosts}


def host_name(header: str) -> str:
    """The name of a Host header, without its port: "[::1]:8000" → "::1"."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


# --------------------------------------------------------------------------- API models


class ArticleRecord(BaseModel):
    """One article to ingest, as in the JSONL input: text, HTML, or only a URL to fetch."""

    model_config = ConfigDict(extra="ignore")

    id: Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")] | int
    text: Annotated[str, Field(max_length=MAX_TEXT_CHARACTERS)] | None = None
    html: Annotated[str, Field(max_length=MAX_TEXT_CHARACTERS)] | None = None
    title: Annotated[str, Field(max_length=2000)] | None = None
    url: Annotated[str, Field(max_length=2000)] | None = None
    outlet: Annotated[str, Field(max_length=300)] | None = None
    published: Annotated[str, Field(max_length=40)] | None = None
    language: Annotated[str, Field(max_length=8)] | None = None


class IngestAccepted(BaseModel):
    ids: list[str] = Field(description="The records' ids, in order; the stored articles keep them")
    job_id: str
    status_url: str


class JobStatus(BaseModel):
    id: str
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    story_id: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None
    result: dict[str, Any] | None


class StorySummary(BaseModel):
    id: str
    title: str | None
    article_ids: list[str]
    first_published: str | None
    last_published: str | None
    updated_at: datetime
    url: str = Field(description="The story's brief (brief.json)")


class StoryList(BaseModel):
    stories: list[StorySummary]
    total: int
    limit: int
    offset: int


class Health(BaseModel):
    status: Literal["ok"]
    version: str


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorResponse, "description": error_code(status)} for status in statuses}


# --------------------------------------------------------------------------- errors


def _wants_page(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/openapi.json"))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if isinstance(exc.detail, str) else error_code(exc.status_code)
    if _wants_page(request):
        return error_page(request, exc.status_code, message)
    return error_response(exc.status_code, message, getattr(exc, "headers", None))


def _validation_message(exc: RequestValidationError) -> str:
    """The first problems as ``where: what``. A body may be one record or a list of them, so
    pydantic reports both readings; only the one matching what was sent is shown."""
    errors = list(exc.errors())
    branched = [e for e in errors if len(e.get("loc", ())) > 1 and "ArticleRecord" in str(e["loc"][1])]
    if branched:
        body = getattr(exc, "body", None)
        if isinstance(body, list):
            errors = [e for e in branched if str(e["loc"][1]).startswith("list[")]
        elif isinstance(body, dict):
            errors = [e for e in branched if e["loc"][1] == "ArticleRecord"]
        else:
            return "body: send one JSON object (a record) or a list of them"
    problems = []
    for error in errors[:3]:
        loc = [part for part in error.get("loc", ()) if "ArticleRecord" not in str(part)]
        if loc and loc[0] == "body" and len(loc) > 1:
            loc = [f"records[{loc[1]}]" if isinstance(loc[1], int) else loc[1], *loc[2:]]
        where = ".".join(str(part) for part in loc) or "body"
        problems.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(problems) or "invalid request"


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    message = _validation_message(exc)
    if _wants_page(request):
        return error_page(request, 422, message)
    return error_response(422, message)


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    if _wants_page(request):
        return error_page(request, 500, "Something went wrong on the server; it has been logged.")
    return error_response(500, "internal error; the server log has the details")


# --------------------------------------------------------------------------- middleware


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413, whether announced by Content-Length or
    streamed in chunks, before the application reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        too_large = error_response(
            413, f"request body over the {self.max_bytes}-byte limit; send fewer records per request"
        )
        if declared.isdigit() and int(declared) > self.max_bytes:
            await too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await too_large(scope, receive, send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


# Pages may run only the site's own scripts; nothing is framed, nothing loads from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class HostCheck:
    """Answer only requests addressed to an allowed host name (see ``Settings.allowed_hosts``)."""

    def __init__(self, app: ASGIApp, allowed: frozenset[str]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            header = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            if host_name(header) not in self.allowed:
                shown = header[:100] or "(none)"
                refused = error_response(
                    400,
                    f"Host {shown!r} is not a name of this server; without a token it answers only to "
                    "its own names (start it with --allow-host NAME to serve under another)",
                )
                await refused(scope, receive, send)
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


# --------------------------------------------------------------------------- the application


def _story_summary(story: Any) -> StorySummary:
    updated = as_utc(story.updated_at)
    assert updated is not None
    return StorySummary(
        id=story.id,
        title=story.title,
        article_ids=story.article_ids,
        first_published=story.first_published,
        last_published=story.last_published,
        updated_at=updated,
        url=f"/api/stories/{story.id}",
    )


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """The application. Opens (and migrates) the database at start unless given a store."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = store is None
        app.state.store = store if store is not None else open_store(settings.db_url)
        try:
            yield
        finally:
            if own:
                app.state.store.close()

    app = FastAPI(
        title="newsprism",
        version=__version__,
        description="One news story from every side: ingest articles; read stories' cited briefs.",
        lifespan=lifespan,
        # Swagger UI and ReDoc load from a CDN: the OpenAPI document alone is served.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    if store is not None:
        app.state.store = store
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _internal_error)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    if settings.allowed_hosts is not None:
        app.add_middleware(HostCheck, allowed=settings.allowed_hosts)
    app.add_middleware(SecurityHeaders)

    @app.get("/api/health", response_model=Health, tags=["service"])
    def health() -> Health:
        return Health(status="ok", version=__version__)

    @app.post(
        "/api/articles",
        status_code=202,
        response_model=IngestAccepted,
        dependencies=[Depends(require_token)],
        responses=_errors(400, 401, 413, 422),
        tags=["articles"],
    )
    def ingest(
        records: ArticleRecord | list[ArticleRecord],
        request: Request,
        store: Annotated[Store, Depends(get_store)],
    ) -> IngestAccepted:
        """Queue articles for the pipeline; the job's status URL says when they are in a story."""
        batch = records if isinstance(records, list) else [records]
        if not batch:
            raise HTTPException(422, "no records")
        if len(batch) > MAX_RECORDS_PER_REQUEST:
            raise HTTPException(413, f"{len(batch)} records; at most {MAX_RECORDS_PER_REQUEST} per request")
        ids = [str(record.id).strip() for record in batch]
        if len(set(ids)) != len(ids):
            raise HTTPException(422, "two records share one id")
        for record, record_id in zip(batch, ids, strict=True):
            scheme = (record.url or "").strip().split(":", 1)[0].lower()
            if record.url is not None and scheme not in ("http", "https"):
                # A stored url becomes a link in reports and pages: only web addresses.
                raise HTTPException(
                    422, f"record {record_id!r}: unsupported URL scheme {scheme!r} in url; use http or https"
                )
            if not (record.text or "").strip() and not (record.html or "").strip():
                if not record.url:
                    raise HTTPException(422, f'record {record_id!r} has neither "text", "html" nor "url"')
                try:
                    check_host_allowed(record.url, get_settings(request).allow_private_urls)
                except InputError as exc:
                    raise HTTPException(422, f"record {record_id!r}: {exc.reason}") from None
        payload = {
            "records": [
                record.model_dump(exclude_none=True) | {"id": i} for record, i in zip(batch, ids, strict=True)
            ]
        }
        job_id = queue.enqueue(store, "ingest", payload)
        return IngestAccepted(ids=ids, job_id=job_id, status_url=f"/api/jobs/{job_id}")

    @app.get("/api/jobs/{job_id}", response_model=JobStatus, responses=_errors(404), tags=["articles"])
    def job_status(job_id: str, store: Annotated[Store, Depends(get_store)]) -> JobStatus:
        """Where an ingest (or a brief's recomputation) stands, with per-article results when done."""
        job = queue.get_job(store, job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id}")
        return JobStatus(
            id=job.id,
            kind=job.kind,
            status=job.status,
            story_id=job.story_id,
            created_at=as_utc(job.created_at),
            started_at=as_utc(job.started_at),
            finished_at=as_utc(job.finished_at),
            error=job.error,
            result=job.result,
        )

    @app.get("/api/stories", response_model=StoryList, responses=_errors(422), tags=["stories"])
    def stories(
        store: Annotated[Store, Depends(get_store)],
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
        q: Annotated[str | None, Query(max_length=200, description="words the title contains")] = None,
        sort: Annotated[Literal["largest", "newest"], Query()] = "largest",
    ) -> StoryList:
        """Stored stories, largest (or newest) first; ``q`` searches titles."""
        query = q.strip() if q else None
        found = store.list_stories(limit=limit, offset=offset, query=query, sort=sort)
        return StoryList(
            stories=[_story_summary(s) for s in found],
            total=store.count_stories(query),
            limit=limit,
            offset=offset,
        )

    @app.get(
        "/api/stories/{story_id}",
        responses={200: {"description": "brief.json (the contract's format)"}, **_errors(404)},
        tags=["stories"],
    )
    def story(story_id: str, store: Annotated[Store, Depends(get_store)]) -> Response:
        """A story's brief, exactly as ``analyze`` writes brief.json."""
        document = store.get_story_json(story_id)
        if document is None:
            if queue.story_busy(store, story_id):
                raise HTTPException(404, f"story {story_id} has no brief yet: it is being analysed")
            raise HTTPException(404, f"no story {story_id}")
        return Response(document, media_type="application/json")

    @app.get(
        "/api/articles/{article_id:path}", response_model=Article, responses=_errors(404), tags=["articles"]
    )
    def article(article_id: str, store: Annotated[Store, Depends(get_store)]) -> Article:
        found = store.get_article(article_id)
        if found is None:
            raise HTTPException(404, f"no article {article_id}")
        return found

    app.include_router(pages)
    return app
