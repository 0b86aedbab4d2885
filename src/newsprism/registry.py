"""Outlet knowledge as data: who an outlet is (country, languages, ownership, parent group), each
fact with the source that states it.

The registry newsprism ships (``data/outlets.csv``, its sources in ``data/outlet-sources.csv``)
was built from open, licensed lists (see ``data/OUTLETS.md``); a user's ``--sources`` file with the
same columns adds outlets or overrides them, and may add columns of its own — any extra column is
an axis coverage can be counted on. Unknown stays unknown: an empty cell is never filled in.

    python -m newsprism.registry check [FILE ...]    # every row checked; exit 1 on a problem
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import tldextract

# The registry's columns, in order; a fact column's source is in "<column>_source".
COLUMNS = (
    "name",
    "aliases",
    "domains",
    "country",
    "languages",
    "ownership",
    "parent",
    "country_source",
    "languages_source",
    "ownership_source",
    "parent_source",
)
FACTS = ("country", "languages", "ownership", "parent")
# What owns and runs an outlet. "state": owned or controlled by a government (not an independent
# public broadcaster); "public": a public-service broadcaster with statutory independence;
# "private": privately owned, commercial or not; "agency": a news agency (a state-owned one has its
# government as its parent); "republisher": a site that mainly runs others' texts.
OWNERSHIP_TYPES = ("state", "public", "private", "agency", "republisher")
SEPARATOR = "|"

# tldextract with its bundled Public Suffix List snapshot: it must never fetch the live list.
DOMAIN_PARTS = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"})

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True)
class Outlet:
    """One outlet: its names and domains, the facts known about it and, per fact, its source."""

    name: str
    domain: str | None = None  # the first of ``domains``
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    country: str | None = None  # ISO 3166-1 alpha-2
    languages: tuple[str, ...] = ()  # ISO 639-1
    ownership: str | None = None  # one of OWNERSHIP_TYPES
    parent: str | None = None
    evidence: dict[str, str] = field(default_factory=dict, hash=False, compare=False)  # fact → source key
    extra: dict[str, str] = field(default_factory=dict, hash=False, compare=False)  # a user's own columns

    def facts(self) -> dict[str, str]:
        """The known facts as text, the user's columns included (empty ones left out)."""
        known = {
            "country": self.country or "",
            "languages": SEPARATOR.join(self.languages),
            "ownership": self.ownership or "",
            "parent": self.parent or "",
            **self.extra,
        }
        return {key: value for key, value in known.items() if value}


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split(SEPARATOR) if part.strip())


def outlet_from_row(row: dict[str, str]) -> Outlet:
    """A registry row as an Outlet (its cells stripped; empty means unknown)."""
    cells = {key.strip(): (value or "").strip() for key, value in row.items() if key}
    domains = tuple(d.lower().removeprefix("www.") for d in _split(cells.get("domains")))
    extra = {key: value for key, value in cells.items() if key not in COLUMNS and value}
    extra.pop("source", None)
    extra.pop("outlet", None)
    return Outlet(
        name=cells.get("name", ""),
        domain=domains[0] if domains else None,
        aliases=_split(cells.get("aliases")),
        domains=domains,
        country=cells.get("country", "").upper() or None,
        languages=tuple(language.lower() for language in _split(cells.get("languages"))),
        ownership=cells.get("ownership", "").lower() or None,
        parent=cells.get("parent") or None,
        evidence={fact: cells[f"{fact}_source"] for fact in FACTS if cells.get(f"{fact}_source")},
        extra=extra,
    )


def shipped_rows() -> list[dict[str, str]]:
    """The rows of the registry newsprism ships, as written."""
    text = resources.files("newsprism.data").joinpath("outlets.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def shipped_outlets() -> tuple[Outlet, ...]:
    return tuple(outlet_from_row(row) for row in shipped_rows())


@cache
def shipped_sources() -> dict[str, dict[str, str]]:
    """The sources the shipped registry's facts come from: key → title, url, licence, notes."""
    text = resources.files("newsprism.data").joinpath("outlet-sources.csv").read_text(encoding="utf-8")
    return {row["key"]: row for row in csv.DictReader(text.splitlines())}


@cache
def _countries() -> frozenset[str]:
    from babel import Locale

    # CLDR's territories are ISO 3166-1's plus groupings, user-assigned and exceptionally reserved
    # codes, which are not countries: the EU, the eurozone, the UN, Outlying Oceania, X…, "unknown"
    # ZZ, Ascension or the Canary Islands (checked against Debian iso-codes' list: the same 249).
    codes = (str(code) for code in Locale("en").territories)
    return frozenset(
        code
        for code in codes
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES and code[0] != "X"
    )


@cache
def _languages() -> frozenset[str]:
    from babel import Locale

    return frozenset(str(code) for code in Locale("en").languages if len(str(code)) == 2)


def domain_problem(domain: str) -> str | None:
    """Why ``domain`` is not a registrable host name (labels of a–z, 0–9 and inner hyphens under
    a public suffix of tldextract's bundled list), or None."""
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return f"domain {domain!r} is not a host name"
    parts = DOMAIN_PARTS(domain)
    if not parts.suffix or not parts.domain:
        return f"domain {domain!r} has no known public suffix"
    return None


def check_registry(rows: Sequence[dict[str, str]], sources: Iterable[str] | None = None) -> list[str]:
    """Every problem of a registry's rows, one line each ("row 12: …"): a name, valid domains,
    no domain twice, ISO country and language codes, a known ownership type, and every fact with a
    source (one of ``sources`` when given)."""
    known_sources = set(sources) if sources is not None else None
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        if (
            not (row.get("name") or "").strip()
            and (row.get("source") or "").strip()
            and (row.get("outlet") or "").strip()
        ):
            continue  # a mapping row of a --sources file (an input to its outlet), not an outlet
        outlet = outlet_from_row(row)
        where = f"row {number}"
        if not outlet.name:
            problems.append(f"{where}: no name")
        for domain in outlet.domains:
            problem = domain_problem(domain)
            if problem:
                problems.append(f"{where}: {problem}")
            if domain in seen:
                problems.append(f"{where}: domain {domain!r} is already in row {seen[domain]}")
            seen.setdefault(domain, number)
        if outlet.country and outlet.country not in _countries():
            problems.append(f"{where}: country {outlet.country!r} is not an ISO 3166-1 alpha-2 code")
        for language in outlet.languages:
            if language not in _languages():
                problems.append(f"{where}: language {language!r} is not an ISO 639-1 code")
        if outlet.ownership and outlet.ownership not in OWNERSHIP_TYPES:
            problems.append(
                f"{where}: ownership {outlet.ownership!r} is not one of {', '.join(OWNERSHIP_TYPES)}"
            )
        for fact in FACTS:
            if (row.get(fact) or "").strip() and fact not in outlet.evidence:
                problems.append(f"{where}: {fact} has no source ({fact}_source is empty)")
            source = outlet.evidence.get(fact)
            if source and known_sources is not None and source not in known_sources:
                problems.append(f"{where}: {fact}_source {source!r} is not a listed source")
    return problems


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] != "check":
        print("usage: python -m newsprism.registry check [FILE ...]", file=sys.stderr)
        return 2
    paths = [Path(a) for a in args[1:]]
    failed = False
    if not paths:
        rows = shipped_rows()
        problems = check_registry(rows, shipped_sources())
        _report("the shipped registry", rows, problems)
        failed = bool(problems)
    for path in paths:
        rows = read_rows(path)
        problems = check_registry(rows)
        _report(str(path), rows, problems)
        failed = failed or bool(problems)
    return 1 if failed else 0


def _report(name: str, rows: Sequence[dict[str, str]], problems: Sequence[str]) -> None:
    outlets = [outlet_from_row(row) for row in rows]
    countries = {o.country for o in outlets if o.country}
    owned = sum(1 for o in outlets if o.ownership)
    print(
        f"{name}: {len(outlets)} outlets, {len(countries)} countries, {owned} with ownership; "
        f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"
    )
    for problem in problems:
        print(f"  {problem}")


if __name__ == "__main__":
    sys.exit(main())
