"""What every request handler of ``newsprism serve`` depends on — the settings, the store, the
write token — shared by the API (``serve.app``) and the pages (``serve.pages``) so neither
imports the other."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Request
from starlette.exceptions import HTTPException

from newsprism.store.database import Store

# 10 MiB per request: a batch of a few hundred full articles. Larger batches: several requests.
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    db_url: str | None = None
    token: str | None = None  # writes need "Authorization: Bearer <token>" when set
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    allow_private_urls: bool = False  # URL records may point at private/loopback hosts
    # Host names requests may be addressed to (None: any). Without a token, a page elsewhere
    # could point a name it controls at 127.0.0.1 and write through the victim's browser (DNS
    # rebinding): ``newsprism serve`` then answers only to this machine's own names.
    allowed_hosts: frozenset[str] | None = None
    extra_hosts: tuple[str, ...] = ()  # --allow-host: names a reverse proxy forwards under


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def require_token(request: Request) -> None:
    """Writes need the configured bearer token (compared in constant time)."""
    expected = get_settings(request).token
    if not expected:
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), expected.encode()):
        raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})


def as_utc(moment: datetime | None) -> datetime | None:
    """Times come back naive from SQLite; they were stored in UTC."""
    if moment is None:
        return None
    # PostgreSQL answers in the session's time zone; SQLite gives naive UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
