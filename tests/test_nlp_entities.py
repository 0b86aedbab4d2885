"""Entity resolution across spellings, outlets and roles, on short real-style texts."""

from __future__ import annotations

from newsprism.model import Entity
from newsprism.nlp import annotate, load_model, resolve_entities
from newsprism.nlp.annotate import MAX_PARAGRAPH_CHARS, paragraphs_of
from newsprism.nlp.entities import EntityIndex, fold, name_tokens

from nlp_helpers import article, story


def _entity_with(index: EntityIndex, surface: str) -> Entity:
    found = [e for e in index.entities if any(m.text == surface for m in e.mentions)]
    assert found, f"no entity mentioned as {surface!r}: {[e.name for e in index.entities]}"
    assert len(found) == 1, f"{surface!r} is a mention of several entities: {[e.name for e in found]}"
    return found[0]


def test_the_model_loads_once_per_process() -> None:
    assert load_model() is load_model()


def test_spellings_translations_surnames_and_titles_become_one_person() -> None:
    index = resolve_entities(
        story(
            "US Secretary of State Antony Blinken arrived in Beijing on Sunday for talks with Chinese officials. "
            "Blinken is the first secretary of state to visit China in five years.",
            "Anthony Blinken met Chinese President Xi Jinping on Monday. Later the Secretary of State told "
            "reporters that the talks had been candid.",
            "US Secretary of State Anthony Blink concluded a long-awaited visit to China on Monday.",
        )
    )
    blinken = _entity_with(index, "Antony Blinken")
    assert blinken.type == "PERSON"
    for surface in ("Anthony Blinken", "Anthony Blink", "Blinken", "Secretary of State"):
        assert _entity_with(index, surface).id == blinken.id
    assert {m.article_id for m in blinken.mentions} == {"a0", "a1", "a2"}
    assert any("Secretary of State" in role.text for role in blinken.roles)
    for role in blinken.roles:
        for span in role.support:
            assert span.text == role.text
    xi = _entity_with(index, "Xi Jinping")
    assert xi.id != blinken.id and any("President" in r.text for r in xi.roles)


def test_two_people_sharing_a_surname_stay_apart_and_a_bare_surname_joins_the_nearest() -> None:
    index = resolve_entities(
        story(
            "President Joe Biden signed the bill on Tuesday. Biden said the law would lower costs.",
            "Hunter Biden appeared in court in Wilmington on Wednesday. Biden pleaded not guilty to the charges.",
        )
    )
    joe = _entity_with(index, "Joe Biden")
    hunter = _entity_with(index, "Hunter Biden")
    assert joe.id != hunter.id
    bare = [(e.id, m.article_id) for e in index.entities for m in e.mentions if m.text == "Biden"]
    assert (joe.id, "a0") in bare and (hunter.id, "a1") in bare
    assert (joe.id, "a1") not in bare and (hunter.id, "a0") not in bare


def test_roles_are_kept_with_evidence_and_acronyms_join_their_expansion() -> None:
    index = resolve_entities(
        story(
            "Chinese Foreign Minister Qin Gang received his guest at the Diaoyutai State Guesthouse. "
            "John Kirby, a spokesman for the National Security Council, told reporters that the talks mattered. "
            "Kirby added that the Communist Party of China (CPC) "
            "had approved the agenda, and the CPC would review it."
        )
    )
    qin = _entity_with(index, "Qin Gang")
    assert [r.text for r in qin.roles] == ["Chinese Foreign Minister"]
    kirby = _entity_with(index, "John Kirby")
    assert kirby.type == "PERSON"
    assert _entity_with(index, "Kirby").id == kirby.id
    assert [r.text for r in kirby.roles] == ["spokesman for the National Security Council"]
    party = _entity_with(index, "Communist Party of China")
    assert _entity_with(index, "CPC").id == party.id
    assert party.name == "Communist Party of China" and party.aliases == ["CPC"]


def test_entity_ids_are_stable_and_mentions_are_exact_views() -> None:
    texts = ("Angela Merkel spoke in Berlin on Friday. Merkel said Germany would help.",)
    first, second = resolve_entities(story(*texts)), resolve_entities(story(*texts))
    assert [e.id for e in first.entities] == [e.id for e in second.entities]
    annotated = story(*texts)
    for entity in resolve_entities(annotated).entities:
        for m in entity.mentions:
            assert annotated[0].text[m.start : m.end] == m.text


def test_name_folding() -> None:
    assert fold("U.S.") == "us"
    assert fold("Zoë  Ball’s") == "zoe ball's"
    assert name_tokens("Mr. Antony J. Blinken") == ["antony", "j", "blinken"]


def test_articles_in_other_languages_get_no_annotations() -> None:
    russian = article("ru", "Госсекретарь США Энтони Блинкен прибыл в Пекин в воскресенье.")
    russian = russian.model_copy(update={"language": "ru"})
    (annotated,) = annotate([russian])
    assert annotated.paragraphs == ()
    assert resolve_entities([annotated]).entities == []


def test_a_huge_paragraph_is_parsed_in_pieces_with_exact_offsets() -> None:
    sentence = "Angela Merkel met Emmanuel Macron in Paris on Monday. "
    text = sentence * (3 * MAX_PARAGRAPH_CHARS // len(sentence))
    pieces = paragraphs_of(text)
    assert len(pieces) >= 3 and all(len(p) <= MAX_PARAGRAPH_CHARS for _, p in pieces)
    assert "".join(p for _, p in pieces) == text.rstrip("\n")
    for start, piece in pieces:
        assert text[start : start + len(piece)] == piece
