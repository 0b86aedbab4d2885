#!/usr/bin/env python3
"""Independent checks of outlets.csv / sources.csv against the quality bar; prints counts."""

import csv
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
# The registry newsprism ships: written into the package's data.
DATA = os.path.join(HERE, os.pardir, "src", "newsprism", "data")
# The columns again, not imported from newsprism.registry: this check is independent of the
# package (standard library only), so a bug in one is not repeated in the other.
COLUMNS = [
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
]
LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def load(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def main():
    a2 = {r["alpha_2"] for r in load(os.path.join(HERE, "raw", "ref", "iso3166-1.csv"))}
    l1 = {r["alpha_2"] for r in load(os.path.join(HERE, "raw", "ref", "iso639-1.csv"))}
    with open(os.path.join(DATA, "outlets.csv"), encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    rows = load(os.path.join(DATA, "outlets.csv"))
    sources = {r["key"]: r for r in load(os.path.join(DATA, "outlet-sources.csv"))}
    errors = []
    if header != COLUMNS:
        errors.append(f"header {header}")
    seen = {}
    for i, r in enumerate(rows, 2):
        if not r["name"].strip():
            errors.append(f"line {i}: empty name")
        doms = r["domains"].split("|")
        if not doms or not all(doms):
            errors.append(f"line {i}: empty domain")
        for d in doms:
            labels = d.split(".")
            if (
                len(labels) < 2
                or not all(LABEL.match(x) for x in labels)
                or labels[-1].isdigit()
                or d.startswith("www.")
                or "/" in d
                or ":" in d
            ):
                errors.append(f"line {i}: bad domain {d!r}")
            if d in seen:
                errors.append(f"line {i}: duplicate domain {d} (also line {seen[d]})")
            seen[d] = i
        if r["country"] and r["country"] not in a2:
            errors.append(f"line {i}: bad country {r['country']}")
        for code in filter(None, r["languages"].split("|")):
            if code not in l1:
                errors.append(f"line {i}: bad language {code}")
        if r["ownership"] not in ("", "state", "public", "private", "agency", "republisher"):
            errors.append(f"line {i}: bad ownership {r['ownership']}")
        for fld in ("country", "languages", "ownership", "parent"):
            v, s = r[fld], r[fld + "_source"]
            if v and not s:
                errors.append(f"line {i}: {fld} without source")
            if s and not v:
                errors.append(f"line {i}: {fld}_source without value")
            if s and s not in sources:
                errors.append(f"line {i}: unknown source key {s}")
    for k, s in sources.items():
        if not s["licence"] or not s["url"]:
            errors.append(f"source {k}: missing licence/url")
    countries = Counter(r["country"] for r in rows if r["country"])
    own = Counter(r["ownership"] for r in rows if r["ownership"])
    print(f"rows: {len(rows)}")
    print(f"domains: {len(seen)}")
    print(f"countries: {len(countries)}")
    print(f"rows with country: {sum(countries.values())}")
    print(f"rows with languages: {sum(1 for r in rows if r['languages'])}")
    print(f"rows with ownership: {sum(own.values())}  {dict(sorted(own.items()))}")
    print(f"rows with parent: {sum(1 for r in rows if r['parent'])}")
    print(f"sources: {len(sources)}")
    print("top countries:", countries.most_common(12))
    print(
        "facts per source key:",
        Counter(
            r[f + "_source"]
            for r in rows
            for f in ("country", "languages", "ownership", "parent")
            if r[f + "_source"]
        ).most_common(6),
    )
    print(f"errors: {len(errors)}")
    for e in errors[:50]:
        print("  ", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
