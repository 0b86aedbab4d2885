"""The swappable parts of the pipeline — embedder, contradiction judge, story and topic
clusterers, annotators per language — chosen by name, passed in from the top, and resolved once
per process.

``Parts`` holds only names, so it is frozen and pickles as it is: the CLI, the engine (each Ray
worker) and the service's workers pass the same ``Parts`` on, and each process loads each model
the first time a stage asks for it. A part is registered under a name (``register``), the way a
plug-in adds one; asking for an unknown name fails when ``Parts`` is built, naming the choices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from newsprism.errors import NewsprismError

if TYPE_CHECKING:
    from newsprism.compare.nli import ContradictionJudge
    from newsprism.embed import CrossLingual, Embedder
    from newsprism.meta import OutletDirectory
    from newsprism.nlp.annotate import Annotator
    from newsprism.perspectives import TopicClusterer
    from newsprism.stories import StoryClusterer

# kind → name → a function that builds the part (called once per process and name).
_FACTORIES: dict[str, dict[str, Callable[[], Any]]] = {
    "embedder": {},
    "judge": {},
    "story_clusterer": {},
    "topic_clusterer": {},
    "annotator": {},
}
NO_JUDGE = "none"


def register(kind: str, name: str, factory: Callable[[], Any]) -> None:
    """Make ``factory()`` available as the part ``name`` of ``kind`` (embedder, judge,
    story_clusterer, topic_clusterer, annotator)."""
    if kind not in _FACTORIES:
        raise NewsprismError(f"unknown kind of part {kind!r}; kinds: {', '.join(_FACTORIES)}")
    _FACTORIES[kind][name] = factory


def _register_builtins() -> None:
    from newsprism.compare.nli import AegisNli, NoContradictions
    from newsprism.embed import E5Small, HashedWords, MiniLMOnnx
    from newsprism.nlp.annotate import SpacyBlank, SpacyEnglish, french_annotator, russian_annotator
    from newsprism.perspectives import KMeansTopics
    from newsprism.stories import AverageLinkage

    for kind, name, factory in (
        ("embedder", "minilm", MiniLMOnnx),
        ("embedder", "hashed-words", HashedWords),
        ("embedder", "e5-small", E5Small),
        ("judge", NO_JUDGE, lambda: None),
        ("judge", "aegis", AegisNli),
        ("judge", "pass-through", NoContradictions),
        ("story_clusterer", "average-linkage", AverageLinkage),
        ("topic_clusterer", "k-means", KMeansTopics),
        ("annotator", "spacy-en", SpacyEnglish),
        ("annotator", "spacy-blank", SpacyBlank),
        ("annotator", "spacy-fr", french_annotator),
        ("annotator", "natasha-ru", russian_annotator),
    ):
        _FACTORIES[kind].setdefault(name, factory)


def known(kind: str) -> list[str]:
    _register_builtins()
    return sorted(_FACTORIES[kind])


@cache
def _instance(kind: str, name: str) -> Any:
    """The part, built once per process."""
    _register_builtins()
    return _FACTORIES[kind][name]()


@cache
def user_directory(path: str) -> OutletDirectory:
    """A user's outlet file over the shipped registry, read once per process."""
    from newsprism.meta import load_sources_csv

    return load_sources_csv(path)


@cache
def _cross_lingual(name: str, main_name: str) -> CrossLingual:
    from newsprism.embed import CrossLingual

    return CrossLingual(_instance("embedder", name), main_name)


@dataclass(frozen=True)
class Parts:
    """Which part of each kind the pipeline uses, and the reader's language. None: none (a stage that needs it refuses to
    be built, naming it). ``annotators``: (language, annotator) pairs; "en" also serves
    articles of unknown language; ``other_languages`` annotates the languages not listed there.
    ``cross_lingual``: the multilingual embedder that compares units in other languages with each
    other and with English ones (``embed.CrossLingual``); None leaves them to ``embedder``."""

    embedder: str | None = "minilm"
    cross_lingual: str | None = "e5-small"
    judge: str = NO_JUDGE
    story_clusterer: str | None = "average-linkage"
    topic_clusterer: str | None = "k-means"
    annotators: tuple[tuple[str, str], ...] = (("en", "spacy-en"), ("fr", "spacy-fr"), ("ru", "natasha-ru"))
    other_languages: str | None = "spacy-blank"
    # Not a part but the one setting that travels with them to every stage and worker: the language
    # the brief is read in (``--lang``). Claims, summary sentences and timeline events are worded
    # by an article in it when one is; entities are named in its script.
    reader_language: str = "en"
    # The user's outlet file (``--sources``: a sources.csv mapping and/or registry rows), added to
    # the registry newsprism ships; None: the shipped registry alone.
    sources: str | None = None

    def __post_init__(self) -> None:
        from newsprism.lexicon import check_language

        try:
            object.__setattr__(self, "reader_language", check_language(self.reader_language))
        except ValueError as exc:
            raise NewsprismError(f"reader language: {exc}") from None
        for kind, name in (
            ("embedder", self.embedder),
            ("embedder", self.cross_lingual),
            ("judge", self.judge),
            ("story_clusterer", self.story_clusterer),
            ("topic_clusterer", self.topic_clusterer),
            *(("annotator", annotator) for _, annotator in self.annotators),
            ("annotator", self.other_languages),
        ):
            if name is not None and name not in known(kind):
                raise NewsprismError(
                    f"unknown {kind.replace('_', ' ')} {name!r}; known: {', '.join(known(kind))}"
                )

    @classmethod
    def default(cls) -> Parts:
        return cls()

    @classmethod
    def from_names(cls, names: Mapping[str, str | None] | None = None, **more: str | None) -> Parts:
        """Parts from names as a user gives them (``--embedder``, ``--nli``, a config's keys);
        None or a missing key keeps the default."""
        chosen = {**(names or {}), **more}
        if "nli" in chosen:
            chosen["judge"] = chosen.pop("nli")
        allowed = {f.name for f in fields(cls)} - {"annotators", "sources"}
        unknown = sorted(set(chosen) - allowed)
        if unknown:
            raise NewsprismError(f"unknown part {unknown[0]!r}; parts: {', '.join(sorted(allowed))}")
        given = {
            key: value.strip().lower() for key, value in chosen.items() if value is not None and value.strip()
        }
        return replace(cls(), **cast(dict[str, Any], given))

    def has(self, kind: str) -> bool:
        if kind == "annotators":
            return bool(self.annotators)
        return getattr(self, kind) is not None

    def get_embedder(self) -> Embedder:
        if self.embedder is None:
            raise NewsprismError("no embedder among the parts")
        embedder: Embedder = _instance("embedder", self.embedder)
        return embedder

    def get_cross_lingual(self) -> CrossLingual | None:
        """What compares units across languages, or None when no multilingual embedder is chosen."""
        if self.cross_lingual is None:
            return None
        return _cross_lingual(self.cross_lingual, self.get_embedder().name if self.embedder else "")

    def cross_lingual_for(self, languages: Iterable[str | None]) -> CrossLingual | None:
        """``get_cross_lingual`` when one of ``languages`` is not English, else None (the
        multilingual model is loaded only for texts that need it)."""
        from newsprism.lexicon import reads_as_english

        if all(reads_as_english(language) for language in languages):
            return None
        return self.get_cross_lingual()

    def get_directory(self) -> OutletDirectory:
        """The outlet registry: the shipped one, with the user's ``sources`` file over it."""
        from newsprism.meta import default_directory

        return user_directory(self.sources) if self.sources else default_directory()

    def get_judge(self) -> ContradictionJudge | None:
        judge: ContradictionJudge | None = _instance("judge", self.judge)
        return judge

    def get_story_clusterer(self) -> StoryClusterer:
        if self.story_clusterer is None:
            raise NewsprismError("no story clusterer among the parts")
        clusterer: StoryClusterer = _instance("story_clusterer", self.story_clusterer)
        return clusterer

    def get_topic_clusterer(self) -> TopicClusterer:
        if self.topic_clusterer is None:
            raise NewsprismError("no topic clusterer among the parts")
        clusterer: TopicClusterer = _instance("topic_clusterer", self.topic_clusterer)
        return clusterer

    def parses_english_by_default(self) -> bool:
        """Whether English articles are annotated by the default spaCy model (``annotate``'s own),
        the one a ``parse_ahead`` helper runs."""
        from newsprism.lexicon import ENGLISH

        return (ENGLISH, "spacy-en") in self.annotators

    def annotator_for(self, language: str | None) -> Annotator | None:
        """The annotator of a language (English's for an undetected one), or None."""
        from newsprism.lexicon import ENGLISH, reads_as_english

        key = ENGLISH if reads_as_english(language) else language
        for annotated_language, name in self.annotators:
            if annotated_language == key:
                annotator: Annotator = _instance("annotator", name)
                return annotator
        if self.other_languages is None or key is None:
            return None
        fallback: Annotator = _instance("annotator", self.other_languages)
        return fallback
