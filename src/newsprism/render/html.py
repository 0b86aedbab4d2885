"""brief.html: one self-contained page (no network needed, nor allowed, to open it).

Every passage the brief cites (summary support, "only in" highlights, conflict sides, timeline
events, quotes) is marked in its article's clean text with a ``<mark id=…>``, so a citation is a
plain ``href="#<mark id>"`` link: with JavaScript off the browser still jumps there; with it on, a
small script makes the marked passage flash. Charts are Vega-Lite specs (built in
:mod:`newsprism.render.charts`) drawn by the vega, vega-lite and vega-embed builds shipped in
``render/static`` and inlined into the page.

The brief itself is ``brief_body.html.j2`` with the context of :func:`brief_context`; the story
page of ``newsprism serve`` includes the same template and links to the scripts instead.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from newsprism.model import Article, Brief, Quote, Span, article_heading, article_labels
from newsprism.render.charts import build_charts
from newsprism.render.notes import (
    conflicts_note,
    coverage_notes,
    language_mark,
    languages_note,
    outlet_rows,
    provenance_notes,
)

PARAGRAPH_BREAK = "\n\n"

# Inlined in this order: vega-lite and vega-embed expect the globals the earlier ones define.
VEGA_SCRIPTS = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")

# How many rows the tables show; the JSON has everything.
MAX_ENTITIES = 40
MAX_SHARED_CLAIMS = 40

_SAFE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


# --------------------------------------------------------------------------- marking spans in text


def highlight_paragraphs(
    text: str, marks: Iterable[tuple[int, int, str]], classes: Mapping[str, str] | None = None
) -> list[Markup]:
    """The inner HTML of each paragraph of ``text`` (split on blank lines), escaped, with every
    ``(start, end, id)`` of ``marks`` wrapped in ``<mark>`` elements.

    Offsets are character offsets into ``text``. Marks may overlap or run across paragraphs: a
    mark is then cut into pieces that nest properly, each with ``data-span="<id>"``, and only the
    piece where it starts carries ``id="<id>"`` (the link target). A mark with no characters in
    any paragraph (empty, or only a paragraph break) still gets an empty element, so links to it
    never dangle. Joining the paragraphs' text with blank lines gives back ``text`` exactly.
    """
    classes = classes or {}
    paragraphs: list[tuple[int, int]] = []
    position = 0
    for part in text.split(PARAGRAPH_BREAK):
        paragraphs.append((position, position + len(part)))
        position += len(part) + len(PARAGRAPH_BREAK)

    # (start, end, id, carries the id) per paragraph, clipped to it
    pieces: list[list[tuple[int, int, str, bool]]] = [[] for _ in paragraphs]
    seen: set[str] = set()
    for raw_start, raw_end, mark_id in marks:
        if mark_id in seen:
            continue
        seen.add(mark_id)
        start = min(max(raw_start, 0), len(text))
        end = min(max(raw_end, start), len(text))
        first = True
        for index, (p_start, p_end) in enumerate(paragraphs):
            clipped_start, clipped_end = max(start, p_start), min(end, p_end)
            if clipped_start < clipped_end or (start == end and p_start <= start <= p_end):
                pieces[index].append((clipped_start, clipped_end, mark_id, first))
                first = False
                if start == end:
                    break
        if first:  # nothing visible: anchor it where it would start
            index = max(i for i, (p_start, _) in enumerate(paragraphs) if p_start <= start)
            at = min(start, paragraphs[index][1])
            pieces[index].append((at, at, mark_id, True))

    return [
        _paragraph_html(text, p_start, p_end, paragraph_pieces, classes)
        for (p_start, p_end), paragraph_pieces in zip(paragraphs, pieces, strict=True)
    ]


def _paragraph_html(
    text: str,
    p_start: int,
    p_end: int,
    pieces: list[tuple[int, int, str, bool]],
    classes: Mapping[str, str],
) -> Markup:
    """One paragraph with its pieces as properly nested ``<mark>`` elements: when a piece must
    close while pieces opened after it are still open, those are closed and reopened around it."""
    # longer pieces open first, so that pieces starting together nest
    pieces = sorted(pieces, key=lambda p: (p[0], -p[1]))
    boundaries = sorted({p_start, p_end, *(p[0] for p in pieces), *(p[1] for p in pieces)})
    out: list[str] = []
    stack: list[tuple[int, int, str, bool]] = []
    next_piece = 0

    def open_tag(piece: tuple[int, int, str, bool], with_id: bool) -> str:
        _, _, mark_id, _ = piece
        css = " ".join(filter(None, ("span", classes.get(mark_id, ""))))
        anchor = f' id="{escape(mark_id)}"' if with_id else ""
        return f'<mark{anchor} class="{escape(css)}" data-span="{escape(mark_id)}">'

    for position, following in zip(boundaries, [*boundaries[1:], None], strict=True):
        ending = [i for i, piece in enumerate(stack) if piece[1] <= position]
        if ending:
            lowest = ending[0]
            reopen = [piece for piece in stack[lowest:] if piece[1] > position]
            out.append("</mark>" * (len(stack) - lowest))
            del stack[lowest:]
            for piece in reopen:
                out.append(open_tag(piece, with_id=False))
                stack.append(piece)
        while next_piece < len(pieces) and pieces[next_piece][0] == position:
            piece = pieces[next_piece]
            next_piece += 1
            out.append(open_tag(piece, with_id=piece[3]))
            if piece[1] == position:
                out.append("</mark>")
            else:
                stack.append(piece)
        if following is not None:
            out.append(str(escape(text[position:following])))
    out.append("</mark>" * len(stack))
    return Markup("".join(out))


# --------------------------------------------------------------------------- what the page shows


@dataclass
class Link:
    """A link to a marked passage (or, failing that, to the article)."""

    label: str
    href: str
    text: str = ""
    value: str = ""


@dataclass
class _Marks:
    """Every passage the page links to, per article, with one DOM id per distinct span."""

    article_anchor: dict[str, str]
    by_article: dict[str, dict[tuple[int, int], str]] = field(default_factory=lambda: defaultdict(dict))
    classes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, article_id: str, start: int, end: int, kind: str) -> str:
        if article_id not in self.article_anchor:
            return ""
        spans = self.by_article[article_id]
        mark_id = spans.setdefault((start, end), f"{self.article_anchor[article_id]}-{start}-{end}")
        self.classes[mark_id].add(kind)
        return mark_id

    def href(self, span: Span | None, article_id: str, kind: str) -> str:
        mark_id = self.add(span.article_id, span.start, span.end, kind) if span else ""
        return f"#{mark_id or self.article_anchor.get(article_id, '')}"


def _bare(text: str) -> str:
    """Text without surrounding quotes, punctuation and spacing, to tell a conflict side's value
    from its passage (for a quote's wording they are the same, and shown once)."""
    return " ".join(text.split()).strip(" \"'“”‘’.,;:")


def _article_anchors(articles: Sequence[Article]) -> dict[str, str]:
    """DOM ids for articles: the article id when it is a safe HTML id, else its position."""
    anchors: dict[str, str] = {}
    for index, article in enumerate(articles, start=1):
        safe = _SAFE_ID.fullmatch(article.id) and article.id not in anchors.values()
        anchors[article.id] = article.id if safe else f"article-{index}"
    return anchors


def brief_context(brief: Brief, article_pages: Mapping[str, str] | None = None) -> dict[str, object]:
    """What brief_body.html.j2 needs, computed here so that the template stays plain markup: the
    standalone brief.html and the story page of ``newsprism serve`` both render it.

    ``article_pages`` (article id → URL) adds a link from each article's text to a page of its
    own; the standalone file has none. The vega builds are not part of it: brief.html inlines
    them, the server links to them.
    """
    labels = article_labels(brief.articles)
    marks = _Marks(_article_anchors(brief.articles))
    language_of = {a.id: a.language for a in brief.articles}

    def label(article_id: str) -> str:
        return labels.get(article_id, article_id)

    def written(text: str, language: str | None) -> Markup:
        """``text`` as markup; in another language than the reader's, tagged with it (``lang``, for
        screen readers and fonts) and followed by its name."""
        mark = language_mark(language, brief)
        if not mark:
            return escape(text)
        return Markup('<span lang="{}">{}</span> <span class="lang">{}</span>').format(language, text, mark)

    summary = [
        (
            sentence,
            [
                Link(
                    label(cited),
                    marks.href(
                        next((s for s in sentence.support if s.article_id == cited), None), cited, "cite"
                    ),
                )
                for cited in sentence.citations
            ],
        )
        for sentence in brief.summary
    ]

    highlights: dict[str, list[tuple[str, list[Link]]]] = defaultdict(list)
    for highlight in brief.highlights:
        links = [
            Link(label(s.article_id), marks.href(s, s.article_id, "cite"), s.text) for s in highlight.support
        ] or [Link(label(highlight.article_id), marks.href(None, highlight.article_id, "cite"))]
        highlights[highlight.article_id].append((written(highlight.text, highlight.language), links))

    conflicts = [
        (
            conflict,
            [
                Link(
                    label(side.article_id),
                    marks.href(side, side.article_id, "conflict"),
                    written(side.text, language_of.get(side.article_id)),
                    "" if _bare(side.value) == _bare(side.text) else side.value,
                )
                for side in conflict.sides
            ],
        )
        for conflict in brief.conflicts
    ]

    timeline = [
        (event, [Link(label(s.article_id), marks.href(s, s.article_id, "cite")) for s in event.support])
        for event in brief.timeline
    ]

    quotes_by_article: dict[str, list[tuple[Quote, str]]] = {a.id: [] for a in brief.articles}
    for quote in brief.quotes:
        if quote.article_id in quotes_by_article:
            href = f"#{marks.add(quote.article_id, quote.start, quote.end, 'quote')}"
            quotes_by_article[quote.article_id].append((quote, href))

    claims_by_id = {claim.id: claim for claim in brief.claims}
    shared = sorted(
        (c for c in brief.claims if c.status == "shared"), key=lambda c: len(set(c.article_ids)), reverse=True
    )
    perspectives = [
        {
            "perspective": p,
            "label": label(p.article_id),
            "exclusive": [claims_by_id[i] for i in p.exclusive_claim_ids if i in claims_by_id],
            "omitted": [claims_by_id[i] for i in p.omitted_claim_ids if i in claims_by_id],
        }
        for p in brief.perspectives
    ]

    texts = {
        article.id: highlight_paragraphs(
            article.text,
            [(start, end, mark_id) for (start, end), mark_id in marks.by_article[article.id].items()],
            {mark_id: " ".join(sorted(kinds)) for mark_id, kinds in marks.classes.items()},
        )
        for article in brief.articles
    }

    charts = build_charts(brief)
    sections = [
        ("summary", "Summary", bool(summary)),
        ("coverage", "Who covered it", bool(brief.coverage)),
        ("provenance", "Who took from whom", bool(brief.provenance)),
        ("only-in", "Only in…", bool(highlights)),
        ("conflicts", "Where outlets disagree", True),
        ("charts", "Charts", bool(charts)),
        ("perspectives", "Perspectives", bool(perspectives)),
        ("claims", "Reported by several outlets", bool(shared)),
        ("timeline", "Timeline", bool(timeline)),
        ("entities", "Who and what", bool(brief.entities)),
        ("quotes", "Quotes", bool(brief.quotes)),
        ("articles", "Articles", True),
    ]
    return {
        "brief": brief,
        "labels": labels,
        "headings": {a.id: article_heading(a) for a in brief.articles},
        "anchors": marks.article_anchor,
        "summary": summary,
        "highlights": highlights,
        "conflicts": conflicts,
        "conflicts_note": conflicts_note(brief),
        "provenance": provenance_notes(brief),
        "coverage": coverage_notes(brief),
        "outlet_rows": outlet_rows(brief),
        "languages_note": languages_note(brief),
        "written": written,
        "language_of": language_of,
        "timeline": timeline,
        "quotes_by_article": quotes_by_article,
        "shared_claims": shared[:MAX_SHARED_CLAIMS],
        "shared_total": len(shared),
        "perspectives": perspectives,
        "entities": brief.entities[:MAX_ENTITIES],
        "texts": texts,
        "charts": charts,
        "toc": [(anchor, title) for anchor, title, shown in sections if shown],
        "article_pages": dict(article_pages or {}),
    }


# --------------------------------------------------------------------------- rendering


def vega_script(name: str) -> str:
    """The source of one of the bundled vega builds (``VEGA_SCRIPTS``), without its source-map
    comment: the map is not shipped, and without the comment devtools will not go looking for it."""
    if name not in VEGA_SCRIPTS:
        raise ValueError(f"{name!r} is not one of the bundled vega builds {VEGA_SCRIPTS}")
    source = (files("newsprism.render") / "static" / name).read_text(encoding="utf-8")
    return re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", source)


@cache
def _vega_scripts() -> tuple[Markup, ...]:
    """The bundled vega builds, read once per process, ready to inline in ``<script>`` tags."""
    scripts = []
    for name in VEGA_SCRIPTS:
        source = vega_script(name)
        # "</script" would end the inline element early; inside JS code "<\/" means the same
        source = re.sub(r"</(script)", r"<\\/\1", source, flags=re.IGNORECASE)
        scripts.append(Markup(source))
    return tuple(scripts)


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("newsprism.render", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(brief: Brief) -> str:
    """The brief as one HTML file that opens offline and makes no network request."""
    context = brief_context(brief)
    return (
        _environment()
        .get_template("brief.html.j2")
        .render(**context, vega_scripts=_vega_scripts() if context["charts"] else ())
    )
