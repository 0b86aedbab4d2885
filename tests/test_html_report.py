"""brief.html: the span-marking helper (fast), the page's links and self-containment (fast), and the
real page in a real browser (slow): charts drawn, no network request, no console error, a citation
jumps to its highlighted passage. The browser test leaves a screenshot as a CI artifact."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprism.model import (
    Article,
    Brief,
    Claim,
    Conflict,
    ConflictSide,
    Generator,
    Highlight,
    Span,
    StoryInfo,
    SummarySentence,
)
from newsprism.render.charts import build_charts
from newsprism.render.html import highlight_paragraphs, render_html

from conftest import CHROMIUM_ARGS, REPO, SAMPLE_DIR, follow_citation

# --------------------------------------------------------------------------- reading marked HTML


class _MarkedParagraph(HTMLParser):
    """Reads one paragraph of marked text: its plain text, the text inside each mark (by
    ``data-span``), the ids, and whether every tag closes in order."""

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.stack: list[str] = []
        self.pieces: dict[str, str] = {}
        self.ids: list[str] = []
        self.other_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "mark":
            self.other_tags.append(tag)
            return
        attributes = dict(attrs)
        span = attributes.get("data-span") or ""
        self.stack.append(span)
        self.pieces.setdefault(span, "")
        if attributes.get("id"):
            assert attributes["id"] == span
            self.ids.append(span)

    def handle_endtag(self, tag: str) -> None:
        assert tag == "mark" and self.stack, f"unexpected </{tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text += data
        for span in set(self.stack):
            self.pieces[span] += data


def _read(paragraphs: list[str]) -> tuple[str, dict[str, str], list[str]]:
    """The text (paragraphs joined by blank lines), the text of each mark, the ids in order."""
    texts, pieces, ids = [], {}, []
    for paragraph in paragraphs:
        parser = _MarkedParagraph()
        parser.feed(paragraph)
        parser.close()
        assert not parser.stack, f"unclosed <mark> in {paragraph!r}"
        assert not parser.other_tags, f"tags other than <mark> in {paragraph!r}"
        texts.append(parser.text)
        for span, text in parser.pieces.items():
            pieces[span] = pieces.get(span, "") + text
        ids += parser.ids
    return "\n\n".join(texts), pieces, ids


def _visible(text: str, start: int, end: int) -> str:
    """What of text[start:end] the page shows: everything but paragraph breaks."""
    shown, position = [], 0
    for paragraph in text.split("\n\n"):
        shown.append(text[max(start, position) : min(end, position + len(paragraph))])
        position += len(paragraph) + 2
    return "".join(shown)


# --------------------------------------------------------------------------- the helper


def test_overlapping_marks_nest_and_keep_their_text() -> None:
    text = "Blinken met Qin Gang in Beijing on Sunday."
    paragraphs = [str(p) for p in highlight_paragraphs(text, [(0, 20, "a"), (12, 31, "b"), (12, 20, "c")])]
    plain, pieces, ids = _read(paragraphs)
    assert plain == text
    assert pieces == {"a": text[0:20], "b": text[12:31], "c": text[12:20]}
    assert ids == ["a", "b", "c"]
    # "b" opens inside "a", so it is cut where "a" ends and goes on without the id
    assert paragraphs[0].count('data-span="b"') == 2


def test_marks_across_paragraph_breaks_are_cut_per_paragraph() -> None:
    text = "First paragraph ends here.\n\nSecond one starts here.\n\nThird."
    start, end = text.index("ends"), text.index("starts")
    paragraphs = [str(p) for p in highlight_paragraphs(text, [(start, end, "x")])]
    assert len(paragraphs) == 3
    plain, pieces, ids = _read(paragraphs)
    assert plain == text
    assert pieces["x"] == "ends here.Second one "
    assert ids == ["x"]
    assert 'id="x"' in paragraphs[0] and 'data-span="x"' in paragraphs[1]
    assert "data-span" not in paragraphs[2]


def test_article_text_is_escaped() -> None:
    text = "He said <script>alert('x')</script> & left.\n\n<b>bold</b>"
    paragraphs = highlight_paragraphs(text, [(8, 36, "m-1")])
    joined = "".join(paragraphs)
    assert "<script>" not in joined and "<b>" not in joined
    assert "&lt;script&gt;" in joined and "&amp; left" in joined
    assert _read([str(p) for p in paragraphs])[0] == text


def test_empty_and_out_of_range_marks_still_get_an_anchor() -> None:
    text = "One.\n\nTwo."
    paragraphs = [
        str(p) for p in highlight_paragraphs(text, [(2, 2, "empty"), (4, 6, "gap"), (8, 99, "long")])
    ]
    plain, pieces, ids = _read(paragraphs)
    assert plain == text
    assert sorted(ids) == ["empty", "gap", "long"]
    assert pieces["long"] == "o."


def test_ids_and_classes_are_escaped() -> None:
    (paragraph,) = highlight_paragraphs("abc", [(0, 2, 'a"b')], {'a"b': 'cite" onclick="x'})
    assert 'onclick="x' not in paragraph
    assert 'id="a&#34;b"' in paragraph


_texts = st.text(alphabet=st.sampled_from(list("ab <&>\n\"'é")), max_size=60)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), text=_texts)
def test_any_marks_give_well_formed_html_with_the_text_intact(data: st.DataObject, text: str) -> None:
    bound = st.integers(min_value=0, max_value=len(text))
    spans = data.draw(st.lists(st.tuples(bound, bound), max_size=6))
    marks = [(min(a, b), max(a, b), f"m{i}") for i, (a, b) in enumerate(spans)]
    plain, pieces, ids = _read([str(p) for p in highlight_paragraphs(text, marks)])
    assert plain == text
    assert sorted(ids) == sorted(mark_id for _, _, mark_id in marks)  # every link has its target, once
    for start, end, mark_id in marks:
        assert pieces[mark_id] == _visible(text, start, end)


# --------------------------------------------------------------------------- the page


def _brief(**parts: object) -> Brief:
    text_a = "Reuters says the talks lasted five hours.\n\nBoth sides agreed to meet again."
    text_b = "Sputnik says the talks lasted three hours. <script>alert(1)</script>"
    articles = [
        Article(
            id="a1",
            source="a.txt",
            outlet="Reuters",
            domain=None,
            title="Talks",
            published="2023-06-19",
            language="en",
            text=text_a,
        ),
        Article(
            id="a2",
            source="b.txt",
            outlet="Sputnik",
            domain=None,
            title="Talks",
            published="2023-06-19",
            language="en",
            text=text_b,
        ),
    ]

    def span(article: Article, words: str) -> Span:
        start = article.text.index(words)
        return Span(article_id=article.id, start=start, end=start + len(words), text=words)

    a, b = span(articles[0], "the talks lasted five hours"), span(articles[1], "the talks lasted three hours")
    claim = Claim(
        id="c1", text="The talks lasted hours.", support=[a, b], article_ids=["a1", "a2"], status="shared"
    )
    return Brief(
        generated_by=Generator(version="test"),
        story=StoryInfo(
            id="s1", title="Talks", article_ids=["a1", "a2"], first_published=None, last_published=None
        ),
        articles=articles,
        claims=[claim],
        conflicts=[
            Conflict(
                id="x1",
                kind="number",
                description="Reuters says five hours, Sputnik three.",
                sides=[
                    ConflictSide(**a.model_dump(), value="five hours"),
                    ConflictSide(**b.model_dump(), value="three hours"),
                ],
                claim_ids=["c1"],
            )
        ],
        summary=[SummarySentence(text=a.text, citations=["a1", "a2"], claim_ids=["c1"], support=[a, b])],
        highlights=[
            Highlight(
                article_id="a1",
                claim_id="c2",
                text="Both sides agreed to meet again.",
                support=[span(articles[0], "Both sides agreed to meet again.")],
            )
        ],
        **parts,  # type: ignore[arg-type]
    )


def test_every_link_on_the_page_has_its_target() -> None:
    markup = render_html(_brief()).split("<script>")[0]  # the page without the inlined libraries
    ids = set(re.findall(r'\sid="([^"]+)"', markup))
    targets = re.findall(r'href="#([^"]*)"', markup)
    assert targets and not [t for t in targets if t not in ids]
    assert '<mark id="a1-13-40" class="span cite conflict"' in markup  # cited by summary and conflict
    assert ">[Reuters]</a>" in markup and ">[Sputnik]</a>" in markup


def test_the_page_loads_nothing_from_anywhere() -> None:
    page = render_html(_brief())
    markup = page.split("<script>")[0]  # the page without the inlined libraries
    assert "Content-Security-Policy" in markup and "default-src 'none'" in markup
    assert not re.search(
        r"<(script|img|link|iframe|object|embed)\b[^>]*\s(src|href|data)=", markup, re.IGNORECASE
    )
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
    assert "sourceMappingURL" not in page


def test_charts_without_data_are_left_out() -> None:
    brief = _brief()
    assert [c.id for c in build_charts(brief)] == ["chart-coverage"]
    page = render_html(brief)
    assert page.count('<figure class="chart"') == 1
    assert "<noscript>" in page  # the coverage table for readers without JavaScript
    empty = brief.model_copy(update={"claims": [], "summary": [], "conflicts": [], "highlights": []})
    page = render_html(empty)
    assert '<figure class="chart"' not in page and "vegaEmbed(" in page  # the script copes with none
    assert 'id="summary"' not in page
    # The conflicts section stays, saying the comparison was not run rather than "none found".
    assert 'id="conflicts"' in page and "Not checked: the comparison was not run" in page


# --------------------------------------------------------------------------- in a browser


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """brief.html of the bundled sample, made by the real pipeline."""
    from newsprism.pipeline import analyze, read_articles, write_outputs

    out = tmp_path_factory.mktemp("report")
    articles = list(read_articles([str(SAMPLE_DIR)], report=lambda line: None))
    index = write_outputs(analyze(articles), out, ["html"])
    return out / index.stories[0].id / "brief.html"


@pytest.mark.slow
def test_the_sample_report_in_a_browser(chromium: Path, sample_page: Path) -> None:
    from playwright.sync_api import Request, Route, sync_playwright

    artifacts = Path(os.environ.get("NEWSPRISM_ARTIFACTS") or REPO / "test-artifacts")
    outside: list[str] = []
    errors: list[str] = []

    def local_only(route: Route) -> None:
        if route.request.url.startswith(("file:", "data:", "about:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    def watch(request: Request) -> None:
        if not request.url.startswith(("file:", "data:", "about:")):
            outside.append(request.url)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 900}, service_workers="block")
            context.route("**/*", local_only)
            page = context.new_page()
            page.on("request", watch)
            page.on(
                "console", lambda message: errors.append(message.text) if message.type == "error" else None
            )
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(sample_page.as_uri())
            page.wait_for_function("document.body.dataset.chartsRendered !== undefined", timeout=60_000)

            figures = page.locator("figure.chart")
            assert figures.count() >= 1, "the sample should have at least the coverage matrix"
            assert page.evaluate("document.body.dataset.chartsRendered") == str(figures.count())
            assert page.evaluate("document.body.dataset.chartsFailed") == "0"
            for index in range(figures.count()):
                figure = figures.nth(index)
                marks = figure.locator("svg g.role-mark path, svg g.role-mark text").count()
                assert marks > 0, f"{figure.get_attribute('id')} drew no marks"

            citations = page.locator("#summary a.cite")
            link = citations.first if citations.count() else page.locator("#conflicts a.cite").first
            follow_citation(page, link)

            artifacts.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(artifacts / "brief.png"), full_page=True)
        finally:
            browser.close()
    assert not outside, f"the page asked the network for {outside}"
    assert not errors, f"console errors: {errors}"
