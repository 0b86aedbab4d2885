"""The library behind the CLI: read → clean → (store) → group → brief → render.

Each step is a plain function of the previous step's output; the CLI only parses arguments and
prints. Problems with single inputs are passed to ``report`` as one line each and skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from newsprism.brief import build_brief
from newsprism.clean import clean_document
from newsprism.errors import InputError
from newsprism.meta import OutletDirectory, default_directory
from newsprism.model import Article, Brief, Index, IndexEntry
from newsprism.read import ReadOptions, read_inputs
from newsprism.render.html import render_html
from newsprism.render.json import brief_to_json, index_to_json
from newsprism.render.markdown import render_markdown

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from newsprism.compare.nli import ContradictionJudge
    from newsprism.nlp import AnnotatedArticle

FORMATS = ("json", "md", "html")
DEFAULT_FORMATS = ("json", "html")

Report = Callable[[str], None]


@dataclass
class RunStats:
    articles: int = 0
    problems: int = 0
    warnings: list[str] = field(default_factory=list)


def read_articles(
    inputs: Iterable[str],
    *,
    options: ReadOptions | None = None,
    directory: OutletDirectory | None = None,
    report: Report,
    stats: RunStats | None = None,
    on_article: Callable[[Article], None] | None = None,
) -> Iterator[Article]:
    """Clean articles from any mix of inputs; each unusable input is reported and skipped."""
    options = options or ReadOptions()
    directory = directory or default_directory()
    stats = stats or RunStats()
    seen: set[str] = set()
    try:
        for item in read_inputs(inputs, options):
            if isinstance(item, InputError):
                stats.problems += 1
                report(f"error: {item}")
                continue
            for warning in item.warnings:
                stats.warnings.append(warning)
                report(f"warning: {warning}")
            try:
                article = clean_document(item, directory)
            except InputError as exc:
                stats.problems += 1
                report(f"error: {exc}")
                continue
            if article.id in seen:
                report(f"warning: {item.source}: article {article.id} was already read in this run; skipped")
                continue
            seen.add(article.id)
            stats.articles += 1
            if on_article:
                on_article(article)
            yield article
    finally:
        options.close()


def group_into_stories(
    articles: Sequence[Article], *, vectors: NDArray[np.float32] | None = None
) -> list[list[Article]]:
    """Stories, largest first, with wire copies marked (``copy_of``) so that they count once."""
    from newsprism.stories import cluster_stories, find_copies

    copies = find_copies(articles)
    marked = [a.model_copy(update={"copy_of": copies.get(a.id)}) for a in articles]
    return cluster_stories(marked, vectors=vectors)


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
                id=brief.story.id,
                title=brief.story.title,
                article_ids=brief.story.article_ids,
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


def analyze(
    articles: Sequence[Article],
    *,
    on_annotated: Callable[[], None] | None = None,
    on_story: Callable[[str], None] | None = None,
    judge: ContradictionJudge | None = None,
) -> list[Brief]:
    """One brief per story, largest story first. The language model runs once over all articles;
    each story's entities, quotes, timeline, claims and conflicts are then built from its own
    articles only."""
    from newsprism.nlp import annotate

    stories = group_into_stories(articles)
    annotated = {a.id: a for a in annotate([a for story in stories for a in story], on_article=on_annotated)}
    briefs = []
    for story in stories:
        if on_story is not None:
            on_story(f"comparing {len(story)} article{'' if len(story) == 1 else 's'}")
        briefs.append(brief_of_story(story, [annotated[a.id] for a in story], judge=judge))
    return briefs


def analyze_story(story: Sequence[Article], *, judge: ContradictionJudge | None = None) -> Brief:
    """The brief of one story's articles, from scratch (annotation included): the unit of work an
    engine hands to a worker."""
    from newsprism.nlp import annotate

    return brief_of_story(story, annotate(story), judge=judge)


def brief_of_story(
    story: Sequence[Article],
    annotated: Sequence[AnnotatedArticle],
    *,
    judge: ContradictionJudge | None = None,
) -> Brief:
    from newsprism.compare import compare_story
    from newsprism.nlp import analyze_language

    language = analyze_language(annotated)
    return build_brief(story, language, compare_story(story, language, judge=judge))
