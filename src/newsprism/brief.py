"""The brief of one story. Stages not built yet contribute empty lists, never invented content."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from newsprism import __version__
from newsprism.model import Article, Brief, Generator, StoryInfo

if TYPE_CHECKING:
    from newsprism.compare import Comparison
    from newsprism.nlp import LanguageLayer


def story_id_for(article_ids: Sequence[str]) -> str:
    """Stable: the same set of articles always makes the same story id."""
    return "s" + hashlib.sha256("\n".join(sorted(article_ids)).encode("utf-8")).hexdigest()[:10]


def _words(title: str) -> set[str]:
    return set(re.findall(r"\w+", title.lower()))


def representative_title(articles: Sequence[Article]) -> str | None:
    """The title sharing the most words with the others (the medoid), so no single outlet's
    wording is picked at random; None when no article has a title."""
    titles = [a.title for a in articles if a.title]
    if not titles:
        return None

    def overlap(title: str) -> float:
        mine = _words(title)
        return sum(
            len(mine & _words(other)) / max(1, len(mine | _words(other)))
            for other in titles
            if other is not title
        )

    return max(titles, key=lambda t: (overlap(t), -len(t)))


def story_info(articles: Sequence[Article]) -> StoryInfo:
    ids = [a.id for a in articles]
    dates = sorted(a.published for a in articles if a.published)
    return StoryInfo(
        id=story_id_for(ids),
        title=representative_title(articles),
        article_ids=ids,
        first_published=dates[0] if dates else None,
        last_published=dates[-1] if dates else None,
    )


def build_brief(
    articles: Sequence[Article], language: LanguageLayer | None = None, comparison: Comparison | None = None
) -> Brief:
    """The brief for one story's articles, oldest first (undated last, in input order), with the
    language layer (entities, quotes, dates, timeline) and the comparison (claims, conflicts,
    exclusive and omitted claims per article) when they were computed."""
    ordered = sorted(articles, key=lambda a: (a.published is None, a.published or ""))
    brief = Brief(
        generated_by=Generator(version=__version__), story=story_info(ordered), articles=list(ordered)
    )
    if language is not None:
        brief.entities = language.entities.entities
        brief.quotes = language.quotes
        brief.dates = language.dates
        brief.timeline = language.timeline
    if comparison is not None:
        brief.claims = comparison.claims
        brief.conflicts = comparison.conflicts
        order = {a.id: i for i, a in enumerate(ordered)}
        brief.perspectives = sorted(comparison.perspectives, key=lambda p: order[p.article_id])
    return brief
