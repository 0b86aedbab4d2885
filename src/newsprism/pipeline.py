"""The library behind the CLI: read → clean → group → analyze each story → render.

Every step runs through an engine (``LocalEngine`` unless another is given), so the default run and
the Ray run are one path; each is a plain function of the previous step's output and the parts.
Problems with single inputs are passed to ``report`` as one line each and skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from newsprism.engine import Engine, LocalEngine, RunStats, analyze_stories, find_stories, read_clean
from newsprism.model import Article, Brief, Index, IndexEntry
from newsprism.parts import Parts
from newsprism.render.html import render_html
from newsprism.render.json import brief_to_json, index_to_json
from newsprism.render.markdown import render_markdown

__all__ = ["DEFAULT_FORMATS", "FORMATS", "RunStats", "analyze", "read_articles", "write_outputs"]

FORMATS = ("json", "md", "html")
DEFAULT_FORMATS = ("json", "html")

# Clean articles from any mix of inputs, as they are cleaned: the one read → clean path.
read_articles = read_clean


def analyze(
    articles: Sequence[Article],
    parts: Parts | None = None,
    *,
    engine: Engine | None = None,
    on_story: Callable[[Brief], None] | None = None,
) -> list[Brief]:
    """One brief per story, largest story first: the articles grouped into stories, then each
    story analysed on its own (``analysis.analyze_story``), on ``engine`` (this process by default)."""
    parts = parts or Parts.default()
    engine = engine or LocalEngine()
    return analyze_stories(find_stories(articles, engine, parts), engine, parts, on_story=on_story)


def write_outputs(briefs: Sequence[Brief], out_dir: Path, formats: Sequence[str]) -> Index:
    """Write ``index.json`` and, per story, ``<story_id>/brief.{json,md,html}``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    for brief in briefs:
        story_dir = out_dir / brief.story.id
        story_dir.mkdir(parents=True, exist_ok=True)
        if "json" in formats:
            _write(story_dir / "brief.json", brief_to_json(brief))
        if "md" in formats:
            _write(story_dir / "brief.md", render_markdown(brief))
        if "html" in formats:
            _write(story_dir / "brief.html", render_html(brief))
        entries.append(
            IndexEntry(
                **brief.story.model_dump(),
                path=f"{brief.story.id}/brief.json" if "json" in formats else f"{brief.story.id}/",
            )
        )
    index = Index(stories=entries)
    _write(out_dir / "index.json", index_to_json(index))
    return index


def _write(path: Path, content: str) -> None:
    """Write via a temporary file so an interrupted run never leaves a truncated brief."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(content, encoding="utf-8")
    tmp.replace(path)
