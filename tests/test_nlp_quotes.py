"""Direct and reported quotes and their speakers, on short real-style texts (which quotes are one
statement: tests/test_quote_groups.py)."""

from __future__ import annotations

import pytest

from newsprism.model import Quote
from newsprism.nlp import extract_quotes, resolve_entities
from newsprism.nlp.quotes import direct_quote_ranges

from nlp_helpers import story


def _quotes(*texts: str) -> list[Quote]:
    annotated = story(*texts)
    return extract_quotes(annotated, resolve_entities(annotated))


def _one(quotes: list[Quote], fragment: str) -> Quote:
    found = [q for q in quotes if fragment in q.text]
    assert len(found) == 1, f"{fragment!r}: {[q.text for q in quotes]}"
    return found[0]


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("“", "”"), ('"', '"'), ("«", "»"), ("„", "“"), ("‘", "’")],
)
def test_every_quotation_style_is_found_with_exact_offsets(opening: str, closing: str) -> None:
    text = f"The minister said: {opening}We will not give up the talks now.{closing} Then he left."
    (start, end), *_ = direct_quote_ranges(text)
    assert text[start:end] == "We will not give up the talks now."


def test_apostrophes_and_scare_quotes_are_not_quotes() -> None:
    text = "China’s ‘red lines’ and the Queens' College dispute were described as 'low point' matters."
    assert direct_quote_ranges(text) == []


def test_a_quote_running_over_paragraphs_is_one_quote() -> None:
    text = (
        "“We came to talk about the hard issues and we did so for many hours.\n\n"
        "“We will keep doing it, because the relationship demands it,” Blinken said."
    )
    ranges = direct_quote_ranges(text)
    assert len(ranges) == 1
    start, end = ranges[0]
    assert text[start:end].startswith("We came") and text[start:end].endswith("demands it,")


def test_speakers_of_direct_quotes() -> None:
    quotes = _quotes(
        "US Secretary of State Antony Blinken met Chinese President Xi Jinping on Monday. "
        "“It was clear coming in that the relationship was at a point of instability,” Blinken said at a press "
        "conference.\n\n"
        "“It was a real conversation, a productive exchange,” said a senior State Department official.\n\n"
        "Xi told his guest: “The two sides have made progress and reached agreement on some specific issues.”\n\n"
        "“Countries whose relations are deteriorating should communicate with each other,” he said.\n\n"
        "“Both sides agreed to continue pushing forward consultations on the guiding principles,” the Chinese "
        "readout said."
    )
    blinken_quote = _one(quotes, "point of instability")
    assert blinken_quote.kind == "direct" and blinken_quote.speaker is not None
    assert blinken_quote.speaker.name in {"Antony Blinken", "Blinken"} and blinken_quote.speaker.entity_id
    official = _one(quotes, "productive exchange")
    assert official.speaker is not None and official.speaker.entity_id is None
    assert official.speaker.role == "a senior State Department official"
    xi = _one(quotes, "made progress")
    assert xi.speaker is not None and xi.speaker.name == "Xi Jinping"
    pronoun = _one(quotes, "should communicate")
    assert pronoun.speaker is not None and pronoun.speaker.name == "Xi Jinping"
    readout = _one(quotes, "guiding principles")
    assert readout.speaker is not None and readout.speaker.role == "the Chinese readout"


def test_reported_speech_and_according_to() -> None:
    quotes = _quotes(
        "John Kirby, a spokesman for the National Security Council, told Sputnik that Beijing "
        "would not make concessions on Taiwan. According to Matthew Miller, the talks were candid and "
        "substantive. Miller said that both sides had agreed to keep channels of communication open."
    )
    kirby = _one(quotes, "would not make concessions")
    assert kirby.kind == "reported" and kirby.speaker is not None and kirby.speaker.name == "John Kirby"
    assert kirby.cue == "told"
    miller = _one(quotes, "the talks were candid")
    assert (
        miller.speaker is not None
        and miller.speaker.name == "Matthew Miller"
        and miller.cue == "according to"
    )
    agreed = _one(quotes, "keep channels")
    assert agreed.speaker is not None and agreed.speaker.name == "Matthew Miller"


def test_a_pull_quote_with_its_attribution_glued_after_it() -> None:
    quotes = _quotes(
        "Alexander Lomanov, head of the Center for Asia-Pacific Studies, spoke to us.\n\n"
        "“Talking alone does not lead to problem solving and reconciliation.” Alexander Lomanov Head of the "
        "Center for Asia-Pacific Studies"
    )
    pull = _one(quotes, "Talking alone")
    assert pull.speaker is not None and pull.speaker.name == "Alexander Lomanov"


def test_a_pull_quote_printed_without_quotation_marks() -> None:
    quotes = _quotes(
        "Economist Maria Chen of Harbor Bank spoke to reporters after the rate decision on Tuesday.\n\n"
        "Prices will keep rising until the supply chains recover. Maria Chen Chief Economist, Harbor Bank\n\n"
        "The bank kept its main rate unchanged."
    )
    pull = _one(quotes, "Prices will keep rising")
    assert pull.kind == "direct" and pull.cue == "pull quote"
    assert pull.text == "Prices will keep rising until the supply chains recover."
    assert pull.speaker is not None and pull.speaker.name == "Maria Chen"
