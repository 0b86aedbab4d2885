"""brief.md: the brief as Markdown, for reading in a terminal, a wiki or a pull request."""

from __future__ import annotations

from newsprism.model import Brief


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("*", "\\*")
        .replace("_", "\\_")
        .replace("`", "\\`")
        .replace("<", "&lt;")
    )


def render_markdown(brief: Brief) -> str:
    story = brief.story
    lines = [f"# {_escape(story.title or 'Untitled story')}", ""]
    span = " – ".join(d for d in (story.first_published, story.last_published) if d)
    lines.append(f"{len(brief.articles)} articles" + (f", {span}" if span else "") + ".")
    lines.append("")
    if brief.summary:
        lines += ["## Summary", ""]
        for sentence in brief.summary:
            lines.append(f"- {_escape(sentence.text)} [{', '.join(sentence.citations)}]")
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
            (article.title or "untitled").replace("|", "\\|"),
            str(len(article.removed)),
        ]
        lines.append("| " + " | ".join(_escape(c) if i != 4 else c for i, c in enumerate(cells)) + " |")
    lines.append("")
    for article in brief.articles:
        lines += [f"### {_escape(article.title or article.id)}", ""]
        meta = [f"outlet: {article.outlet or 'unknown'}", f"source: `{article.source}`"]
        lines += [" · ".join(meta), ""]
        lines += [_escape(paragraph) + "\n" for paragraph in article.text.split("\n\n")]
        if article.removed:
            lines += ["<details><summary>Removed by cleaning</summary>", ""]
            lines += [f"- *{r.kind}*: {_escape(r.text)}" for r in article.removed]
            lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip() + "\n"
