"""The language layer: sentences and entities (spaCy), entity resolution, quotes with speakers, dates.

``annotate`` runs the model once per article; ``analyze_language`` builds everything else of one
story from those annotations. Later stages read the :class:`LanguageLayer`, never spaCy directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from newsprism.lexicon import READER_LANGUAGE, script_of_language
from newsprism.model import DateExpression, Quote, TimelineEvent
from newsprism.nlp.annotate import AnnotatedArticle, annotate, load_model
from newsprism.nlp.dates import build_timeline, find_dates
from newsprism.nlp.entities import EntityIndex, resolve_entities
from newsprism.nlp.quotes import extract_quotes

__all__ = [
    "AnnotatedArticle",
    "LanguageLayer",
    "analyze_language",
    "annotate",
    "build_timeline",
    "extract_quotes",
    "find_dates",
    "load_model",
    "resolve_entities",
]


@dataclass(frozen=True)
class LanguageLayer:
    annotated: list[AnnotatedArticle]
    entities: EntityIndex
    quotes: list[Quote]
    dates: list[DateExpression]
    timeline: list[TimelineEvent]


def analyze_language(
    annotated: Sequence[AnnotatedArticle], reader_language: str = READER_LANGUAGE
) -> LanguageLayer:
    """Entities, quotes, dates and the timeline of one story's annotated articles; entities named
    and events told in ``reader_language`` where an article gives them so."""
    entities = resolve_entities(annotated, script_of_language(reader_language))
    dates = find_dates(annotated)
    return LanguageLayer(
        annotated=list(annotated),
        entities=entities,
        quotes=extract_quotes(annotated, entities),
        dates=dates,
        timeline=build_timeline(annotated, dates, reader_language),
    )
