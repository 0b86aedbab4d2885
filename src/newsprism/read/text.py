"""Plain-text articles: sniff the header lines that scraped text carries.

Real scraped text starts with a mix of: a `` date YYYY-MM-DD Title`` line, a title glued to its
URL (``…relationshiphttps://en.majalla.com/…``), a ``by <outlet>`` byline, a timestamp line, a
plain title line. This module finds them in the first few lines, turns them into metadata and
hands back the body. Nothing is guessed: a first line that reads like a lead paragraph stays body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dateutil import parser as dateparser

# How far down a header may reach: scrapers put metadata in the first handful of lines.
HEADER_MAX_LINES = 8
TITLE_MAX_CHARS = 250
TITLE_MAX_WORDS = 35

_DATE_PREFIX = re.compile(r"^\s*date[:\s]+(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?)\s*(.*)$", re.I)
_URL_GLUED = re.compile(r"^(.*?)(https?://\S+)\s*$")
_BYLINE = re.compile(r"^\s*(?:by|von|por|par)\s+(.{2,80}?)\s*$", re.I)
_ISO_STAMP = re.compile(
    r"^\s*(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?\s*(?:[A-Z]{2,4}|[+-]\d{2}:?\d{2}|Z)?\s*$"
)
# "Published: June 20, 2023 07:00", "Updated 20.06.2023", "June 20, 2023", "Tue., Nov. 19, 2019"
_LABELLED_STAMP = re.compile(
    r"^\s*(?:(?:published|updated|posted|last updated|date)\s*:?\s*)?"
    r"((?:[A-Z][a-z]{2,8}\.?,?\s+)?(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?\s+\d{4}"
    r"|\d{1,2}[./]\d{1,2}[./]\d{4})(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?)\s*$",
    re.I,
)
_SENTENCE_BREAK = re.compile(r"[.!?…][\"'”’»)]*\s+[\"'“‘«(]*[A-Z]")
# Trailing " – Asia – International" or " | Reuters": short segments after spaced dashes or bars.
_TITLE_SEGMENT_SEP = re.compile(r"\s+[–—|]\s+|\s+-\s+")


@dataclass
class TextHeader:
    """What the header lines said, and where the body starts."""

    title: str | None = None
    published: str | None = None
    url: str | None = None
    byline: str | None = None
    body: str = ""
    lines: list[tuple[str, str]] = field(default_factory=list)  # (kind, text) taken out of the text
    title_raw: str | None = None


def looks_like_title(line: str) -> bool:
    """A headline: short, one sentence, not ending like a sentence of running text."""
    stripped = line.strip()
    if not stripped or len(stripped) > TITLE_MAX_CHARS:
        return False
    words = stripped.split()
    if len(words) < 2 or len(words) > TITLE_MAX_WORDS:
        return False
    if stripped[0].islower():
        return False
    if stripped.endswith((".", ",", ";", ":", "”.", '".')) and not stripped.endswith("..."):
        return False
    return not _SENTENCE_BREAK.search(stripped)


def strip_title_breadcrumbs(title: str) -> str:
    """Drop section breadcrumbs a site appends to its titles ("… – Asia – International").

    Only when at least two short trailing segments follow the headline: a single "– Analysis"
    could be part of the title, two in a row are navigation.
    """
    separators = list(_TITLE_SEGMENT_SEP.finditer(title))
    if len(separators) < 2:
        return title
    bounds = [0, *[m.end() for m in separators]]
    segments = [
        title[b : (separators[i].start() if i < len(separators) else len(title))]
        for i, b in enumerate(bounds)
    ]
    trailing = 0
    for segment in reversed(segments[1:]):
        if len(segment.split()) > 3:
            break
        trailing += 1
    if trailing < 2:
        return title
    return title[: separators[len(separators) - trailing].start()].strip()


def parse_timestamp(text: str) -> str | None:
    """An ISO 8601 date or datetime for a line that is only a timestamp, else None."""
    m = _ISO_STAMP.match(text)
    if m:
        date, clock = m.group(1), m.group(2)
        if not _valid_date(date):
            return None
        if clock:
            return f"{date}T{clock if clock.count(':') == 2 else clock + ':00'}"
        return date
    m = _LABELLED_STAMP.match(text)
    if m:
        try:
            parsed = dateparser.parse(m.group(1), dayfirst="." in m.group(1))
        except (ValueError, OverflowError):
            return None
        if parsed is None:
            return None
        has_clock = re.search(r"\d{1,2}[:.]\d{2}(?!\d)", m.group(1).split(str(parsed.year))[-1]) is not None
        return parsed.strftime("%Y-%m-%dT%H:%M:%S") if has_clock else parsed.strftime("%Y-%m-%d")
    return None


def _valid_date(date: str) -> bool:
    try:
        dateparser.isoparse(date)
    except ValueError:
        return False
    return True


def _is_person_like(name: str) -> bool:
    words = name.split()
    return 1 < len(words) <= 4 and all(w[:1].isupper() for w in words)


def parse_text_header(text: str) -> TextHeader:
    """Split scraped plain text into header metadata and body.

    The body is always a suffix of ``text`` (possibly starting inside the first line, after a
    ``date YYYY-MM-DD`` prefix), so nothing below the header is altered here.
    """
    header = TextHeader()
    position = 0
    lines_seen = 0
    while position < len(text) and lines_seen < HEADER_MAX_LINES:
        end = text.find("\n", position)
        end = len(text) if end == -1 else end
        line = text[position:end]
        stripped = line.strip()
        if not stripped:
            position = end + 1
            continue
        lines_seen += 1

        date_prefix = _DATE_PREFIX.match(line)
        if date_prefix and header.published is None:
            stamp = parse_timestamp(date_prefix.group(1))
            if stamp:
                header.published = stamp
                rest = date_prefix.group(2)
                if not rest.strip():
                    header.lines.append(("date", stripped))
                    position = end + 1
                    continue
                if header.title is None and looks_like_title(rest):
                    header.lines.append(("date", stripped[: len(stripped) - len(rest.strip())].strip()))
                    header.lines.append(("title", rest.strip()))
                    _set_title(header, rest.strip())
                    position = end + 1
                    continue
                # The rest of the line is the lead paragraph: the body starts inside this line.
                header.lines.append(("date", stripped[: len(stripped) - len(rest.strip())].strip()))
                position = position + line.index(rest.strip()) if rest.strip() else end + 1
                break

        glued = _URL_GLUED.match(stripped)
        if glued and header.url is None and (not glued.group(1) or looks_like_title(glued.group(1))):
            header.url = glued.group(2).rstrip(").,;")
            header.lines.append(("url", stripped))
            if glued.group(1).strip() and header.title is None:
                _set_title(header, glued.group(1).strip())
            position = end + 1
            continue

        byline = _BYLINE.match(stripped)
        if byline and header.byline is None and len(byline.group(1).split()) <= 6:
            header.byline = byline.group(1).strip()
            header.lines.append(("byline", stripped))
            position = end + 1
            continue

        stamp = parse_timestamp(stripped)
        if stamp and header.published is None:
            header.published = stamp
            header.lines.append(("date", stripped))
            position = end + 1
            continue

        if (
            header.title is None
            and lines_seen == 1
            and looks_like_title(stripped)
            and _followed_by_more(text, end)
        ):
            _set_title(header, stripped)
            header.lines.append(("title", stripped))
            position = end + 1
            continue
        break
    header.body = text[position:] if position < len(text) else ""
    return header


def _set_title(header: TextHeader, title: str) -> None:
    header.title_raw = title
    header.title = strip_title_breadcrumbs(title)


def _followed_by_more(text: str, end: int) -> bool:
    """A lone first line is only a title if an article follows it."""
    return len(text[end:].strip()) >= 40


def is_person_byline(byline: str) -> bool:
    """'By Jane Smith' names an author; 'by time news' names the site that posted the text."""
    return _is_person_like(byline) and not re.search(
        r"\b(news|newsroom|times?|media|press|post|journal|agency|tv|radio|daily|herald|tribune|online|staff|desk|wires?|editors?)\b",
        byline,
        re.I,
    )
