"""RSS and Atom feeds (feedparser): each entry's link is followed to read the full article."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from time import struct_time
from typing import TYPE_CHECKING

from newsprism.errors import InputError
from newsprism.model import RawDocument
from newsprism.read.html import extract_html

if TYPE_CHECKING:  # feedparser is imported where a feed is read: a run of plain files never pays for it
    import feedparser

# Below this many characters an entry's own content is a teaser, not the article.
FULL_CONTENT_MIN_CHARS = 1500


def looks_like_feed(head: str) -> bool:
    sample = head[:2000].lower()
    return "<rss" in sample or "<feed" in sample or "<rdf:rdf" in sample


def read_feed(
    source: str,
    data: bytes | str,
    follow: Callable[[str], RawDocument] | None,
) -> Iterator[RawDocument | InputError]:
    """Entries of a feed. ``follow`` fetches an entry's link; without it the entry's own content is used."""
    import feedparser

    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        reason = getattr(parsed.get("bozo_exception"), "getMessage", lambda: "")() or str(
            parsed.get("bozo_exception")
        )
        raise InputError(source, f"not a readable RSS/Atom feed ({reason.strip() or 'parse error'})")
    if not parsed.entries:
        raise InputError(source, "feed has no entries")
    feed_title = parsed.feed.get("title")
    for entry in parsed.entries:
        link = entry.get("link")
        published = _entry_date(entry)
        content = _entry_content(entry)
        document: RawDocument | None = None
        if link and follow is not None:
            try:
                document = follow(link)
            except InputError as exc:
                if len(content) < FULL_CONTENT_MIN_CHARS:
                    yield InputError(link, f"{exc.reason} (entry of feed {source})")
                    continue
        if document is None:
            if not content.strip():
                yield InputError(link or source, "feed entry has no link to follow and no content")
                continue
            document = (
                extract_html(content, link or source, link)
                if "<" in content
                else RawDocument(source=link or source, kind="feed-entry", text=content)
            )
        yield document.model_copy(
            update={
                "kind": "feed-entry",
                "source": link or document.source,
                "url": document.url or link,
                "title": document.title or entry.get("title"),
                "published": document.published or published,
                "sitename": document.sitename or feed_title,
            }
        )


def _entry_content(entry: feedparser.FeedParserDict) -> str:
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    summary = entry.get("summary", "") or ""
    return best if len(best) >= len(summary) else summary


def _entry_date(entry: feedparser.FeedParserDict) -> str | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if isinstance(value, struct_time):
            return f"{value.tm_year:04d}-{value.tm_mon:02d}-{value.tm_mday:02d}T{value.tm_hour:02d}:{value.tm_min:02d}:{value.tm_sec:02d}Z"
    return None
