"""Claims, alignment, omissions and conflicts on short multi-outlet stories (real model, real embedder)."""

from __future__ import annotations

from newsprism.compare import compare_story
from newsprism.compare.claims import split_units
from newsprism.embed import default_embedder
from newsprism.model import Article, Story, article_labels
from newsprism.nlp import analyze_language, annotate

from nlp_helpers import article


def _compare(*texts: str, published: str | None = "2024-03-07"):  # type: ignore[no-untyped-def]
    articles: list[Article] = [
        article(f"a{i}", text, published).model_copy(update={"outlet": f"Outlet {i}"})
        for i, text in enumerate(texts)
    ]
    layer = analyze_language(annotate(articles))
    return articles, layer, compare_story(Story.of(articles), layer, default_embedder(), min_confidence=0.0)


def test_units_drop_questions_and_fragments_and_keep_quotes_whole() -> None:
    articles = [
        article(
            "a0",
            "Why does the vote matter? The council approved the budget on Tuesday after a long debate. "
            "Read more\n\n"
            "“We did our job. The city will be better for it,” the mayor said.\n\n"
            "At least 12 people were hurt in the crash.",
        )
    ]
    layer = analyze_language(annotate(articles))
    units = split_units(layer.annotated, layer.entities, layer.quotes, layer.dates)
    texts = [u.text for u in units]
    assert not any(t.endswith("?") for t in texts)
    assert "Read more" not in texts
    assert any(t.startswith("“We did our job. The city will be better for it,”") for t in texts)
    crash = next(u for u in units if "12 people" in u.text)
    (quantity,) = crash.quantities
    assert (quantity.value, quantity.counted, quantity.approximate) == (12.0, "people", True)
    for unit in units:
        assert articles[0].text[unit.start : unit.end] == unit.text


def test_the_same_fact_in_two_outlets_is_one_shared_claim() -> None:
    _, _, comparison = _compare(
        "A magnitude 6.1 earthquake struck Aceh province on Tuesday. Schools in the city were closed for the week.",
        "An earthquake measuring 6.1 hit Indonesia's Aceh province on Tuesday. The president will visit the area.",
    )
    shared = [c for c in comparison.claims if c.status == "shared"]
    assert len(shared) == 1
    assert {s.article_id for s in shared[0].support} == {"a0", "a1"}
    assert {c.status for c in comparison.claims} == {"shared", "exclusive"}
    for claim in comparison.claims:
        assert len({s.article_id for s in claim.support}) == len(claim.support)  # one unit per outlet


def test_omissions_and_exclusive_claims_per_article() -> None:
    _, _, comparison = _compare(
        # (a looser paraphrase, "The owner was arrested later that day.", is one the same-fact
        # test of align.py now misses: closeness 0.68 alone is no evidence of one fact)
        "The factory fire killed three workers on Monday. Police arrested the owner later that day.",
        "Three workers died in a fire at the factory on Monday. Police arrested the owner of the factory.",
        "Three workers were killed when fire swept through the factory on Monday. The city declared three days of mourning for the victims.",
    )
    arrested = [c for c in comparison.claims if c.article_ids == ["a0", "a1"]]
    assert arrested and arrested[0].id in comparison.omitted["a2"]
    assert comparison.exclusive["a2"]  # the days of mourning


def test_conflicting_numbers_dates_and_negation_are_found() -> None:
    _, _, comparison = _compare(
        "The bus crash in the valley killed 7 people, police said. The court will hear the case on Tuesday "
        "morning in the capital. The two sides agreed to a ceasefire in the north.",
        "The bus crash in the valley killed 11 people, police said. The court will hear the case on Thursday "
        "morning in the capital. The two sides did not agree to a ceasefire in the north.",
    )
    kinds = {c.kind for c in comparison.conflicts}
    assert {"number", "date", "negation"} <= kinds
    number = next(c for c in comparison.conflicts if c.kind == "number")
    assert {s.value for s in number.sides} == {"7 people", "11 people"}


def test_bounds_and_estimates_are_not_conflicts() -> None:
    _, _, comparison = _compare(
        "At least 12 people died in the flooding in the valley, officials said.",
        "The flooding in the valley killed 15 people, officials said.",
    )
    assert not [c for c in comparison.conflicts if c.kind == "number"]


def test_undated_weekdays_and_ages_that_disagree_are_conflicts() -> None:
    _, _, comparison = _compare(
        "Roads around the store reopened on Saturday after the fire. Inmate Charles Comeaux, 49, escaped from a prison van in Texas.",
        "Roads around the store reopened on Sunday after the fire. Inmate Charles Comeaux, 47, escaped from a prison van in Texas.",
        published=None,
    )
    kinds = {c.kind: c for c in comparison.conflicts}
    assert {s.value for s in kinds["date"].sides} == {"saturday", "sunday"}
    assert {s.value for s in kinds["number"].sides} == {"49 age", "47 age"}


def test_the_same_role_held_by_different_people_is_an_entity_conflict() -> None:
    _, _, comparison = _compare(
        "On Sunday, Chinese Foreign Minister Wang Yi held talks with the visiting delegation in Beijing.",
        "On Sunday, Chinese Foreign Minister Qin Gang held talks with the visiting delegation in Beijing.",
    )
    entity = [c for c in comparison.conflicts if c.kind == "entity"]
    assert entity and {s.value for s in entity[0].sides} == {"Wang Yi", "Qin Gang"}
    # the story-wide office finding (sides: the titles) outranks the sentence-level one (the names)
    assert {s.text for s in entity[0].sides} in ({"Chinese Foreign Minister"}, {"Wang Yi", "Qin Gang"})


def test_lengths_and_times_of_day_that_disagree_are_conflicts() -> None:
    _, _, comparison = _compare(
        "The two leaders held a two-hour meeting at the Great Hall on Monday. The blast happened at 3 p.m. near the station.",
        "The two leaders held a 40-minute meeting at the Great Hall on Monday. The blast happened at 5:30 p.m. near the station.",
    )
    by_value = {frozenset(s.value for s in c.sides): c for c in comparison.conflicts}
    assert by_value[frozenset({"2 h", "40 min"})].kind == "number"
    assert by_value[frozenset({"15:00", "17:30"})].kind == "date"


def test_times_of_day_within_an_estimate_or_in_other_zones_agree() -> None:
    _, _, comparison = _compare(
        "The quake struck at about 7:30 a.m. local time, killing two people in the mountain villages.",
        "The quake struck at 7:37 a.m. local time, killing two people in the mountain villages.",
        "The quake struck at 0737 GMT, killing two people in the mountain villages.",
    )
    assert not comparison.conflicts


def test_spaced_decimals_and_bracketed_conversions_are_one_figure() -> None:
    _, _, comparison = _compare(
        "A 6. 1 - magnitude quake struck Aceh at a depth of 10 kilometres (6. 2 miles), the agency said.",
        "A 6.1-magnitude quake struck Aceh at a depth of six miles, the agency said.",
    )
    assert not [c for c in comparison.conflicts if c.kind == "number"]


def test_a_headline_and_its_lead_both_join_the_claim_they_state() -> None:
    _, _, comparison = _compare(
        "Chargers' Jamal Williams arrested for DUI\n\nChargers defensive tackle Jamal Williams was arrested early Sunday on suspicion of drunken driving.",
        "San Diego defensive tackle Jamal Williams was arrested early on Sunday on suspicion of drunk driving, police said.",
    )
    claim = next(c for c in comparison.claims if len(c.support) == 3)
    assert claim.article_ids == ["a0", "a1"]
    assert any(s.text.startswith("Chargers' Jamal Williams arrested") for s in claim.support)


def test_datelines_and_bylines_are_not_claims() -> None:
    articles = [
        article(
            "a0",
            "Last updated at 22:46 GMT\n\nBy Jane Roe\n\nThe champion stopped the challenger in the sixth round.",
        )
    ]
    layer = analyze_language(annotate(articles))
    texts = [u.text for u in split_units(layer.annotated, layer.entities, layer.quotes, layer.dates)]
    assert texts == ["The champion stopped the challenger in the sixth round."]


def test_a_bound_and_a_date_are_not_a_date_conflict() -> None:
    _, _, comparison = _compare(
        "Police officers would remain at the scene of the fire until Monday, police said.",
        "Police officers would remain at the scene of the fire, police said on Saturday.",
        published=None,
    )
    assert not [c for c in comparison.conflicts if c.kind == "date"]


def test_one_office_given_to_different_people_across_the_story() -> None:
    articles, _, comparison = _compare(
        "Chinese Foreign Minister Wang Yi held talks with Blinken on Sunday in Beijing.",
        "Blinken met Chinese Foreign Minister Qin Gang for seven hours. Qin accepted an invitation to Washington.",
        "The talks with Chinese Foreign Minister Qin Gang were candid, the State Department said.",
    )
    (office,) = [c for c in comparison.conflicts if {s.value for s in c.sides} == {"Wang Yi", "Qin Gang"}]
    assert office.kind == "entity"
    assert office.description.startswith("Outlet 0 gives the office of Chinese Foreign Minister to Wang Yi")
    assert {s.article_id for s in office.sides} == {"a0", "a1", "a2"}
    texts = {a.id: a.text for a in articles}
    for side in office.sides:
        assert texts[side.article_id][side.start : side.end] == side.text


def test_offices_of_different_countries_or_times_are_not_conflicts() -> None:
    _, _, comparison = _compare(
        "Russian Foreign Minister Sergei Lavrov spoke to reporters in Moscow about the talks.",
        "Chinese Foreign Minister Qin Gang spoke to reporters in Beijing about the talks.",
        "Former Chinese Foreign Minister Wang Yi spoke to reporters in Beijing about the talks.",
    )
    assert not [c for c in comparison.conflicts if c.kind == "entity"]


def test_a_name_spelled_differently_is_a_name_variant_not_a_conflict() -> None:
    _, _, comparison = _compare(
        "Antony Blinken arrived in Beijing on Sunday for talks with Chinese officials.",
        "Anthony Blinken arrived in Beijing on Sunday for talks with Chinese officials.",
    )
    assert not comparison.conflicts
    (variant,) = comparison.name_variants
    assert {s.value for s in variant.sides} == {"Antony Blinken", "Anthony Blinken"}


def test_an_unnamed_office_holder_with_another_title_is_an_entity_conflict() -> None:
    _, _, comparison = _compare(
        "The finance minister announced the new tax on imported cars on Friday.",
        "The economy minister announced the new tax on imported cars on Friday.",
    )
    (title,) = [c for c in comparison.conflicts if c.kind == "entity"]
    assert {s.value for s in title.sides} == {"finance minister", "economy minister"}


def test_articles_are_labelled_by_outlet_domain_or_file() -> None:
    one = article("a0", "text", outlet="Reuters")
    two = article("a1", "text", outlet="Reuters")
    three = article("a2", "text").model_copy(update={"domain": "example.org"})
    four = article("a3", "text")
    assert article_labels([one, two, three, four]) == {
        "a0": "Reuters",
        "a1": "Reuters (2)",
        "a2": "example.org",
        "a3": "unknown outlet (file a3.txt)",
    }
