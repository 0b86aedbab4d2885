"""The reader's language (issue 14, ``--lang``): a story in five languages is worded in the
reader's language where an article gives it so, and every text in another language is shown as
written with its language marked, in JSON, Markdown and HTML."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from newsprism.analysis import analyze_story
from newsprism.errors import NewsprismError
from newsprism.model import Article, Brief, Story
from newsprism.parts import Parts
from newsprism.render.html import render_html
from newsprism.render.markdown import render_markdown

# Three outlets report one meeting, each in its language (the same facts, written by hand; the
# Russian one quotes Blinken and adds how long the talks lasted).
TEXTS = {
    "en": (
        "Antony Blinken met Xi Jinping in Beijing on Monday.\n\n"
        "The two sides agreed to keep talking and to stabilise relations, Blinken told reporters.\n\n"
        "Blinken is the first US secretary of state to visit China in five years."
    ),
    "ru": (
        "Энтони Блинкен встретился с Си Цзиньпином в Пекине в понедельник.\n\n"
        "Стороны договорились продолжить диалог и стабилизировать отношения, сообщил Блинкен журналистам.\n\n"
        "Блинкен стал первым госсекретарём США, посетившим Китай за пять лет.\n\n"
        "«Мы сделали важный шаг вперёд», — заявил Блинкен.\n\n"
        "Переговоры в Доме народных собраний продолжались почти три часа."
    ),
    "es": (
        "Antony Blinken se reunió con Xi Jinping en Pekín el lunes.\n\n"
        "Las dos partes acordaron seguir dialogando y estabilizar las relaciones, dijo Blinken a los periodistas.\n\n"
        "Blinken es el primer secretario de Estado de EE. UU. que visita China en cinco años."
    ),
}


def _brief(reader: str) -> Brief:
    articles = [
        Article(
            id=k,
            source=k,
            outlet=f"Outlet {k}",
            domain=None,
            title=None,
            published="2023-06-19",
            language=k,
            text=t,
        )
        for k, t in TEXTS.items()
    ]
    return analyze_story(Story(id="blinken", articles=articles), Parts(reader_language=reader))


@pytest.fixture(scope="module")
def in_english() -> Brief:
    return _brief("en")


@pytest.fixture(scope="module")
def in_russian() -> Brief:
    return _brief("ru")


def test_shared_claims_are_worded_in_the_readers_language(in_english: Brief, in_russian: Brief) -> None:
    for brief, reader in ((in_english, "en"), (in_russian, "ru")):
        assert brief.reader_language == reader
        shared = [c for c in brief.claims if c.status == "shared" and reader in c.article_ids]
        assert len(shared) >= 2, [(c.text, c.article_ids) for c in brief.claims]
        for claim in shared:
            assert claim.language == reader and claim.text in TEXTS[reader], claim
        for sentence in brief.summary:
            if reader in sentence.citations:
                assert sentence.language == reader and sentence.text in TEXTS[reader]


def test_entities_are_named_in_the_readers_script(in_english: Brief, in_russian: Brief) -> None:
    english_names = {e.name for e in in_english.entities if e.type == "PERSON"}
    russian_names = {e.name for e in in_russian.entities if e.type == "PERSON"}
    assert "Antony Blinken" in english_names
    assert "Энтони Блинкен" in russian_names and "Antony Blinken" not in russian_names


def test_texts_in_other_languages_are_marked_with_their_language(in_english: Brief) -> None:
    markdown = render_markdown(in_english)
    assert "2 of 3 articles are in Russian and Spanish" in markdown
    assert "nothing is machine-translated" in markdown
    # Every quote and claim line in another language carries its name; English ones none.
    for line in markdown.splitlines():
        if line.startswith("- ") and re.search("[А-яё]", line.split("(")[0]):
            assert "*(Russian)*" in line, line
        if line.startswith("- ") and line.endswith("*(Russian)*"):
            assert re.search("[А-яё]", line), line
    assert any(
        line.startswith("- **Antony Blinken**") and line.endswith("*(Russian)*")
        for line in markdown.splitlines()
    )
    assert any(
        line.startswith("- Only Outlet ru") and line.endswith("*(Russian)*") for line in markdown.splitlines()
    )
    html = render_html(in_english)
    assert re.search(r'<span lang="ru">[^<]*[А-яё][^<]*</span> <span class="lang">Russian</span>', html)
    assert '<article class="text" id="' in html and 'lang="es"' in html


def test_an_unknown_reader_language_is_refused_with_its_name(tmp_path: Path) -> None:
    with pytest.raises(NewsprismError, match="'xq'"):
        Parts(reader_language="xq")
    sample = tmp_path / "a.txt"
    sample.write_text("Antony Blinken met Xi Jinping in Beijing on Monday.", encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsprism.cli",
            "analyze",
            str(sample),
            "--lang",
            "english",
            "-o",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert errors == [
        "newsprism: error: --lang: unknown language 'english': give a code such as en, ru, es, fr or ar"
    ]
    assert not (tmp_path / "out").exists()


def test_a_fact_cites_and_dates_every_language_that_states_it(in_english: Brief) -> None:
    # Words cannot show that a Russian sentence states an English one; the multilingual model, at
    # the closeness of a sentence and its translation, can.
    meeting = next(s for s in in_english.summary if s.text.startswith("Antony Blinken met"))
    assert set(meeting.citations) == {"en", "ru", "es"}
    # One dated event, told in English, with the Russian and Spanish sentences as its support.
    (event,) = [e for e in in_english.timeline if e.date == "2023-06-19"]
    assert event.language == "en" and {s.article_id for s in event.support} == {"en", "ru", "es"}
