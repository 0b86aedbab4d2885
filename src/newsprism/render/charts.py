"""Vega-Lite specs for the charts of brief.html, one function per chart.

Each function returns a spec (a plain dict, its data inlined as ``data.values``) or ``None`` when
the brief has nothing to draw. :func:`build_charts` adds a title, a caption and a small table of
the same data, which the page shows when JavaScript is off.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from newsprism.model import Brief, article_labels
from newsprism.perspectives import TONE_CAVEAT

Spec = dict[str, Any]

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier; never fetched

# Enough rows to show the story's common core without a chart taller than a screen or two.
MAX_COVERAGE_CLAIMS = 30
CLAIM_LABEL_CHARS = 70
# Actors mentioned by the most outlets; beyond this the heatmap is mostly empty cells.
MAX_TONE_ACTORS = 15
# Colours a reader can still tell apart; smaller topics are pooled into "other topics".
MAX_TOPIC_COLOURS = 10
BAR_STEP = 28  # pixels per outlet in the bar charts


_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", "DejaVu Sans", sans-serif'
_CONFIG: Spec = {
    "font": _FONT,
    "view": {"stroke": None},
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": 600, "grid": False},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "direction": "horizontal"},
}


@dataclass
class Chart:
    """One chart of the page: its DOM id, title, caption, spec and a fallback table."""

    id: str
    title: str
    caption: str
    spec: Spec
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def _spec(values: list[dict[str, Any]], **parts: Any) -> Spec:
    if parts.get("width") == "container":  # as wide as the page; the height is the chart's own
        parts.setdefault("autosize", {"type": "fit-x", "contains": "padding"})
    return {"$schema": SCHEMA, "data": {"values": values}, "config": _CONFIG, **parts}


def _bars_height(values: list[dict[str, Any]]) -> int:
    """A fixed height for one bar per outlet: a "step" height would make Vega-Lite warn that it
    cannot also fit a container's width."""
    return BAR_STEP * len({v["outlet"] for v in values})


def _shorten(text: str, limit: int = CLAIM_LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- coverage matrix


def _coverage_values(brief: Brief) -> list[dict[str, Any]]:
    labels = article_labels(brief.articles)
    shared = [c for c in brief.claims if c.status == "shared"]
    # most supported first; ties keep the brief's order (the order claims appear in the story)
    shared.sort(key=lambda c: len(set(c.article_ids)), reverse=True)
    values = []
    for rank, claim in enumerate(shared[:MAX_COVERAGE_CLAIMS], start=1):
        reporting = set(claim.article_ids)
        for article in brief.articles:
            values.append(
                {
                    "claim": f"{rank}. {_shorten(claim.text)}",
                    "text": claim.text,
                    "outlet": labels[article.id],
                    "reported": "reports it" if article.id in reporting else "does not",
                    "outlets": len(reporting),
                }
            )
    return values


def coverage_matrix(brief: Brief) -> Spec | None:
    """Which outlet reports which shared claim: claims as rows (most supported first), outlets as
    columns, a filled cell where the outlet reports the claim."""
    values = _coverage_values(brief)
    if not values:
        return None
    claims = list(dict.fromkeys(v["claim"] for v in values))
    outlets = list(article_labels(brief.articles).values())
    return _spec(
        values,
        width={"step": 34},
        height={"step": 20},
        mark={"type": "rect", "stroke": "white", "strokeWidth": 2, "cornerRadius": 2},
        encoding={
            "y": {
                "field": "claim",
                "type": "nominal",
                "sort": claims,
                "title": None,
                "axis": {"labelLimit": 460, "labelFontSize": 11},
            },
            "x": {
                "field": "outlet",
                "type": "nominal",
                "sort": outlets,
                "title": None,
                "axis": {"orient": "top", "labelAngle": -40, "labelLimit": 150},
            },
            "color": {
                "field": "reported",
                "type": "nominal",
                "scale": {"domain": ["reports it", "does not"], "range": ["#2f6f9f", "#eceff3"]},
                "legend": {"title": None},
            },
            "tooltip": [
                {"field": "text", "title": "Claim"},
                {"field": "outlet", "title": "Outlet"},
                {"field": "reported", "title": "Reported"},
                {"field": "outlets", "title": "Outlets reporting it"},
            ],
        },
    )


# --------------------------------------------------------------------------- voices


def _voice_values(brief: Brief) -> list[dict[str, Any]]:
    labels = article_labels(brief.articles)
    return [
        {
            "outlet": labels.get(p.article_id, p.outlet or p.article_id),
            "name": voice.name,
            "affiliation": voice.affiliation or "unknown",
            "quotes": voice.quotes,
        }
        for p in brief.perspectives
        for voice in p.voices
        if voice.quotes > 0
    ]


def voices_per_outlet(brief: Brief) -> Spec | None:
    """Who gets quoted, per outlet: one bar per outlet, a segment per voice, coloured by whom the
    voice speaks for."""
    values = _voice_values(brief)
    if not values:
        return None
    return _spec(
        values,
        width="container",
        height=_bars_height(values),
        mark={"type": "bar", "stroke": "white", "strokeWidth": 1},
        encoding={
            "y": {"field": "outlet", "type": "nominal", "title": None, "axis": {"labelLimit": 180}},
            "x": {"aggregate": "sum", "field": "quotes", "type": "quantitative", "title": "Quotes"},
            "color": {
                "field": "affiliation",
                "type": "nominal",
                "title": "Speaks for",
                "scale": {"scheme": "tableau10"},
            },
            "detail": {"field": "name"},
            "order": {"field": "affiliation"},
            "tooltip": [
                {"field": "name", "title": "Voice"},
                {"field": "affiliation", "title": "Speaks for"},
                {"field": "outlet", "title": "Outlet"},
                {"field": "quotes", "title": "Quotes"},
            ],
        },
    )


# --------------------------------------------------------------------------- who covered it


def _outlet_kind_values(brief: Brief) -> list[dict[str, Any]]:
    return [
        {
            "axis": c.axis,
            "value": v.value,
            "label": f"{c.axis}: {v.value}",
            "side": side,
            "outlets": count,
        }
        for c in brief.coverage
        for v in c.values
        for side, count in (("covered it", len(v.present)), ("did not", v.absent_count))
        if count
    ]


def coverage_by_kind(brief: Brief) -> Spec | None:
    """Who covered the story, per axis (country, language, ownership, a user's own): one bar per
    value, the outlets that covered it and the comparable outlets of the corpus that did not."""
    values = _outlet_kind_values(brief)
    if not values:
        return None
    order = list(dict.fromkeys(v["label"] for v in values))
    return _spec(
        values,
        width="container",
        height=BAR_STEP * len(order),
        mark={"type": "bar", "stroke": "white", "strokeWidth": 1},
        encoding={
            "y": {
                "field": "label",
                "type": "nominal",
                "title": None,
                "sort": order,
                "axis": {"labelLimit": 220},
            },
            "x": {
                "aggregate": "sum",
                "field": "outlets",
                "type": "quantitative",
                "title": "Outlets",
                "axis": {"tickMinStep": 1, "format": "d"},
            },
            "color": {
                "field": "side",
                "type": "nominal",
                "title": None,
                "scale": {"domain": ["covered it", "did not"], "range": ["#4c78a8", "#c8c8c8"]},
            },
            "tooltip": [
                {"field": "axis", "title": "Axis"},
                {"field": "value", "title": "Value"},
                {"field": "side", "title": "Story"},
                {"field": "outlets", "title": "Outlets"},
            ],
        },
    )


# --------------------------------------------------------------------------- tone per actor


def _tone_values(brief: Brief) -> list[dict[str, Any]]:
    labels = article_labels(brief.articles)
    outlets_per_actor = Counter(
        actor.entity_id
        for p in brief.perspectives
        for actor in {a.entity_id: a for a in p.tone_by_actor}.values()
    )
    sentences: Counter[str] = Counter()
    for p in brief.perspectives:
        for actor in p.tone_by_actor:
            sentences[actor.entity_id] += actor.sentences
    top = {
        entity_id
        for entity_id, _ in sorted(
            outlets_per_actor.items(), key=lambda item: (-item[1], -sentences[item[0]], item[0])
        )[:MAX_TONE_ACTORS]
    }
    return [
        {
            "outlet": labels.get(p.article_id, p.outlet or p.article_id),
            "actor": actor.name,
            "score": round(actor.score, 2),
            "shown": f"{round(actor.score, 1) + 0.0:+.1f}",  # + 0.0: no "-0.0" for a tiny negative
            "label": actor.label,
            "sentences": actor.sentences,
        }
        for p in brief.perspectives
        for actor in p.tone_by_actor
        if actor.entity_id in top
    ]


def tone_by_actor(brief: Brief) -> Spec | None:
    """How each outlet's sentences about each actor read (lexicon tone), as a heatmap: red is
    negative, blue positive, the number is the score."""
    values = _tone_values(brief)
    if not values:
        return None
    outlets = [o for o in article_labels(brief.articles).values() if any(v["outlet"] == o for v in values)]
    base_x = {
        "field": "outlet",
        "type": "nominal",
        "sort": outlets,
        "title": None,
        "axis": {"orient": "top", "labelAngle": -40, "labelLimit": 150},
    }
    base_y = {"field": "actor", "type": "nominal", "title": None, "axis": {"labelLimit": 220}}
    return _spec(
        values,
        width={"step": 56},
        height={"step": 24},
        encoding={"x": base_x, "y": base_y},
        layer=[
            {
                "mark": {"type": "rect", "stroke": "white", "strokeWidth": 2, "cornerRadius": 2},
                "encoding": {
                    "color": {
                        "field": "score",
                        "type": "quantitative",
                        "title": "Tone",
                        "scale": {"scheme": "redblue", "domain": [-1, 1]},
                    },
                    "tooltip": [
                        {"field": "actor", "title": "Actor"},
                        {"field": "outlet", "title": "Outlet"},
                        {"field": "score", "title": "Tone", "format": "+.2f"},
                        {"field": "label", "title": "Reads as"},
                        {"field": "sentences", "title": "Sentences"},
                    ],
                },
            },
            {
                "mark": {"type": "text", "fontSize": 10},
                "encoding": {"text": {"field": "shown", "type": "nominal"}},
            },
        ],
    )


# --------------------------------------------------------------------------- timeline

_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-W(\d{2}))?")


def _date_start(value: str) -> date | None:
    """The first day of an ISO 8601 date of any precision ("2023", "2023-06", "2023-W25",
    "2023-06-19", or a datetime); None when it is none of these."""
    match = _PARTIAL_DATE.match(value)
    if not match:
        return None
    year, month, day, week = match.groups()
    try:
        if week:
            return date.fromisocalendar(int(year), int(week), 1)
        return date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None


def _precision(value: str) -> str:
    if "W" in value:
        return "week"
    return {4: "year", 7: "month"}.get(len(value), "day")


def _timeline_values(brief: Brief) -> list[dict[str, Any]]:
    labels = article_labels(brief.articles)
    values = []
    stacked: Counter[str] = Counter()
    for event in brief.timeline:
        start = _date_start(event.date)
        if start is None:
            continue
        stacked[start.isoformat()] += 1
        values.append(
            {
                "start": start.isoformat(),
                "date": event.date,
                "precision": _precision(event.date),
                "text": _shorten(event.text, 160),
                "outlets": ", ".join(
                    dict.fromkeys(labels.get(s.article_id, s.article_id) for s in event.support)
                ),
                "row": stacked[start.isoformat()],  # events of one date stack upwards
            }
        )
    return values


def timeline(brief: Brief) -> Spec | None:
    """The dates the articles mention, on a time axis; events of the same date stack."""
    values = _timeline_values(brief)
    if not values:
        return None
    return _spec(
        values,
        width="container",
        height=120,
        mark={"type": "point", "filled": True, "size": 90, "opacity": 0.85},
        encoding={
            "x": {"field": "start", "type": "temporal", "title": None, "axis": {"grid": True}},
            "y": {"field": "row", "type": "ordinal", "axis": None, "sort": "descending"},
            "color": {
                "field": "precision",
                "type": "nominal",
                "title": "Date precision",
                "scale": {"domain": ["day", "week", "month", "year"], "scheme": "set2"},
            },
            "tooltip": [
                {"field": "date", "title": "Date"},
                {"field": "text", "title": "Event"},
                {"field": "outlets", "title": "Reported by"},
            ],
        },
    )


# --------------------------------------------------------------------------- topics


def _topic_values(brief: Brief) -> list[dict[str, Any]]:
    labels = article_labels(brief.articles)
    weight: dict[str, float] = defaultdict(float)
    for p in brief.perspectives:
        for topic in p.topics:
            weight[topic.label] += topic.share
    kept = set(sorted(weight, key=lambda label: -weight[label])[:MAX_TOPIC_COLOURS])
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for p in brief.perspectives:
        outlet = labels.get(p.article_id, p.outlet or p.article_id)
        for topic in p.topics:
            totals[outlet, topic.label if topic.label in kept else "other topics"] += topic.share
    return [
        {"outlet": outlet, "topic": topic, "share": round(share, 4)}
        for (outlet, topic), share in totals.items()
    ]


def topics_per_outlet(brief: Brief) -> Spec | None:
    """What each outlet's claims are about: one bar per outlet, split by topic share."""
    values = _topic_values(brief)
    if not values:
        return None
    return _spec(
        values,
        width="container",
        height=_bars_height(values),
        mark={"type": "bar", "stroke": "white", "strokeWidth": 1},
        encoding={
            "y": {"field": "outlet", "type": "nominal", "title": None, "axis": {"labelLimit": 180}},
            "x": {
                "aggregate": "sum",
                "field": "share",
                "type": "quantitative",
                "title": "Share of the article's claims",
                "axis": {"format": "%"},
                "scale": {"domain": [0, 1]},
            },
            "color": {
                "field": "topic",
                "type": "nominal",
                "title": "Topic",
                "scale": {"scheme": "tableau10"},
                # topic labels are a few keywords each: a grid, so long ones never run off the page
                "legend": {"columns": 3, "labelLimit": 260},
            },
            "order": {"field": "share", "sort": "descending"},
            "tooltip": [
                {"field": "topic", "title": "Topic"},
                {"field": "outlet", "title": "Outlet"},
                {"field": "share", "title": "Share", "format": ".0%"},
            ],
        },
    )


# --------------------------------------------------------------------------- all charts


def build_charts(brief: Brief) -> list[Chart]:
    """The page's charts in reading order, those without data left out."""
    charts: list[Chart] = []
    spec = coverage_matrix(brief)
    if spec:
        values = _coverage_values(brief)
        outlets = list(article_labels(brief.articles).values())
        rows: dict[str, list[str]] = {}
        for v in values:
            rows.setdefault(v["claim"], [v["text"]]).append("✓" if v["reported"] == "reports it" else "")
        charts.append(
            Chart(
                "chart-coverage",
                "Who reports what",
                "Claims reported by more than one outlet (most widely reported first) and the outlets "
                "that report each; hover a cell for the full claim.",
                spec,
                ["Claim", *outlets],
                list(rows.values()),
            )
        )
    spec = coverage_by_kind(brief)
    if spec:
        charts.append(
            Chart(
                "chart-outlet-kinds",
                "Who covered it",
                "Outlets that covered the story and comparable outlets of the corpus that did not, by "
                "country, language and ownership (from the outlet registry; unknown where it has no fact).",
                spec,
                ["Axis", "Value", "Story", "Outlets"],
                [[v["axis"], v["value"], v["side"], str(v["outlets"])] for v in _outlet_kind_values(brief)],
            )
        )
    spec = voices_per_outlet(brief)
    if spec:
        charts.append(
            Chart(
                "chart-voices",
                "Who gets quoted",
                "Quotes per outlet, one segment per person or source, coloured by whom they speak for.",
                spec,
                ["Outlet", "Voice", "Speaks for", "Quotes"],
                [[v["outlet"], v["name"], v["affiliation"], str(v["quotes"])] for v in _voice_values(brief)],
            )
        )
    spec = tone_by_actor(brief)
    if spec:
        charts.append(
            Chart(
                "chart-tone",
                "Tone towards each actor",
                TONE_CAVEAT + " Red reads negative, blue positive.",
                spec,
                ["Outlet", "Actor", "Tone", "Sentences"],
                [
                    [v["outlet"], v["actor"], f"{v['score']:+.2f} ({v['label']})", str(v["sentences"])]
                    for v in _tone_values(brief)
                ],
            )
        )
    spec = timeline(brief)
    if spec:
        charts.append(
            Chart(
                "chart-timeline",
                "Dates in the story",
                "Every dated event the articles mention; a partial date (a year, a month, a week) is "
                "placed at its first day. Hover a point for the event.",
                spec,
                ["Date", "Event", "Reported by"],
                [[v["date"], v["text"], v["outlets"]] for v in _timeline_values(brief)],
            )
        )
    spec = topics_per_outlet(brief)
    if spec:
        charts.append(
            Chart(
                "chart-topics",
                "What each outlet covers",
                "Share of each article's claims by topic.",
                spec,
                ["Outlet", "Topic", "Share"],
                [[v["outlet"], v["topic"], f"{v['share']:.0%}"] for v in _topic_values(brief)],
            )
        )
    return charts
