"""Completeness: how much of real coverage the outlet registry knows, and coverage over a database.

    python bench/coverage_eval.py

1. The registry against real article URLs: of the 91 pages of the extraction benchmark
   (../shared/extraction: real articles from 77 sites), the share whose domain the registry
   knows, and with a country and an ownership fact.
2. Coverage over a database: the 982 ECB+ articles (each document its own outlet, as the ECB+
   evaluation treats them) stored in SQLite; for every one of the 86 stories, its coverage against
   the database's outlets. Checked: every story's present and absent outlets together are the
   database's outlets (those that did not cover it are all counted; the first 50 are listed by name).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine
from newsprism import __version__
from newsprism.coverage import story_coverage
from newsprism.evaluation.unseen import all_ecb_stories
from newsprism.meta import default_directory, domain_of
from newsprism.model import Brief, Generator, Story
from newsprism.store import open_store

REPO = Path(__file__).resolve().parent.parent
EXTRACTION = REPO.parent / "shared" / "extraction" / "ground-truth.jsonl"
CORPUS = REPO / "tests" / "data" / "stories" / "ecbplus.jsonl"


def registry_against_urls() -> None:
    if not EXTRACTION.exists():
        print(f"(skipped: {EXTRACTION} not here)")
        return
    directory = default_directory()
    rows = [json.loads(line) for line in EXTRACTION.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = Counter()
    for row in rows:
        outlet = directory.for_domain(domain_of(row["url"]) or "")
        found["known"] += outlet is not None
        found["country"] += bool(outlet and outlet.country)
        found["ownership"] += bool(outlet and outlet.ownership)
    n = len(rows)
    print(f"\nregistry against {n} real article URLs ({len({domain_of(r['url']) for r in rows})} sites)")
    for what in ("known", "country", "ownership"):
        print(f"  {what:10} {found[what] / n:.2f} ({found[what]}/{n})")


def coverage_over_a_database() -> None:
    stories = all_ecb_stories(CORPUS)
    articles = [a for members in stories.values() for a in members]
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/coverage.db")
        try:
            started = time.perf_counter()
            outcome = store.add_articles(articles)
            assert not outcome.rejected, outcome.rejected[:3]
            stored = time.perf_counter() - started
            started = time.perf_counter()
            directory = default_directory()
            outlets = {a.outlet for a in articles}
            consistent = 0
            for story_articles in stories.values():
                story = Story.of(story_articles)
                brief = Brief(
                    generated_by=Generator(version=__version__), story=story.info(), articles=story_articles
                )
                [country, *_] = story_coverage(brief, store.sightings(), directory)
                present = {n for v in country.values for n in v.present}
                missing = sum(v.absent_count for v in country.values)
                consistent += present == {a.outlet for a in story_articles} and missing == len(
                    outlets - present
                )
            counted = time.perf_counter() - started
        finally:
            store.close()
    print(f"\ncoverage over a database of {len(articles)} articles, {len(stories)} stories")
    print(
        f"  stories whose covering + not-covering outlets are exactly the database's: {consistent}/{len(stories)}"
    )
    print(
        f"  storing {stored:.1f} s; coverage of all stories {counted:.1f} s ({counted / len(stories) * 1000:.0f} ms a story)"
    )


def main() -> None:
    print(describe_machine())
    registry_against_urls()
    coverage_over_a_database()


if __name__ == "__main__":
    main()
