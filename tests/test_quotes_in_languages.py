"""Quotes in each language's quotation marks, with speakers found by the language's speech verbs
(data/<language>/speech-verbs.txt) where no parser runs (issue 14)."""

from __future__ import annotations

import pytest

from newsprism.analysis import annotate_story
from newsprism.compare import Comparison, compare_story
from newsprism.lexicon import is_written_speech_verb
from newsprism.model import Article, Story
from newsprism.nlp import analyze_language
from newsprism.nlp.quotes import direct_quote_ranges
from newsprism.parts import Parts

# One statement as each press prints it: marks, verb and word order differ.
STATEMENTS = {
    "en": "Antony Blinken met Xi Jinping in Beijing.\n“We have made progress on a number of issues,” Blinken told reporters.",
    "ru": "Энтони Блинкен встретился с Си Цзиньпином в Пекине.\n«Мы добились прогресса по ряду вопросов», — заявил Блинкен журналистам.",
    "es": "Antony Blinken se reunió con Xi Jinping en Pekín.\n«Hemos logrado avances en varios temas», dijo Blinken a los periodistas.",
    "fr": "Antony Blinken a rencontré Xi Jinping à Pékin.\n« Nous avons fait des progrès sur plusieurs questions », a déclaré M. Blinken aux journalistes.",
    "ar": "التقى أنتوني بلينكن مع شي جين بينغ في بكين.\nوقال بلينكن للصحفيين: «لقد أحرزنا تقدما في عدد من القضايا».",
}
QUOTED = {
    "en": "We have made progress on a number of issues,",
    "ru": "Мы добились прогресса по ряду вопросов",
    "es": "Hemos logrado avances en varios temas",
    "fr": "Nous avons fait des progrès sur plusieurs questions",
    "ar": "لقد أحرزنا تقدما في عدد من القضايا",
}


def test_one_statement_quoted_in_five_languages_has_one_speaker() -> None:
    articles = _articles(STATEMENTS)
    layer = analyze_language(annotate_story(Story(id="s", articles=articles), Parts.default()))
    direct = {q.article_id: q for q in layer.quotes if q.kind == "direct"}
    assert set(direct) == set(STATEMENTS)
    for language, quote in direct.items():
        assert quote.text == QUOTED[language], language  # the marks, and French's inner spaces, left out
        assert quote.speaker is not None and quote.speaker.name == "Antony Blinken", language
    assert direct["ar"].cue == "وقال" and direct["ru"].cue == "заявил"


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("他说：「我们在多个问题上取得了进展。」", "我们在多个问题上取得了进展。"),
        (
            "Er sagte: „Wir haben in mehreren Fragen Fortschritte erzielt“.",
            "Wir haben in mehreren Fragen Fortschritte erzielt",
        ),
        (
            "« Nous avons fait des progrès sur plusieurs questions », a-t-il dit.",
            "Nous avons fait des progrès sur plusieurs questions",
        ),
    ],
)
def test_quotation_marks_of_other_languages(text: str, quoted: str) -> None:
    assert [text[s:e] for s, e in direct_quote_ranges(text)] == [quoted]


def test_written_speech_verbs_take_off_clitics_and_inversion() -> None:
    assert is_written_speech_verb("وقال", "ar") and is_written_speech_verb("déclare-t-il", "fr")
    assert is_written_speech_verb("Dijo", "es") and is_written_speech_verb("сообщила", "ru")
    assert not is_written_speech_verb("встретился", "ru") and not is_written_speech_verb("said", "xx")


def _articles(texts: dict[str, str]) -> list[Article]:
    """One article per text, its language the key's first two letters ("ru2" is Russian)."""
    return [
        Article(id=k, source=k, outlet=k, domain=None, title=None, published=None, language=k[:2], text=t)
        for k, t in texts.items()
    ]


def _compare(texts: dict[str, str]) -> Comparison:
    articles = _articles(texts)
    story = Story(id="s", articles=articles)
    parts = Parts.default()
    layer = analyze_language(annotate_story(story, parts))
    return compare_story(
        story,
        layer,
        parts.get_embedder(),
        cross_lingual=parts.cross_lingual_for(a.language for a in articles),
    )


def test_one_statement_in_five_languages_is_one_quote_group_and_a_different_one_is_not() -> None:
    texts = dict(STATEMENTS)
    # Blinken again in Russian, saying something else: same speaker, not a translation.
    texts["ru2"] = (
        "Энтони Блинкен провёл переговоры в Пекине.\n"
        "«Мы обсудили торговлю, климат и поставки фентанила», — сказал Блинкен."
    )
    comparison = _compare(texts)
    groups = {q.article_id: q.group_id for q in comparison.quotes if q.kind == "direct"}
    assert groups["en"] is not None
    assert {groups[k] for k in STATEMENTS} == {groups["en"]}, groups
    assert groups["ru2"] != groups["en"]


def test_a_fact_shared_across_languages_is_worded_in_english() -> None:
    comparison = _compare(STATEMENTS)
    across = [c for c in comparison.claims if "en" in c.article_ids and len(c.article_ids) >= 2]
    assert across, [(c.text, c.article_ids) for c in comparison.claims]
    english = {s.text for c in across for s in c.support if s.article_id == "en"}
    assert all(c.text in english for c in across)


def test_a_chinese_quote_opened_on_a_word() -> None:
    text = "外交部发言人表示「我们在多个问题上取得了进展」。"
    assert [text[s:e] for s, e in direct_quote_ranges(text)] == ["我们在多个问题上取得了进展"]


def test_without_a_parser_the_person_speaks_not_the_institution_beside_him() -> None:
    # "Газпрома" (ORG) is nearer the verb than the spokesman it employs.
    texts = {
        "ru": "«Мы не видим никаких перспектив для переговоров сейчас», — заявил представитель Газпрома Сергей Куприянов."
    }
    layer = analyze_language(annotate_story(Story(id="s", articles=_articles(texts)), Parts.default()))
    (quote,) = layer.quotes
    assert quote.speaker is not None and quote.speaker.name == "Сергей Куприянов"
