"""Metadata: outlet from the strongest evidence, language, dates — unknown stays None."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.clean import clean_document
from newsprism.errors import InputError
from newsprism.meta import (
    default_directory,
    detect_language,
    domain_of,
    load_sources_csv,
    normalize_published,
    self_mentions,
)
from newsprism.model import RawDocument

TEXT = "The minister arrived in the capital on Sunday for talks with her counterpart that lasted three hours."


def doc(**fields: object) -> RawDocument:
    return RawDocument(**{"source": "article.txt", "kind": "text", "text": TEXT, **fields})  # type: ignore[arg-type]


def test_outlet_evidence_order(tmp_path: Path) -> None:
    assert clean_document(doc(outlet="Gazette", url="https://www.reuters.com/x")).outlet == "Gazette"
    article = clean_document(doc(url="https://www.reuters.com/world/x"))
    assert (article.outlet, article.domain, article.evidence["outlet"]) == (
        "Reuters",
        "reuters.com",
        "domain reuters.com",
    )
    unknown = clean_document(doc(url="https://news.small-town.example.org/a"))
    assert unknown.outlet == "example.org" and "not in the outlet list" in unknown.evidence["outlet"]
    assert clean_document(doc(byline="time news")).outlet == "Time News"
    person = clean_document(doc(byline="Jane Porter"))
    assert person.outlet is None and person.authors == ["Jane Porter"]
    sources = tmp_path / "sources.csv"
    sources.write_text("source,outlet\narticle.txt,Local Herald\nreuters.com,Reuters Wire\n")
    directory = load_sources_csv(str(sources))
    assert clean_document(doc(), directory).outlet == "Local Herald"
    assert (
        clean_document(doc(source="b.txt", url="https://www.reuters.com/x"), directory).outlet
        == "Reuters Wire"
    )


def test_self_mentions() -> None:
    directory = default_directory()
    assert self_mentions("Maslov, director of the institute, told Sputnik on Monday.", directory) == {
        "Sputnik": "told Sputnik"
    }
    assert self_mentions("In an interview with Lenta.ru, the professor said so.", directory) == {
        "Lenta.ru": "In an interview with Lenta.ru"
    }
    assert self_mentions("He told reporters that talks were useful.", directory) == {}
    # Two different outlets named: no single self-mention, so no outlet is claimed.
    article = clean_document(doc(text=TEXT + " He told Sputnik and later told CNN the same."))
    assert article.outlet is None


def test_bad_sources_csv(tmp_path: Path) -> None:
    bad = tmp_path / "s.csv"
    bad.write_text("file,name\na,b\n")
    with pytest.raises(InputError, match='columns "source" and "outlet"'):
        load_sources_csv(str(bad))


def test_language_detection() -> None:
    assert detect_language(TEXT) == "en"
    assert (
        detect_language(
            "El ministro llegó a la capital el domingo para mantener conversaciones con su homólogo."
        )
        == "es"
    )
    assert (
        detect_language("Министр прибыл в столицу в воскресенье для переговоров со своим коллегой.") == "ru"
    )
    assert detect_language("Short.") is None


def test_record_language_wins_and_is_normalised() -> None:
    assert clean_document(doc(language="en-GB")).language == "en"


def test_dates() -> None:
    assert normalize_published("2023-06-20") == "2023-06-20"
    assert normalize_published("2023-06-20T07:00:00+03:00") == "2023-06-20T07:00:00+03:00"
    assert normalize_published("Tue, 20 Jun 2023 07:00:00 GMT") == "2023-06-20T07:00:00+00:00"
    assert normalize_published("not a date") is None
    assert normalize_published(None) is None


def test_domains() -> None:
    assert domain_of("https://en.majalla.com/node/1") == "en.majalla.com"
    assert domain_of("https://www.bbc.co.uk/news") == "bbc.co.uk"
    assert domain_of(None) is None
