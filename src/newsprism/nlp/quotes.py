"""Quotes with their speakers: direct quotes in any quotation style and reported speech.

Direct quotes are found by scanning quotation marks in the clean text (“ ” " ' ‘ ’ « » „), which
keeps offsets exact and handles a quote running over several paragraphs (each continuation
paragraph reopens the quote). textacy's extractor is the baseline we measure against in bench/;
it misses reported speech, speakers named by role and quotes across paragraphs, and raises on some
apostrophes, so the rules live here. Speakers come from the dependency parse: the subject of a
speech verb next to the quote, "according to X", a colon introduction, or a name glued after a
pull quote by scraping. "he"/"she" take the person mentioned last before the quote.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsprism.lexicon import country_names, fold, is_written_speech_verb, role_words, speech_verbs
from newsprism.model import Quote, Span, Speaker
from newsprism.nlp.annotate import AnnotatedArticle, OffsetRanges, Paragraph
from newsprism.nlp.entities import EntityIndex

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

# "the group said": these nouns refer back to the organisation named last.
ORGANISATION_NOUNS = frozenset(
    "group company firm organization organisation agency office ministry department coalition union party "
    "airline carrier network station newspaper channel broadcaster court bank government".split()
)
# "the statement said", "according to the release": a document stands in for whoever issued it.
DOCUMENT_NOUNS = frozenset(
    "statement release readout reading minutes email letter tweet post transcript communique communiqué "
    "report document memo notice declaration".split()
)
# "the expert added" continues the previous quote's named speaker within this many characters.
DEFINITE_ROLE_WINDOW = 600
# How far back a quote standing alone may inherit the previous quote's speaker (the usual run of
# quote paragraphs after one attribution).
INHERIT_SPEAKER_CHARS = 700
MIN_QUOTE_WORDS = 4
MIN_QUOTE_CJK_CHARS = 8  # about four words of Chinese or Japanese
# A reported clause ("said that …") longer than this many tokens is a run-on parse of text without
# sentence ends, not one statement: in 400 ECB+ articles (1,839 of them) none passes 60 tokens.
MAX_REPORTED_TOKENS = 200
MAX_QUOTE_PARAGRAPHS = 8  # a quote reopened paragraph after paragraph, the print convention  # shorter quoted phrases are mostly scare quotes or names ("red lines", “low point”)
_PERSONAL_PRONOUNS = frozenset({"he", "she", "they", "i", "we"})
_OPENERS = {"“": "”", "«": "»", "„": "“”", "‘": "’", '"': '"', "'": "'", "‹": "›", "「": "」", "『": "』"}
SPACED_OPENERS = frozenset("«‹")


@dataclass
class FoundQuote:
    start: int  # content offsets in Article.text, marks excluded
    end: int
    kind: str
    speaker: Speaker | None
    cue: str | None


# --------------------------------------------------------------------------- direct quotes


def _opening_ok(text: str, i: int) -> bool:
    if text[i] in "「『":
        return True  # only ever quotation marks, and Chinese writes them on a word: 他说「…」
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    # French sets guillemets off with a (no-break) space: « Nous avons … ».
    spaced = text[i] in SPACED_OPENERS and after in " \u00a0\u202f" and not text[i + 2 : i + 3].isspace()
    return (before.isspace() or before in "([—–-:,;：，、") and (not after.isspace() or spaced)


def _closing_at(text: str, opener: str, i: int, end: int) -> int | None:
    """Offset of the mark closing the quote opened at ``i`` within ``text[:end]``, or None."""
    closers = _OPENERS[opener]
    j = i + 1
    while j < end:
        c = text[j]
        if opener == "“" and text.startswith("’’", j):
            return j  # two apostrophes typed as a closing mark
        if c in closers:
            after = text[j + 1] if j + 1 < len(text) else " "
            # ’ and ' double as apostrophes ("China’s", "Queens' College"): a closing mark must not
            # be followed by a letter.
            if opener in "‘'" and (after.isalpha() or (text[j - 1].isalpha() and after == "s")):
                j += 1
                continue
            if opener in "‘'" and text[j - 1].isspace():
                j += 1
                continue
            return j
        j += 1
    return None


def direct_quote_ranges(text: str) -> list[tuple[int, int]]:
    """Content ranges of direct quotes, marks excluded, continuing across paragraphs when the next
    paragraph reopens the quote (the print convention for long quotes)."""
    found: list[tuple[int, int]] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c not in _OPENERS or not _opening_ok(text, i):
            i += 1
            continue
        para_end = text.find("\n", i)
        para_end = n if para_end < 0 else para_end
        close = _closing_at(text, c, i, para_end)
        start = i + 1
        continued = 0
        while close is None and continued < MAX_QUOTE_PARAGRAPHS:
            # Unclosed at the paragraph's end: continues if the next paragraph opens with the same
            # mark and some later paragraph closes it; a mark never closed is not a quote (it would
            # swallow the rest of the article).
            nxt = para_end
            while nxt < n and text[nxt].isspace():
                nxt += 1
            if nxt >= n or text[nxt] != c:
                break
            para_end = text.find("\n", nxt)
            para_end = n if para_end < 0 else para_end
            close = _closing_at(text, c, nxt, para_end)
            continued += 1
        if close is None:
            i += 1
            continue
        content_start, content_end = start, close
        while content_start < content_end and text[content_start].isspace():
            content_start += 1
        while content_end > content_start and text[content_end - 1].isspace():
            content_end -= 1
        content = text[content_start:content_end]
        if _is_quote(content, c):
            found.append((content_start, content_end))
            i = close + 1
        else:
            i += 1
    return found


def _is_quote(content: str, opener: str) -> bool:
    """Words someone said, not a scare-quoted phrase or a title: four words or more, or a short
    full utterance ending in punctuation inside the marks ("It's very good," said …). Straight
    single quotes double as apostrophes ("Rock 'n' roll", "the '90s"), so they must hold a
    punctuated utterance with no other apostrophe opening inside."""
    words = content.split()
    if opener in "「『":  # Chinese and Japanese leave no spaces between words: counted in characters
        return sum(1 for c in content if c.isalpha()) >= MIN_QUOTE_CJK_CHARS
    if _looks_like_title(words):
        return False
    ends_utterance = content[-1:] in ".,!?"
    if opener == "'" and (not ends_utterance or re.search(r"(?:^|\s)'", content)):
        return False
    return len(words) >= MIN_QUOTE_WORDS or (len(words) >= 3 and ends_utterance)


def _looks_like_title(words: list[str]) -> bool:
    """ "The Art of the Deal": every long word capitalised and no sentence punctuation."""
    long_words = [w for w in words if len(w) > 3]
    return (
        bool(long_words)
        and all(w[0].isupper() for w in long_words)
        and not re.search(r"[.,;!?]", " ".join(words))
    )


# --------------------------------------------------------------------------- speakers


def _tokens_outside(sent: SpacySpan, paragraph: Paragraph, ranges: OffsetRanges) -> list[Token]:
    return [t for t in sent if not ranges.covers(paragraph.start + t.idx)]


def _speaker_from_subject(
    article: AnnotatedArticle,
    paragraph: Paragraph,
    verb: Token,
    entities: EntityIndex,
    before: int,
    quotes: OffsetRanges | None = None,
) -> Speaker | None:
    def outside(token: Token) -> bool:  # "“Hope this meeting …,” tweeted X": "Hope" is quoted text
        return quotes is None or not quotes.covers(paragraph.start + token.idx)

    subjects = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"} and outside(c)]
    if not subjects and verb.dep_ in {"conj", "advcl"} and verb.head.pos_ in {"VERB", "AUX"}:
        subjects = [
            c for c in verb.head.children if c.dep_ == "nsubj" and outside(c)
        ]  # "…, he smiled and said"
    if not subjects:
        agents = [c for c in verb.children if c.dep_ == "agent"]
        subjects = [g for a in agents for g in a.children if g.dep_ == "pobj"]
    if not subjects:
        return None
    return _speaker_from_phrase(article, paragraph, subjects[0], entities, before)


def _speaker_from_phrase(
    article: AnnotatedArticle, paragraph: Paragraph, head: Token, entities: EntityIndex, before: int
) -> Speaker | None:
    if head.lower_ in _PERSONAL_PRONOUNS or (
        head.pos_ == "PRON" and head.lower_ not in {"it", "this", "that"}
    ):
        if head.lower_ in {"they", "we", "i"}:
            return None
        return _antecedent(article, entities, paragraph.start + head.idx)
    if head.pos_ == "PRON" or not any(c.isalpha() for c in head.text):
        return None  # "according to […]": the parse made punctuation the object
    doc = head.doc
    if head.lower_ in DOCUMENT_NOUNS:
        # "Wang Yi's statement confirms …": the statement's owner speaks.
        owners = [c for c in head.children if c.dep_ == "poss" and c.pos_ != "PRON"]
        if owners:
            head = owners[0]
    head_start = paragraph.start + head.idx
    entity = entities.entity_at(article.id, head_start, head_start + len(head.text))
    lo, hi = head.left_edge.i, head.right_edge.i + 1
    # The subject phrase without a trailing appositive clause longer than the name itself.
    while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].dep_ == "cc"):
        hi -= 1
    while lo < hi and doc[lo].is_punct:
        lo += 1
    if hi - lo > 14 or not lo <= head.i < hi:
        lo, hi = max(lo, head.i - 6), head.i + 1
    start, end = paragraph.start + doc[lo].idx, paragraph.start + doc[hi - 1].idx + len(doc[hi - 1].text)
    span = Span(article_id=article.id, start=start, end=end, text=article.text[start:end])
    if entity is not None and entity.type == "NORP":
        entity = None  # "the American reiterated": a nationality is a description, not the speaker
    if entity is None:
        entity = entities.holder_of_role(article.id, span.text)
    words = fold(span.text).split()
    if entity is None and len(words) == 2 and words[0] == "the" and head.lower_ in ORGANISATION_NOUNS:
        # "the group said", "the company said": the organisation named last before.
        entity = entities.last_of_type_before(article.id, head_start, ("ORG",))
    if entity is not None:
        return Speaker(name=entity.name, entity_id=entity.id, role=_top_role(entities, entity.id), span=span)
    role = span.text
    if role.lower().startswith(("the ", "a ", "an ")) or not role[:1].isupper() or len(role.split()) > 1:
        return Speaker(name=role, entity_id=None, role=role, span=span)
    return Speaker(name=role, entity_id=None, role=None, span=span)


def _antecedent(article: AnnotatedArticle, entities: EntityIndex, offset: int) -> Speaker | None:
    """Who "he"/"she" at ``offset`` is: the latest non-pronoun subject before it, in its own sentence
    ("When President Ashraf Ghani announced …, he said") or the two before, when that subject is
    a person or a person described by role ("The top Chinese diplomat told … He also stressed …");
    failing that, the person mentioned last."""
    sentences = article.sentences_before(offset, 3)
    for sentence in reversed(sentences):
        subjects = [
            t
            for t in sentence.span
            if t.dep_ in {"nsubj", "nsubjpass"}
            and t.pos_ != "PRON"
            and sentence.paragraph.start + t.idx < offset
        ]
        for head in reversed(subjects):
            start = sentence.paragraph.start + head.idx
            entity = entities.entity_at(article.id, start, start + len(head.text))
            if entity is not None and entity.type == "PERSON":
                return Speaker(
                    name=entity.name, entity_id=entity.id, role=_top_role(entities, entity.id), span=None
                )
            if entity is None and head.lower_ in role_words():
                phrase = head.doc[head.left_edge.i : head.i + 1].text
                holder = entities.holder_of_role(article.id, phrase)
                if holder is not None:
                    return Speaker(name=holder.name, entity_id=holder.id, role=phrase, span=None)
                return Speaker(name=phrase, entity_id=None, role=phrase, span=None)
    person = entities.last_person_before(article.id, offset)
    if person is None:
        return None
    return Speaker(name=person.name, entity_id=person.id, role=_top_role(entities, person.id), span=None)


def _top_role(entities: EntityIndex, entity_id: str) -> str | None:
    roles = entities.by_id(entity_id).roles
    return roles[0].text if roles else None


def _according_to(tokens: Iterable[Token]) -> Token | None:
    for t in tokens:
        if t.lower_ == "according":
            for prep in t.children:
                if prep.lower_ == "to":
                    objects = [c for c in prep.children if c.dep_ == "pobj"]
                    if objects:
                        return objects[0]
    return None


def _speech_verb(tokens: Sequence[Token], near: tuple[int, int] | None = None) -> Token | None:
    """The speech verb among ``tokens``: one with a subject if any ("…,” Blinken said at a press
    conference …), the nearest to the quote (``near``: its paragraph offsets) when several qualify."""
    verbs = [t for t in tokens if t.lemma_.lower() in speech_verbs() and t.pos_ in {"VERB", "AUX"}]
    with_subject = [v for v in verbs if any(c.dep_ in {"nsubj", "nsubjpass", "agent"} for c in v.children)]
    chosen = with_subject or verbs
    if not chosen:
        return None
    if near is None:
        return chosen[0]
    return min(chosen, key=lambda v: min(abs(v.idx - near[0]), abs(v.idx - near[1])))


def _sentences_over(paragraph: Paragraph, start: int, end: int) -> list[SpacySpan]:
    return [
        s
        for s in paragraph.doc.sents
        if paragraph.start + s.start_char < end and start < paragraph.start + s.end_char
    ]


def _speaker_of_direct(
    article: AnnotatedArticle,
    start: int,
    end: int,
    all_quotes: OffsetRanges,
    entities: EntityIndex,
) -> tuple[Speaker | None, str | None]:
    first = article.paragraph_at(start)
    last = article.paragraph_at(max(start, end - 1))
    if first is None or last is None:
        return None, None
    # 1. A speech verb or "according to" in the sentences around the quote, outside any quote.
    for paragraph in dict.fromkeys([last, first]):
        sentences = _sentences_over(paragraph, start - 1, end + 1)
        if paragraph is last:
            following = [s for s in paragraph.doc.sents if paragraph.start + s.start_char >= end]
            if following and len(following[0]) <= 12:
                sentences.append(following[0])  # “…” . Blinken said.
        for sent in sentences:
            outside = _tokens_outside(sent, paragraph, all_quotes)
            if not paragraph.doc.has_annotation("DEP"):
                found = _speaker_without_parse(article, paragraph, outside, entities, (start, end))
                if found[0] is not None:
                    return found
                continue
            # A speech verb first: "“…,” he told settler leaders, according to a statement".
            verb = _speech_verb(outside, near=(start - paragraph.start, end - paragraph.start))
            if verb is not None:
                speaker = _speaker_from_subject(article, paragraph, verb, entities, start, all_quotes)
                if speaker:
                    return speaker, verb.text
            accord = _according_to(outside)
            if accord is not None:
                speaker = _speaker_from_phrase(article, paragraph, accord, entities, start)
                if speaker:
                    return speaker, "according to"
    # 2. A name right after the quote's paragraph-end (a pull quote with its attribution glued on).
    after = article.text[end : end + 4].lstrip(
        "”\"'»’ .,"
    )  # no newline: the next paragraph is not an attribution
    tail = end + (len(article.text[end : end + 4]) - len(after))
    for s, _, entity in entities.mentions_in(article.id, tail, tail + 60)[:1]:
        # Not across a paragraph break: the next paragraph's first name is no attribution.
        if entity.type == "PERSON" and s - tail <= 2 and "\n" not in article.text[end:s]:
            return Speaker(
                name=entity.name, entity_id=entity.id, role=_top_role(entities, entity.id), span=None
            ), None
    # 3. An introduction ending in a colon just before the quote: "Blinken told reporters:".
    lead = article.text[max(0, start - 3) : start]
    if ":" in lead or (start >= 3 and article.text[:start].rstrip(' “"«\n').endswith(":")):
        intro_end = article.text.rfind(":", 0, start)
        intro = article.paragraph_at(intro_end)
        if intro is not None:
            for sent in _sentences_over(intro, intro_end - 1, intro_end):
                verb = _speech_verb(_tokens_outside(sent, intro, all_quotes))
                if verb is not None:
                    speaker = _speaker_from_subject(article, intro, verb, entities, start)
                    if speaker:
                        return speaker, verb.text
    return None, None


def _speaker_without_parse(
    article: AnnotatedArticle,
    paragraph: Paragraph,
    outside: Sequence[Token],
    entities: EntityIndex,
    quote: tuple[int, int],
) -> tuple[Speaker | None, str | None]:
    """A language without a parser (``nlp.annotate.BlankWithEntities``): a speech verb of the
    article's language next to the quote, outside it («…», — заявил Блинкен; «…», dijo Blinken),
    and the person or organisation named outside the quote in that sentence nearest the verb.
    Pronouns are not followed: without a parse, "he" has no antecedent newsprism can trust."""
    language = article.article.language or ""
    verbs = [t for t in outside if is_written_speech_verb(t.text, language)]
    if not verbs:
        return None, None
    verb = min(verbs, key=lambda v: min(abs(paragraph.start + v.idx - q) for q in quote))
    verb_at = paragraph.start + verb.idx
    lo, hi = paragraph.start + outside[0].idx, paragraph.start + outside[-1].idx + len(outside[-1].text)
    # A person before an organisation ("…», — заявил Песков в Кремле" is Peskov's), then the
    # nearest to the verb.
    named = [
        (entity.type != "PERSON", abs(s - verb_at), s, e, entity)
        for s, e, entity in entities.mentions_in(article.id, lo, hi)
        if entity.type in {"PERSON", "ORG"} and not quote[0] <= s < quote[1]
    ]
    if not named:
        return None, None
    *_, s, e, entity = min(named, key=lambda found: found[:3])
    span = Span(article_id=article.id, start=s, end=e, text=article.text[s:e])
    return Speaker(
        name=entity.name, entity_id=entity.id, role=_top_role(entities, entity.id), span=span
    ), verb.text


def _is_document(speaker: Speaker) -> bool:
    """A bare "the statement" / "a release", which names no issuer; "the Chinese readout" does."""
    words = [
        w for w in fold(speaker.name).split() if w not in {"the", "a", "an", "this", "that", "its", "their"}
    ]
    return speaker.entity_id is None and len(words) == 1 and words[0] in DOCUMENT_NOUNS


def _speaker_nearby(
    article: AnnotatedArticle, start: int, previous: FoundQuote | None, entities: EntityIndex
) -> tuple[Speaker | None, str | None]:
    """A quote standing alone takes the speaker of the quote just before it, or of the nearest
    earlier sentence that attributes speech to someone ("Heyward said the defence played well.
    “We've got to right the ship.”"), within a short distance."""
    if (
        previous is not None
        and previous.speaker is not None
        and start - previous.end <= INHERIT_SPEAKER_CHARS
    ):
        return previous.speaker, "continued"
    earlier = [
        s
        for s in article.sentences_before(start, 3)
        if s.end <= start and start - s.end <= INHERIT_SPEAKER_CHARS
    ][-2:]
    for sentence in reversed(earlier):
        verb = _speech_verb(list(sentence.span))
        if verb is not None:
            speaker = _speaker_from_subject(article, sentence.paragraph, verb, entities, sentence.start)
            if speaker is not None and (speaker.entity_id or speaker.role):
                return speaker, "continued"
    return None, None


# --------------------------------------------------------------------------- reported speech


def _reported(article: AnnotatedArticle, direct: OffsetRanges, entities: EntityIndex) -> Iterator[FoundQuote]:
    for paragraph in article.paragraphs:
        for sent in paragraph.doc.sents:
            s_start = paragraph.start + sent.start_char
            s_end = paragraph.start + sent.end_char
            for verb in sent:
                if verb.lemma_.lower() not in speech_verbs() or verb.pos_ not in {"VERB", "AUX"}:
                    continue
                clauses = [c for c in verb.children if c.dep_ == "ccomp"]
                if not clauses:
                    continue
                clause = clauses[0]
                if clause.right_edge.i - clause.left_edge.i >= MAX_REPORTED_TOKENS:
                    continue  # not one statement but a run-on parse; walking it costs its length per verb
                tokens = [t for t in clause.subtree if t.dep_ != "mark" or t.head is not clause]
                while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
                    tokens.pop()
                while tokens and (tokens[0].is_punct or tokens[0].lower_ == "that"):
                    tokens.pop(0)
                if len(tokens) < MIN_QUOTE_WORDS:
                    continue
                start = paragraph.start + tokens[0].idx
                end = paragraph.start + tokens[-1].idx + len(tokens[-1].text)
                if _overlaps_direct(start, end, direct):
                    continue
                speaker = _speaker_from_subject(article, paragraph, verb, entities, start)
                if speaker is None:
                    continue
                yield FoundQuote(start, end, "reported", speaker, verb.text)
            accord = _according_to(sent)
            if accord is not None:
                phrase_lo = min(t.i for t in sent if t.lower_ == "according")
                phrase_hi = accord.right_edge.i + 1  # the subtree's last token
                rest = [t for t in sent if (t.i < phrase_lo or t.i >= phrase_hi) and not t.is_punct]
                if len(rest) < MIN_QUOTE_WORDS:
                    continue
                if phrase_lo == sent.start:  # "According to X, …"
                    first, last_tok = sent.doc[phrase_hi], sent[-1]
                else:  # "…, according to X."
                    first, last_tok = sent[0], sent.doc[phrase_lo - 1]
                lo, hi = first.i, last_tok.i + 1
                doc = sent.doc
                while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
                    lo += 1
                while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].is_space):
                    hi -= 1
                if hi - lo < MIN_QUOTE_WORDS:
                    continue
                start = paragraph.start + doc[lo].idx
                end = paragraph.start + doc[hi - 1].idx + len(doc[hi - 1].text)
                if start < s_start or end > s_end or _overlaps_direct(start, end, direct):
                    continue
                speaker = _speaker_from_phrase(article, paragraph, accord, entities, start)
                if speaker is not None:
                    yield FoundQuote(start, end, "reported", speaker, "according to")


def _continue_definite_roles(found: list[FoundQuote], entities: EntityIndex) -> list[FoundQuote]:
    """News style names a speaker once and then calls them by role: "Alexei Maslov told Sputnik
    that … . The expert added that …". A definite role speaker ("the expert", "the American
    diplomat") takes the named person who spoke in the quote just before, close by."""
    previous: FoundQuote | None = None
    for quote in found:
        speaker = quote.speaker
        if (
            speaker is not None
            and speaker.entity_id is None
            and previous is not None
            and previous.speaker is not None
            and previous.speaker.entity_id is not None
            and quote.start - previous.end <= DEFINITE_ROLE_WINDOW
            and _definite_role(speaker.name)
            and _qualifiers_agree(speaker.name, previous.speaker, entities)
        ):
            quote.speaker = previous.speaker.model_copy(update={"span": speaker.span, "role": speaker.name})
            quote.cue = quote.cue or "continued"
        previous = quote
    return found


def _qualifiers_agree(phrase: str, speaker: Speaker, entities: EntityIndex) -> bool:
    """ "the Chinese expert" may continue a speaker only if nothing in the phrase contradicts what
    the articles say of them: capitalised qualifiers must appear in the person's roles."""
    written = phrase.split()[1:-1]
    qualifiers = [fold(w) for w in written if w[:1].isupper()]
    if not qualifiers:
        return True
    if speaker.entity_id is None:
        return False
    roles = " " + " ".join(fold(r.text) for r in entities.by_id(speaker.entity_id).roles) + " "
    # A nationality ("the American diplomat") matches any name of its country in the roles.
    return all(any(f" {form} " in roles for form in country_names(q)) for q in qualifiers)


def _definite_role(phrase: str) -> bool:
    words = fold(phrase).split()
    return 2 <= len(words) <= 5 and words[0] == "the" and words[-1] in role_words()


MAX_ATTRIBUTION_WORDS = 16  # "Alexander Lomanov Head of the Center for Asia-Pacific Studies, IMEMO RAS"
MAX_PULL_QUOTE_WORDS = 150
# More words than an attribution has (each \S+ a whole word: the lookahead stops it splitting one).
_MORE_THAN_ATTRIBUTION = re.compile(rf"(?:\s*\S+(?!\S)){{{MAX_ATTRIBUTION_WORDS + 1}}}")
_ANY_QUOTE_MARK = re.compile('[“”«»„"]')


def _pull_quotes(article: AnnotatedArticle, direct: OffsetRanges, entities: EntityIndex) -> list[FoundQuote]:
    """Pull quotes printed without quotation marks, their attribution glued on by scraping: a
    paragraph that ends with a person's name followed by a capitalised title ("… the whole building
    will collapse. Alexander Lomanov Head of the Center for Asia-Pacific Studies, IMEMO RAS"). The
    words before the name are the quote."""
    found: list[FoundQuote] = []
    for paragraph in article.paragraphs:
        text = article.text[paragraph.start : paragraph.end]
        if _ANY_QUOTE_MARK.search(text):
            continue
        for s, e, entity in entities.mentions_in(article.id, paragraph.start, paragraph.end):
            if entity.type != "PERSON" or s == paragraph.start:
                continue
            if _MORE_THAN_ATTRIBUTION.match(article.text, e, paragraph.end):
                continue  # decided without slicing the rest of a long paragraph for every name
            tail = article.text[e : paragraph.end].split()
            if not tail or len(tail) > MAX_ATTRIBUTION_WORDS or not _opens_with_title(tail):
                continue
            end = s
            while end > paragraph.start and article.text[end - 1].isspace():
                end -= 1
            words = article.text[paragraph.start : end].split()
            if MIN_QUOTE_WORDS <= len(words) <= MAX_PULL_QUOTE_WORDS and not _overlaps_direct(
                paragraph.start, end, direct
            ):
                speaker = Speaker(
                    name=entity.name,
                    entity_id=entity.id,
                    role=" ".join(tail).rstrip(" ,."),
                    span=Span(article_id=article.id, start=s, end=e, text=article.text[s:e]),
                )
                found.append(FoundQuote(paragraph.start, end, "direct", speaker, "pull quote"))
            break
    return found


def _opens_with_title(words: list[str]) -> bool:
    """ "Head of the Center …", "US Secretary of State": capitalised words up to a role word."""
    for word in words[:3]:
        if not word[:1].isupper():
            return False
        if fold(word).strip(",.") in role_words():
            return True
    return False


def _without_overlaps(reported: list[FoundQuote]) -> list[FoundQuote]:
    """One reported statement found twice ("X said the city … , according to a memo" yields a
    said-clause and an according-to clause): keep the one whose speaker is a known entity, then
    the one introduced by a verb, then the shorter."""

    def rank(q: FoundQuote) -> tuple[int, int, int]:
        has_entity = q.speaker is not None and q.speaker.entity_id is not None
        return (0 if has_entity else 1, 1 if q.cue == "according to" else 0, q.end - q.start)

    kept: list[FoundQuote] = []
    # Kept quotes also sorted by start, so each candidate is compared with those it can overlap.
    by_start: list[tuple[int, int]] = []  # (start, index in kept)
    longest = 0
    for quote in sorted(reported, key=rank):
        lo = bisect.bisect_left(by_start, (quote.start - longest, -1))
        hi = bisect.bisect_left(by_start, (quote.end, -1))
        if not any(
            min(quote.end, k.end) - max(quote.start, k.start)
            > 0.5 * min(quote.end - quote.start, k.end - k.start)
            for k in (kept[i] for _, i in by_start[lo:hi])
        ):
            bisect.insort(by_start, (quote.start, len(kept)))
            kept.append(quote)
            longest = max(longest, quote.end - quote.start)
    return kept


def _overlaps_direct(start: int, end: int, direct: OffsetRanges) -> bool:
    for s, e in direct.overlapping(start, end):
        overlap = min(end, e) - max(start, s)
        if overlap > 0.3 * (end - start) or overlap > 0.3 * (e - s):
            return True
    return False


# --------------------------------------------------------------------------- the stage


def quote_id(article_id: str, start: int, end: int) -> str:
    return "q" + hashlib.sha256(f"{article_id}:{start}:{end}".encode()).hexdigest()[:10]


def extract_quotes(annotated: Sequence[AnnotatedArticle], entities: EntityIndex) -> list[Quote]:
    """Direct and reported quotes of every article, with speakers, in text order (which quotes of
    several articles are one statement is for comparison: ``compare.quote_groups``)."""
    quotes: list[Quote] = []
    for article in annotated:
        direct = direct_quote_ranges(article.text)
        direct_ranges = OffsetRanges(direct)
        found: list[FoundQuote] = []
        previous: FoundQuote | None = None
        for start, end in direct:
            speaker, cue = _speaker_of_direct(article, start, end, direct_ranges, entities)
            if speaker is None or _is_document(speaker):
                # "the statement said": the speaker is whoever issued it, named nearby if anywhere.
                nearby, nearby_cue = _speaker_nearby(article, start, previous, entities)
                if nearby is not None and not _is_document(nearby):
                    speaker, cue = nearby, nearby_cue
            quote = FoundQuote(start, end, "direct", speaker, cue)
            found.append(quote)
            previous = quote
        pulled = _pull_quotes(article, direct_ranges, entities)
        found.extend(pulled)
        quoted = OffsetRanges([*direct, *((q.start, q.end) for q in pulled)])
        found.extend(_without_overlaps(list(_reported(article, quoted, entities))))
        seen: set[tuple[int, int]] = set()
        found = _continue_definite_roles(sorted(found, key=lambda q: (q.start, q.end)), entities)
        for q in found:
            if (q.start, q.end) in seen:
                continue
            seen.add((q.start, q.end))
            quotes.append(
                Quote(
                    id=quote_id(article.id, q.start, q.end),
                    article_id=article.id,
                    start=q.start,
                    end=q.end,
                    text=article.text[q.start : q.end],
                    kind="direct" if q.kind == "direct" else "reported",
                    speaker=q.speaker,
                    group_id=None,
                    cue=q.cue,
                )
            )
    return quotes
