"""Bytes to text: refuse binary files, decode UTF-8, and fall back to a detected charset with a warning."""

from __future__ import annotations

import gzip
import re
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
    if _mostly_utf8(data):
        return _decode_lines(source, data)
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


# A well-formed multi-byte UTF-8 sequence. Text in a legacy 8-bit charset (cp1251, latin-1) rarely
# forms one by accident; UTF-8 text with a few damaged bytes is full of them.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# Lines named in the warning about lines decoded another way.
WARNING_MAX_LINES = 5
# Below this many non-ASCII bytes, charset detection guesses wildly (a Thai code page for "café").
DETECT_MIN_BYTES = 100


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with some damage, rather than a file in another charset: more well-formed multi-byte
    sequences than bytes that fit none."""
    valid = _UTF8_SEQUENCE.findall(data)
    high_bytes = sum(1 for byte in data if byte >= 0x80)
    stray = high_bytes - sum(len(sequence) for sequence in valid)
    return len(valid) >= max(1, stray)


def _decode_lines(source: str, data: bytes) -> tuple[str, list[str]]:
    """Decode line by line: lines that are valid UTF-8 stay UTF-8 ("Köln" stays "Köln"); the others
    are decoded in the charset detected from them (cp1252 when nothing fits), and the warning
    says which lines, as what, and what their bad bytes became."""
    lines = data.split(b"\n")
    bad: list[int] = []
    decoded: list[str] = []
    for number, line in enumerate(lines):
        try:
            decoded.append(line.decode("utf-8-sig" if number == 0 else "utf-8"))
        except UnicodeDecodeError:
            bad.append(number)
            decoded.append("")
    damaged = b"\n".join(lines[n] for n in bad)
    charset = "cp1252"  # the usual source of stray bytes in Western text; detection needs more
    if sum(1 for byte in damaged if byte >= 0x80) >= DETECT_MIN_BYTES:
        best = from_bytes(damaged).best()
        charset = best.encoding if best is not None and best.encoding else charset
    shown: list[str] = []
    for number in bad:
        decoded[number] = lines[number].decode(charset, errors="replace")
        if len(shown) < WARNING_MAX_LINES:
            stray = sorted({bytes([b]) for b in lines[number] if b >= 0x80})[:3]
            mapped = ", ".join(f"{b!r}→{b.decode(charset, errors='replace')!r}" for b in stray)
            shown.append(f"line {number + 1} ({mapped})")
    more = f" and {len(bad) - len(shown)} more" if len(bad) > len(shown) else ""
    warning = (
        f"{source}: {len(bad)} line(s) not valid UTF-8, decoded as {charset}: {'; '.join(shown)}{more}; "
        "the rest is UTF-8"
    )
    return "\n".join(decoded), [warning]


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return bad / len(sample)
