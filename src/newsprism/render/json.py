"""brief.json and index.json: writing them, and checking them against the shipped JSON Schemas."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

from newsprism.model import Brief, Index


@cache
def _validator(name: str) -> Draft202012Validator:
    schema = json.loads(
        resources.files("newsprism.render").joinpath(f"schemas/{name}.schema.json").read_text("utf-8")
    )
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def brief_to_dict(brief: Brief) -> dict[str, Any]:
    return brief.model_dump(mode="json")


def brief_to_json(brief: Brief) -> str:
    return json.dumps(brief_to_dict(brief), ensure_ascii=False, indent=2) + "\n"


def index_to_json(index: Index) -> str:
    return json.dumps(index.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def span_problems(data: dict[str, Any]) -> list[str]:
    """Every span-like object must satisfy ``articles[article_id].text[start:end] == text``."""
    texts = {a["id"]: a["text"] for a in data.get("articles", [])}
    problems: list[str] = []

    def check(span: dict[str, Any], where: str, needs_text: bool = True) -> None:
        text = texts.get(str(span.get("article_id")))
        if text is None:
            problems.append(f"{where}: unknown article_id {span.get('article_id')!r}")
            return
        start, end = span.get("start"), span.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end <= len(text):
            problems.append(f"{where}: offsets {start}..{end} outside the article (length {len(text)})")
            return
        if needs_text and text[start:end] != span.get("text"):
            problems.append(
                f"{where}: text does not match articles[{span['article_id']}].text[{start}:{end}]"
            )

    for i, entity in enumerate(data.get("entities", [])):
        for j, mention in enumerate(entity.get("mentions", [])):
            check(mention, f"entities[{i}].mentions[{j}]", needs_text="text" in mention)
        for j, role in enumerate(entity.get("roles", [])):
            for k, span in enumerate(role.get("support", [])):
                check(span, f"entities[{i}].roles[{j}].support[{k}]")
    for i, quote in enumerate(data.get("quotes", [])):
        check(quote, f"quotes[{i}]")
        speaker_span = (quote.get("speaker") or {}).get("span")
        if speaker_span:
            check(speaker_span, f"quotes[{i}].speaker.span")
    for i, date in enumerate(data.get("dates", [])):
        check(date, f"dates[{i}]")
    for i, claim in enumerate(data.get("claims", [])):
        for j, span in enumerate(claim.get("support", [])):
            check(span, f"claims[{i}].support[{j}]")
    for i, conflict in enumerate(data.get("conflicts", [])):
        for j, span in enumerate(conflict.get("sides", [])):
            check(span, f"conflicts[{i}].sides[{j}]")
    for i, variant in enumerate(data.get("name_variants", [])):
        for j, span in enumerate(variant.get("sides", [])):
            check(span, f"name_variants[{i}].sides[{j}]")
    for i, sentence in enumerate(data.get("summary", [])):
        for j, span in enumerate(sentence.get("support", [])):
            check(span, f"summary[{i}].support[{j}]")
    for i, highlight in enumerate(data.get("highlights", [])):
        for j, span in enumerate(highlight.get("support", [])):
            check(span, f"highlights[{i}].support[{j}]")
    for i, event in enumerate(data.get("timeline", [])):
        for j, span in enumerate(event.get("support", [])):
            check(span, f"timeline[{i}].support[{j}]")
    for i, found in enumerate(data.get("provenance", [])):
        for key in ("article_id", "source_id"):
            if found.get(key) not in texts:
                problems.append(f"provenance[{i}]: unknown {key} {found.get(key)!r}")
        for j, credit in enumerate(found.get("credits", [])):
            if credit.get("start") is not None:
                check({**credit, "article_id": found["article_id"]}, f"provenance[{i}].credits[{j}]")
        for j, reuse in enumerate(found.get("reuses", [])):
            for k, passage in enumerate(reuse.get("passages", [])):
                where = f"provenance[{i}].reuses[{j}].passages[{k}]"
                check({**passage, "article_id": found["article_id"]}, where, needs_text=False)
                source = {
                    "article_id": reuse.get("source_id"),
                    "start": passage.get("source_start"),
                    "end": passage.get("source_end"),
                }
                check(source, f"{where} (source)", needs_text=False)
    claim_ids = {c.get("id") for c in data.get("claims", [])}
    for i, facts in enumerate(data.get("outlets", [])):
        if facts.get("article_id") not in texts:
            problems.append(f"outlets[{i}]: unknown article_id {facts.get('article_id')!r}")
    for i, axis in enumerate(data.get("coverage", [])):
        for j, value in enumerate(axis.get("values", [])):
            for article_id in value.get("article_ids", []):
                if article_id not in texts:
                    problems.append(f"coverage[{i}].values[{j}]: unknown article_id {article_id!r}")
            for claim_id in value.get("only_claim_ids", []):
                if claim_id not in claim_ids:
                    problems.append(f"coverage[{i}].values[{j}]: unknown claim {claim_id!r}")
    for article in data.get("articles", []):
        for j, repair in enumerate(article.get("repairs", [])):
            span = {
                "article_id": article["id"],
                "start": repair["start"],
                "end": repair["end"],
                "text": repair["after"],
            }
            check(span, f"articles[{article['id']}].repairs[{j}]")
        for j, removal in enumerate(article.get("removed", [])):
            at = removal.get("at", 0)
            if not 0 <= at <= len(article["text"]):
                problems.append(f"articles[{article['id']}].removed[{j}]: at={at} outside the text")
    return problems


def validate_brief(data: dict[str, Any]) -> list[str]:
    """Schema errors and span errors, as readable lines; empty when the brief is valid."""
    problems = [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in _validator("brief").iter_errors(data)
    ]
    return problems + span_problems(data)


def validate_index(data: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in _validator("index").iter_errors(data)
    ]
