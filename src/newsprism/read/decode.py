"""Bytes to text: refuse binary files, decode UTF-8, and fall back to a detected charset with a warning."""

from __future__ import annotations

import gzip
import zlib

from charset_normalizer import from_bytes

from newsprism.errors import InputError

# Magic numbers of formats people point newsprism at by mistake.
_BINARY_MAGIC: dict[bytes, str] = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or .docx/.xlsx)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x7fELF": "an executable",
    b"SQLite format 3": "an SQLite database",
    b"\xd0\xcf\x11\xe0": "an old Office document",
    b"BZh": "a bzip2 archive",
    b"\xfd7zXZ": "an xz archive",
}


def maybe_gunzip(source: str, data: bytes, max_bytes: int) -> bytes:
    """Transparently read gzip-compressed pages (``page.html.gz``), refusing decompression bombs."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = decompressor.decompress(data, max_bytes + 1)
    except (zlib.error, gzip.BadGzipFile, EOFError) as exc:
        raise InputError(source, f"corrupt gzip data ({exc})") from None
    if len(out) > max_bytes:
        raise InputError(source, f"decompresses to more than the {max_bytes // (1024 * 1024)} MB limit")
    return out


def decode_bytes(source: str, data: bytes, declared_charset: str | None = None) -> tuple[str, list[str]]:
    """Return (text, warnings). Raise InputError for binary or undecodable data."""
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise InputError(source, f"binary file ({what}); newsprism reads text, HTML, feeds and JSONL")
    if not data.strip():
        raise InputError(source, "empty input")
    head = data[:8192]
    if b"\x00" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise InputError(
            source, "binary file (contains NUL bytes); newsprism reads text, HTML, feeds and JSONL"
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), []
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if declared_charset:
        try:
            return data.decode(declared_charset), []
        except (LookupError, UnicodeDecodeError):
            pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(
            source, f"not valid UTF-8 (bad byte at offset {first_bad}) and no other encoding fits"
        )
    text = str(best)
    if _control_ratio(text) > 0.05:
        raise InputError(source, "binary file (mostly non-text bytes)")
    warning = f"{source}: not valid UTF-8 (bad byte at offset {first_bad}); decoded as {best.encoding}"
    return text, [warning]


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return bad / len(sample)
