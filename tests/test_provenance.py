"""Provenance: agency credits, text reuse between a story's articles, and independent sources."""

from __future__ import annotations

import json
import time
from functools import cache

import pytest

from newsprism.analysis import analyze_story
from newsprism.clean import clean_document
from newsprism.meta import default_directory
from newsprism.model import Article, Story
from newsprism.provenance import (
    SAME_SOURCE_MIN_SHARE,
    find_credits,
    find_reuse,
    independent_sources,
    story_provenance,
    story_reuse,
)
from newsprism.read import read_inputs, text_document
from newsprism.render.json import brief_to_dict, validate_brief
from newsprism.render.markdown import render_markdown

from conftest import DATA, SAMPLE_DIR

PROVENANCE = DATA / "provenance"


@cache
def sample() -> list[Article]:
    return [clean_document(d) for d in read_inputs([str(SAMPLE_DIR)]) if not isinstance(d, Exception)]


def _article(text: str, name: str = "a.txt", **fields: str) -> Article:
    article = clean_document(text_document(name, text))
    return article.model_copy(update=fields) if fields else article


def _wire_and_rewrite(index: int = 0) -> tuple[str, str]:
    """A real wire article of the dev split and its hand-written re-publisher rewrite."""
    wires = [json.loads(line) for line in (PROVENANCE / "wires-dev.jsonl").read_text().splitlines()]
    rewrites = {
        row["id"]: row
        for row in map(json.loads, (PROVENANCE / "rewrites-dev.jsonl").read_text().splitlines())
    }
    wire = wires[index]
    rewrite = rewrites[wire["id"]]
    return "\n\n".join(wire["paragraphs"]), "\n\n".join(p["text"] for p in rewrite["paragraphs"])


def test_the_sample_republication_is_credited_to_afp_and_efe_and_a_photo_credit_is_not_its_text() -> None:
    directory = default_directory()
    credits = {a.outlet: find_credits(a, directory) for a in sample()}
    [time_news] = credits["Time News"]
    assert (time_news.kind, time_news.agencies) == ("credit line", ["AFP", "EFE"])
    assert time_news.text == "*With information from AFP and EFE"
    [majalla] = credits["Al Majalla"]
    assert (majalla.kind, majalla.agencies) == ("photo", ["AFP"])


def test_a_dateline_and_a_spanish_credit_line_name_their_agencies_with_spans() -> None:
    directory = default_directory()
    article = _article(
        "WASHINGTON (Reuters) - The Senate passed the bill on Tuesday after a long debate over its cost.\n\n"
        "The vote was 61 to 38, with several members of both parties crossing the aisle to support it.\n\n"
        "Con información de EFE y AFP."
    )
    found = {c.kind: c for c in find_credits(article, directory)}
    dateline = found["dateline"]
    assert dateline.agencies == ["Reuters"]
    assert dateline.text == "WASHINGTON (Reuters) -" == article.text[dateline.start : dateline.end]
    line = found["credit line"]
    assert line.agencies == ["EFE", "AFP"]
    assert article.text[line.start : line.end] == line.text
    brief = analyze_story(Story.of([article]))  # and the brief's span checks agree
    assert validate_brief(brief_to_dict(brief)) == []


def test_an_agency_alone_on_the_last_line_signs_the_text_off() -> None:
    article = _article(
        "The central bank raised its main interest rate by half a point on Thursday, its third rise.\n\n"
        "Economists had expected a smaller move after inflation eased slightly last month.\n\n"
        "— AP"
    )
    kinds = {c.kind: c.agencies for c in find_credits(article, default_directory())}
    assert kinds.get("sign-off") == ["Associated Press"]


def test_a_rewrite_of_a_real_wire_is_found_with_its_passages_and_counts_as_its_source() -> None:
    wire_text, rewrite_text = _wire_and_rewrite()
    wire = _article(wire_text, "wire.txt", published="2013-01-01")
    rewrite = _article(rewrite_text, "rewrite.txt", published="2013-01-02")
    reuse = find_reuse(rewrite, wire)
    assert reuse is not None and reuse.source_id == wire.id
    assert {m.kind for m in reuse.matches} == {"verbatim", "rewritten"}
    for match in reuse.matches:  # every passage is a span of its article's clean text
        assert rewrite.text[match.passage.start : match.passage.end].strip()
        assert wire.text[match.source.start : match.source.end].strip()
    sources, reasons = independent_sources([wire, rewrite], story_reuse([wire, rewrite]))
    if max(reuse.share, reuse.share_of_article) >= SAME_SOURCE_MIN_SHARE:
        assert sources[rewrite.id] == wire.id and "shorter text" in reasons[rewrite.id]
    else:
        assert sources[rewrite.id] == rewrite.id


def test_two_independent_reports_of_one_event_are_two_sources() -> None:
    first = _article(
        "Firefighters battled a blaze at a warehouse in the city's east on Monday night, officials said.\n\n"
        "No one was hurt, according to the fire department, which sent twelve engines to the scene.\n\n"
        '"It was a very difficult fire to put out because of the wind," said Chief Maria Lopez.'
    )
    second = _article(
        "A warehouse fire kept crews busy for hours as strong gusts fanned the flames late on Monday.\n\n"
        "Twelve engines responded and nobody was injured, a department spokesman told reporters.\n\n"
        '"It was a very difficult fire to put out because of the wind," said Chief Maria Lopez.',
        "b.txt",
    )
    assert find_reuse(second, first) is None  # one shared quotation is not reuse
    sources, _ = independent_sources([first, second], story_reuse([first, second]))
    assert sources[first.id] != sources[second.id]


def test_a_claim_a_rewrite_took_from_its_wire_is_not_corroboration_and_the_brief_says_so() -> None:
    wire_text, rewrite_text = _wire_and_rewrite(1)
    wire = _article(wire_text, "wire.txt", published="2013-01-01", outlet="Wire")
    rewrite = _article(rewrite_text, "rewrite.txt", published="2013-01-02", outlet="Reprint")
    brief = analyze_story(Story.of([wire, rewrite]))
    [found] = [p for p in brief.provenance if p.article_id == rewrite.id]
    assert found.reuses and found.reuses[0].source_id == wire.id
    taken = [(p.start, p.end) for r in found.reuses for p in r.passages]
    checked = 0
    for claim in brief.claims:
        in_rewrite = [s for s in claim.support if s.article_id == rewrite.id]
        taken_only = all(any(a < s.end and s.start < b for a, b in taken) for s in in_rewrite)
        if wire.id in claim.article_ids and in_rewrite and taken_only:
            assert (claim.sources, claim.status) == (1, "exclusive")  # taken, not confirmed
            checked += 1
    assert checked >= 2
    notes = render_markdown(brief)
    assert f"Reprint reuses {round(100 * found.reuses[0].share_of_source)} % of Wire’s text" in notes
    assert validate_brief(brief_to_dict(brief)) == []


def test_story_provenance_on_the_sample_is_valid_and_every_article_its_own_source() -> None:
    found = story_provenance(sample(), default_directory())
    assert [p.article_id for p in found] == [a.id for a in sample()]
    assert all(p.source_id == p.article_id for p in found)  # five outlets, five independent accounts


@pytest.mark.parametrize("copies", [2_300])
def test_a_text_of_one_sentence_repeated_is_compared_in_bounded_time(copies: int) -> None:
    sentence = "The minister said the talks in the capital would continue next week with both delegations."
    first = _article("\n\n".join(f"{sentence} Item {i}." for i in range(copies)))
    second = _article("\n\n".join(f"{sentence} Point {i}." for i in range(copies)), "b.txt")
    started = time.perf_counter()
    story_reuse([first, second])
    assert time.perf_counter() - started < 20


def test_citation_balance_counts_a_wire_and_its_rewrite_as_one_source() -> None:
    from newsprism.brief import citation_balance
    from newsprism.model import SummarySentence

    summary = [
        SummarySentence(text="a", citations=["wire", "rewrite"], claim_ids=["c1"]),
        SummarySentence(text="b", citations=["wire", "rewrite"], claim_ids=["c2"]),
        SummarySentence(text="c", citations=["other"], claim_ids=["c3"]),
    ]
    articles = ["wire", "rewrite", "other"]
    by_article = citation_balance(summary, articles)  # the rewrite reads as a third, independent voice
    by_source = citation_balance(summary, articles, {"rewrite": "wire"})  # two sources: cited 2 : 1
    assert by_source == 0.918 and by_article > by_source


def test_a_wire_run_by_more_outlets_than_the_trigram_cap_is_still_found_in_each() -> None:
    from newsprism.provenance import STORY_MAX_POSTINGS

    wire_text, rewrite_text = _wire_and_rewrite(2)
    wire = _article(wire_text, "wire.txt", published="2013-01-01")
    copies = [
        _article(f"{rewrite_text}\n\nReported for outlet number {i}.", f"r{i}.txt", published="2013-01-02")
        for i in range(STORY_MAX_POSTINGS + 10)
    ]
    found = story_reuse([wire, *copies])
    taken_from_wire = {r.article_id for r in found if r.source_id == wire.id}
    assert taken_from_wire == {c.id for c in copies}


def test_wire_copies_are_their_originals_source_without_being_aligned_again() -> None:
    wire_text, _ = _wire_and_rewrite(3)
    wire = _article(wire_text, "wire.txt", published="2013-01-01")
    copies = [wire.model_copy(update={"id": f"copy{i}", "copy_of": wire.id}) for i in range(3)]
    assert story_reuse([wire, *copies]) == []
    sources, reasons = independent_sources([wire, *copies], [])
    assert {sources[c.id] for c in copies} == {wire.id}
    assert all(reasons[c.id] == "a copy of the same text" for c in copies)
