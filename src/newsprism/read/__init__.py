"""Readers: every INPUT kind of the contract becomes a stream of RawDocuments (or InputErrors).

``read_inputs`` never raises for a bad input: it yields an :class:`InputError` naming it, so the
caller reports one line and goes on with the rest.
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from newsprism.errors import InputError
from newsprism.model import HeaderLine, RawDocument
from newsprism.read.decode import decode_bytes, maybe_gunzip
from newsprism.read.feeds import looks_like_feed, read_feed
from newsprism.read.fetch import DEFAULT_TIMEOUT, Fetcher, HttpFetcher
from newsprism.read.html import extract_html
from newsprism.read.jsonl import read_jsonl_lines
from newsprism.read.text import parse_text_header

# 50 MB: ten times the largest single article page we have met; a bigger file is a mistake
# (a database dump, a video) and reading it would only exhaust memory.
DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024

# Extensions read when walking a directory. Files named explicitly are read whatever their name.
ARTICLE_EXTENSIONS = {
    ".txt",
    ".text",
    ".html",
    ".htm",
    ".xhtml",
    ".xml",
    ".rss",
    ".atom",
    ".jsonl",
    ".ndjson",
}
_HTML_MARKERS = ("<!doctype html", "<html", "<head", "<body", "<article", "<p>", "<div")


@dataclass
class ReadOptions:
    allow_private: bool = False
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    timeout: float = DEFAULT_TIMEOUT
    follow_feed_links: bool = True
    fetcher: Fetcher | None = None  # pass one to fetch differently (a cache, a crawler's queue)
    stdin: TextIO | None = None
    _own_fetcher: HttpFetcher | None = field(default=None, repr=False)

    def get_fetcher(self) -> Fetcher:
        if self.fetcher is None:
            self._own_fetcher = HttpFetcher(allow_private=self.allow_private, timeout=self.timeout)
            self.fetcher = self._own_fetcher
        return self.fetcher

    def close(self) -> None:
        if self._own_fetcher is not None:
            self._own_fetcher.close()


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _walk_directory(directory: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            suffixes = [s.lower() for s in path.suffixes[-2:]]
            if name.startswith("."):
                continue
            if suffixes and suffixes[-1] == ".gz":
                suffixes = suffixes[:-1]
            if suffixes and suffixes[-1] in ARTICLE_EXTENSIONS:
                yield path


def expand_inputs(inputs: Iterable[str]) -> Iterator[str | InputError]:
    """Directories (recursively), glob patterns, files, URLs and ``-``, in the order given."""
    for item in inputs:
        if item == "-" or is_url(item):
            yield item
            continue
        path = Path(item)
        if path.is_dir():
            found = list(_walk_directory(path))
            if not found:
                yield InputError(item, "directory holds no article files (.txt, .html, .xml, .jsonl, …)")
            for child in found:
                yield str(child)
        elif path.exists():
            yield item
        elif glob.has_magic(item):
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                yield InputError(item, "no files match this pattern")
            for match in matches:
                if Path(match).is_dir():
                    yield from expand_inputs([match])
                else:
                    yield match
        else:
            yield InputError(item, "no such file or directory")


def read_inputs(
    inputs: Iterable[str], options: ReadOptions | None = None
) -> Iterator[RawDocument | InputError]:
    """Read every input; yield documents and, for unusable inputs, errors."""
    options = options or ReadOptions()
    for item in expand_inputs(inputs):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            if item == "-":
                stream = options.stdin or sys.stdin
                yield from read_jsonl_lines("<stdin>", stream)
            elif is_url(item):
                yield from _read_url(item, options)
            else:
                yield from _read_file(item, options)
        except InputError as exc:
            yield exc


def _read_url(url: str, options: ReadOptions) -> Iterator[RawDocument | InputError]:
    page = options.get_fetcher().fetch(url)
    text, warnings = decode_bytes(url, maybe_gunzip(url, page.body, options.max_file_bytes), page.charset)
    if "rss" in page.content_type or "atom" in page.content_type or looks_like_feed(text):
        yield from read_feed(url, page.body, _follower(options))
        return
    document = extract_html(text, url, page.url)
    yield document.model_copy(update={"warnings": warnings})


def _follower(options: ReadOptions) -> Callable[[str], RawDocument] | None:
    if not options.follow_feed_links:
        return None

    def follow(link: str) -> RawDocument:
        page = options.get_fetcher().fetch(link)
        text, _ = decode_bytes(link, page.body, page.charset)
        return extract_html(text, link, page.url)

    return follow


def _read_file(item: str, options: ReadOptions) -> Iterator[RawDocument | InputError]:
    path = Path(item)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(item, exc.strerror or "cannot read") from None
    if size > options.max_file_bytes:
        raise InputError(
            item,
            f"file is {size / 1024 / 1024:.0f} MB, over the {options.max_file_bytes / 1024 / 1024:.0f} MB limit "
            "(split it, or raise --max-file-mb)",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(item, exc.strerror or "cannot read") from None
    data = maybe_gunzip(item, data, options.max_file_bytes)
    text, warnings = decode_bytes(item, data)
    name = path.name.lower().removesuffix(".gz")
    head = text.lstrip()[:4096].lower()
    if name.endswith((".jsonl", ".ndjson")) or (name.endswith(".json") and head.startswith("{")):
        yield from read_jsonl_lines(item, text.splitlines())
        return
    if looks_like_feed(head) and not any(marker in head[:600] for marker in ("<!doctype html", "<html")):
        yield from read_feed(item, text, _follower(options))
        return
    if name.endswith((".html", ".htm", ".xhtml")) or any(marker in head for marker in _HTML_MARKERS):
        yield extract_html(text, item).model_copy(update={"warnings": warnings})
        return
    yield text_document(item, text, warnings)


def text_document(source: str, text: str, warnings: list[str] | None = None) -> RawDocument:
    """A plain-text article with its header lines turned into metadata."""
    header = parse_text_header(text)
    if not header.body.strip():
        raise InputError(source, "no article text (only header lines)")
    return RawDocument(
        source=source,
        kind="text",
        text=header.body,
        url=header.url,
        title=header.title,
        published=header.published,
        byline=header.byline,
        header=[HeaderLine(kind=kind, text=line) for kind, line in header.lines],
        warnings=warnings or [],
    )


__all__ = ["ReadOptions", "expand_inputs", "read_inputs", "text_document"]
