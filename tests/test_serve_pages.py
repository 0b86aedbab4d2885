"""The web pages of ``newsprism serve`` (newsprism.serve.pages) over a real database: the story
list (sort, search, pages, jobs), a story's brief, an article's clean text and removals, error
pages, and the static files the pages load. A story made by the real pipeline carries
``<script>`` and ``"><img onerror>`` in its titles, texts and outlet names: every page must show
them as text, never as markup, and no page may carry an inline script."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from newsprism import __version__
from newsprism.clean import clean_document
from newsprism.model import Article, Brief, Generator, Story, StoryInfo
from newsprism.read.jsonl import record_to_document
from newsprism.serve import Settings, create_app, pages
from newsprism.serve.app import CONTENT_SECURITY_POLICY
from newsprism.store import queue
from newsprism.store.assignments import add_assignments
from newsprism.store.database import open_store

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
IMG_ESCAPED = "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"

RECORDS = [
    {
        "id": "r1",
        "outlet": "Reuters",
        "published": "2023-06-19",
        "url": "https://www.reuters.example/world/blinken-xi",
        "title": f"Blinken meets Xi in Beijing {SCRIPT}",
        "text": (
            "US Secretary of State Antony Blinken held talks with Chinese President Xi Jinping on Monday.\n\n"
            "The two sides agreed to stabilise relations, Blinken told reporters after the talks.\n\n"
            f"Xi said China respects the interests of the United States. {SCRIPT} {IMG}\n\n"
            f"Subscribe to our newsletter for the latest news. {SCRIPT}"
        ),
    },
    {
        "id": "r2",
        "outlet": f"Wire {IMG}",
        "published": "2023-06-19",
        "url": "javascript:alert(1)",
        "title": f"Xi and Blinken agree to stabilise ties {IMG}",
        "text": (
            "Antony Blinken met Xi Jinping in Beijing on Monday, the first visit by a US secretary of "
            "state in five years.\n\n"
            f"Officials said both governments want to keep talking {IMG}.\n\n"
            "Xi said China respects the interests of the United States and hopes Washington will do the same."
        ),
    },
    {
        "id": "r3",
        "outlet": "Xinhua",
        "published": "2023-06-20",
        "url": "https://english.news.example/20230620/xi-blinken",
        "title": "Xi meets Blinken",
        "text": (
            "Chinese President Xi Jinping met US Secretary of State Antony Blinken in Beijing on Monday.\n\n"
            "Xi said China respects the interests of the United States and does not seek to challenge it.\n\n"
            "Blinken said the United States does not support Taiwan independence."
        ),
    },
]


@pytest.fixture(scope="module")
def hostile() -> Brief:
    """The brief of three articles carrying markup, made by the real pipeline."""
    from newsprism.analysis import analyze_story

    # Readers refuse a record whose url is not http(s); an article stored before that rule (or
    # written by another tool) may still carry one, so it is set after reading.
    articles = [
        clean_document(record_to_document({**r, "url": None}, "api", str(r["id"]))).model_copy(
            update={"url": r.get("url")}
        )
        for r in RECORDS
    ]
    brief = analyze_story(Story.of(articles))
    assert SCRIPT in (brief.story.title or ""), "the story should take the first title, markup and all"
    assert brief.summary and any(len(s.citations) > 1 for s in brief.summary)
    return brief


def _small_brief(story_id: str, title: str, published: str, count: int = 1) -> Brief:
    """A hand-made brief of ``count`` one-paragraph articles (for lists: cheap and many)."""
    articles = [
        Article(
            id=f"{story_id}-a{n}",
            source="test",
            outlet=f"Outlet {n}",
            domain=None,
            title=title,
            published=published,
            language="en",
            text=f"Article {n} of the story {title}.",
        )
        for n in range(count)
    ]
    return Brief(
        generated_by=Generator(version=__version__),
        story=StoryInfo(
            id=story_id,
            title=title,
            article_ids=[a.id for a in articles],
            first_published=published,
            last_published=published,
        ),
        articles=articles,
    )


@pytest.fixture
def filled(hostile: Brief, sqlite_url: str) -> str:
    """A SQLite database holding the hostile story and a later, smaller one."""
    _fill(sqlite_url, hostile)
    return sqlite_url


def _fill(url: str, hostile: Brief) -> None:
    store = open_store(url)
    try:
        store.add_articles(hostile.articles)
        store.save_story(hostile)
        store.save_story(_small_brief("s-later", "Climate summit opens", "2023-07-01"))
    finally:
        store.close()


@pytest.fixture
def client(filled: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db_url=filled))) as test_client:
        yield test_client


# --------------------------------------------------------------------------- reading pages


class _Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the text inside each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def _tags(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def assert_no_markup_injected(html: str) -> None:
    """The payloads appear only escaped; no element carries an event handler; every script is
    either the site's own file or inert JSON data."""
    assert SCRIPT not in html and "<img src=x" not in html
    parsed = _tags(html)
    for tag, attrs in parsed.tags:
        assert not [name for name in attrs if name.startswith("on")], f"<{tag}> has an event handler: {attrs}"
        assert tag != "img", f"unexpected <img> {attrs}"
        for name in ("href", "src", "action"):
            assert not (attrs.get(name) or "").strip().lower().startswith(("javascript:", "data:text")), attrs
    for attrs, text in parsed.scripts:
        if attrs.get("type") == "application/json":
            assert "</" not in text and "<script" not in text.lower()
        else:
            assert (attrs.get("src") or "").startswith("/static/"), f"inline or foreign script: {attrs}"
            assert not text.strip()


# --------------------------------------------------------------------------- the story list


def test_story_list_newest_first_by_default(client: TestClient, hostile: Brief) -> None:
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert html.index("Climate summit opens") < html.index("Blinken meets Xi")  # July before June
    assert SCRIPT_ESCAPED in html
    assert_no_markup_injected(html)
    assert f'href="/stories/{hostile.story.id}"' in html
    assert "3 articles" in html and "2023-06-19 – 2023-06-20" in html
    assert re.search(r'updated <time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">[^<]+ UTC</time>', html)
    assert 'aria-current="page" class="current">Newest<' in html
    assert "waiting" not in html  # no jobs, no jobs line


def test_story_list_largest_first(client: TestClient) -> None:
    html = client.get("/?sort=largest").text
    assert html.index("Blinken meets Xi") < html.index("Climate summit opens")
    assert 'aria-current="page" class="current">Largest<' in html


def test_search_filters_titles_and_keeps_the_query_escaped(client: TestClient) -> None:
    html = client.get("/", params={"q": "climate"}).text
    assert "Climate summit opens" in html and "Blinken meets Xi" not in html
    assert 'value="climate"' in html and "1 story with" in html
    # the sort tabs keep the query
    assert 'href="/?sort=largest&amp;q=climate"' in html

    html = client.get("/", params={"q": "<script>"}).text
    assert "Blinken meets Xi" in html and "Climate summit" not in html
    assert 'value="&lt;script&gt;"' in html
    assert_no_markup_injected(html)

    html = client.get("/", params={"q": IMG}).text
    assert "No story title contains" in html
    assert_no_markup_injected(html)


def test_pages_of_stories(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(sqlite_url)
    for n in range(5):
        store.save_story(_small_brief(f"s{n}", f"Story number {n}", f"2023-01-0{n + 1}"))
    store.close()
    monkeypatch.setattr(pages, "STORIES_PER_PAGE", 2)
    with TestClient(create_app(Settings(db_url=sqlite_url))) as client:
        first = client.get("/").text
        assert "Story number 4" in first and "Story number 3" in first and "Story number 2" not in first
        assert 'rel="next" href="/?sort=newest&amp;page=2"' in first and 'rel="prev"' not in first
        assert "page 1 of 3" in first
        last = client.get("/?page=3").text
        assert "Story number 0" in last and "Story number 1" not in last
        assert 'rel="prev" href="/?sort=newest&amp;page=2"' in last and 'rel="next"' not in last
        beyond = client.get("/?page=9")
        assert beyond.status_code == 200 and "No stories on page 9" in beyond.text
        assert client.get("/?page=0").status_code == 422


def test_story_list_says_when_jobs_wait(filled: str) -> None:
    store = open_store(filled)
    queue.enqueue(store, "ingest", {"records": []})
    queue.enqueue(store, "ingest", {"records": []})
    store.close()
    with TestClient(create_app(Settings(db_url=filled))) as client:
        assert "2 jobs waiting, 0 running" in client.get("/").text


def test_empty_database(sqlite_url: str) -> None:
    with TestClient(create_app(Settings(db_url=sqlite_url))) as client:
        html = client.get("/").text
    assert "No stories yet" in html and "POST /api/articles" in html


# --------------------------------------------------------------------------- a story


def test_story_page_shows_the_brief_escaped(db_url: str, hostile: Brief) -> None:
    """On SQLite and PostgreSQL: the whole brief, escaped, with its charts' data and links."""
    _fill(db_url, hostile)
    with TestClient(create_app(Settings(db_url=db_url))) as client:
        response = client.get(f"/stories/{hostile.story.id}")
    assert response.status_code == 200
    html = response.text
    assert_no_markup_injected(html)
    assert SCRIPT_ESCAPED in html and IMG_ESCAPED in html
    # the same sections and charts as brief.html
    for section in ("summary", "charts", "articles"):
        assert f'<section id="{section}">' in html
    assert html.count('<figure class="chart"') >= 1 and "<noscript>" in html
    assert html.count('class="cite"') >= len(hostile.summary)
    # every in-page link has its target
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    assert not [t for t in re.findall(r'href="#([^"]*)"', html) if t not in ids]
    # when it was computed, its JSON, and a page per article
    assert re.search(r"Last updated <time datetime=\"[^\"]+Z\">\d{4}-\d\d-\d\d \d\d:\d\d UTC</time>", html)
    assert f'href="/api/stories/{hostile.story.id}"' in html
    for article in hostile.articles:
        assert f'href="/articles/{article.id}"' in html
    assert "being analysed" not in html
    # the charts are drawn by the site's own copies of the libraries
    scripts = [attrs.get("src") for attrs, _ in _tags(html).scripts if attrs.get("src")]
    assert [s.split("?")[0] for s in scripts if s] == [
        "/static/vega.min.js",
        "/static/vega-lite.min.js",
        "/static/vega-embed.min.js",
        "/static/brief.js",
        "/static/site.js",
    ]


def test_story_page_says_when_new_articles_are_being_analysed(filled: str, hostile: Brief) -> None:
    store = open_store(filled)
    queue.enqueue_brief(store, hostile.story.id, "new articles joined")
    queue.enqueue_brief(store, "s-new", "new articles joined")  # placed, no brief yet
    store.close()
    with TestClient(create_app(Settings(db_url=filled))) as client:
        html = client.get(f"/stories/{hostile.story.id}").text
        assert "New articles are being analysed; this page will show them when done." in html
        assert f'data-status-url="/stories/{hostile.story.id}/status"' in html
        status = client.get(f"/stories/{hostile.story.id}/status").json()
        assert status["busy"] is True and status["updated_at"].endswith("Z")

        pending = client.get("/stories/s-new")
        assert pending.status_code == 200 and "being analysed" in pending.text
        assert client.get("/stories/s-new/status").json() == {"updated_at": None, "busy": True}

        assert client.get("/stories/s-later/status").json()["busy"] is False
        assert client.get("/stories/nothing/status").status_code == 404


def test_story_page_of_a_brief_without_charts_loads_no_chart_library(client: TestClient) -> None:
    html = client.get("/stories/s-later").text
    assert "vega" not in "".join(str(attrs.get("src")) for attrs, _ in _tags(html).scripts)
    assert "/static/brief.js" in html


# --------------------------------------------------------------------------- an article


def test_article_page_shows_clean_text_and_removals_escaped(client: TestClient, hostile: Brief) -> None:
    article = hostile.articles[0]
    response = client.get("/articles/r1")
    assert response.status_code == 200
    html = response.text
    assert_no_markup_injected(html)
    assert "<h1>Blinken meets Xi in Beijing " + SCRIPT_ESCAPED + "</h1>" in html
    paragraphs = [p for p in article.text.split("\n\n") if p.strip()]
    assert len(paragraphs) >= 3 and html.count("<p>") >= len(paragraphs)
    assert "<p>Xi said China respects the interests of the United States. " + SCRIPT_ESCAPED in html
    assert (
        '<a href="https://www.reuters.example/world/blinken-xi" rel="noopener noreferrer nofollow">' in html
    )
    assert ">Reuters<" in html and "2023-06-19" in html and "<dd>en</dd>" in html
    # what cleaning removed, with its kind, in a <details>
    assert article.removed
    details = html[html.index('<details class="removed">') :]
    for removal in article.removed:
        assert f'<span class="removed-kind">{removal.kind}</span>' in details
    assert "Subscribe to our newsletter" in details


def test_an_unsafe_article_url_is_not_a_link(client: TestClient) -> None:
    html = client.get("/articles/r2").text
    assert_no_markup_injected(html)
    assert 'href="javascript:' not in html and "javascript:alert(1)" in html  # shown as text
    assert IMG_ESCAPED in html


def test_article_page_links_to_its_story(filled: str, hostile: Brief) -> None:
    store = open_store(filled)
    add_assignments(store, [("r3", hostile.story.id, np.zeros(4, dtype=np.float32))])
    store.close()
    with TestClient(create_app(Settings(db_url=filled))) as client:
        html = client.get("/articles/r3").text
    assert f'href="/stories/{hostile.story.id}"' in html


def test_article_ids_are_quoted_in_links() -> None:
    assert pages.article_url("a/b c?d") == "/articles/a%2Fb%20c%3Fd"
    assert pages.web_link(" https://example.com/x ") == "https://example.com/x"
    for unsafe in (
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,x",
        "//evil",
        "http://",
        None,
    ):
        assert pages.web_link(unsafe) is None


# --------------------------------------------------------------------------- errors and headers


@pytest.mark.parametrize("path", ["/stories/no-such-story", "/articles/no-such-article", "/nowhere"])
def test_unknown_pages_are_html_404s(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in response.text and "All stories" in response.text


def test_error_messages_are_escaped(client: TestClient) -> None:
    response = client.get("/articles/" + SCRIPT)
    assert response.status_code == 404
    assert_no_markup_injected(response.text)
    assert f"There is no article {SCRIPT_ESCAPED}." in response.text


def test_api_errors_stay_json(client: TestClient) -> None:
    response = client.get("/api/stories/no-such-story")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "path", ["/", "/stories/s-later", "/articles/r1", "/stories/nope", "/static/site.css"]
)
def test_security_headers_on_every_page(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"


# --------------------------------------------------------------------------- static files


def test_every_file_a_page_loads_is_served_with_its_type(client: TestClient, hostile: Brief) -> None:
    expected = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
    html = client.get(f"/stories/{hostile.story.id}").text
    urls = {
        attrs.get("src") or attrs.get("href")
        for tag, attrs in _tags(html).tags
        if tag in ("script", "link") and (attrs.get("src") or attrs.get("href"))
    }
    assert len(urls) == 8  # icon, 2 style sheets, 3 vega builds, brief.js, site.js
    for url in urls:
        assert url and url.startswith("/static/") and "?v=" in url
        response = client.get(url)
        assert response.status_code == 200, url
        suffix = Path(url.split("?")[0]).suffix
        assert response.headers["content-type"].startswith(expected[suffix]), url
        assert (
            "immutable" in response.headers["cache-control"]
            and "max-age=31536000" in response.headers["cache-control"]
        )
        assert response.content


def test_static_files_are_cached_compressed_and_revalidated(client: TestClient) -> None:
    plain = client.get("/static/vega.min.js", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    assert "sourceMappingURL" not in plain.text and "vega" in plain.text[:2000]
    assert plain.headers["cache-control"] == "public, no-cache"  # unversioned URL: revalidate
    zipped = client.get("/static/vega.min.js", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and zipped.text == plain.text
    assert int(zipped.headers["content-length"]) < len(plain.content) / 2
    revalidated = client.get(
        "/static/vega.min.js", headers={"Accept-Encoding": "identity", "If-None-Match": plain.headers["etag"]}
    )
    assert revalidated.status_code == 304 and not revalidated.content
    assert gzip.decompress(pages.static_file("brief.css").gzipped) == pages.static_file("brief.css").body


@pytest.mark.parametrize(
    "name", ["nope.js", "LICENSE", "README.md", "..%2Fapp.py", "..%2F..%2Fpyproject.toml", "brief.html.j2"]
)
def test_unknown_static_names_are_404(client: TestClient, name: str) -> None:
    response = client.get(f"/static/{name}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
