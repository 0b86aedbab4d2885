"""JSONL records ``{"id", "text" | "html", "title"?, "url"?, "outlet"?, "published"?, "language"?}``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from newsprism.errors import InputError
from newsprism.model import RawDocument
from newsprism.read.html import extract_html

_KNOWN_FIELDS = {"id", "text", "html", "title", "url", "outlet", "published", "language"}


def read_jsonl_lines(source: str, lines: Iterable[str]) -> Iterator[RawDocument | InputError]:
    """One RawDocument per good record; one InputError (naming ``source:line``) per bad one."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(where, f"invalid JSON ({_json_problem(exc)} at column {exc.colno})")
            continue
        try:
            yield record_to_document(record, source, where)
        except InputError as exc:
            yield exc


def record_to_document(record: object, source: str, where: str) -> RawDocument:
    """Validate one record and turn it into a RawDocument (HTML records go through extraction)."""
    if not isinstance(record, dict):
        raise InputError(where, "record is not a JSON object")
    record_id = record.get("id")
    if record_id is None or (not isinstance(record_id, str | int)) or str(record_id).strip() == "":
        raise InputError(where, 'record has no "id"')
    for name in ("text", "html", "title", "url", "outlet", "published", "language"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise InputError(where, f'"{name}" must be a string, not {type(value).__name__}')
    url = record.get("url")
    scheme = (url or "").strip().split(":", 1)[0].lower()
    if url is not None and scheme not in ("http", "https"):
        # A stored URL becomes a link in reports and pages: only web addresses.
        raise InputError(
            where, f'unsupported URL scheme {scheme!r} in "url" ({url.strip()[:200]}); use http or https'
        )
    text, html = record.get("text"), record.get("html")
    if not (text and text.strip()) and not (html and html.strip()):
        raise InputError(where, 'record has neither "text" nor "html"')
    if text and text.strip():
        document = RawDocument(source=source, kind="jsonl", text=text)
    else:
        document = extract_html(str(html), where, record.get("url"))
    return document.model_copy(
        update={
            "kind": "jsonl",
            "source": source,
            "record_id": str(record_id),
            "url": record.get("url") or document.url,
            "title": record.get("title") or document.title,
            "outlet": record.get("outlet"),
            "published": record.get("published") or document.published,
            "language": record.get("language"),
        }
    )


def _json_problem(error: json.JSONDecodeError) -> str:
    """The decoder's message without its dangling "at" ("Unterminated string starting at")."""
    return error.msg.removesuffix(" starting at").removesuffix(" at")
