"""Provenance: what each article of a story took from whom.

Two kinds of evidence. **Credits**: the agencies an article names as its source — a dateline
("BEIJING (Reuters) —"), a credit line cleaning set aside ("*With information from AFP and EFE",
"Con información de EFE"), a sign-off ("— AP"). A bare agency name next to a photo caption credits
the photo, not the text, and is kept apart. **Reuse**: passages of one article's text found in
another's, verbatim or rewritten, by local alignment of sentences (below). Both feed
``independent_sources``: articles whose text is one wire's count as one source wherever outlets
are counted (shared claims, omissions, the summary's citation balance).

Text reuse is found by hand-written local alignment, because the libraries that do it do not fit:
the MinHash of stories.find_copies estimates whole-text overlap, not which passages; passim and
TextPAIR run on Spark or as services; difflib's matching blocks break on a reordered paragraph.
Here: sentences are compared by their word trigrams outside quotation marks (two reporters
quoting one statement is not reuse) and by rapidfuzz's edit similarity; sentences
that share most of their wording are **seeds**; a sentence within REWRITE_REACH sentences of a
matched pair in both articles that shares enough of its content words with a sentence there is
**rewritten** from it, and matches chain on (how re-publishers trim, move and paraphrase a wire,
paragraph by paragraph). Thresholds below, chosen on the dev labels (tests/data/provenance).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from itertools import combinations

from rapidfuzz import fuzz

from newsprism.meta import DATELINE_SEARCH_CHARS, OutletDirectory
from newsprism.model import Article, Credit, Provenance, Removal, Reuse, ReusedPassage

# ---------------------------------------------------------------------------- thresholds
# A sentence pair shares this much of the shorter sentence's word trigrams (outside quotes), or
# this much edit similarity: one is a copy of the other (lightly edited).
SEED_MIN_CONTAINMENT = 0.4
SEED_MIN_RATIO = 80.0
# Words outside quotes a sentence needs to count as evidence ("He said." proves nothing), and
# word trigrams a seed pair must share whatever their share.
MIN_EVIDENCE_WORDS = 6
SEED_MIN_TRIGRAMS = 4
# Sentences longer than this together (run-on paragraphs, damaged text) are compared by trigram
# containment alone: the edit similarity's cost grows with the square of their length.
RATIO_MAX_WORDS = 400
# A sentence near a matched pair (up to REWRITE_REACH sentences away in both articles) is
# rewritten from a sentence there when they share this much of their content words.
REWRITE_REACH = 3
REWRITE_MIN_CONTENT = 0.4
REWRITE_MIN_SHARED_WORDS = 4
# Two articles reuse one text only with at least this many seeds: one shared stock sentence
# ("The company did not respond to a request for comment") is not a shared source.
MIN_SEEDS = 2
# One article's text is the other's (they count as one source) when this share of the shorter
# one's characters sits in passages found in the other.
SAME_SOURCE_MIN_SHARE = 0.5
# A trigram in more of one article's sentences than this is its furniture, not wording to match
# (and a text of one sentence repeated thousands of times must not cost millions of comparisons).
MAX_POSTINGS = 8
# A trigram in more of a story's articles than this pairs them with its earliest holders only
# (see story_reuse): a wire run by hundreds of outlets is still found, at a cost linear in them.
STORY_MAX_POSTINGS = 30

# Credits: a dateline at the start of the text ("BEIJING (Reuters) —", "MADRID, 5 jun (EFE).-",
# within meta.DATELINE_SEARCH_CHARS), a sign-off at its end ("— AP"), credit lines among its first
# and last paragraphs.
CREDIT_SEARCH_PARAGRAPHS = 2
# A credit names at most this many words per agency ("Agence France-Presse", "RIA Novosti"), and
# at most this many agencies are kept from one credit (a real one names two or three).
AGENCY_MAX_WORDS = 4
MAX_AGENCIES = 8

_DATELINE = re.compile(r"^\s*(?:[^\n()]{0,80}?)\(([A-Z][\w .&-]{0,30})\)\s*\.?\s*[-–—:]")
_SIGN_OFF = re.compile(r"[-–—]\s*\(?([A-Z][\w.&-]{1,20}(?:\s[A-Z][\w.&-]{1,20}){0,2})\)?\s*$")
_CREDIT_WORD = re.compile(r"[\w.&'’-]+")
_AGENCY_SEPARATORS = frozenset({"and", "y", "e", "et", "und", "и", "و", "&", "/", ","})

_PARAGRAPH = re.compile(r"[^\n]+")  # a line of the clean text, as nlp.annotate reads paragraphs
_WORD = re.compile(r"\w+(?:['’]\w+)*")
# Words inside multi-word names and titles: "Secretary of State", "Ministry of the Interior".
_NAME_CONNECTORS = frozenset({"of", "the", "for", "de", "del", "la", "du", "des", "al", "and"})
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’»)]*\s+(?=[\"“‘«(]?[A-ZА-ЯЁ\d])")
# Quoted passages: their words are the speaker's, shared by every outlet that quotes them. A
# quotation may run over several sentences, or to the paragraph's end (a quote continued in the
# next paragraph opens it again without closing). Found in one pass (``_blank_quotes``).
_OPENING_QUOTES = '"“«„'
_CLOSING_QUOTES = '"”»“'
QUOTE_MAX_CHARS = 1500
# Words too common to show a shared wording (function words, in English and beyond).
_COMMON_WORD_MAX_LENGTH = 3


@cache
def _credit_lines() -> tuple[re.Pattern[str], ...]:
    text = resources.files("newsprism.data").joinpath("credit-lines.txt").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return tuple(re.compile(line, re.IGNORECASE) for line in lines)


def _agency_names(text: str, directory: OutletDirectory) -> tuple[list[str], int, int]:
    """The known outlets a text names (registry names, in order), the words they take up and the
    text's words."""
    words = [w.strip(".,") for w in _CREDIT_WORD.findall(text)]
    words = [w for w in words if w]
    found: list[str] = []
    taken = 0
    i = 0
    while i < len(words):
        for size in range(min(AGENCY_MAX_WORDS, len(words) - i), 0, -1):
            # A credit writes an outlet's name capitalised: "con información de EFE" names EFE,
            # not the newspaper Información.
            if not words[i][0].isupper():
                continue
            outlet = directory.for_name(" ".join(words[i : i + size]))
            if outlet is not None:
                if outlet.name not in found:
                    found.append(outlet.name)
                taken += size
                i += size
                break
        else:
            taken += words[i].lower() in _AGENCY_SEPARATORS
            i += 1
    return found, taken, len(words)


def agencies_named(text: str, directory: OutletDirectory) -> list[str]:
    """The known outlets a credit names, in order, by their registry names: "With information
    from AFP and EFE" → AFP, EFE. A name the registry lacks is not guessed at."""
    return _agency_names(text, directory)[0]


def _only_agencies(text: str, directory: OutletDirectory) -> bool:
    """Whether a line is nothing but agency names ("AFP", "(Reuters)", "AP/EFE", "AFP and EFE")."""
    found, taken, words = _agency_names(text, directory)
    return bool(found) and taken == words


def _next_to_caption(removed: Sequence[Removal], index: int) -> bool:
    """A credit set aside where a caption was: it credits the photo."""
    at = removed[index].at
    neighbours = [removed[i] for i in (index - 1, index + 1) if 0 <= i < len(removed)]
    return any(r.kind == "caption" and r.at == at for r in neighbours)


def _in_text(kind: str, text: str, start: int, end: int, agencies: list[str]) -> Credit:
    """A credit standing in the text, its span trimmed of white space: ``text`` is exactly
    ``article.text[start:end]``, as every span of the brief."""
    piece = text[start:end]
    start += len(piece) - len(piece.lstrip())
    end -= len(piece) - len(piece.rstrip())
    return Credit(kind=kind, text=text[start:end], agencies=agencies[:MAX_AGENCIES], start=start, end=end)


def find_credits(article: Article, directory: OutletDirectory) -> list[Credit]:
    """The credits an article gives for its text: its dateline, credit lines cleaning set aside
    or left in its first and last paragraphs, a sign-off; a bare agency name beside a photo
    caption is a photo credit (kept, never counted as the text's source)."""
    credits: list[Credit] = []
    dateline = _DATELINE.match(article.text[:DATELINE_SEARCH_CHARS])
    if dateline:
        named = agencies_named(dateline.group(1), directory)
        if named:
            credits.append(_in_text("dateline", article.text, dateline.start(), dateline.end(), named))
    last_credit = max((i for i, r in enumerate(article.removed) if r.kind == "credit"), default=-1)
    for index, removal in enumerate(article.removed):
        if removal.kind != "credit":
            continue
        named = agencies_named(removal.text, directory)
        bare = _only_agencies(removal.text, directory)
        if bare and _next_to_caption(article.removed, index):
            kind = "photo"
        elif bare and index == last_credit and removal.at >= len(article.text.rstrip()):
            kind = "sign-off"  # "— AP" on its own line at the end, set aside by cleaning
        else:
            kind = "credit line"
        credits.append(
            Credit(kind=kind, text=removal.text, agencies=named[:MAX_AGENCIES], removed_at=removal.at)
        )
    paragraphs = [m for m in _PARAGRAPH.finditer(article.text) if m.group().strip()]
    searched = paragraphs[:CREDIT_SEARCH_PARAGRAPHS] + paragraphs[-CREDIT_SEARCH_PARAGRAPHS:]
    for paragraph in dict.fromkeys(searched):
        bare = _only_agencies(paragraph.group(), directory)
        if any(p.fullmatch(paragraph.group().strip()) for p in _credit_lines()) or bare:
            named = agencies_named(paragraph.group(), directory)
            if named:
                kind = "sign-off" if bare and paragraph is paragraphs[-1] else "credit line"
                credits.append(_in_text(kind, article.text, paragraph.start(), paragraph.end(), named))
    if paragraphs:
        last = paragraphs[-1]
        sign_off = _SIGN_OFF.search(last.group())
        named = agencies_named(sign_off.group(1), directory) if sign_off else []
        if sign_off and named and not any(c.start is not None and c.start >= last.start() for c in credits):
            start, end = last.start() + sign_off.start(), last.start() + sign_off.end()
            credits.append(_in_text("sign-off", article.text, start, end, named))
    return credits


@dataclass(frozen=True)
class Passage:
    """A sentence of an article: its offsets, its paragraph (0-based) and its wording outside quotes."""

    start: int
    end: int
    paragraph: int
    words: tuple[str, ...]
    quoted_words: tuple[str, ...] = ()  # every word, quotations included
    names: frozenset[int] = frozenset()  # positions in ``words`` of capitalised words (names, titles)

    @cached_property
    def trigrams(self) -> frozenset[tuple[str, str, str]]:
        """Word trigrams outside quotes, less those made of names and titles only ("US Secretary of
        State Antony Blinken" is how every outlet writes him, not a sign of copying)."""
        words, names = self.words, self.names
        return frozenset(
            (words[i], words[i + 1], words[i + 2])
            for i in range(len(words) - 2)
            if not all(k in names or words[k] in _NAME_CONNECTORS for k in (i, i + 1, i + 2))
        )

    @cached_property
    def content(self) -> frozenset[str]:
        return frozenset(w for w in self.words if len(w) > _COMMON_WORD_MAX_LENGTH or w.isdigit())


@dataclass(frozen=True)
class Match:
    """A passage of one article found in another: ``kind`` "verbatim" (a seed) or "rewritten"."""

    passage: Passage
    source: Passage
    kind: str
    similarity: float


@dataclass(frozen=True)
class TextReuse:
    """Passages of ``article_id`` found in ``source_id``'s text."""

    article_id: str
    source_id: str
    matches: tuple[Match, ...]
    share: float  # of the source's characters, found in the article
    share_of_article: float  # of the article's characters, found in the source


def _blank_quotes(paragraph: str) -> str:
    """The paragraph with its quotations blanked out (same length, so offsets hold): each opening
    mark to the next closing one, at most QUOTE_MAX_CHARS on, or to the paragraph's end. One pass
    over the marks, where a regular expression would rescan from every opening mark."""
    marks = [i for i, c in enumerate(paragraph) if c in _OPENING_QUOTES or c in _CLOSING_QUOTES]
    pieces: list[str] = []
    done = 0
    k = 0
    while k < len(marks):
        start = marks[k]
        if paragraph[start] not in _OPENING_QUOTES:
            k += 1
            continue
        following = marks[k + 1] if k + 1 < len(marks) else None
        if (
            following is not None
            and paragraph[following] in _CLOSING_QUOTES
            and following - start <= QUOTE_MAX_CHARS
        ):
            end, k = following + 1, k + 2
        elif following is None and len(paragraph) - start <= QUOTE_MAX_CHARS:
            end, k = len(paragraph), k + 1
        else:
            k += 1
            continue
        pieces += [paragraph[done:start], " " * (end - start)]
        done = end
    pieces.append(paragraph[done:])
    return "".join(pieces)


def passages_of(text: str) -> list[Passage]:
    """The sentences of a text by paragraph. A light splitter is enough: a missed boundary joins
    two sentences, which then match as one passage."""
    passages: list[Passage] = []
    paragraph = -1
    for block in _PARAGRAPH.finditer(text):
        if not block.group().strip():
            continue
        paragraph += 1
        # Quotations blanked out at the paragraph's scale, since they cross sentence boundaries.
        unquoted = _blank_quotes(block.group())
        offset = block.start()
        for piece in _SENTENCE_END.split(block.group()):
            at = text.find(piece, offset)
            if at < 0 or not piece.strip():
                continue
            offset = at + len(piece)
            inside = unquoted[at - block.start() : offset - block.start()]
            written = _WORD.findall(inside)
            words = tuple(w.lower() for w in written)
            every = tuple(w.lower() for w in _WORD.findall(piece))
            names = frozenset(k for k, w in enumerate(written) if w[0].isupper() or w[0].isdigit())
            passages.append(Passage(at, offset, paragraph, words, every, names))
    return passages


def _seed_similarity(a: Passage, b: Passage) -> float:
    """How much of its wording the shorter sentence shares with the other, 0–1."""
    if len(a.words) < MIN_EVIDENCE_WORDS or len(b.words) < MIN_EVIDENCE_WORDS:
        return 0.0
    ta, tb = a.trigrams, b.trigrams
    shared = len(ta & tb)
    if shared < SEED_MIN_TRIGRAMS:
        return 0.0
    containment = shared / min(len(ta), len(tb))
    if len(a.words) + len(b.words) > RATIO_MAX_WORDS:  # edit distance is quadratic: containment only
        return containment
    ratio = fuzz.ratio(" ".join(a.words), " ".join(b.words)) / 100.0
    return max(containment, ratio if ratio * 100 >= SEED_MIN_RATIO else 0.0)


def _carried_quote(a: Passage, b: Passage) -> float:
    """A sentence that is mostly quotation, copied with its quotation, next to copied text: the
    quotation alone proves nothing, in a copied run it is part of the copy."""
    if len(a.quoted_words) < MIN_EVIDENCE_WORDS or len(b.quoted_words) < MIN_EVIDENCE_WORDS:
        return 0.0
    if len(a.quoted_words) + len(b.quoted_words) > RATIO_MAX_WORDS:
        return 0.0
    ratio = fuzz.ratio(" ".join(a.quoted_words), " ".join(b.quoted_words))
    return ratio / 100.0 if ratio >= SEED_MIN_RATIO else 0.0


def _content_overlap(a: Passage, b: Passage) -> float:
    ca, cb = a.content, b.content
    shared = len(ca & cb)
    return shared / min(len(ca), len(cb)) if shared >= REWRITE_MIN_SHARED_WORDS else 0.0


@dataclass(frozen=True)
class ArticleText:
    """An article's passages and where each word trigram occurs, built once per story."""

    id: str
    passages: tuple[Passage, ...]

    @classmethod
    def of(cls, article: Article) -> ArticleText:
        return cls(article.id, tuple(passages_of(article.text)))

    @cached_property
    def postings(self) -> dict[tuple[str, str, str], tuple[int, ...]]:
        found: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for j, passage in enumerate(self.passages):
            for trigram in passage.trigrams:
                found[trigram].append(j)
        return {t: tuple(js) for t, js in found.items() if len(js) <= MAX_POSTINGS}


def find_reuse(article: Article, source: Article) -> TextReuse | None:
    """The passages of ``article`` taken from ``source`` (copied or rewritten), or None when the
    two share fewer than MIN_SEEDS copied sentences."""
    return reuse_between(ArticleText.of(article), ArticleText.of(source))


def reuse_between(article: ArticleText, source: ArticleText) -> TextReuse | None:
    """``find_reuse`` on texts already split (``ArticleText``)."""
    mine, theirs = article.passages, source.passages
    if len(article.postings.keys() & source.postings.keys()) < SEED_MIN_TRIGRAMS * MIN_SEEDS:
        return None
    seeds: dict[int, tuple[int, float]] = {}
    for i, passage in enumerate(mine):
        candidates = {j for t in passage.trigrams for j in source.postings.get(t, ())}
        best = max(((_seed_similarity(passage, theirs[j]), j) for j in candidates), default=(0.0, -1))
        if best[0] >= SEED_MIN_CONTAINMENT:
            seeds[i] = (best[1], best[0])
    # Seeds count by distinct sentences of the source, so one stock sentence repeated is one.
    if len({theirs[j].words for j, _ in seeds.values()}) < MIN_SEEDS:
        return None
    matches = {i: Match(mine[i], theirs[j], "verbatim", round(s, 3)) for i, (j, s) in seeds.items()}
    # Rewritten sentences: near a matched sentence in both texts (a re-publisher trims, merges
    # and reorders within a few sentences), each found one a new anchor, as far as they chain.
    anchors = sorted((i, j) for i, (j, _) in seeds.items())
    while anchors:
        i, j = anchors.pop()
        for k in range(i - REWRITE_REACH, i + REWRITE_REACH + 1):
            if k in matches or not 0 <= k < len(mine):
                continue
            window = range(max(0, j - REWRITE_REACH), min(len(theirs), j + REWRITE_REACH + 1))
            copied = max(((_carried_quote(mine[k], theirs[m]), m) for m in window), default=(0.0, -1))
            if copied[0] > 0:
                matches[k] = Match(mine[k], theirs[copied[1]], "verbatim", round(copied[0], 3))
                anchors.append((k, copied[1]))
                continue
            best = max(((_content_overlap(mine[k], theirs[m]), m) for m in window), default=(0.0, -1))
            if best[0] >= REWRITE_MIN_CONTENT:
                matches[k] = Match(mine[k], theirs[best[1]], "rewritten", round(best[0], 3))
                anchors.append((k, best[1]))
    found = tuple(matches[i] for i in sorted(matches))
    return TextReuse(
        article_id=article.id,
        source_id=source.id,
        matches=found,
        share=_covered({(m.source.start, m.source.end) for m in found}) / max(1, _length(theirs)),
        share_of_article=_covered({(m.passage.start, m.passage.end) for m in found}) / max(1, _length(mine)),
    )


def _covered(spans: set[tuple[int, int]]) -> int:
    return sum(end - start for start, end in spans)


def _length(passages: Sequence[Passage]) -> int:
    return sum(p.end - p.start for p in passages)


def story_reuse(articles: Sequence[Article]) -> list[TextReuse]:
    """Every pair of the story's articles with reuse (wire copies left out: they are their
    original's), the later one (by published date, then by story order) as the one that took: a
    text cannot copy what was published after it. Only pairs
    sharing enough word trigrams are aligned, found through an index of the story's trigrams, so a
    story of thousands of articles is not compared pair by pair."""
    # A wire copy (copy_of) is one source with its original already: aligning it again would only
    # repeat the original's pairs, and a story of one wire run by hundreds of outlets is mostly copies.
    in_story = {a.id for a in articles}
    articles = [a for a in articles if not (a.copy_of and a.copy_of in in_story)]
    texts = {a.id: ArticleText.of(a) for a in articles}
    order = {a.id: (a.published is None, a.published or "", i) for i, a in enumerate(articles)}
    holders: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for article_id, text in texts.items():
        for trigram in text.postings:
            holders[trigram].append(article_id)
    shared: Counter[tuple[str, str]] = Counter()
    for ids in holders.values():
        if len(ids) <= STORY_MAX_POSTINGS:
            shared.update(combinations(ids, 2))
        else:
            # A wording a hundred articles share (one wire run everywhere): each is compared with
            # the earliest holders only, so the pairs grow with the articles, not their square.
            earliest = sorted(ids, key=order.__getitem__)[:STORY_MAX_POSTINGS]
            shared.update((first, other) for first in earliest for other in ids if other not in earliest)
            shared.update(combinations(earliest, 2))
    found: list[TextReuse] = []
    for (first, second), count in shared.items():
        if count < SEED_MIN_TRIGRAMS * MIN_SEEDS:
            continue
        earlier, later = sorted((first, second), key=order.__getitem__)
        reuse = reuse_between(texts[later], texts[earlier])
        if reuse is not None:
            found.append(reuse)
    found.sort(key=lambda r: (order[r.article_id], order[r.source_id]))
    return found


# Credits that make the whole text the agency's: two such articles crediting one agency are one
# source even when their texts were cut differently. A credit line ("with information from")
# may sit under a text of the outlet's own, so it joins only with reuse found as well.
WHOLE_TEXT_CREDITS = ("dateline", "sign-off")


def story_provenance(articles: Sequence[Article], directory: OutletDirectory) -> list[Provenance]:
    """Per article (in story order): its credits, what it reuses of the others, and the article
    standing for its independent source."""
    credits = {a.id: find_credits(a, directory) for a in articles}
    reuse = story_reuse(articles)
    known = {a.id: directory.for_article(a.outlet, a.domain) for a in articles}
    names = {a_id: outlet.name for a_id, outlet in known.items() if outlet is not None}
    sources, reasons = independent_sources(articles, reuse, credits, names)
    taken: dict[str, list[Reuse]] = defaultdict(list)
    for found in reuse:
        taken[found.article_id].append(_as_reuse(found))
    return [
        Provenance(
            article_id=a.id,
            credits=credits[a.id],
            reuses=taken.get(a.id, []),
            source_id=sources[a.id],
            reason=reasons.get(a.id),
        )
        for a in articles
    ]


def reused_spans(provenance: Sequence[Provenance]) -> dict[str, list[tuple[int, int, str]]]:
    """Per article, the passages it took from another article: (start, end, that article's id)."""
    return {
        found.article_id: [
            (p.start, p.end, reuse.source_id) for reuse in found.reuses for p in reuse.passages
        ]
        for found in provenance
        if found.reuses
    }


def _as_reuse(found: TextReuse) -> Reuse:
    paragraphs = sorted({m.source.paragraph + 1 for m in found.matches})
    verbatim = {m.source.paragraph + 1 for m in found.matches if m.kind == "verbatim"}
    return Reuse(
        source_id=found.source_id,
        share_of_source=round(found.share, 3),
        share_of_article=round(found.share_of_article, 3),
        source_paragraphs=paragraphs,
        rewritten_paragraphs=[p for p in paragraphs if p not in verbatim],
        passages=[
            ReusedPassage(
                start=m.passage.start,
                end=m.passage.end,
                source_start=m.source.start,
                source_end=m.source.end,
                kind="verbatim" if m.kind == "verbatim" else "rewritten",
                similarity=m.similarity,
            )
            for m in found.matches
        ],
    )


def independent_sources(
    articles: Sequence[Article],
    reuse: Sequence[TextReuse],
    credits: dict[str, list[Credit]] | None = None,
    registry_names: dict[str, str] | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """article id → the id of the article standing for its source, and why an article shares
    its source with another. One source: wire copies (``copy_of``); an article of which
    SAME_SOURCE_MIN_SHARE of the shorter text is found in the other; articles whose dateline or
    sign-off credits the same agencies; an article crediting another's outlet (``registry_names``:
    article id → its outlet's registry name) and reusing its text. The earliest member (story
    order) stands for the source."""
    credits = credits or {}
    parent = {a.id: a.id for a in articles}
    position = {a.id: i for i, a in enumerate(articles)}
    reasons: dict[str, str] = {}

    def root(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: str, b: str, reason: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            keep, drop = sorted((ra, rb), key=position.__getitem__)
            parent[drop] = keep
            reasons.setdefault(b, reason)

    for article in articles:
        if article.copy_of and article.copy_of in parent:
            join(article.copy_of, article.id, "a copy of the same text")
    # Credits name outlets by their registry names: an article is matched by its registry entry
    # (a record's "AP" is the Associated Press), else by its outlet as given.
    outlet_of = {a.id: (registry_names or {}).get(a.id) or a.outlet for a in articles}
    for found in reuse:
        shorter = max(found.share, found.share_of_article)
        credited = {
            name for c in credits.get(found.article_id, []) if c.kind != "photo" for name in c.agencies
        }
        if shorter >= SAME_SOURCE_MIN_SHARE:
            join(
                found.source_id,
                found.article_id,
                f"{round(100 * shorter)} % of the shorter text is the other's",
            )
        elif outlet_of.get(found.source_id) in credited:
            join(
                found.source_id, found.article_id, f"credits {outlet_of[found.source_id]} and reuses its text"
            )
    by_wire: dict[tuple[str, ...], str] = {}
    for article in articles:
        whole = [c for c in credits.get(article.id, []) if c.kind in WHOLE_TEXT_CREDITS and c.agencies]
        if not whole:
            continue
        wire = tuple(sorted({name for c in whole for name in c.agencies}))
        if wire in by_wire:
            join(by_wire[wire], article.id, f"both credit {' and '.join(wire)} for the whole text")
        else:
            by_wire[wire] = article.id
    return {a.id: root(a.id) for a in articles}, reasons
