"""Rendered output: golden files for Markdown (review the diff when they change), escaping in HTML."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.brief import build_brief
from newsprism.clean import clean_document
from newsprism.model import RawDocument, Story
from newsprism.pipeline import analyze
from newsprism.read import read_inputs
from newsprism.render.html import render_html
from newsprism.render.markdown import render_markdown

from conftest import REPO, SAMPLE_DIR

GOLDEN = Path(__file__).resolve().parent / "golden"


def test_markdown_of_the_sample_matches_the_golden_file(
    update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)  # sources as a user in the repository would give them
    relative = str(SAMPLE_DIR.relative_to(REPO))
    articles = [clean_document(d) for d in read_inputs([relative]) if not isinstance(d, Exception)]
    (brief,) = analyze(articles)
    rendered = render_markdown(brief)
    golden = GOLDEN / "blinken-beijing-2023.brief.md"
    if update_golden:
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8"), "run pytest --update-golden and review the diff"


def test_article_text_is_escaped_in_html_and_markdown() -> None:
    hostile = (
        "The minister said <script>alert('x')</script> nothing of the sort at the press conference on Monday."
    )
    article = clean_document(RawDocument(source="x.txt", kind="text", text=hostile, title="<b>Title</b>"))
    brief = build_brief(Story.of([article]))
    html = render_html(brief)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<b>Title</b>" not in html
    assert "<script>" not in render_markdown(brief)
