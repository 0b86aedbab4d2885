"""Entities across scripts (issue 14): named entities in French and Russian from their models, and
one entity for Blinken / Блинкен / بلينكن whatever script or case an outlet writes it in."""

from __future__ import annotations

import pytest

from newsprism.analysis import annotate_story
from newsprism.model import Article, Story
from newsprism.nlp.entities import resolve_entities
from newsprism.nlp.transliterate import skeleton, skeleton_variants, words_alike
from newsprism.parts import Parts


def _article(id: str, language: str, text: str) -> Article:
    return Article(
        id=id, source=id, outlet=id, domain=None, title=None, published=None, language=language, text=text
    )


@pytest.mark.parametrize(
    ("latin", "others"),
    [
        ("Blinken", ("Блинкен", "بلينكن", "Blinkén")),
        ("Trump", ("Трамп", "ترامب")),  # Arabic has no p
        ("Silverman", ("Сильверман", "سيلفرمان")),  # nor v
        ("Washington", ("Вашингтон",)),  # Arabic "واشنطن" drops the g: only loosely alike (below)
        ("Nixon", ("Никсон", "نيكسون")),  # Arabic "و" inside a word is a vowel
        ("Michael", ("Майкл", "مايكل")),
    ],
)
def test_a_name_has_one_skeleton_in_latin_cyrillic_and_arabic(latin: str, others: tuple[str, ...]) -> None:
    for other in others:
        assert words_alike(latin, other), (latin, other, skeleton(latin), skeleton_variants(other))


def test_clitics_and_case_endings_come_off_but_different_names_stay_apart() -> None:
    assert "blnkn" in skeleton_variants("وبلينكن")  # "and Blinken"
    assert "blnkn" in skeleton_variants("Блинкеном")  # instrumental case
    assert "rtm" in skeleton_variants("الخرطوم")  # "al-" Khartoum
    assert not words_alike("Biden", "Блинкен")
    assert not words_alike("Trump", "Трамп" + "ов")  # Trumpov is another name
    # Loosely alike only when the rest of a name agrees: "Тейшейре" for Teixeira.
    assert not words_alike("Teixeira", "Тейшейре") and words_alike("Teixeira", "Тейшейре", loose=True)
    assert not words_alike("Washington", "واشنطن") and words_alike("Washington", "واشنطن", loose=True)


ENGLISH = (
    "Secretary of State Antony Blinken met Chinese President Xi Jinping in Beijing on Monday.\n"
    "Blinken said the talks with China were candid and constructive."
)
RUSSIAN = (
    "Госсекретарь США Энтони Блинкен встретился в Пекине с председателем КНР.\n"
    "По словам Блинкена, переговоры были откровенными."
)
ARABIC = (
    "التقى وزير الخارجية الأمريكي أنتوني بلينكن الرئيس الصيني في بكين يوم الاثنين.\n"
    "وقال بلينكن إن المحادثات كانت صريحة وبناءة، وذلك بدون أي اتفاق."
)
FRENCH = "Le secrétaire d'État Antony Blinken a rencontré le président chinois à Pékin lundi."


def _entities(*articles: Article):  # type: ignore[no-untyped-def]
    story = Story(id="blinken", articles=list(articles))
    return resolve_entities(annotate_story(story, Parts.default()))


def test_one_person_across_english_russian_arabic_and_french() -> None:
    articles = (
        _article("en", "en", ENGLISH),
        _article("ru", "ru", RUSSIAN),
        _article("ar", "ar", ARABIC),
        _article("fr", "fr", FRENCH),
    )
    entities = _entities(*articles)
    blinken = next(e for e in entities.entities if e.name == "Antony Blinken")
    assert blinken.type == "PERSON"
    texts = {a.id: a.text for a in articles}
    by_article: dict[str, set[str]] = {}
    for mention in blinken.mentions:
        assert texts[mention.article_id][mention.start : mention.end] == mention.text  # exact offsets
        by_article.setdefault(mention.article_id, set()).add(mention.text)
    assert by_article["ru"] == {"Энтони Блинкен", "Блинкена"}  # natasha's mention and its genitive
    # Found by their skeletons, given name and all: no Arabic NER model ships on PyPI.
    assert by_article["ar"] == {"أنتوني بلينكن", "بلينكن"}
    assert "Antony Blinken" in by_article["fr"]
    assert {"Энтони Блинкен", "Блинкена", "أنتوني بلينكن"} <= set(blinken.aliases)
    # "بدون" (without) has Biden's skeleton; it is a common word, and no Biden is in the story.
    assert not any("بدون" in m.text for e in entities.entities for m in e.mentions)


def test_french_and_russian_entities_come_from_their_models() -> None:
    entities = _entities(_article("fr", "fr", FRENCH), _article("ru", "ru", RUSSIAN))
    types = {e.name: e.type for e in entities.entities}
    blinken = next(e for e in entities.entities if e.name == "Antony Blinken")  # the Latin spelling names it
    assert blinken.type == "PERSON"
    assert {m.article_id for m in blinken.mentions} == {"fr", "ru"}
    assert types.get("КНР") == "GPE" and types.get("Pékin") == "GPE"


def test_ordinary_words_in_other_scripts_are_not_names_spelled_alike() -> None:
    # Each of these words has the skeleton of a name in the story: "решение" (decision) and "клуб"
    # (club) are lower case, so not Russian names; "أكثر" (more) begins with a vowel where Qatar
    # begins with a consonant; "وبدون" is "and" + "بدون" (without), a common word, not Biden.
    english = _article(
        "en", "en", "Joe Biden met the emir of Qatar in Doha. Dmytro Kuleba flew to Kherson on Monday."
    )
    russian = _article("ru", "ru", "Решение было принято в клубе. Кулеба прилетел в Херсон, сообщил клуб.")
    arabic = _article("ar", "ar", "التقى بايدن أمير قطر، وقال إن الاتفاق أكثر أهمية وبدون شروط.")
    entities = _entities(english, russian, arabic)
    found = {m.text for e in entities.entities for m in e.mentions if m.article_id != "en"}
    assert {"Кулеба", "Херсон", "بايدن", "قطر"} <= found
    assert not found & {"решение", "Решение", "клубе", "клуб", "أكثر", "وبدون", "بدون"}


def test_a_language_without_word_frequencies_is_analysed_not_refused() -> None:
    # wordfreq has no list for Uyghur ("ug"); its words count as rare, as names do.
    entities = _entities(_article("en", "en", ENGLISH), _article("ug", "ug", "بلىنكېن بېيجىڭغا باردى."))
    assert any(e.name == "Antony Blinken" for e in entities.entities)


def test_a_one_letter_given_name_skeleton_must_begin_alike() -> None:
    assert words_alike("Anna", "Анна") and words_alike("Ian", "Ян")
    assert not words_alike("Ian", "Анна")  # both "n" once vowels go
