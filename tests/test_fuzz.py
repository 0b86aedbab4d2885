"""Fuzzing the readers and the cleaner with random and adversarial text (hypothesis): huge tokens,
control characters, mixed scripts, broken and deeply nested HTML, random bytes and JSON lines.

Every input ends in a document or a one-line ``InputError`` naming it — never another exception —
and what comes out keeps its promises: offsets inside the text, the body a suffix of the input.
CI replays the same examples every run (conftest's "repeatable" profile); explore new ones with
HYPOTHESIS_PROFILE=explore.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprism.clean import clean_document, clean_text
from newsprism.errors import InputError
from newsprism.model import RawDocument
from newsprism.read import text_document
from newsprism.read.decode import decode_bytes
from newsprism.read.html import extract_html
from newsprism.read.jsonl import read_jsonl_lines
from newsprism.read.text import parse_text_header

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_WORDS = st.sampled_from(
    [
        "the", "minister", "said", "China.Wang", "LomanovHead", "statementreleased", "“quote”", '"', "«", "»",
        "Köln", "Москва", "北京", "القاهرة", "שלום", "😀", "\u200b", "\ufeff", "\x00", "\x1b[31m", "\t", "\r",
        "\n", "\n\n", "Advertisement", "Share", "#tag", "https://example.org/a", "(Reuters)", "7", "6. 1",
        "Ã©", "ﬁ", "\u202e", "\ud7ff",
    ]
)  # fmt: skip
# A huge run of one character, spliced into otherwise ordinary text.
_HUGE = st.builds(
    lambda c, n: c * n, st.sampled_from(["c", "aB", "x.Y", " ", "\n", "é", "—"]), st.integers(1000, 60_000)
)
_TEXT = st.builds(
    lambda parts, huge, at: " ".join([*parts[:at], huge, *parts[at:]]),
    st.lists(st.one_of(_WORDS, st.text(max_size=30)), max_size=80),
    st.one_of(st.just(""), _HUGE),
    st.integers(0, 80),
)


def _check_clean(text: str) -> None:
    result = clean_text(text)
    for repair in result.repairs:
        assert 0 <= repair.start <= repair.end <= len(result.text)
    for removal in result.removed:
        assert 0 <= removal.at <= len(result.text)


@FUZZ
@given(_TEXT)
def test_the_cleaner_takes_any_text(text: str) -> None:
    _check_clean(text)


@FUZZ
@given(_TEXT, st.sampled_from([None, "en", "de", "ru"]))
def test_documents_clean_into_articles_or_a_named_error(text: str, language: str | None) -> None:
    document = RawDocument(source="fuzz.txt", kind="text", text=text, language=language, title="A title")
    try:
        article = clean_document(document)
    except InputError as error:
        assert str(error).startswith("fuzz.txt: ") and "\n" not in str(error)
        return
    assert article.text.strip() and article.id


@FUZZ
@given(_TEXT)
def test_the_text_header_leaves_a_suffix_of_the_text(text: str) -> None:
    header = parse_text_header(text)
    assert text.endswith(header.body)
    try:
        document = text_document("fuzz.txt", text)
    except InputError as error:
        assert str(error).startswith("fuzz.txt: ")
        return
    assert document.kind == "text" and text.endswith(document.text or "")


@FUZZ
@given(st.binary(max_size=4000), st.sampled_from([None, "utf-8", "latin-1", "nonsense-charset"]))
def test_bytes_decode_or_are_refused_by_name(data: bytes, declared: str | None) -> None:
    try:
        text, warnings = decode_bytes("fuzz.bin", data, declared)
    except InputError as error:
        assert str(error).startswith("fuzz.bin: ")
        return
    assert isinstance(text, str) and all(w.startswith("fuzz.bin: ") for w in warnings)


_TAGS = st.sampled_from(
    ["div", "p", "span", "article", "script", "style", "table", "td", "b", "a", "h1", "li"]
)


@st.composite
def _html(draw: st.DrawFn) -> str:
    depth = draw(st.integers(0, 3000))
    tag = draw(_TAGS)
    inner = " ".join(draw(st.lists(st.one_of(_WORDS, st.text(max_size=20)), max_size=40)))
    broken = draw(st.booleans())
    closing = "" if broken else f"</{tag}>" * depth
    head = draw(
        st.sampled_from(["", "<html><head><title>T</title></head><body>", "<!doctype html><meta charset=x>"])
    )
    return f"{head}{f'<{tag}>' * depth}<p>{inner}</p>{closing}"


@FUZZ
@given(_html())
def test_html_of_any_shape_extracts_or_is_refused_by_name(html: str) -> None:
    try:
        document = extract_html(html, "fuzz.html")
    except InputError as error:
        assert str(error).startswith("fuzz.html: ")
        return
    assert document.source == "fuzz.html"
    if document.text:
        _check_clean(document.text)


@FUZZ
@given(
    st.lists(
        st.one_of(
            st.text(max_size=60),
            st.builds(
                lambda i, t, u: f'{{"id": {i!r}, "text": {t!r}, "url": {u!r}}}'.replace("'", '"'),
                st.text(max_size=8),
                st.text(max_size=40),
                st.text(max_size=20),
            ),
        ),
        max_size=10,
    )
)
def test_jsonl_lines_give_documents_or_named_errors(lines: list[str]) -> None:
    for item in read_jsonl_lines("fuzz.jsonl", lines):
        if isinstance(item, InputError):
            assert str(item).startswith("fuzz.jsonl") and "\n" not in str(item)
        else:
            assert item.record_id is not None
