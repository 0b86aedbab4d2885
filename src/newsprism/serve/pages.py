"""The web pages of ``newsprism serve``, rendered on the server with Jinja2: the story list, a
story's brief (the same body as brief.html, from ``render/templates/brief_body.html.j2``), an
article's clean text with what cleaning removed, and error pages.

Every page works without JavaScript: links, the search form and pagination are plain HTML, and
each chart has a table in ``<noscript>``. Scripts and styles are served by the app itself from the
package (``/static/<name>``, a fixed list of names), never inline and never from a CDN: the
Content-Security-Policy (``newsprism.serve.app``) allows only the site's own scripts.
Everything a page shows is escaped by autoescape; the only Markup is the marked article text that
``newsprism.render.html`` builds from escaped pieces.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from html import escape
from importlib.resources import files
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import ChoiceLoader, Environment, PackageLoader
from starlette.exceptions import HTTPException

from newsprism import __version__
from newsprism.model import Article, article_heading
from newsprism.render.html import VEGA_SCRIPTS, brief_context, vega_script
from newsprism.serve.deps import as_utc, get_store
from newsprism.serve.errors import error_title
from newsprism.store import queue
from newsprism.store.assignments import assigned_story
from newsprism.store.database import Store

log = logging.getLogger("newsprism.serve")

router = APIRouter(include_in_schema=False)

STORIES_PER_PAGE = 20
MAX_PAGE_NUMBER = 100_000
# How long a browser may keep a static file fetched by its versioned URL (?v=<content hash>): a
# year, since a new release changes the hash and so the URL.
STATIC_MAX_AGE = 365 * 24 * 3600


# --------------------------------------------------------------------------- static files


@dataclass(frozen=True)
class StaticFile:
    body: bytes
    gzipped: bytes
    content_type: str
    version: str  # the first hex digits of the body's sha256: the cache-busting ?v=


def _package_text(package: str, *path: str) -> Callable[[], str]:
    def read() -> str:
        return files(package).joinpath(*path).read_text(encoding="utf-8")

    return read


_JS = "text/javascript; charset=utf-8"
_CSS = "text/css; charset=utf-8"
_TEXT = "text/plain; charset=utf-8"
_SVG = "image/svg+xml; charset=utf-8"

# The only files /static/ serves: name → (how to read it, content type).
STATIC_FILES: dict[str, tuple[Callable[[], str], str]] = {
    **{name: (partial(vega_script, name), _JS) for name in VEGA_SCRIPTS},
    **{
        f"LICENSE.{name}": (_package_text("newsprism.render", "static", f"LICENSE.{name}"), _TEXT)
        for name in ("vega", "vega-lite", "vega-embed")
    },
    "brief.js": (_package_text("newsprism.render", "templates", "brief.js"), _JS),
    "brief.css": (_package_text("newsprism.render", "templates", "brief.css"), _CSS),
    "site.css": (_package_text("newsprism.serve", "static", "site.css"), _CSS),
    "site.js": (_package_text("newsprism.serve", "static", "site.js"), _JS),
    "favicon.svg": (_package_text("newsprism.serve", "static", "favicon.svg"), _SVG),
}


@cache
def static_file(name: str) -> StaticFile:
    """One of ``STATIC_FILES``, read once per process (KeyError for any other name)."""
    read, content_type = STATIC_FILES[name]
    body = read().encode("utf-8")
    return StaticFile(
        body=body,
        gzipped=gzip.compress(body, compresslevel=9, mtime=0),
        content_type=content_type,
        version=hashlib.sha256(body).hexdigest()[:12],
    )


def static_url(name: str) -> str:
    return f"/static/{name}?v={static_file(name).version}"


@router.api_route("/static/{name}", methods=["GET", "HEAD"])
def static(request: Request, name: str, v: str | None = None) -> Response:
    """A script or style sheet of the pages. Fetched by its versioned URL it may be cached for a
    year; otherwise the browser revalidates it by ETag."""
    if name not in STATIC_FILES:
        raise HTTPException(404, f"no static file {name}")
    found = static_file(name)
    zipped = "gzip" in request.headers.get("accept-encoding", "").lower()
    etag = f'"{found.version}{"-gz" if zipped else ""}"'
    headers = {
        "ETag": etag,
        "Vary": "Accept-Encoding",
        "Cache-Control": f"public, max-age={STATIC_MAX_AGE}, immutable"
        if v == found.version
        else "public, no-cache",
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if zipped:
        headers["Content-Encoding"] = "gzip"
    return Response(found.gzipped if zipped else found.body, media_type=found.content_type, headers=headers)


# --------------------------------------------------------------------------- templates


def format_utc(moment: datetime | None) -> str:
    """A stored time for readers: ``2023-06-20 07:00 UTC``."""
    moment = as_utc(moment)
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else ""


def format_iso(moment: datetime | None) -> str:
    """A stored time for ``<time datetime=…>``: ``2023-06-20T07:00:00Z``."""
    moment = as_utc(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else ""


def story_url(story_id: str) -> str:
    return f"/stories/{quote(story_id, safe='')}"


def article_url(article_id: str) -> str:
    return f"/articles/{quote(article_id, safe='')}"


def web_link(url: str | None) -> str | None:
    """``url`` when it is safe to link to (http or https), else None: an article's URL comes from
    whoever posted it, and ``javascript:`` or ``data:`` must never become a link."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


@cache
def environment() -> Environment:
    """The site's templates, then the report's (for brief_body.html.j2); autoescape everywhere.
    Block trimming as in ``newsprism.render.html``, so the included brief reads the same."""
    env = Environment(
        loader=ChoiceLoader(
            [PackageLoader("newsprism.serve", "templates"), PackageLoader("newsprism.render", "templates")]
        ),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        static_url=static_url,
        story_url=story_url,
        article_url=article_url,
        version=__version__,
    )
    env.filters.update(utc=format_utc, iso=format_iso)
    return env


def render_page(template: str, context: Mapping[str, Any], status: int = 200) -> HTMLResponse:
    return HTMLResponse(environment().get_template(template).render(context), status_code=status)


# --------------------------------------------------------------------------- pages


@router.get("/", response_class=HTMLResponse)
def story_list(
    store: Annotated[Store, Depends(get_store)],
    sort: Annotated[Literal["newest", "largest"], Query()] = "newest",
    q: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE_NUMBER)] = 1,
) -> HTMLResponse:
    """Stored stories, newest (or largest) first, searchable by title, 20 a page."""
    query = q.strip() if q else ""
    total = store.count_stories(query or None)
    stories = store.list_stories(
        limit=STORIES_PER_PAGE, offset=(page - 1) * STORIES_PER_PAGE, query=query or None, sort=sort
    )

    def link(**changes: Any) -> str:
        params = {"sort": sort, "q": query, "page": page} | changes
        if params["page"] == 1:
            del params["page"]
        if not params["q"]:
            del params["q"]
        return "/?" + urlencode(params)

    last_page = max(1, -(-total // STORIES_PER_PAGE))
    return render_page(
        "stories.html.j2",
        dict(
            stories=stories,
            total=total,
            query=query,
            sort=sort,
            page=page,
            last_page=last_page,
            tabs=[
                (name, label, link(sort=name, page=1))
                for name, label in (("newest", "Newest"), ("largest", "Largest"))
            ],
            previous_url=link(page=page - 1) if page > 1 else None,
            next_url=link(page=page + 1) if page < last_page else None,
            jobs=queue.queue_counts(store),
        ),
    )


class PageCache:
    """Rendered pages by key, the least recently used dropped first; shared by request threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: str) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


# Rendering a story page costs ≈ 50 ms (the brief parsed, its charts and texts laid out): it is
# kept per story, stored version and busy flag, so a read costs two small queries until the brief
# changes (bench/serve_load.py). Each server keeps its own; the key makes them agree.
STORY_PAGES = PageCache(64)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(story_id: str, store: Annotated[Store, Depends(get_store)]) -> HTMLResponse:
    """A story's brief, with when it was last computed and whether a newer one is on its way."""
    info = store.get_story_info(story_id)
    busy = queue.story_busy(store, story_id)
    status_url = f"{story_url(story_id)}/status"
    if info is None:
        if not busy:
            raise HTTPException(404, f"There is no story {story_id}.")
        # Articles were placed in a new story and its first brief is being computed.
        return render_page("story_pending.html.j2", {"story_id": story_id, "status_url": status_url})
    key = (story_id, info.updated_at, busy)
    page = STORY_PAGES.get(key)
    if page is None:
        brief = store.get_story(story_id)
        if brief is None:  # removed since the first query
            raise HTTPException(404, f"There is no story {story_id}.")
        context = brief_context(brief, {a.id: article_url(a.id) for a in brief.articles})
        page = (
            environment()
            .get_template("story.html.j2")
            .render(
                context
                | dict(
                    info=info,
                    busy=busy,
                    status_url=status_url,
                    json_url=f"/api/stories/{quote(story_id, safe='')}",
                    vega_urls=[static_url(name) for name in VEGA_SCRIPTS] if context["charts"] else [],
                )
            )
        )
        STORY_PAGES.put(key, page)
    return HTMLResponse(page)


@router.get("/stories/{story_id}/status")
def story_status(story_id: str, store: Annotated[Store, Depends(get_store)]) -> JSONResponse:
    """What site.js polls while a story's brief is being recomputed: when the stored brief was
    last updated (None before the first) and whether a recomputation is still queued or running."""
    info = store.get_story_info(story_id)
    busy = queue.story_busy(store, story_id)
    if info is None and not busy:
        raise HTTPException(404, f"There is no story {story_id}.")
    return JSONResponse(
        {"updated_at": format_iso(info.updated_at) if info else None, "busy": busy},
        headers={"Cache-Control": "no-store"},
    )


def _paragraphs(text: str) -> list[str]:
    return [part for part in text.split("\n\n") if part.strip()]


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(article_id: str, store: Annotated[Store, Depends(get_store)]) -> HTMLResponse:
    """One stored article: its metadata, clean text, and every piece cleaning removed or mended."""
    article: Article | None = store.get_article(article_id)
    if article is None:
        raise HTTPException(404, f"There is no article {article_id}.")
    story_id = assigned_story(store, [article.id]).get(article.id)
    versions = store.article_versions(article.id)
    return render_page(
        "article.html.j2",
        dict(
            article=article,
            heading=article_heading(article),
            versions=versions if len(versions) > 1 else [],
            changes=_changes(versions[-2].text, versions[-1].text) if len(versions) > 1 else [],
            link=web_link(article.url),
            paragraphs=_paragraphs(article.text),
            story_id=story_id if story_id and store.get_story_info(story_id) is not None else None,
            json_url=f"/api/articles/{quote(article.id, safe='')}",
        ),
    )


# Lines of a correction's diff shown on the article page.
MAX_CHANGED_LINES = 40


def _changes(before: str, after: str) -> list[tuple[str, str]]:
    """Paragraphs a correction removed ("-") and added ("+"), in order."""
    import difflib

    changed = [
        (line[0], line[2:])
        for line in difflib.ndiff(before.split("\n\n"), after.split("\n\n"))
        if line[:1] in "-+" and line[2:].strip()
    ]
    return changed[:MAX_CHANGED_LINES]


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An error as a page (the API answers JSON instead): the status, its message, a way home."""
    title = error_title(status)
    try:
        return render_page(
            "error.html.j2", {"status": status, "title": title, "message": message}, status=status
        )
    except Exception:  # the error page must never fail in turn
        log.exception("rendering the error page failed")
        return HTMLResponse(
            f"<!doctype html><title>{status} {escape(title)}</title><h1>{escape(title)}</h1>"
            f"<p>{escape(message)}</p>",
            status_code=status,
        )
