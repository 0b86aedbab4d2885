"""Cleaning: what goes, what stays, what is mended — and the offset bookkeeping behind ``removed`` and ``repairs``."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from newsprism.clean import PARAGRAPH_SEPARATOR, CleanResult, clean_text, normalize_for_compare

STORY = [
    "The council voted on Monday to build a new bridge across the river.",
    "The bridge will cost about 4.2 million pounds, the transport committee said.",
    "“This is a good day for everyone who walks to work,” said councillor Amira Haddad.",
]


def removed_kinds(result: CleanResult) -> dict[str, str]:
    return {r.text: r.kind for r in result.removed}


def test_story_sentences_survive_and_boilerplate_goes() -> None:
    noise = [
        "Advertisement",
        "(Keep reading: Chinese FM to visit US after ‘constructive’ talks)",
        "Share this article",
        "#United #States #China #Beijing",
        "Leave a Comment",
        "Sign up for our daily newsletter",
        "Photo: Reuters/Jane Doe",
        "Additional reporting by John Smith",
    ]
    text = "\n\n".join([STORY[0], noise[0], noise[1], STORY[1], *noise[2:5], STORY[2], *noise[5:]])
    result = clean_text(text)
    assert result.text == PARAGRAPH_SEPARATOR.join(STORY)
    kinds = removed_kinds(result)
    assert kinds == {
        "Advertisement": "boilerplate",
        noise[1]: "link",
        "Share this article": "share",
        "#United #States #China #Beijing": "hashtags",
        "Leave a Comment": "comments",
        "Sign up for our daily newsletter": "boilerplate",
        "Photo: Reuters/Jane Doe": "caption",
        "Additional reporting by John Smith": "credit",
    }


def test_trigger_words_inside_a_story_sentence_do_not_remove_it() -> None:
    sentences = [
        "Share prices fell sharply after the ministry said it would review the contract.",
        "Comments by the minister on Tuesday angered the opposition, which called for a vote.",
        "Related talks in Geneva are expected to resume next week, officials said.",
    ]
    result = clean_text("\n\n".join(sentences))
    assert result.text == PARAGRAPH_SEPARATOR.join(sentences) and not result.removed


def test_related_headline_list_after_a_marker() -> None:
    text = "\n".join(
        [
            STORY[0],
            "You may also like...",
            "Who will make the Rock Hall in 2020?",
            "Doobie Brothers perform at Blossom",
            STORY[1],
        ]
    )
    result = clean_text(text)
    assert result.text == PARAGRAPH_SEPARATOR.join(STORY[:2])
    assert [r.kind for r in result.removed] == ["link", "link", "link"]


def test_repeated_paragraph_title_and_pull_quote() -> None:
    title = "Council approves river bridge"
    pull = "This is a good day for everyone who walks to work"
    text = "\n".join([title, STORY[0], pull, STORY[2], STORY[0]])
    result = clean_text(text, title=title)
    assert result.text == PARAGRAPH_SEPARATOR.join([STORY[0], STORY[2]])
    reasons = [r.reason for r in result.removed]
    assert reasons == ["repeats the title", "repeated inside paragraph 4 (pull quote)", "repeats paragraph 2"]


def test_article_pasted_twice_keeps_the_well_formed_copy() -> None:
    blob = "".join(STORY)  # pasted once without paragraph breaks
    result = clean_text("\n".join([blob, *STORY]))
    assert result.text == PARAGRAPH_SEPARATOR.join(STORY)
    assert result.removed[0].reason == "the same paragraphs appear again separately"


def test_pasted_blob_with_unique_sentences_is_kept() -> None:
    blob = STORY[0] + " The mayor did not attend the vote." + STORY[1]
    result = clean_text("\n".join([blob, STORY[0], STORY[1]]))
    assert "The mayor did not attend the vote." in result.text


def test_glued_words_and_sentences_are_split() -> None:
    text = (
        "The Chinese keep reminding us of the promises. Alexander LomanovHead of the Center for Asia-Pacific Studies\n\n"
        "The statement said. statementreleased as a result of negotiations.\n\n"
        "Senior officials, including Flashingbecame concerned at the end of last year.\n\n"
        "It is the People's Republic of China.Wang Yi's statement confirms it."
    )
    result = clean_text(text)
    for mended in ("Lomanov Head", "statement released", "Flashing became", "China. Wang"):
        assert mended in result.text
    assert {r.kind for r in result.repairs} == {"glued_words", "glued_sentences"}
    for repair in result.repairs:
        assert result.text[repair.start : repair.end] == repair.after


def test_brand_names_and_prefixes_are_not_split() -> None:
    text = "YouTube, PlayStation, BlackRock, McDonald and DeSantis were named alongside iPhone makers in the report."
    result = clean_text(text)
    assert result.text == text and not result.repairs


def test_glue_is_left_alone_outside_english() -> None:
    text = "La reunión terminó.Después hablaron los ministros durante dos horas."
    assert clean_text(text, language="es").text == text


def test_mojibake_is_fixed_and_recorded() -> None:
    text = "The ministerâ€™s statement was clear, said the spokesman on Monday evening."
    result = clean_text(text)
    assert result.text == "The minister’s statement was clear, said the spokesman on Monday evening."
    [repair] = result.repairs
    assert (
        repair.kind == "mojibake" and repair.before == "â€™" and result.text[repair.start : repair.end] == "’"
    )


def test_wrapped_lines_are_joined() -> None:
    first = "According to him, meetings between high-level officials are of great significance"
    result = clean_text(
        f"{first}\nin stabilizing relations, the expert said to the agency\n.\nNext paragraph."
    )
    assert (
        result.text == f"{first} in stabilizing relations, the expert said to the agency.\n\nNext paragraph."
    )
    # A short label above a URL is not a sentence cut in two.
    label = clean_text("BusinessInsiderDe\nhttps://www.example.com/logo.png\nStory text goes on here.")
    assert label.text == "BusinessInsiderDe\n\nStory text goes on here."


def test_captions() -> None:
    captions = [
        "US Secretary of State Antony Blinken (L) shakes hands with China's President Xi Jinping in Beijing.",
        "Antony Blinken gives a press conference after his visit to China.",
        "Joe Biden and Xi Jinping meeting last November.",
    ]
    not_captions = [
        "His meeting with Xi was only confirmed by the State Department shortly before it took place.",
        "Blinken gives no sign that Washington will change its policy, analysts said.",
    ]
    result = clean_text("\n\n".join([STORY[0], *captions, *not_captions, STORY[1]]))
    assert [r.kind for r in result.removed] == ["caption"] * 3
    for sentence in not_captions:
        assert sentence in result.text


def test_trailing_page_furniture() -> None:
    result = clean_text("\n".join([*STORY, "INTERNATIONAL WRITING", "TIME"]))
    assert result.text == PARAGRAPH_SEPARATOR.join(STORY)


# ---------------------------------------------------------------------------- properties

_WORDS = "the council minister said would meet talks river bridge city vote people week after before during new old".split()
_sentence = st.lists(st.sampled_from(_WORDS), min_size=6, max_size=14).map(
    lambda ws: " ".join(ws).capitalize() + "."
)
_paragraph = st.lists(_sentence, min_size=1, max_size=3).map(" ".join)
_NOISE = [
    "Advertisement",
    "Share this article",
    "Leave a Comment",
    "#one #two #three",
    "(Also read: What the minister said about the bridge)",
    "Photo: AFP",
    "Follow us on Twitter",
    "With information from AFP and EFE",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_paragraph, st.lists(st.sampled_from(_NOISE), max_size=2)), min_size=1, max_size=8))
def test_offsets_rebuild_the_input_and_no_story_sentence_is_lost(layout: list[tuple[str, list[str]]]) -> None:
    blocks: list[str] = []
    for paragraph, noise in layout:
        blocks.append(paragraph)
        blocks.extend(noise)
    result = clean_text("\n\n".join(blocks))

    # No story text is lost: each story paragraph is still there (a repeat or a paragraph contained
    # in a longer one, like a pull quote, survives inside the copy that was kept).
    kept = result.text.split(PARAGRAPH_SEPARATOR) if result.text else []
    clean_key = f" {normalize_for_compare(result.text)} "
    kept_words = Counter(normalize_for_compare(result.text).split())
    for paragraph, _ in layout:
        if f" {normalize_for_compare(paragraph)} " in clean_key:
            continue
        # The one allowed exception: a paragraph that is other paragraphs pasted together ("the
        # same paragraphs appear again separately"), whose every word the kept text still holds.
        assert any(
            r.kind == "duplicate" and normalize_for_compare(r.text) == normalize_for_compare(paragraph)
            for r in result.removed
        ), paragraph
        assert not Counter(normalize_for_compare(paragraph).split()) - kept_words, paragraph
    assert not any(normalize_for_compare(k) in {normalize_for_compare(n) for n in _NOISE} for k in kept)

    # `at` offsets point between kept paragraphs, in order, so the input can be rebuilt from them.
    ends = [0]
    position = 0
    for paragraph in kept:
        ends.append(position + len(paragraph))
        position += len(paragraph) + len(PARAGRAPH_SEPARATOR)
    previous = 0
    for removal in result.removed:
        assert removal.at in ends and removal.at >= previous
        previous = removal.at
    rebuilt: list[str] = []
    pending = list(result.removed)
    for index, paragraph in enumerate([None, *kept]):
        if paragraph is not None:
            rebuilt.append(paragraph)
        boundary = ends[index]
        while pending and pending[0].at == boundary:
            rebuilt.append(pending.pop(0).text)
    assert [normalize_for_compare(b) for b in rebuilt] == [normalize_for_compare(b) for b in blocks]

    for repair in result.repairs:
        assert result.text[repair.start : repair.end] == repair.after


def test_a_text_that_is_only_its_headline_keeps_it() -> None:
    headline = "Robbers in drag steal 80 million euros from Paris diamond store"
    assert clean_text(headline, title=headline).text == headline
    assert clean_text(headline, title=headline + " in biggest French heist").text == headline


def test_a_lead_sentence_used_as_title_is_not_dropped() -> None:
    lead = "A bomb exploded Friday at a bank branch in Woodburn, Oregon, killing a police officer."
    result = clean_text(f"{lead}\n\nThe chief was critically injured.", title=lead)
    assert result.text.startswith(lead)
