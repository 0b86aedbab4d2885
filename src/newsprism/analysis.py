"""One story's analysis, the same for every runner (the CLI, the engine's workers, the service):

    story → provenance → annotate → language → compare → perspectives → brief

Each stage is a plain function of earlier stages' results and of the parts it names, and says
what it needs and what it adds (as spaCy's pipeline components do). ``StoryPipeline`` checks
when it is built that every need is met, by the story, an earlier stage or the parts, so a
missing part fails at once with its name, not halfway through a corpus.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from newsprism.brief import build_brief
from newsprism.compare import compare_story
from newsprism.errors import NewsprismError
from newsprism.model import Brief, Story
from newsprism.nlp import AnnotatedArticle, analyze_language
from newsprism.parts import Parts
from newsprism.perspectives import describe_perspectives
from newsprism.provenance import reused_spans, story_provenance

Results = Mapping[str, Any]


@dataclass(frozen=True)
class Stage:
    name: str
    needs: tuple[str, ...]  # results of the story or of earlier stages
    parts: tuple[str, ...]  # kinds of part it uses (Parts fields)
    adds: str
    run: Callable[[Results, Parts], Any]


def annotate_story(story: Story, parts: Parts) -> list[AnnotatedArticle]:
    """Each article annotated by its language's annotator; an article of a language without one
    gets no annotations (no entities or quotes) rather than another language's guesses."""
    annotated: dict[str, AnnotatedArticle] = {}
    by_annotator: dict[int, tuple[Any, list[Any]]] = {}
    for article in story.articles:
        annotator = parts.annotator_for(article.language)
        if annotator is None:
            annotated[article.id] = AnnotatedArticle(article, ())
        else:
            by_annotator.setdefault(id(annotator), (annotator, []))[1].append(article)
    for annotator, articles in by_annotator.values():
        annotated.update((a.id, a) for a in annotator.annotate(articles))
    return [annotated[a.id] for a in story.articles]


STAGES: tuple[Stage, ...] = (
    # Provenance needs only the story's texts: done first, it gives a parse-ahead helper
    # (nlp/parse_ahead.py) that much longer to finish the parses annotation takes.
    Stage(
        "provenance",
        ("story",),
        (),
        "provenance",
        lambda r, p: story_provenance(r["story"].articles, p.get_directory()),
    ),
    Stage("annotate", ("story",), ("annotators",), "annotated", lambda r, p: annotate_story(r["story"], p)),
    Stage(
        "language",
        ("annotated",),
        (),
        "language",
        lambda r, p: analyze_language(r["annotated"], p.reader_language),
    ),
    Stage(
        "compare",
        ("story", "language", "provenance"),
        ("embedder",),
        "comparison",
        lambda r, p: compare_story(
            r["story"],
            r["language"],
            p.get_embedder(),
            p.get_judge(),
            cross_lingual=p.cross_lingual_for(a.language for a in r["story"].articles),
            reader_language=p.reader_language,
            sources={found.article_id: found.source_id for found in r["provenance"]},
            reused=reused_spans(r["provenance"]),
        ),
    ),
    Stage(
        "perspectives",
        ("story", "language", "comparison"),
        ("topic_clusterer",),
        "perspectives",
        lambda r, p: describe_perspectives(
            r["story"], r["language"], r["comparison"], p.get_topic_clusterer()
        ),
    ),
    Stage(
        "brief",
        ("story", "language", "comparison", "perspectives", "provenance"),
        (),
        "brief",
        lambda r, p: build_brief(
            r["story"], r["language"], r["comparison"], r["perspectives"], p.reader_language, r["provenance"]
        ),
    ),
)


class StoryPipeline:
    """The stages in order, checked against the parts when built."""

    def __init__(self, parts: Parts, stages: Sequence[Stage] = STAGES) -> None:
        available = {"story"}
        for stage in stages:
            missing = [need for need in stage.needs if need not in available]
            if missing:
                raise NewsprismError(
                    f"the {stage.name} stage needs {', '.join(missing)}, which no earlier stage adds"
                )
            lacking = [kind for kind in stage.parts if not parts.has(kind)]
            if lacking:
                raise NewsprismError(
                    f"the {stage.name} stage needs a part the pipeline lacks: {', '.join(k.replace('_', ' ') for k in lacking)}"
                )
            available.add(stage.adds)
        if "brief" not in available:
            raise NewsprismError("no stage adds the brief")
        self.parts = parts
        self.stages = tuple(stages)

    def results(self, story: Story) -> dict[str, Any]:
        """Every stage's result by name ("annotated", "language", "comparison", ..., "brief")."""
        results: dict[str, Any] = {"story": story}
        for stage in self.stages:
            results[stage.adds] = stage.run(results, self.parts)
        return results

    def run(self, story: Story) -> Brief:
        brief: Brief = self.results(story)["brief"]
        return brief


@cache
def story_pipeline(parts: Parts) -> StoryPipeline:
    """The checked pipeline for these parts, built once per process."""
    return StoryPipeline(parts)


def analyze_story(story: Story, parts: Parts | None = None) -> Brief:
    """The brief of one story, from its articles (annotation included): what every runner calls."""
    return story_pipeline(parts or Parts.default()).run(story)
