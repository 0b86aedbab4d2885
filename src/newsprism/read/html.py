"""HTML pages: main text and metadata via trafilatura (the best-measured extractor on news pages)."""

from __future__ import annotations

import re
from typing import Any

from newsprism.errors import InputError
from newsprism.model import RawDocument

# Only dates the page states in its metadata: htmldate's extensive search guesses from body text,
# and a guessed date must never be presented as the publication date.
# Less than this is a menu or a label ("Home"), not an article.
MIN_ARTICLE_CHARS = 25
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


def extract_html(html: str, source: str, url: str | None = None) -> RawDocument:
    """Main text (paragraphs one per line) and the page's own metadata."""
    try:
        import trafilatura  # here, not at the top: a run of plain files never pays for it

        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,
            date_extraction_params=_DATE_PARAMS,
        )
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken markup
        raise InputError(source, f"cannot parse HTML ({exc.__class__.__name__})") from None
    if doc is None:
        raise InputError(source, "no article text found in the HTML")
    data: dict[str, Any] = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = (data.get("text") or "").strip()
    if len(text) < MIN_ARTICLE_CHARS:
        raise InputError(source, "no article text found in the HTML")
    author = data.get("author") or ""
    sitename = data.get("sitename") or None
    return RawDocument(
        source=source,
        kind="html",
        text=text,
        html=None,
        url=data.get("url") or url,
        title=strip_site_suffix(data.get("title") or None, sitename, data.get("hostname")),
        published=data.get("date") or None,
        authors=[a.strip() for a in author.split(";") if a.strip()],
        description=data.get("description") or None,
        sitename=sitename,
    )


_SUFFIX = re.compile(r"^(?P<title>.+?)\s+(?P<sep>[|–—:-]|::)\s+(?P<site>[^|–—]{1,60})$")


def strip_site_suffix(title: str | None, sitename: str | None, hostname: str | None) -> str | None:
    """ "Best tech gadgets of 2019 | ZDNet" → "Best tech gadgets of 2019".

    The trailing segment goes only when it names the site (its site name or host name), or when
    it is a short segment after a bar, the separator sites reserve for their name.
    """
    if not title:
        return None
    title = title.strip()
    for _ in range(3):  # "Headline | World | News | Express.co.uk"
        shorter = _strip_one_suffix(title, sitename, hostname)
        if shorter == title or len(shorter.split()) < 2:
            break
        title = shorter
    return title


def _strip_one_suffix(title: str, sitename: str | None, hostname: str | None) -> str:
    match = _SUFFIX.match(title)
    if not match:
        return title
    site = match.group("site").strip().lower()
    names = {n.lower() for n in (sitename, hostname) if n}
    host_words = {part for n in names for part in re.split(r"[.\s]+", n) if len(part) > 2}
    site_key = re.sub(r"[^a-z0-9]", "", site)
    if (
        site in names
        or site_key in {re.sub(r"[^a-z0-9]", "", n) for n in names}
        or (site_key and site_key in {re.sub(r"[^a-z0-9]", "", w) for w in host_words})
        or (match.group("sep") == "|" and len(site.split()) <= 3)
    ):
        return match.group("title").strip()
    return title
