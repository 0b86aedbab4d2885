"""brief.md: the brief as Markdown, for reading in a terminal, a wiki or a pull request."""

from __future__ import annotations

from newsprism.brief import citation_balance
from newsprism.model import Brief, article_heading, article_labels
from newsprism.perspectives import TONE_CAVEAT
from newsprism.render.notes import (
    conflicts_note,
    coverage_notes,
    language_mark,
    languages_note,
    outlet_rows,
    provenance_notes,
)


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("*", "\\*")
        .replace("_", "\\_")
        .replace("`", "\\`")
        .replace("<", "&lt;")
    )


def _cell(text: str) -> str:
    """Text for a table cell: escaped, and a "|" no longer ends the cell."""
    return _escape(text).replace("|", "\\|")


MAX_ENTITIES = 30  # the table lists the most mentioned; the JSON has them all
MAX_CLAIMS = 25
MAX_VOICES = 8


def _written(text: str, language: str | None, brief: Brief) -> str:
    """``text`` escaped, followed by its language when it is not the reader's: "… *(Russian)*"."""
    mark = language_mark(language, brief)
    return _escape(text) + (f" *({_escape(mark)})*" if mark else "")


def _bullets(title: str, notes: list[str]) -> list[str]:
    """A section of one bullet per note, or nothing when there are none."""
    return [f"## {title}", "", *(f"- {_escape(note)}" for note in notes), ""] if notes else []


def render_markdown(brief: Brief) -> str:
    story = brief.story
    language_of = {a.id: a.language for a in brief.articles}
    lines = [f"# {_escape(story.title or 'Untitled story')}", ""]
    span = " – ".join(d for d in (story.first_published, story.last_published) if d)
    lines.append(f"{len(brief.articles)} articles" + (f", {span}" if span else "") + ".")
    lines.append("")
    if languages_note(brief):
        lines += [_escape(languages_note(brief)), ""]
    outlets = article_labels(brief.articles)
    if brief.summary:
        lines += ["## Summary", ""]
        for sentence in brief.summary:
            cited = ", ".join(outlets[a] for a in sentence.citations)
            lines.append(f"- {_written(sentence.text, sentence.language, brief)} [{_escape(cited)}]")
        source_of = {found.article_id: found.source_id for found in brief.provenance}
        balance = citation_balance(brief.summary, [a.id for a in brief.articles], source_of)
        lines += [
            "",
            f"Every sentence is one outlet's wording of a claim; the brackets list the outlets whose own "
            f"sentence states it. Citation balance {balance:.2f} (1 = all independent sources cited equally often).",
            "",
        ]
    lines += _bullets("Who covered it", coverage_notes(brief))
    if brief.outlets:
        lines += ["| outlet | country | ownership | parent | facts from |", "|---|---|---|---|---|"]
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in outlet_rows(brief)]
        lines.append("")
    lines += _bullets("Who took from whom", provenance_notes(brief))
    if brief.highlights:
        lines += ["## Only in one outlet", ""]
        for highlight in brief.highlights:
            lines.append(
                f"- Only {_escape(outlets[highlight.article_id])}: {_written(highlight.text, highlight.language, brief)}"
            )
        lines.append("")
    lines += ["## Where outlets disagree", ""]
    note = conflicts_note(brief)
    if note:
        lines += [_escape(note), ""]
    if brief.conflicts:
        for conflict in brief.conflicts:
            sure = f" (confidence {conflict.confidence:.2f})" if conflict.confidence is not None else ""
            lines.append(f"- **{conflict.kind}**: {_escape(conflict.description)}{sure}")
            for side in conflict.sides:
                value = f" → {_escape(side.value)}" if side.value and side.value != side.text else ""
                mark = language_mark(language_of.get(side.article_id), brief)
                written = f" *({_escape(mark)})*" if mark else ""
                lines.append(
                    f"  - {_escape(outlets[side.article_id])}: “{_escape(side.text)}”{written}{value}"
                )
        lines.append("")
    if brief.name_variants:
        lines += ["## Names spelled differently", ""]
        for variant in brief.name_variants:
            lines.append(f"- {_escape(variant.description)}")
        lines.append("")
    shared = [c for c in brief.claims if c.status == "shared"]
    if shared:
        lines += ["## Reported by several outlets", ""]
        for claim in shared[:MAX_CLAIMS]:
            sources = ", ".join(outlets[a] for a in claim.article_ids)
            if claim.sources is not None and claim.sources < len(claim.article_ids):
                sources += f"; {claim.sources} independent sources"
            lines.append(f"- {_written(claim.text, claim.language, brief)} ({_escape(sources)})")
        if len(shared) > MAX_CLAIMS:
            lines.append(f"\n{len(shared) - MAX_CLAIMS} more shared claims in brief.json.")
        lines.append("")
    if brief.perspectives:
        lines += [
            "## Only in one outlet, and left out",
            "",
            "| outlet | exclusive claims | omits shared claims |",
            "|---|---|---|",
        ]
        for view in brief.perspectives:
            lines.append(
                f"| {_cell(outlets[view.article_id])} | {len(view.exclusive_claim_ids)} | {len(view.omitted_claim_ids)} |"
            )
        lines.append("")
    lines += _perspectives(brief, outlets)
    if brief.timeline:
        lines += ["## Timeline", ""]
        for event in brief.timeline:
            sources = ", ".join(dict.fromkeys(outlets[s.article_id] for s in event.support))
            lines.append(
                f"- **{event.date}** — {_written(event.text, event.language, brief)} ({_escape(sources)})"
            )
        lines.append("")
    if brief.entities:
        lines += [
            "## Who and what",
            "",
            "| name | type | also called | roles | mentions | articles |",
            "|---|---|---|---|---|---|",
        ]
        for entity in brief.entities[:MAX_ENTITIES]:
            cells = [
                entity.name,
                entity.type,
                ", ".join(entity.aliases[:6]),
                "; ".join(r.text for r in entity.roles[:3]),
                str(len(entity.mentions)),
                str(len({m.article_id for m in entity.mentions})),
            ]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        if len(brief.entities) > MAX_ENTITIES:
            lines.append(f"\n{len(brief.entities) - MAX_ENTITIES} more entities in brief.json.")
        lines.append("")
    if brief.quotes:
        lines += ["## Quotes", ""]
        for quote in brief.quotes:
            speaker = quote.speaker.name if quote.speaker else "unattributed"
            mark = "“…”" if quote.kind == "direct" else "reported"
            group = f" · same statement as group {quote.group_id}" if quote.group_id else ""
            lines.append(
                f"- **{_escape(speaker)}** ({_escape(outlets[quote.article_id])}, {mark}{group}): "
                + _written(quote.text, language_of.get(quote.article_id), brief)
            )
        lines.append("")
    lines += [
        "## Articles",
        "",
        "| id | outlet | published | language | title | removed |",
        "|---|---|---|---|---|---|",
    ]
    for article in brief.articles:
        cells = [
            article.id,
            article.outlet or "unknown",
            article.published or "unknown",
            article.language or "unknown",
            article_heading(article),
            str(len(article.removed)),
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines.append("")
    for article in brief.articles:
        lines += [f"### {_escape(article_heading(article))}", ""]
        meta = [f"outlet: {article.outlet or 'unknown'}", f"source: `{article.source}`"]
        lines += [" · ".join(meta), ""]
        lines += [_escape(paragraph) + "\n" for paragraph in article.text.split("\n\n")]
        if article.removed:
            lines += ["<details><summary>Removed by cleaning</summary>", ""]
            lines += [f"- *{r.kind}*: {_escape(r.text)}" for r in article.removed]
            lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip() + "\n"


def _perspectives(brief: Brief, outlets: dict[str, str]) -> list[str]:
    """Per outlet: topics (share of its claim text), voices, tone toward the main actors, wording."""
    language_of = {a.id: a.language for a in brief.articles}
    views = [v for v in brief.perspectives if v.topics or v.voices or v.tone or v.loaded_terms]
    if not views:
        return []
    lines = ["## How each outlet told it", ""]
    topics = list(dict.fromkeys(t.label for view in views for t in view.topics))
    if topics:
        lines += [
            "Topics (share of each outlet's claim text; 0 % = not covered):",
            "",
            "| outlet | " + " | ".join(_cell(t) for t in topics) + " |",
            "|---|" + "---|" * len(topics),
        ]
        for view in views:
            shares = {t.label: t.share for t in view.topics}
            cells = [f"{shares.get(t, 0.0):.0%}" for t in topics]
            lines.append(f"| {_cell(outlets[view.article_id])} | " + " | ".join(cells) + " |")
        lines.append("")
    for view in views:
        lines += [f"### {_escape(outlets[view.article_id])}", ""]
        if view.voices:
            voices = "; ".join(
                f"{_escape(v.name)} ({v.affiliation or 'other'}) ×{v.quotes}"
                for v in view.voices[:MAX_VOICES]
            )
            lines.append(f"- Voices: {voices}")
        if view.tone is not None:
            actors = ", ".join(f"{_escape(t.name)} {t.score:+.2f}" for t in view.tone_by_actor)
            lines.append(
                f"- Tone: {view.tone.label} ({view.tone.score:+.2f})"
                + (f"; toward {actors}" if actors else "")
            )
        if view.loaded_terms:
            lines.append(
                "- Characteristic words: "
                + ", ".join(f"{_escape(t.term)} ×{t.count}" for t in view.loaded_terms)
            )
        if not (view.voices or view.tone or view.loaded_terms):
            foreign = language_mark(language_of.get(view.article_id), brief)
            lines.append(
                "- No quoted voices, tone or characteristic words found"
                + (
                    f" (tone and wording are read in English only; this article is in {foreign})"
                    if foreign
                    else ""
                )
                + "."
            )
        lines.append("")
    lines += [f"_{TONE_CAVEAT}_", ""]
    return lines
