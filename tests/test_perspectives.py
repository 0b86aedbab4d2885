"""Perspectives per outlet: topics covered and skipped, voices with affiliations, tone, wording
(real model, real embedder)."""

from __future__ import annotations

from newsprism.analysis import analyze_story
from newsprism.model import Brief, Entity, EntityRole, Span, Story
from newsprism.perspectives import affiliation, tone_label

from nlp_helpers import article

PORT = (
    "The storm destroyed the harbour wall in Porto Novo on Monday, officials said. "
    "Dozens of fishing boats sank in the harbour during the night.\n\n"
)
SCHOOLS = (
    "All schools in the province will stay closed until Friday, the education ministry said. "
    "Teachers were asked to prepare lessons online for the week.\n\n"
)


def _brief(*texts: str) -> Brief:
    articles = [
        article(f"a{i}", text).model_copy(update={"outlet": f"Outlet {i}"}) for i, text in enumerate(texts)
    ]
    return analyze_story(Story.of(articles))


def test_topics_show_what_each_outlet_covers_and_skips() -> None:
    brief = _brief(PORT + SCHOOLS, PORT + SCHOOLS, PORT)
    views = {p.article_id: p for p in brief.perspectives}
    labels = [t.label for t in views["a0"].topics]
    assert len(labels) >= 2 and len(set(labels)) == len(labels)
    # Every article lists every topic, so a skipped one shows as 0.
    assert [t.label for t in views["a2"].topics] == labels
    assert any(t.share == 0 for t in views["a2"].topics)
    assert not any(t.share == 0 for t in views["a0"].topics)
    for view in views.values():
        assert abs(sum(t.share for t in view.topics) - 1) < 0.01


def test_voices_are_grouped_by_speaker_with_an_affiliation() -> None:
    brief = _brief(
        '"We will rebuild the harbour wall within a year," said Foreign Minister Sergei Lavrov. '
        '"The fleet is insured," Lavrov added. "The wall was too old," said Professor Marc Olsen, '
        "a coastal engineer at the University of Lisbon.\n\n" + PORT,
        PORT,
    )
    voices = {v.name: v for v in brief.perspectives[0].voices}
    assert voices["Sergei Lavrov"].quotes == 2 and voices["Sergei Lavrov"].affiliation == "official"
    assert voices["Marc Olsen"].affiliation == "expert"


def test_affiliation_reads_country_expert_media_and_unnamed_sources() -> None:
    minister = Entity(
        id="e1",
        name="Qin Gang",
        type="PERSON",
        roles=[
            EntityRole(
                text="Chinese Foreign Minister", support=[Span(article_id="a", start=0, end=1, text="x")]
            )
        ],
    )
    assert affiliation("Qin Gang", None, minister) == "Chinese official"
    assert affiliation("a senior State Department official", None, None) == "US official"
    assert affiliation("sources familiar with the talks", None, None) == "unnamed source"
    assert affiliation("Chinese state media", None, None) == "media"
    assert affiliation("Alexei Maslov", "director of the Institute of Asian Studies", None) == "expert"


def test_tone_toward_an_actor_follows_the_words_around_it() -> None:
    brief = _brief(
        "Mayor Tom Berg praised the rescue teams for their wonderful, brave and excellent work. " + PORT,
        "Mayor Tom Berg was blamed for the terrible, disastrous and shameful failure of the defences. "
        + PORT,
    )
    tones = {
        p.article_id: next(t for t in p.tone_by_actor if t.name == "Tom Berg") for p in brief.perspectives
    }
    assert tones["a0"].score > 0.3 and tones["a0"].label == "positive"
    assert tones["a1"].score < -0.3 and tones["a1"].label == "negative"
    assert tone_label(0.01) == "neutral"


def test_loaded_terms_are_an_outlets_own_repeated_words_not_its_quotes() -> None:
    regime = (
        "The regime sent troops to the border on Monday. The regime denied any plan to attack. "
        "Observers said the regime was testing its neighbours. The regime closed two crossings. "
        "Trade with the regime stopped. The regime recalled its envoy. The regime blamed its neighbours. "
        "Aid to the regime was frozen. The regime said the talks were over. "
        '"Our brave regime forces are heroic and glorious," a general said.\n\n'
    )
    plain = (
        "The government sent troops to the border on Monday. The government denied any plan to attack.\n\n"
    )
    brief = _brief(regime + PORT, plain + PORT, plain + PORT)
    terms = {p.article_id: [t.term for t in p.loaded_terms] for p in brief.perspectives}
    assert "regime" in terms["a0"]
    assert "glorious" not in terms["a0"] and "heroic" not in terms["a0"]  # inside the quote
    assert "regime" not in terms["a1"]
