"""The shared, typed data model every stage reads and writes.

It mirrors ``brief.json`` of CONTRACT.md: offsets always refer to ``Article.text`` (the cleaned
text), and a :class:`Span` is a view into one article, never a free-floating copy. Fields the
contract does not name (``url``, ``authors``, ``repairs``, ``evidence``, ``Removal.at``) are
extensions: the contract allows new fields, never fewer.

Models are pydantic so that they validate, pickle (for Ray workers) and round-trip through JSON
(for the database) without custom code.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import PurePath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "1"


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


# --------------------------------------------------------------------------- reading


class HeaderLine(Model):
    """A line a reader took out of the text because it carried metadata (title, date, byline, URL)."""

    kind: str
    text: str


class RawDocument(Model):
    """What a reader hands to cleaning: text or HTML plus whatever metadata the input itself states."""

    source: str  # path or URL exactly as the user gave it (or the feed entry's link)
    kind: Literal["text", "html", "jsonl", "feed-entry", "stdin"]
    text: str | None = None
    html: str | None = None
    record_id: str | None = None  # a JSONL record's own id
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = None
    authors: list[str] = Field(default_factory=list)
    byline: str | None = None  # a "by …" line: an author's name or the posting site's
    description: str | None = None
    sitename: str | None = None
    header: list[HeaderLine] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------- articles


class Removal(Model):
    """A piece of the input that cleaning dropped, kept so a reader can audit the decision."""

    kind: str  # boilerplate | duplicate | caption | link | hashtags | comments | share | byline | credit | header
    text: str
    at: int = Field(ge=0, description="offset in the clean text where the removed piece stood")
    reason: str | None = None


class Repair(Model):
    """A change cleaning made inside kept text (glued words split, mojibake fixed, wrapped lines joined)."""

    kind: Literal["glued_words", "glued_sentences", "mojibake", "line_join"]
    before: str
    after: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Article(Model):
    id: str
    source: str
    outlet: str | None
    domain: str | None
    title: str | None
    published: str | None
    language: str | None
    text: str
    removed: list[Removal] = Field(default_factory=list)
    url: str | None = None
    authors: list[str] = Field(default_factory=list)
    repairs: list[Repair] = Field(default_factory=list)
    evidence: dict[str, str] = Field(
        default_factory=dict, description="for each metadata field, where its value was found"
    )
    content_hash: str | None = None
    # extension: the id of an earlier article of the run carrying the same text (a wire copy or a
    # re-publication); such copies count once when outlets' agreement is counted
    copy_of: str | None = None


def published_datetime(published: str | None) -> datetime | None:
    """A ``published`` value (ISO 8601, as cleaning writes it) as a naive datetime, its time zone
    dropped; None when unknown or unreadable. The one parser every stage uses."""
    if not published:
        return None
    try:
        return datetime.fromisoformat(published[:19])
    except ValueError:
        return None


def article_labels(articles: Sequence[Article]) -> dict[str, str]:
    """How each article is named to a reader: its outlet, else its domain, else "unknown outlet"
    with where it came from ("unknown outlet (file 001.txt)"), never a bare file name that reads
    like an outlet; two articles with one name are told apart by a number ("Reuters (2)")."""
    labels: dict[str, str] = {}
    seen: dict[str, int] = {}
    for article in articles:
        name = article.outlet or article.domain or f"unknown outlet ({_origin(article)})"
        seen[name] = seen.get(name, 0) + 1
        labels[article.id] = name if seen[name] == 1 else f"{name} ({seen[name]})"
    return labels


def _origin(article: Article) -> str:
    """Where an article without an outlet came from, briefly: its file's name or its record's id."""
    if article.source in {"-", "<stdin>", "api"} or article.source.endswith((".jsonl", ".ndjson", ".json")):
        return f"record {article.id}"
    return f"file {PurePath(article.source).name or article.source}"


# Words of the text an untitled article is shown by.
HEADING_WORDS = 8


def article_heading(article: Article) -> str:
    """An article's title, or for an untitled one its opening words, marked as such: an id is
    never shown as a title."""
    if article.title:
        return article.title
    words = article.text.split()
    opening = " ".join(words[:HEADING_WORDS]) + ("…" if len(words) > HEADING_WORDS else "")
    return f"Untitled: “{opening}”" if opening else "Untitled article"


class Span(Model):
    article_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} is before start {self.start}")
        return self


# --------------------------------------------------------------------------- language layer


class Mention(Model):
    article_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str | None = None  # extension: the mention as written, for readers of the JSON


class EntityRole(Model):
    """A title or role the articles attach to an entity ("Chinese Foreign Minister"), with where."""

    text: str
    support: list[Span]
    office: str | None = None  # the title without nationality or determiners: "foreign minister"
    country: str | None = None  # the nationality or place before it, lower-cased: "chinese"


class Entity(Model):
    id: str
    name: str
    type: str
    aliases: list[str] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    roles: list[EntityRole] = Field(default_factory=list)  # extension


class Speaker(Model):
    name: str
    entity_id: str | None
    role: str | None
    span: Span | None = None  # extension: where the text names the speaker, when it does


class Quote(Model):
    id: str
    article_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    kind: Literal["direct", "reported"]
    speaker: Speaker | None
    group_id: str | None
    cue: str | None = None  # extension: the verb or phrase that attributes it ("said", "according to")


class DateExpression(Model):
    """A date as written ("on Sunday", "last year") and, when the published date allows, resolved."""

    article_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    value: (
        str | None
    )  # ISO 8601 at its precision: "2023-06-18", "2023-W25", "2023-02", "2022"; null if unresolvable
    precision: Literal["day", "week", "month", "year"] | None
    relative: bool  # resolved against the article's published date rather than stated in full


# --------------------------------------------------------------------------- provenance


class Credit(Model):
    """Extension: a credit an article gives for its text (or a photo): the agencies it names."""

    kind: Literal["dateline", "credit line", "sign-off", "photo"]
    text: str  # as written: "*With information from AFP and EFE"
    agencies: list[str] = Field(default_factory=list)  # known outlets it names, by their registry name
    # where it stands: a span of the clean text, or where cleaning set the line aside (Removal.at)
    start: int | None = None
    end: int | None = None
    removed_at: int | None = None


class ReusedPassage(Model):
    """Extension: a sentence of one article found in another's text, verbatim or rewritten."""

    start: int = Field(ge=0)  # in the article
    end: int = Field(ge=0)
    source_start: int = Field(ge=0)  # in the source article
    source_end: int = Field(ge=0)
    kind: Literal["verbatim", "rewritten"]
    similarity: float


class Reuse(Model):
    """Extension: what an article took from another article of the story."""

    source_id: str
    share_of_source: float  # of the source's text, found in the article
    share_of_article: float  # of the article's text, found in the source
    source_paragraphs: list[int] = Field(default_factory=list)  # 1-based, the source's paragraphs taken
    rewritten_paragraphs: list[int] = Field(default_factory=list)  # of those, the ones reworded
    passages: list[ReusedPassage] = Field(default_factory=list)


class Provenance(Model):
    """Extension: what one article took from whom, and the independent source it counts as."""

    article_id: str
    credits: list[Credit] = Field(default_factory=list)
    reuses: list[Reuse] = Field(default_factory=list)
    # the article standing for its independent source (itself when it is one): wire copies,
    # rewrites of one text and one agency's datelines share one
    source_id: str
    reason: str | None = None  # why it shares its source_id with others: "reuses 62 % of …"


class OutletFacts(Model):
    """Extension: what the outlet registry knows of an article's outlet, each fact with its source."""

    article_id: str
    name: str | None  # the registry's name, or None when the outlet is not in it
    country: str | None = None
    languages: list[str] = Field(default_factory=list)
    ownership: str | None = None
    parent: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)  # the user's own registry columns
    evidence: dict[str, str] = Field(default_factory=dict)  # fact → the source that states it


class CoverageValue(Model):
    """Extension: one value of a coverage axis ("RU", "state", "unknown")."""

    value: str
    present: list[str] = Field(default_factory=list)  # outlets of the story with it
    # comparable outlets of the corpus that did not cover the story: how many, and the first of them
    # by name (coverage.MAX_ABSENT_LISTED)
    absent: list[str] = Field(default_factory=list)
    absent_count: int = 0
    article_ids: list[str] = Field(default_factory=list)  # the story's articles from those outlets
    only_claim_ids: list[str] = Field(default_factory=list)  # claims only outlets with this value report


class Coverage(Model):
    """Extension: who covered the story along one axis, against the outlets of the corpus."""

    axis: str  # "country", "language", "ownership" or a column of the user's registry
    values: list[CoverageValue] = Field(default_factory=list)
    compared_with: int = 0  # comparable outlets in the corpus (the story's own included)


# --------------------------------------------------------------------------- comparison


class Claim(Model):
    id: str
    text: str
    support: list[Span]
    article_ids: list[str]
    status: Literal["shared", "exclusive"]
    language: str | None = None  # extension: the language ``text`` is written in (its article's)
    # extension: how many independent sources state it (``Provenance.source_id``): a wire and its
    # rewrites are one; "shared" needs two
    sources: int | None = None

    @property
    def across_articles(self) -> bool:
        """Whether its sentences come from two articles or more: aligned as one fact, whether or
        not the articles are independent sources (what ``status`` "shared" needs)."""
        return len(set(self.article_ids)) >= 2


ConflictKind = Literal["number", "entity", "date", "quote_wording", "negation", "framing"]


class ConflictSide(Span):
    value: str


class Conflict(Model):
    id: str
    kind: ConflictKind
    description: str
    sides: list[ConflictSide]
    claim_ids: list[str]
    # extension: how often findings like this were judged right (calibrated; see README)
    confidence: float | None = Field(default=None, ge=0, le=1)
    # extension: what showed it is the same fact: "restatement" (one sentence restates the other),
    # "translation" (one sentence reads as the other's translation), "claim" (two units of one
    # aligned claim), "story" (a quote group, a story-wide office),
    # "lexicon" (opposed names for one referent from a list of contested terms)
    evidence: str | None = None


class NameVariant(Model):
    """Extension: one person's name spelled differently by different outlets (never a conflict)."""

    entity_id: str
    name: str
    description: str
    sides: list[ConflictSide]  # value: the spelling


# --------------------------------------------------------------------------- perspectives and brief


class Topic(Model):
    label: str
    share: float = Field(ge=0, le=1)  # of the article's claim text (characters) on this topic
    claim_ids: list[str] = Field(default_factory=list)  # extension: the article's claims on it


class Voice(Model):
    name: str
    entity_id: str | None
    quotes: int
    # extension: who the speaker speaks for, when known: "US official", "Chinese official",
    # "expert", "unnamed source", "media", "organisation", "other"
    affiliation: str | None = None


class Tone(Model):
    score: float = Field(ge=-1, le=1)
    label: str  # "negative" | "neutral" | "positive"
    sentences: int = 0  # extension: how many sentences the score averages


class ActorTone(Tone):
    """Tone of the sentences of one article that mention one actor (extension)."""

    entity_id: str
    name: str


class LoadedTerm(Model):
    term: str
    count: int
    score: float | None = None  # extension: log-odds z-score against the story's other articles


class Perspective(Model):
    article_id: str
    outlet: str | None
    topics: list[Topic]
    voices: list[Voice]
    tone: Tone | None
    exclusive_claim_ids: list[str]
    omitted_claim_ids: list[str]
    loaded_terms: list[LoadedTerm]
    tone_by_actor: list[ActorTone] = Field(default_factory=list)  # extension


class SummarySentence(Model):
    text: str
    citations: list[str]
    claim_ids: list[str]
    # extension: the sentence of each cited article that supports it (the summary's text is one of
    # them, the least loaded wording), so a reader can jump to every source
    support: list[Span] = Field(default_factory=list)
    language: str | None = None  # extension: the language ``text`` is written in


class Highlight(Model):
    """Something only one outlet reports, in its own words (extension)."""

    article_id: str
    claim_id: str
    text: str
    support: list[Span]
    language: str | None = None  # the language ``text`` is written in


class TimelineEvent(Model):
    date: str
    text: str
    support: list[Span]
    language: str | None = None  # extension: the language ``text`` is written in


class StoryInfo(Model):
    """What is said of a story without its articles: brief.json's ``story``, index.json's entries,
    the database's and the API's lists of stories."""

    id: str
    title: str | None
    article_ids: list[str]
    first_published: str | None
    last_published: str | None


def story_id_for(founding_article_id: str) -> str:
    """The one rule for story ids: a hash of the id of the article that founded the story (the
    first of its articles in input or arrival order), so a story keeps its id as articles join it,
    in a batch run and in a stream alike."""
    return "s" + hashlib.sha256(founding_article_id.encode("utf-8")).hexdigest()[:10]


def _title_words(title: str) -> set[str]:
    return set(re.findall(r"\w+", title.lower()))


# Titles each title is compared with when choosing the story's: all of them up to this many; a
# story of thousands of articles compares with its first MAX_TITLES_COMPARED, in order.
MAX_TITLES_COMPARED = 300


def story_title(articles: Sequence[Article]) -> str | None:
    """The title sharing the most words with the others (the medoid), so no single outlet's
    wording is picked at random; None when no article has a title."""
    titles = [a.title for a in articles if a.title]
    if not titles:
        return None
    words = [_title_words(title) for title in titles]
    compared = list(enumerate(words[:MAX_TITLES_COMPARED]))

    def overlap(index: int) -> float:
        mine = words[index]
        return sum(len(mine & other) / max(1, len(mine | other)) for j, other in compared if j != index)

    best = max(range(len(titles)), key=lambda i: (overlap(i), -len(titles[i])))
    return titles[best]


class Story(Model):
    """One event's articles as grouping made it: its id (``story_id_for`` its founding article),
    its articles with wire copies marked (``Article.copy_of``), and its title. Batch clustering and
    the stream both give Stories; the engine, the store and the service pass them on."""

    id: str
    articles: list[Article]

    @classmethod
    def of(cls, articles: Sequence[Article], story_id: str | None = None) -> Story:
        """The story of these articles, the first of them its founder unless ``story_id`` is given."""
        if not articles:
            raise ValueError("a story needs at least one article")
        return cls(id=story_id or story_id_for(articles[0].id), articles=list(articles))

    @property
    def article_ids(self) -> list[str]:
        return [a.id for a in self.articles]

    @property
    def copies(self) -> dict[str, str]:
        """article id → id of the article whose text it reprints."""
        return {a.id: a.copy_of for a in self.articles if a.copy_of}

    def in_date_order(self) -> list[Article]:
        """Its articles oldest first, the undated last, each in story order: how briefs list them."""
        return sorted(self.articles, key=lambda a: (a.published is None, a.published or ""))

    def info(self) -> StoryInfo:
        """The story described, its articles in date order (``in_date_order``)."""
        ordered = self.in_date_order()
        dates = sorted(a.published for a in ordered if a.published)
        return StoryInfo(
            id=self.id,
            title=story_title(ordered),
            article_ids=[a.id for a in ordered],
            first_published=dates[0] if dates else None,
            last_published=dates[-1] if dates else None,
        )


class Limit(Model):
    """Something the brief shows only part of, and the rule that chose the part (extension), so
    that a reader never mistakes a capped list for the whole."""

    what: str  # the brief's list: "conflicts"
    shown: int
    found: int
    rule: str  # "at most 5 per claim and 50 per story, the surest first"


class Generator(Model):
    name: str = "newsprism"
    version: str


class Brief(Model):
    schema_version: str = SCHEMA_VERSION
    generated_by: Generator
    story: StoryInfo
    articles: list[Article]
    entities: list[Entity] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    perspectives: list[Perspective] = Field(default_factory=list)
    summary: list[SummarySentence] = Field(default_factory=list)
    timeline: list[TimelineEvent] = Field(default_factory=list)
    dates: list[DateExpression] = Field(default_factory=list)  # extension: every date expression found
    highlights: list[Highlight] = Field(default_factory=list)  # extension: "only in X"
    limits: list[Limit] = Field(default_factory=list)  # extension: lists shown only in part
    name_variants: list[NameVariant] = Field(default_factory=list)  # extension: names spelled differently
    provenance: list[Provenance] = Field(default_factory=list)  # extension: credits, reuse, sources
    outlets: list[OutletFacts] = Field(default_factory=list)  # extension: registry facts per article
    coverage: list[Coverage] = Field(default_factory=list)  # extension: who covered it, per axis
    # extension: the language the brief is read in (``--lang``); a text in another language is
    # shown as written, its language marked
    reader_language: str = "en"


class IndexEntry(StoryInfo):
    """A story as index.json lists it: its description and where its brief is."""

    path: str


class Index(Model):
    stories: list[IndexEntry]
