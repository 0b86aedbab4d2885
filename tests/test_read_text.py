"""The plain-text header sniffer: the header lines real scraped text carries."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from newsprism.read.text import looks_like_title, parse_text_header, parse_timestamp, strip_title_breadcrumbs

BODY = "The minister arrived on Sunday. She met her counterpart for three hours.\n\nTalks continue today."


def test_date_prefix_with_title() -> None:
    header = parse_text_header(
        f" date 2023-06-20 Professor Lomanov: Normalization is in the interests of Russia\n\n{BODY}"
    )
    assert header.published == "2023-06-20"
    assert header.title == "Professor Lomanov: Normalization is in the interests of Russia"
    assert header.body == BODY


def test_date_prefix_followed_by_the_lead_paragraph() -> None:
    lead = "US Secretary of State concluded a visit to China Monday. The visit was an attempt to repair ties."
    header = parse_text_header(f" date 2023-06-20 {lead}\n\n{BODY}")
    assert header.published == "2023-06-20" and header.title is None
    assert header.body.startswith(lead)


def test_title_glued_to_url() -> None:
    header = parse_text_header(
        f"Blinken visits China in attempt to repair tieshttps://example.com/node/1/x\n{BODY}"
    )
    assert header.title == "Blinken visits China in attempt to repair ties"
    assert header.url == "https://example.com/node/1/x"
    assert header.body == BODY


def test_title_byline_and_timestamp() -> None:
    text = f"Balance of the visit to Beijing – Asia – International\n\nby time news\n\n2023-06-20 07:00:00\n\n{BODY}"
    header = parse_text_header(text)
    assert header.title == "Balance of the visit to Beijing"
    assert header.title_raw == "Balance of the visit to Beijing – Asia – International"
    assert header.byline == "time news"
    assert header.published == "2023-06-20T07:00:00"
    assert header.body == BODY
    assert [kind for kind, _ in header.lines] == ["title", "byline", "date"]


def test_no_header_leaves_text_untouched() -> None:
    text = (
        "China's stance on Taiwan is crucial. China and the US are trying to return to a formula.\nMore text."
    )
    header = parse_text_header(text)
    assert header.body == text and header.title is None and header.published is None


def test_timestamps() -> None:
    assert parse_timestamp("2023-06-20") == "2023-06-20"
    assert parse_timestamp("2023-02-30") is None
    assert parse_timestamp("June 20, 2023 07:00") == "2023-06-20T07:00:00"
    assert parse_timestamp("Published: 20.06.2023") == "2023-06-20"
    assert parse_timestamp("The talks lasted five hours") is None


def test_breadcrumbs_only_when_two_short_segments_trail() -> None:
    assert strip_title_breadcrumbs("Bridge approved – Analysis") == "Bridge approved – Analysis"
    assert strip_title_breadcrumbs("Bridge approved – News – Local") == "Bridge approved"


def test_titles_are_not_sentences() -> None:
    assert looks_like_title("Why was Blinken’s trip to China so important?")
    assert not looks_like_title("He said it was a productive meeting.")
    assert not looks_like_title("first words in lower case")


_line = st.text(alphabet=string.ascii_letters + string.digits + " .,:-–'’“”#/\t", max_size=120)


@given(st.lists(_line, max_size=12))
def test_body_is_always_a_suffix_of_the_input(lines: list[str]) -> None:
    text = "\n".join(lines)
    header = parse_text_header(text)
    assert text.endswith(header.body)
    # Every header line taken out stood before the body.
    head = text[: len(text) - len(header.body)]
    for _, line in header.lines:
        assert line in head


@given(
    st.text(alphabet=string.ascii_letters + " ", min_size=5, max_size=80).filter(
        lambda t: len(t.split()) >= 2
    ),
    st.dates(),
)
def test_date_and_title_round_trip(words: str, date: object) -> None:
    title = " ".join(words.split()).capitalize()
    header = parse_text_header(f" date {date} {title}\n\n{BODY}")
    assert header.published == str(date)
    assert header.title == title
    assert header.body == BODY
