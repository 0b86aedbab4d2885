"""Completeness: who covered a story and who did not, along the axes a reader chooses.

An axis is a fact about outlets: country, ownership, parent group (from the outlet registry), the
article's language, or any column of the user's own registry file. Per value, the story's outlets
that have it, the comparable outlets of the corpus that have it and did not cover the story (they
published in the corpus within COMPARABLE_DAYS of the story, or at all when dates are unknown),
and the claims only outlets with that value report. There is no built-in left/right axis: a user
who wants one adds the column to their registry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsprism.meta import OutletDirectory
from newsprism.model import (
    Article,
    Brief,
    Coverage,
    CoverageValue,
    OutletFacts,
    article_labels,
    published_datetime,
)

# The axes every brief counts; a user's registry columns come after them.
DEFAULT_AXES = ("country", "language", "ownership")
UNKNOWN = "unknown"
# An outlet is comparable when it published in the corpus within this many days of the story.
COMPARABLE_DAYS = 3
# Outlets listed per value as not covering the story (all are counted): a database of thousands
# of outlets must not make every brief list them all.
MAX_ABSENT_LISTED = 50
# Stored articles a story's coverage is compared with, at most (an undated story reads the
# database without a window): what the database holds beyond is not counted.
MAX_SIGHTINGS = 200_000


@dataclass(frozen=True)
class Sighting:
    """An article of the corpus as coverage sees it: who published it, when, in which language."""

    id: str
    outlet: str | None
    domain: str | None
    language: str | None
    published: str | None

    @classmethod
    def of(cls, article: Article) -> Sighting:
        return cls(article.id, article.outlet, article.domain, article.language, article.published)


Published = Article | Sighting


def outlet_facts(articles: Sequence[Published], directory: OutletDirectory) -> list[OutletFacts]:
    """Per article, the registry's facts about its outlet (found by domain, else by name)."""
    found = []
    for article in articles:
        outlet = directory.for_article(article.outlet, article.domain)
        if outlet is None:
            found.append(OutletFacts(article_id=article.id, name=None))
            continue
        found.append(
            OutletFacts(
                article_id=article.id,
                name=outlet.name,
                country=outlet.country,
                languages=list(outlet.languages),
                ownership=outlet.ownership,
                parent=outlet.parent,
                extra=dict(outlet.extra),
                evidence=dict(outlet.evidence),
            )
        )
    return found


def _value(article: Published, facts: OutletFacts | None, axis: str) -> str:
    if axis == "language":
        return article.language or UNKNOWN
    if facts is None or facts.name is None:
        return UNKNOWN
    known = {"country": facts.country, "ownership": facts.ownership, "parent": facts.parent}
    return (known.get(axis) if axis in known else facts.extra.get(axis)) or UNKNOWN


def _outlet_name(article: Published, facts: OutletFacts | None, label: str) -> str:
    return (facts.name if facts and facts.name else None) or article.outlet or article.domain or label


def _window(story: Sequence[Article]) -> tuple[datetime, datetime] | None:
    dates = [d for d in (published_datetime(a.published) for a in story) if d]
    if not dates:
        return None
    return min(dates) - timedelta(days=COMPARABLE_DAYS), max(dates) + timedelta(days=COMPARABLE_DAYS)


def comparable_window(story: Sequence[Article]) -> tuple[str, str] | None:
    """The dates (ISO, as stored; the end excluded) an outlet must have published between to be
    comparable, or None when the story is undated: what a database is asked for."""
    window = _window(story)
    if window is None:
        return None
    return window[0].date().isoformat(), (window[1] + timedelta(days=1)).date().isoformat()


@dataclass(frozen=True)
class _Seen:
    """A corpus article as every brief's coverage compares with it: looked up and dated once."""

    article: Published
    when: datetime | None
    facts: OutletFacts
    name: str  # its outlet, by registry name (else as given); "" when nobody named it


class Corpus:
    """The outlets a run's briefs are compared with, each article's registry facts, name and date
    found once for all of them (a run of many stories would otherwise look the corpus up anew
    for every brief)."""

    def __init__(self, articles: Sequence[Published], directory: OutletDirectory) -> None:
        self.seen = [
            _Seen(a, published_datetime(a.published), facts, _outlet_name(a, facts, ""))
            for a, facts in zip(articles, outlet_facts(articles, directory), strict=True)
        ]

    def comparable(self, story: Sequence[Article]) -> list[_Seen]:
        """The articles published around the story's dates; all of them when the story is
        undated, and an undated article only then (as the database is queried)."""
        window = _window(story)
        if window is None:
            return list(self.seen)
        return [s for s in self.seen if s.when is not None and window[0] <= s.when <= window[1]]


def story_coverage(
    brief: Brief,
    corpus: Sequence[Published] | Corpus,
    directory: OutletDirectory,
    axes: Sequence[str] = DEFAULT_AXES,
) -> list[Coverage]:
    """Coverage of the brief's story along each axis, against ``corpus`` (the run's or the
    database's articles, the story's own among them or not; a ``Corpus`` when several briefs
    share it)."""
    story = brief.articles
    labels = article_labels(story)
    facts_of = {f.article_id: f for f in (brief.outlets or outlet_facts(story, directory))}
    story_ids = {a.id for a in story}
    seen = corpus if isinstance(corpus, Corpus) else Corpus(corpus, directory)
    others = [s for s in seen.comparable(story) if s.article.id not in story_ids]
    # Outlets are matched by their registry name (else as given), so "BBC News" in the story and
    # "BBC" in the database are one outlet, not one covering and one missing.
    covering = {_outlet_name(a, facts_of.get(a.id), labels[a.id]) for a in story}
    found: list[Coverage] = []
    for axis in axes:
        present: dict[str, set[str]] = defaultdict(set)
        article_ids: dict[str, list[str]] = defaultdict(list)
        for article in story:
            value = _value(article, facts_of.get(article.id), axis)
            present[value].add(labels[article.id])  # as the rest of the brief names it
            article_ids[value].append(article.id)
        absent: dict[str, set[str]] = defaultdict(set)
        for other in others:
            if other.name and other.name not in covering:  # an outlet nobody named is no outlet to miss
                absent[_value(other.article, other.facts, axis)].add(other.name)
        value_of = {a.id: _value(a, facts_of.get(a.id), axis) for a in story}
        only: dict[str, list[str]] = defaultdict(list)
        # Languages are left out: claims align across languages less surely than within one, so
        # "only the Russian outlets report" would often be a missed alignment.
        if len(present) > 1 and axis != "language":
            # What one side agrees on and no other side reports: shared claims (two independent
            # sources) all of whose outlets have the value. A single outlet's claims are its own,
            # shown as "only in" already.
            for claim in brief.claims:
                values = {value_of[a] for a in claim.article_ids if a in value_of}
                if claim.status == "shared" and len(values) == 1 and UNKNOWN not in values:
                    only[next(iter(values))].append(claim.id)
        ordered = sorted(
            set(present) | set(absent), key=lambda v: (v == UNKNOWN, -len(present.get(v, ())), v)
        )
        found.append(
            Coverage(
                axis=axis,
                compared_with=len(covering | {n for names in absent.values() for n in names}),
                values=[
                    CoverageValue(
                        value=value,
                        present=sorted(present.get(value, ())),
                        absent=sorted(absent.get(value, ()))[:MAX_ABSENT_LISTED],
                        absent_count=len(absent.get(value, ())),
                        article_ids=article_ids.get(value, []),
                        only_claim_ids=only.get(value, []),
                    )
                    for value in ordered
                ],
            )
        )
    return found


def with_coverage(
    briefs: Sequence[Brief], corpus: Sequence[Published], directory: OutletDirectory
) -> list[Brief]:
    """The briefs with their outlets' registry facts and their coverage against ``corpus``."""
    axes = (*DEFAULT_AXES, *(a for a in directory.axes if a not in DEFAULT_AXES))
    seen = Corpus(corpus, directory)
    done = []
    for brief in briefs:
        brief = brief.model_copy(update={"outlets": outlet_facts(brief.articles, directory)})
        done.append(brief.model_copy(update={"coverage": story_coverage(brief, seen, directory, axes)}))
    return done
