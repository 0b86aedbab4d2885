"""Dates in other languages (issue 14): expressions matched from dateparser's own month, weekday
and today/yesterday words for the language, resolved against the published date."""

from __future__ import annotations

import pytest

from newsprism.analysis import annotate_story
from newsprism.model import Article, Story
from newsprism.nlp import analyze_language
from newsprism.parts import Parts

ARRIVALS = {
    "ru": "Блинкен прибыл в Пекин в воскресенье, 18 июня 2023 года. Вчера он встретился с Цинь Ганом.",
    "es": "Blinken llegó a Pekín el domingo 18 de junio de 2023. Ayer se reunió con Qin Gang. El mar estaba en calma.",
    "fr": "Blinken est arrivé à Pékin dimanche 18 juin 2023. Hier, il a rencontré Qin Gang.",
    "ar": "وصل بلينكن إلى بكين يوم الأحد 18 يونيو 2023. والتقى أمس مع تشين قانغ.",
}


@pytest.fixture(scope="module")
def dates():  # type: ignore[no-untyped-def]
    articles = [
        Article(id=k, source=k, outlet=k, domain=None, title=None, published="2023-06-19", language=k, text=t)
        for k, t in ARRIVALS.items()
    ]
    return analyze_language(annotate_story(Story(id="s", articles=articles), Parts.default())).dates


@pytest.mark.parametrize("language", list(ARRIVALS))
def test_a_written_date_a_weekday_and_yesterday_in_each_language(dates, language: str) -> None:  # type: ignore[no-untyped-def]
    found = [d for d in dates if d.article_id == language]
    text = ARRIVALS[language]
    for d in found:
        assert text[d.start : d.end] == d.text
    # The written date, Sunday in a Monday paper, and "yesterday" are all 18 June.
    assert len(found) == 3, [d.text for d in found]
    assert {(d.value, d.precision) for d in found} == {("2023-06-18", "day")}
    assert sum(not d.relative for d in found) == 1  # only the written date holds its year


def test_a_month_and_year_is_a_month_and_a_noun_spelled_like_an_abbreviation_is_no_date() -> None:
    article = Article(
        id="es",
        source="es",
        outlet="es",
        domain=None,
        title=None,
        published="2023-06-19",
        language="es",
        text="La visita se aplazó en febrero de 2023. El mar estaba en calma.",
    )
    found = analyze_language(annotate_story(Story(id="s", articles=[article]), Parts.default())).dates
    assert [(d.text, d.value, d.precision) for d in found] == [("febrero de 2023", "2023-02", "month")]
