"""Dates in other languages (issue 14): expressions matched from dateparser's own month, weekday
and today/yesterday words for the language, resolved against the published date."""

from __future__ import annotations

import pytest

from newsprism.analysis import annotate_story
from newsprism.model import Article, DateExpression, Story
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


def _dates(language: str, text: str, published: str) -> list[DateExpression]:
    article = Article(
        id=language,
        source=language,
        outlet=language,
        domain=None,
        title=None,
        published=published,
        language=language,
        text=text,
    )
    return analyze_language(annotate_story(Story(id="s", articles=[article]), Parts.default())).dates


def test_a_month_and_year_is_a_month_and_a_noun_spelled_like_an_abbreviation_is_no_date() -> None:
    found = _dates("es", "La visita se aplazó en febrero de 2023. El mar estaba en calma.", "2023-06-19")
    assert [(d.text, d.value, d.precision) for d in found] == [("febrero de 2023", "2023-02", "month")]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # Russian months in the prepositional case, and a weekday only with its preposition:
        # "среда" alone is "environment".
        ("ru", "Переговоры прошли в марте. Окружающая среда важна. Он уехал в среду.", ["марте", "среду"]),
        # "esta mañana" is this morning, "mañana" alone tomorrow; "99 mayo" is no day of May.
        ("es", "Llegó esta mañana y vuelve mañana. Código 99 mayo.", ["mañana", "mayo"]),
        # French months are lower case: "Mars" inside a sentence is the planet.
        ("fr", "La sonde vers Mars partira en mars 2024.", ["mars 2024"]),
    ],
)
def test_words_spelled_like_dates_that_are_not(language: str, text: str, expected: list[str]) -> None:
    found = _dates(language, text, "2023-06-21")
    assert [d.text for d in found] == expected, [(d.text, d.value) for d in found]
    values = {d.text: d.value for d in found}
    if language == "ru":
        assert values["марте"] == "2023-03" and values["среду"] == "2023-06-21"
    if language == "es":
        assert values["mañana"] == "2023-06-22"
