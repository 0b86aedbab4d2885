"""Article metadata: outlet, domain, title, published date, language — each with its evidence.

Unknown stays ``None``. Every value set here records where it came from in ``Article.evidence``
so that a reader can tell a stated fact ("url") from an inference ("self-mention").
"""

from __future__ import annotations

import csv
import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from newsprism.errors import InputError
from newsprism.read.text import is_person_byline
from newsprism.registry import COLUMNS as REGISTRY_COLUMNS
from newsprism.registry import DOMAIN_PARTS, Outlet

# Languages detected. Building lingua for every language takes 7–14 s; these ~40 cover the
# languages of the world's news output and build lazily in a fraction of a second.
DETECTED_LANGUAGES = (
    "EN ES FR DE RU AR ZH PT IT NL JA KO TR PL UK FA HI ID SV HE EL VI RO CS HU DA FI NB UR BN TH MS CA SR HR BG "
    "TL SW SK LT LV ET SL"
).split()
# Below this many letters lingua's guesses are unreliable: the language stays unknown.
LANGUAGE_MIN_LETTERS = 40
LANGUAGE_MIN_CONFIDENCE = 0.5
# Detection time grows with the text (linearly: 4.0 ms at 1,000 characters, 2.1 at 500). 500
# characters (about 80 words: a title and a lead) name the same language as 1,000 did for all
# 982 ECB+ articles and the 64 translated ones in tests/data/multilingual, and for the 91
# extraction pages but two Indonesian ones, which 1,000 called Malay (issue 16: it halves
# lingua's share of cleaning).
LANGUAGE_SAMPLE_CHARS = 500

_EXTRACT = DOMAIN_PARTS  # the registry's, with the bundled Public Suffix List (never fetched)

_SELF_MENTION = re.compile(
    r"\b(?i:told|said to|speaking to|in an interview with|interviewed by|in an exclusive interview with|"
    r"exclusively to|in comments to)\s+(?:(?i:the)\s+)?"
    r"([A-Z][\w&'’-]*(?:\.[a-z]{2,6})?(?:\s(?:[A-Z][\w&'’-]*|of|de)){0,3})"
)
# A byline naming a newsroom rather than a person: "By Reuters Staff", "AP Newsroom", "AFP Desk".
_NEWSROOM_WORDS = re.compile(
    r"\s+(?:staff(?:\s+(?:writers?|reporters?))?|newsroom|news\s+desk|desk|wires?|editors?|reporters?|team)$",
    re.IGNORECASE,
)
# A dateline crediting a wire agency at the start of the text: "OTTAWA (Reuters) -",
# "WASHINGTON, June 5 (AP) —", "(AFP) -". Only agencies the outlet list knows count.
_DATELINE_CREDIT = re.compile(
    r"^\s*(?:[A-Z][\w.'’/-]*(?:[ ,]+[A-Z\d][\w.'’/-]*){0,5}[ ,]+)?\(([A-Z][A-Za-z .&-]{0,30})\)\s*[-–—:]"
)
DATELINE_SEARCH_CHARS = 200
# A --sources file: the shipped registry of ~4,000 outlets is 0.3 MB; 50 MB and 500,000 rows are
# more than any outlet list; a user's own columns are coverage axes, and a brief shows each.
SOURCES_MAX_BYTES = 50_000_000
SOURCES_MAX_ROWS = 500_000
SOURCES_MAX_USER_COLUMNS = 16
_DOMAIN_LIKE = re.compile(r"^[A-Za-z][\w-]*\.(?:ru|com|net|org|info|ua|cn|uk|de|fr|es|it|io|tv|news)$")


@dataclass
class OutletDirectory:
    """Known outlets (shipped data/outlets.csv) plus a user's sources.csv mapping."""

    by_domain: dict[str, Outlet] = field(default_factory=dict)
    by_name: dict[str, Outlet] = field(default_factory=dict)
    user_patterns: list[tuple[str, str]] = field(default_factory=list)  # (path glob or domain, outlet)
    axes: tuple[str, ...] = ()  # the user's own registry columns: more axes to count coverage on
    ambiguous: set[str] = field(default_factory=set)  # names several outlets bear

    def add(self, outlet: Outlet, override: bool = False) -> None:
        """Add an outlet under its domains and names; ``override``: a user's row replaces the
        shipped one of the same domain or name."""
        for domain in outlet.domains or ((outlet.domain,) if outlet.domain else ()):
            self.by_domain[domain.lower()] = outlet
        for name in (outlet.name, *outlet.aliases):
            key = name.lower()
            if override:
                self.by_name[key] = outlet
                self.ambiguous.discard(key)
            elif key in self.by_name and self.by_name[key] != outlet:
                self.ambiguous.add(key)  # "The Standard", "El País": several outlets, none guessed
            else:
                self.by_name[key] = outlet

    def for_article(self, outlet: str | None, domain: str | None) -> Outlet | None:
        """The registry's entry for an article's outlet: by its domain, else by its name."""
        return (self.for_domain(domain) if domain else None) or (self.for_name(outlet) if outlet else None)

    def for_domain(self, host: str) -> Outlet | None:
        host = host.lower().removeprefix("www.")
        parts = host.split(".")
        for i in range(len(parts) - 1):  # en.majalla.com → majalla.com
            found = self.by_domain.get(".".join(parts[i:]))
            if found:
                return found
        return None

    def for_name(self, name: str) -> Outlet | None:
        """The outlet of this name or alias; None when unknown or when several outlets bear it."""
        key = name.lower().strip()
        return None if key in self.ambiguous else self.by_name.get(key)

    def for_source(self, source: str, host: str | None) -> str | None:
        """The outlet a user's sources.csv gives for this file path or domain."""
        for pattern, outlet in self.user_patterns:
            if host and (host == pattern or host.endswith("." + pattern)):
                return outlet
            if fnmatch.fnmatch(source, pattern) or fnmatch.fnmatch(Path(source).name, pattern):
                return outlet
        return None


@cache
def default_directory() -> OutletDirectory:
    """The registry newsprism ships (registry.shipped_outlets)."""
    from newsprism.registry import shipped_outlets

    directory = OutletDirectory()
    for outlet in shipped_outlets():
        directory.add(outlet)
    return directory


def load_sources_csv(path: str) -> OutletDirectory:
    """A user's ``--sources`` file over the shipped registry: a CSV either of registry rows (the
    columns of registry.COLUMNS, at least ``name`` and ``domains``, plus any of the user's own) or of a mapping
    (``source``: file glob, path or domain; ``outlet``: its name). Registry rows are checked as
    the shipped ones are; the first problem stops the run, naming the row."""
    from newsprism.registry import check_registry, outlet_from_row

    base = default_directory()
    directory = OutletDirectory(
        by_domain=dict(base.by_domain), by_name=dict(base.by_name), ambiguous=set(base.ambiguous)
    )
    try:
        size = Path(path).stat().st_size
        if size > SOURCES_MAX_BYTES:
            raise InputError(
                path,
                f"{size / 1e6:.0f} MB, over the {SOURCES_MAX_BYTES / 1e6:.0f} MB limit for an outlet file",
            )
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [f.strip() for f in reader.fieldnames or ()]
            if len(header) > len(REGISTRY_COLUMNS) + SOURCES_MAX_USER_COLUMNS:
                raise InputError(
                    path, f"{len(header)} columns, over the limit of {SOURCES_MAX_USER_COLUMNS} of your own"
                )
            if len(set(header)) < len(header) or "" in header:
                raise InputError(path, "the header row has a blank or repeated column name")
            columns = set(header)
            rows = []
            for row in reader:
                rows.append(row)
                if len(rows) > SOURCES_MAX_ROWS:
                    raise InputError(path, f"more than {SOURCES_MAX_ROWS:,} rows")
    except OSError as exc:
        raise InputError(path, exc.strerror or "cannot read") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(path, f"not a readable CSV file ({exc})") from None
    if {"name", "domains"} <= columns:
        problems = check_registry(rows)
        if problems:
            raise InputError(
                path, problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
            )
        for row in rows:
            if (row.get("name") or "").strip():
                directory.add(outlet_from_row(row), override=True)
            source, outlet = (row.get("source") or "").strip(), (row.get("outlet") or "").strip()
            if source and outlet:  # a file may map inputs to outlets and describe outlets at once
                directory.user_patterns.append((source, outlet))
        # The user's own columns, in their order, as coverage axes: those some row fills.
        own = [c for c in header if c not in REGISTRY_COLUMNS and c not in ("source", "outlet")]
        directory.axes = tuple(c for c in own if any((row.get(c) or "").strip() for row in rows))
        return directory
    if not {"source", "outlet"} <= columns:
        raise InputError(
            path,
            'sources.csv needs a header row with the columns "source" and "outlet", '
            'or the registry columns ("name", "domains", "country", …)',
        )
    for number, row in enumerate(rows, start=2):
        source, outlet = (row.get("source") or "").strip(), (row.get("outlet") or "").strip()
        if not source or not outlet:
            raise InputError(f"{path}:{number}", 'row needs both "source" and "outlet"')
        directory.user_patterns.append((source, outlet))
    return directory


def domain_of(url: str | None) -> str | None:
    """The host name of a URL, without a leading ``www.``."""
    if not url:
        return None
    parts = _EXTRACT(url)
    if not parts.domain:
        return None
    host = ".".join(p for p in (parts.subdomain, parts.domain, parts.suffix) if p)
    return host.removeprefix("www.") or None


def registered_domain(host: str) -> str:
    parts = _EXTRACT(host)
    return ".".join(p for p in (parts.domain, parts.suffix) if p) or host


@dataclass
class OutletGuess:
    name: str | None
    evidence: str | None


def find_outlet(
    *,
    source: str,
    stated: str | None,
    host: str | None,
    byline: str | None,
    sitename: str | None,
    text: str,
    directory: OutletDirectory,
) -> OutletGuess:
    """The outlet, from the strongest evidence available, in this order:
    the record's own ``outlet``, the user's sources.csv, the URL's domain, the page's site name, a
    wire agency's dateline ("OTTAWA (Reuters) -"), a ``by <site>`` byline ("By Reuters Staff" is
    Reuters), and last a self-mention in the text ("told Sputnik")."""
    if stated:
        return OutletGuess(stated, "stated in the input record")
    mapped = directory.for_source(source, host)
    if mapped:
        return OutletGuess(mapped, "sources.csv")
    if host:
        known = directory.for_domain(host)
        if known:
            return OutletGuess(known.name, f"domain {host}")
    if sitename and not _looks_like_domain_only(sitename):
        return OutletGuess(sitename, "the page's site name")
    if host:
        return OutletGuess(registered_domain(host), f"domain {host} (not in the outlet list)")
    credit = dateline_agency(text, directory)
    if credit is not None:
        return OutletGuess(credit[0], f'dateline "{credit[1]}"')
    if byline and not is_person_byline(byline):
        newsroom = _NEWSROOM_WORDS.sub("", byline).strip() or byline
        known = directory.for_name(newsroom)
        name = known.name if known else newsroom.title() if newsroom.islower() else newsroom
        return OutletGuess(name, f'byline "by {byline}"')
    mentioned = self_mentions(text, directory)
    if len(mentioned) == 1:
        name, phrase = next(iter(mentioned.items()))
        return OutletGuess(name, f'self-mention "{phrase}"')
    return OutletGuess(None, None)


def dateline_agency(text: str, directory: OutletDirectory) -> tuple[str, str] | None:
    """The agency a dateline at the start of the text credits, with the dateline as written."""
    match = _DATELINE_CREDIT.match(text[:DATELINE_SEARCH_CHARS])
    if match is None:
        return None
    known = directory.for_name(match.group(1).strip())
    return (known.name, match.group(0).strip()) if known else None


def _looks_like_domain_only(name: str) -> bool:
    return "." in name and " " not in name


def self_mentions(text: str, directory: OutletDirectory) -> dict[str, str]:
    """Outlets the text names as the one it speaks for ("told Sputnik", "in an interview with Lenta.ru")."""
    found: dict[str, str] = {}
    for match in _SELF_MENTION.finditer(text):
        candidate = match.group(1).rstrip(".,;:")
        known = directory.for_name(candidate)
        if known is None:
            first = candidate.split()[0]
            known = directory.for_name(first) if first != candidate else None
        if known is not None:
            found.setdefault(known.name, match.group(0))
        elif _DOMAIN_LIKE.match(candidate):
            found.setdefault(candidate, match.group(0))
    return found


@cache
def _detector() -> LanguageDetector:
    """lingua in its low-accuracy mode: trigram models only, which spares loading the 1-, 2-, 4-
    and 5-gram models of every language the first time a short text comes (ECB+'s 982 articles:
    7.4 s and 716 MB → 1.9 s and 86 MB, every one detected as English both ways). On the 64
    translated test articles (ru, es, fr, ar) both modes name every language right from 300
    characters on; cut to 130 characters the low mode misses 1 (high: 0), to 100, 3 (high: 2).
    Articles are read from their first LANGUAGE_SAMPLE_CHARS, so only very short texts differ."""
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code)) for code in DETECTED_LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code, or None when the text is too short or the detector is unsure."""
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < LANGUAGE_MIN_LETTERS:
        return None
    values = _detector().compute_language_confidence_values(sample)
    if not values or values[0].value < LANGUAGE_MIN_CONFIDENCE:
        return None
    return values[0].language.iso_code_639_1.name.lower()


def normalize_language(code: str | None) -> str | None:
    """Accept 'en', 'EN', 'en-US', 'en_GB'; return the two-letter code or None."""
    if not code:
        return None
    primary = re.split(r"[-_]", code.strip())[0].lower()
    return primary if re.fullmatch(r"[a-z]{2}", primary) else None


def first_known(values: Iterable[str | None]) -> str | None:
    return next((v for v in values if v), None)


def normalize_published(value: str | None) -> str | None:
    """An ISO 8601 date or datetime, or None when the value is not a recognisable date."""
    if not value or not value.strip():
        return None
    from dateutil import parser as dateparser

    text = value.strip()
    try:
        parsed = dateparser.isoparse(text)
    except ValueError:
        try:
            parsed = dateparser.parse(text)
        except (ValueError, OverflowError):
            return None
    if parsed is None:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) or (
        (parsed.hour, parsed.minute, parsed.second) == (0, 0, 0) and ":" not in text
    ):
        return parsed.strftime("%Y-%m-%d")
    return parsed.isoformat()
