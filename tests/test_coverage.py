"""Who covered a story: per axis, the story's outlets and the comparable outlets of the corpus
that did not cover it, from the real registry, in the brief, its renderings and the database."""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path

from newsprism.analysis import analyze_story
from newsprism.clean import clean_document
from newsprism.coverage import Sighting, with_coverage
from newsprism.meta import default_directory
from newsprism.model import Brief, Story
from newsprism.read import read_inputs
from newsprism.registry import COLUMNS
from newsprism.render.html import render_html
from newsprism.render.json import brief_to_dict, validate_brief
from newsprism.render.markdown import render_markdown
from newsprism.store import open_store

from conftest import SAMPLE_DIR, run_cli


@cache
def sample_brief() -> Brief:
    articles = [clean_document(d) for d in read_inputs([str(SAMPLE_DIR)]) if not isinstance(d, Exception)]
    return analyze_story(Story.of(articles))


def _corpus(brief: Brief) -> list[Sighting]:
    """The sample's own articles and three more outlets: two that published the same days and
    one that published three months later (not comparable)."""
    return [
        *(Sighting.of(a) for a in brief.articles),
        Sighting("x1", "TASS", "tass.ru", "ru", "2023-06-19T10:00:00"),
        Sighting("x2", "BBC News", "bbc.co.uk", "en", "2023-06-21T08:00:00"),
        Sighting("x3", "Reuters", "reuters.com", "en", "2023-09-30T08:00:00"),
    ]


def test_coverage_by_country_and_ownership_names_who_covered_it_and_who_did_not() -> None:
    [brief] = with_coverage([sample_brief()], _corpus(sample_brief()), default_directory())
    by_axis = {c.axis: {v.value: v for v in c.values} for c in brief.coverage}
    assert set(by_axis) == {"country", "language", "ownership"}
    russia = by_axis["country"]["RU"]
    assert russia.present == ["Lenta.ru", "Sputnik"] and russia.absent == ["TASS"]
    assert by_axis["country"]["GB"].absent == ["BBC"] and not by_axis["country"]["GB"].present
    assert "Reuters" not in {n for v in by_axis["country"].values() for n in v.absent}  # months later
    assert by_axis["ownership"]["state"].present == ["Sputnik"]
    assert by_axis["ownership"]["agency"].absent == ["TASS"]
    facts = {f.article_id: f for f in brief.outlets}
    sputnik = next(f for f in brief.outlets if f.name == "Sputnik")
    assert (sputnik.country, sputnik.ownership, sputnik.evidence["ownership"]) == (
        "RU",
        "state",
        "wp-sputnik",
    )
    assert len(facts) == len(brief.articles)
    assert validate_brief(brief_to_dict(brief)) == []
    markdown = render_markdown(brief)
    assert "## Who covered it" in markdown and "RU: Lenta.ru, Sputnik" in markdown
    assert "| Sputnik | RU | state | Rossiya Segodnya | wp-sputnik |" in markdown
    html = render_html(brief)
    assert 'id="coverage"' in html and 'id="chart-outlet-kinds"' in html


def test_claims_only_one_side_reports_are_shared_claims_of_that_side_alone() -> None:
    [brief] = with_coverage([sample_brief()], _corpus(sample_brief()), default_directory())
    claims = {c.id: c for c in brief.claims}
    labels = {f.article_id: f.country for f in brief.outlets}
    for coverage in brief.coverage:
        for value in coverage.values:
            for claim_id in value.only_claim_ids:
                claim = claims[claim_id]
                assert claim.status == "shared"
                if coverage.axis == "country":
                    assert {labels[a] for a in claim.article_ids} == {value.value}


def test_a_users_registry_column_is_an_axis_of_the_cli_brief(tmp_path: Path) -> None:
    sources = tmp_path / "mine.csv"
    with open(sources, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*COLUMNS, "audience"])
        writer.writeheader()
        writer.writerow(
            {"name": "Sputnik", "domains": "sputniknews.com|sputnikglobe.com", "audience": "foreign"}
        )
        writer.writerow({"name": "Lenta.ru", "domains": "lenta.ru", "audience": "domestic"})
    out = tmp_path / "out"
    result = run_cli("analyze", str(SAMPLE_DIR), "-o", str(out), "--sources", str(sources))
    assert result.returncode == 0, result.stderr
    [brief_path] = out.glob("*/brief.json")
    data = json.loads(brief_path.read_text(encoding="utf-8"))
    assert validate_brief(data) == []
    audience = {c["axis"]: c for c in data["coverage"]}["audience"]
    values = {v["value"]: v["present"] for v in audience["values"]}
    assert values["foreign"] == ["Sputnik"] and values["domestic"] == ["Lenta.ru"]


def test_the_database_gives_the_outlets_of_a_window_for_coverage(db_url: str) -> None:
    brief = sample_brief()
    store = open_store(db_url)
    try:
        store.add_articles(brief.articles)
        everything = store.sightings()
        assert {s.id for s in everything} == {a.id for a in brief.articles}
        assert {s.outlet for s in store.sightings(("2023-06-20", "2023-06-21"))} >= {"Lenta.ru"}
        assert store.sightings(("2024-01-01", "2024-02-01")) == []
    finally:
        store.close()


def test_coverage_over_a_database_of_several_hundred_articles_is_exactly_its_outlets(db_url: str) -> None:
    from newsprism import __version__
    from newsprism.coverage import MAX_ABSENT_LISTED, story_coverage
    from newsprism.evaluation.unseen import all_ecb_stories
    from newsprism.model import Generator

    from conftest import DATA

    stories: dict[str, list] = {}
    articles = []
    for gold, members in all_ecb_stories(DATA / "stories" / "ecbplus.jsonl").items():
        if len(articles) >= 300:  # several hundred articles
            break
        stories[gold] = members
        articles += members
    store = open_store(db_url)
    try:
        assert not store.add_articles(articles).rejected
        corpus = store.sightings()
        for members in stories.values():
            brief = Brief(
                generated_by=Generator(version=__version__), story=Story.of(members).info(), articles=members
            )
            country = story_coverage(brief, corpus, default_directory())[0]
            present = {n for v in country.values for n in v.present}
            absent = {n for v in country.values for n in v.absent}  # the first MAX_ABSENT_LISTED by name
            assert present == {a.outlet for a in members}
            everyone = {a.outlet for a in articles}
            assert sum(v.absent_count for v in country.values) == len(everyone - present)
            assert absent <= everyone - present and len(absent) == min(
                MAX_ABSENT_LISTED, len(everyone - present)
            )
    finally:
        store.close()
