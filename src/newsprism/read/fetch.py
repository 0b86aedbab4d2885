"""Fetching URLs politely and safely: timeouts, a size cap, capped redirects, a clear User-Agent,
and no requests to private, loopback or link-local addresses unless the user allows them (SSRF)."""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from newsprism import __version__
from newsprism.errors import InputError

USER_AGENT = f"newsprism/{__version__} (news comparison tool; +https://pypi.org/project/newsprism/)"

# 10 MB: the largest real article pages we have seen are ~3 MB of HTML; feeds rarely pass 5 MB.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_TIMEOUT = 15.0
DEFAULT_MAX_REDIRECTS = 5


@dataclass(frozen=True)
class FetchedPage:
    url: str  # the final URL after redirects
    content_type: str
    body: bytes
    charset: str | None


class Fetcher(Protocol):
    """Anything that turns a URL into bytes. The default is :class:`HttpFetcher`."""

    def fetch(self, url: str) -> FetchedPage: ...


# IPv6 ranges Python's ``is_global`` lets through but no public web server lives in: site-local
# (deprecated, routed inside a site), IPv4-compatible and IPv4-translated addresses (ways of
# writing an IPv4 address, e.g. [::127.0.0.1]) and local-use NAT64.
_NOT_PUBLIC_V6 = tuple(
    ipaddress.IPv6Network(n) for n in ("fec0::/10", "::/96", "::ffff:0:0:0/96", "64:ff9b:1::/48")
)
# Well-known NAT64 (RFC 6052): public only when the IPv4 address inside is.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _is_public(address: str) -> bool:
    """Globally routable unicast only: not private, loopback, link-local, shared (100.64/10, used
    by cloud metadata services), reserved or multicast — also when wrapped in IPv6 (mapped,
    compatible, translated, NAT64, 6to4, Teredo) — and no site-local IPv6."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return _is_public(str(ip.ipv4_mapped))
        if any(ip in network for network in _NOT_PUBLIC_V6):
            return False
        teredo = ip.teredo
        wrapped = (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
            if ip in _NAT64
            else ip.sixtofour or (teredo[1] if teredo else None)
        )
        if wrapped is not None and not _is_public(str(wrapped)):
            return False
    return ip.is_global and not ip.is_multicast


def check_host_allowed(url: str, allow_private: bool) -> None:
    """Refuse URLs whose host resolves to a non-public address, unless allowed.

    Every address the name resolves to must be public: a name that resolves to both a public and
    a private address is refused. (The check runs before each request, including after each
    redirect; a DNS answer that changes between the check and the connection is a residual risk.)
    """
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:  # "http://[::1", a port over 65535
        raise InputError(url, f"not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise InputError(url, f"unsupported URL scheme {parts.scheme!r}; use http or https")
    if not host:
        raise InputError(url, "URL has no host name")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, port or (443 if parts.scheme == "https" else 80))
    except socket.gaierror as exc:
        raise InputError(url, f"cannot resolve host {host!r} ({exc.strerror})") from None
    for info in infos:
        address = str(info[4][0])
        if not _is_public(address):
            raise InputError(
                url,
                f"refusing to fetch {host} ({address}): private, loopback or link-local address "
                "(pass --allow-private to allow)",
            )


class HttpFetcher:
    """The default fetcher (httpx), with every limit enforced on each hop."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        import httpx  # here, not at the top: a run of local files never pays for it

        self._client = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(timeout),
            headers={
                "User-Agent": user_agent,
                "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.5",
            },
            trust_env=False,
        )

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str) -> FetchedPage:
        import httpx

        deadline = time.monotonic() + self.timeout * 2
        current = url
        for _hop in range(self.max_redirects + 1):
            check_host_allowed(current, self.allow_private)
            try:
                with self._client.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise InputError(url, f"HTTP {response.status_code} redirect without a Location")
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise InputError(url, f"HTTP {response.status_code} {response.reason_phrase}".strip())
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > self.max_bytes:
                        raise InputError(
                            url, f"response is {int(declared)} bytes, over the {self.max_bytes}-byte limit"
                        )
                    chunks: list[bytes] = []
                    received = 0
                    for chunk in response.iter_bytes():
                        received += len(chunk)
                        if received > self.max_bytes:
                            raise InputError(url, f"response exceeds the {self.max_bytes}-byte limit")
                        if time.monotonic() > deadline:
                            raise InputError(url, f"timed out after {self.timeout * 2:.0f} s")
                        chunks.append(chunk)
                    return FetchedPage(
                        url=str(response.url),
                        content_type=response.headers.get("content-type", "").split(";")[0].strip().lower(),
                        body=b"".join(chunks),
                        charset=response.charset_encoding,
                    )
            except httpx.TimeoutException:
                raise InputError(url, f"timed out after {self.timeout:.0f} s") from None
            except httpx.HTTPError as exc:
                raise InputError(url, f"cannot fetch: {exc.__class__.__name__}: {exc}".rstrip(": ")) from None
        raise InputError(url, f"more than {self.max_redirects} redirects")
