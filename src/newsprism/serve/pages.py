"""The web pages of ``newsprism serve`` (server-rendered with Jinja2). Placeholder: replaced by
the full story list, story and article pages."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><title>Error {status}</title><p>{escape(message)}</p>", status_code=status
    )
