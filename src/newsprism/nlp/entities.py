"""One entity per real-world person, organisation or place, whatever each outlet calls it.

spaCy finds the mentions; this module decides which mentions are the same thing. No library
does cross-document name resolution for news without a knowledge base or a download at run
time, so the rules are written here, each for a failure seen in real copy:

* full names of one person differ by spelling or translation ("Antony"/"Anthony Blinken",
  "Anthony Blink"): given names and surnames are compared with a fuzzy ratio, and a surname may
  only differ when the given names agree, so "Hunter Biden" never joins "Joe Biden";
* a bare surname joins the full name with that surname in the same story; when two people share
  it, the one mentioned last before it in the same article wins;
* the small model often labels a bare surname as a place or an organisation, so a mention's
  type is decided across all its entity's mentions, and a person's surname is a person;
* titles attached to a name ("Chinese Foreign Minister", "head of the Center for …") become the
  entity's roles with evidence, and a later "the Secretary of State" becomes a mention of the
  one person in the story who holds that role;
* acronyms join their expansion ("CPC" / "Communist Party of China", "U.S." / "United States").
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from newsprism.lexicon import fold, role_words
from newsprism.model import Entity, EntityRole, Mention, Span
from newsprism.nlp.annotate import AnnotatedArticle, Paragraph
from newsprism.nlp.transliterate import (
    MIN_SKELETON,
    onsets_agree,
    script_of,
    skeleton,
    skeleton_variants,
    words_alike,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT"})
# When mentions disagree on a type and votes tie, the more specific label wins.
TYPE_PRIORITY = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT")

# 80: "Antony"/"Anthony" score 92, "Jon"/"John" 86, while different given names that share
# letters ("Joe"/"Jill" 29, "Mark"/"Mike" 50) stay far below.
GIVEN_NAME_SIMILARITY = 80
# A surname may differ only this little, and only when the given names agree: "Blink"/"Blinken"
# (a translation that dropped a syllable) is 83; "Clinton"/"Clifton" 86 needs equal given names too.
SURNAME_SIMILARITY = 80
MAX_ROLE_TOKENS = 18
HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "prof", "madam", "mme", "m"}
)
_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "on", "in", "de", "del", "la", "&"})
_DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their", "our"})
# The object of a title ("Secretary of State", "Minister of Defence") is part of the title, not an
# organisation of its own; the small model tags it ORG or GPE.
_TITLE_OBJECT = re.compile(
    r"(?i)\b(?:secretary|minister|ministry|department|secretariat|office|commissioner) of (?:the )?$"
)
TITLE_OBJECTS = frozenset(
    "state defense defence commerce treasury energy interior justice labor labour agriculture education "
    "health transportation finance".split()
)
# A single capitalised word this common in English ("Group", "State", "Party", "House") is a
# sentence-initial or headline word more often than a name; 5.3 keeps "China" (5.1), "Europe"
# (5.0) and "Trump" (4.9). Places and nationalities are exempt.
COMMON_WORD_ZIPF = 5.3
# A surname is searched on its own only when it is rarer than this as an English word: "Lopez"
# (3.3) and "Blinken" (2.2) are, "Brown" (4.6) and "Rice" (4.5) are not.
SURNAME_WORD_ZIPF = 4.0
# A place or organisation a model found in another script may join a Latin name of the same kind
# on a two-letter skeleton when both begin alike ("Иран"/"Iran", "Чино"/"Chino"); a name searched
# for in running text needs three (MIN_SKELETON).
SHORT_NAME_SKELETON = 2
SEARCHED_SCRIPTS = frozenset({"cyrillic", "arabic"})  # what _find_across_scripts reads (script_of's others)


def name_tokens(text: str) -> list[str]:
    """The folded words of a person's name without honorifics: "Mr. Antony J. Blinken" → [antony, j, blinken]."""
    words = [w.strip("'-") for w in fold(text).split()]
    return [w for w in words if w and w not in HONORIFICS]


# --------------------------------------------------------------------------- mentions


@dataclass
class RawMention:
    article_id: str
    start: int
    end: int
    text: str
    label: str
    via: str = "ner"  # ner | alias (found again by its spelling) | role ("the Secretary of State")


@dataclass
class RoleEvidence:
    text: str
    span: Span
    key: str  # the role without nationality or determiners: "secretary of state"
    country: str = ""  # the nationality or place the key drops: "us", "chinese", "china"


def _trim_entity(ent: SpacySpan) -> tuple[int, int] | None:
    """Token range of an entity without a leading "the", a trailing possessive or punctuation, and
    (for people) without a capitalised role word glued after the name by scraping."""
    doc = ent.doc
    start, end = ent.start, ent.end
    while start < end and (doc[start].lower_ in _DETERMINERS or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in {"'s", "’s", "'", "’"}):
        end -= 1
    if ent.label_ == "PERSON":
        words = role_words()
        while end - start > 1 and doc[end - 1].lower_ in words:
            end -= 1
        while end - start > 1 and doc[start].lower_ in words:
            start += 1
    return (start, end) if end > start else None


def _role_phrase(ent: SpacySpan, start: int, end: int) -> list[tuple[int, int]]:
    """Token ranges of role phrases attached to a person's name: a title before it ("US Secretary
    of State Antony Blinken", "Chinese Foreign Minister Qin Gang") or an appositive after it
    ("Alexei Maslov, director of the Institute …"), or a name in apposition to a title ("the Chinese
    Foreign Minister, Qin Gang")."""
    doc = ent.doc
    words = role_words()
    root = doc[start:end].root
    ranges: list[tuple[int, int]] = []

    def accept(lo: int, hi: int, *, names_inside: bool = False) -> None:
        # Not "whose chair", not "chief executive, Dr.", not "… Communist Party of China (CPC".
        while lo < hi and (
            doc[lo].is_punct or doc[lo].lower_ in _DETERMINERS or doc[lo].tag_ in {"WP$", "WDT", "WP"}
        ):
            lo += 1
        while hi > lo and (doc[hi - 1].is_punct or fold(doc[hi - 1].text).strip(".") in HONORIFICS):
            hi -= 1
        opened = [i for i in range(lo, hi) if doc[i].text == "("]
        if opened and not any(doc[i].text == ")" for i in range(opened[-1], hi)):
            hi = opened[-1]
            while hi > lo and doc[hi - 1].is_punct:
                hi -= 1
        if 0 < hi - lo <= MAX_ROLE_TOKENS and any(doc[i].lower_ in words for i in range(lo, hi)):
            # Another person's name inside means the parse joined two people, unless the role is
            # set off by punctuation ("head of the Center … named after E.M. Primakov RAS").
            others = [
                i for i in range(lo, hi) if doc[i].ent_type_ == "PERSON" and not ent.start <= i < ent.end
            ]
            joined = bool(others) and any(doc[i].lower_ in {"and", "&"} for i in range(min(others), hi))
            if not others or (names_inside and not joined):
                ranges.append((lo, hi))

    before = [t for t in root.children if t.i < start and t.dep_ in {"compound", "nmod", "amod"}]
    if before:
        lo = min(t.left_edge.i for t in before)
        if lo < start:
            accept(lo, start)
    for child in root.children:
        if child.dep_ == "appos" and child.i >= end:
            accept(child.left_edge.i, child.right_edge.i + 1)
    if root.dep_ == "appos" and root.head.i < start and root.head.lower_ in words:
        head: Token = root.head
        accept(head.left_edge.i, start)
    sent = doc[start].sent
    # A title glued after the name by scraping: "Alexander Lomanov Head of the Center for …".
    if end < sent.end and doc[end].lower_ in words and doc[end].text[:1].isupper():
        hi = end
        while hi < sent.end and hi - end < MAX_ROLE_TOKENS and doc[hi].text not in {".", ";", "“", '"'}:
            hi += 1
        accept(end, hi, names_inside=True)
    # A title set off by a comma right before the name: "…, head of the Center … RAS Alexander Lomanov".
    commas = [t.i for t in doc[sent.start : start] if t.text == ","]
    if commas and not ranges:
        lo = commas[-1] + 1
        while lo < start and doc[lo].lower_ in _DETERMINERS:
            lo += 1
        if lo < start and doc[lo].lower_ in words:
            accept(lo, start, names_inside=True)
    return ranges


def _mentions_and_roles(
    annotated: Sequence[AnnotatedArticle],
) -> tuple[list[RawMention], dict[int, list[RoleEvidence]], set[tuple[str, int, int]]]:
    """Named-entity mentions of all articles, the roles attached to each PERSON mention (keyed by
    the mention's index), and the article ranges covered by role phrases."""
    mentions: list[RawMention] = []
    roles: dict[int, list[RoleEvidence]] = {}
    role_ranges: set[tuple[str, int, int]] = set()
    outlets = {fold(a.article.outlet) for a in annotated if a.article.outlet}
    for article in annotated:
        for paragraph in article.paragraphs:
            doc = paragraph.doc
            for ent in doc.ents:
                if ent.label_ not in ENTITY_LABELS:
                    continue
                trimmed = _trim_entity(ent)
                if trimmed is None:
                    continue
                for start, end, base_label in _split_possessive(doc, *trimmed, ent.label_):
                    span = doc[start:end]
                    if not any(c.isalpha() for c in span.text) or not (
                        span.text[0].isupper() or span.text[0].isdigit()
                    ):
                        continue  # "china" in lower case is often a mis-tag; keep only names as written
                    a_start, a_end = article.offsets(paragraph, span)
                    label = "ORG" if fold(span.text) in outlets else base_label  # "told Sputnik": an outlet
                    if _not_a_name(span, label, article.text[max(0, a_start - 40) : a_start]):
                        continue
                    mentions.append(RawMention(article.id, a_start, a_end, span.text, label))
                    # Roles of people, and of two- or three-word names the model may have mis-tagged
                    # (kept only if the name turns out to be a person).
                    words = span.text.split()
                    if label == "PERSON" or (
                        label == "ORG" and 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words)
                    ):
                        found = [
                            _role_evidence(article, paragraph, lo, hi)
                            for lo, hi in _role_phrase(ent, start, end)
                        ]
                        roles[len(mentions) - 1] = found
                        if label == "PERSON":
                            role_ranges.update((article.id, r.span.start, r.span.end) for r in found)
    # Entities inside a role phrase ("State" of "Secretary of State") are part of the title, not
    # separate things, except a nationality or place that opens it ("US", "Chinese"); and a title
    # tagged as an organisation on its own ("the Secretary of State" ORG) is a title.
    role_keys = {r.key for found in roles.values() for r in found}
    kept: list[RawMention] = []
    new_roles: dict[int, list[RoleEvidence]] = {}
    for index, mention in enumerate(mentions):
        inside = any(
            a == mention.article_id and s <= mention.start and mention.end <= e and s != mention.start
            for a, s, e in role_ranges
        )
        if inside and mention.label not in {"GPE", "NORP"}:
            continue
        words = fold(mention.text).split()
        if mention.label != "PERSON" and (" ".join(words) in role_keys or " ".join(words[1:]) in role_keys):
            continue
        if index in roles:
            new_roles[len(kept)] = roles[index]
        kept.append(mention)
    return kept, new_roles, role_ranges


def _split_possessive(doc: Doc, start: int, end: int, label: str) -> list[tuple[int, int, str]]:
    """ "Jeff Bezos’s Blue Origin" and "Vietnam’s Communist Party" are two names the small model
    tags as one: split at the possessive when both sides are capitalised. The owned thing of a
    person is rarely a person (ORG); types are voted across mentions afterwards anyway."""
    for i in range(start + 1, end - 1):
        if doc[i].lower_ in {"'s", "’s"} and doc[start].text[:1].isupper() and doc[i + 1].text[:1].isupper():
            owned = "ORG" if label == "PERSON" else label
            return [(start, i, label), (i + 1, end, owned)]
    return [(start, end, label)]


def _not_a_name(span: SpacySpan, label: str, before: str) -> bool:
    if len(span) != 1 or label in {"GPE", "NORP"}:
        return False
    word = span.text
    if word.lower() in TITLE_OBJECTS and _TITLE_OBJECT.search(before):
        return True
    return not word.isupper() and _zipf(word.lower()) >= COMMON_WORD_ZIPF


@lru_cache(maxsize=65536)
def _zipf(word: str, language: str = "en") -> float:
    """How common ``word`` is in ``language`` (wordfreq's Zipf scale); 0 for a language wordfreq
    has no list for ("ug"), so that its words count as rare, as names are."""
    from wordfreq import zipf_frequency

    try:
        return float(zipf_frequency(word, language or "en"))
    except LookupError:
        return 0.0


def _role_evidence(article: AnnotatedArticle, paragraph: Paragraph, lo: int, hi: int) -> RoleEvidence:
    doc = paragraph.doc
    span = doc[lo:hi]
    start, end = article.offsets(paragraph, span)
    # The key drops a leading nationality or place ("US", "Chinese") so that "the Secretary of
    # State" and "the US Secretary of State" find the same person.
    first = 0
    while first < len(span) and (
        span[first].ent_type_ in {"GPE", "NORP"} or span[first].lower_ in _DETERMINERS
    ):
        first += 1
    key = " ".join(t.lower_ for t in span[first:] if not t.is_punct) or span.text.lower()
    country = " ".join(
        t.lower_.replace(".", "") for t in span[:first] if t.lower_ not in _DETERMINERS and not t.is_punct
    )
    return RoleEvidence(
        text=span.text,
        span=Span(article_id=article.id, start=start, end=end, text=article.text[start:end]),
        key=key,
        country=country,
    )


# --------------------------------------------------------------------------- clustering


@dataclass
class Cluster:
    kind: str  # "person" or "name"
    key: str
    mentions: list[int] = field(default_factory=list)  # indices into the mention list
    full_names: list[list[str]] = field(default_factory=list)  # person: token lists of multi-word names


def _given_names_agree(a: list[str], b: list[str]) -> bool:
    if not a or not b:
        return True
    x, y = a[0], b[0]
    if len(x) == 1 or len(y) == 1:
        return x[0] == y[0]
    return x == y or fuzz.ratio(x, y) >= GIVEN_NAME_SIMILARITY


def _same_person(a: list[str], b: list[str]) -> bool:
    """Two multi-word names of one person: same surname and compatible given names, or a surname
    slightly off (translation) with given names that agree closely. Names in two scripts
    ("Энтони Блинкен", "Antony Blinken") are compared by their skeletons (nlp.transliterate)."""
    sur_a, sur_b = a[-1], b[-1]
    if script_of(sur_a) != script_of(sur_b):
        given_a, given_b = a[:-1], b[:-1]
        if not (given_a and given_b):
            return words_alike(sur_a, sur_b)
        given_agree = words_alike(given_a[0], given_b[0]) or (
            min(len(given_a[0]), len(given_b[0])) == 1
            and skeleton(given_a[0])[:1] == skeleton(given_b[0])[:1]
        )
        return given_agree and words_alike(sur_a, sur_b, loose=True)
    if sur_a == sur_b:
        return _given_names_agree(a[:-1], b[:-1])
    if min(len(sur_a), len(sur_b)) >= 4 and fuzz.ratio(sur_a, sur_b) >= SURNAME_SIMILARITY:
        return a[0] == b[0] or (
            len(a[0]) > 1 and len(b[0]) > 1 and fuzz.ratio(a[0], b[0]) >= GIVEN_NAME_SIMILARITY
        )
    return False


def _acronym(tokens: list[str]) -> str:
    return "".join(t[0] for t in tokens if t not in _ACRONYM_SKIP and t[:1].isalpha())


def _cluster(mentions: list[RawMention]) -> list[Cluster]:
    persons: list[Cluster] = []
    # A two- or three-word name mis-tagged as an organisation ("Alexei Maslov" ORG) is a person
    # when the story also has its last word tagged as a person on its own ("Maslov").
    person_words = {
        name_tokens(m.text)[0] for m in mentions if m.label == "PERSON" and len(name_tokens(m.text)) == 1
    }
    for m in mentions:
        words = m.text.split()
        if (
            (
                m.label != "PERSON"
                and 2 <= len(words) <= 3
                and all(w[:1].isupper() and not w.isupper() for w in words)
            )
            and name_tokens(m.text)[-1:]
            and name_tokens(m.text)[-1] in person_words
        ):
            m.label = "PERSON"
    # 1. People with a full name: one cluster per person.
    for index, m in enumerate(mentions):
        tokens = name_tokens(m.text)
        if m.label != "PERSON" or len(tokens) < 2:
            continue
        for cluster in persons:
            if any(_same_person(tokens, other) for other in cluster.full_names):
                cluster.mentions.append(index)
                if tokens not in cluster.full_names:
                    cluster.full_names.append(tokens)
                break
        else:
            persons.append(Cluster("person", " ".join(tokens), [index], [tokens]))

    # 2. Single words: a person's surname (or first word: "Xi", "Qin"), whatever label spaCy gave.
    by_last: dict[str, list[Cluster]] = defaultdict(list)
    by_first: dict[str, list[Cluster]] = defaultdict(list)
    for cluster in persons:
        for tokens in cluster.full_names:
            if cluster not in by_last[tokens[-1]]:
                by_last[tokens[-1]].append(cluster)
            if cluster not in by_first[tokens[0]] and len(tokens[0]) > 1:
                by_first[tokens[0]].append(cluster)
    by_last_skeleton: dict[str, list[Cluster]] = defaultdict(list)  # Latin surnames, for other scripts
    for surname, clusters in by_last.items():
        if script_of(surname) == "latin":
            for variant in skeleton_variants(surname):
                by_last_skeleton[variant].extend(c for c in clusters if c not in by_last_skeleton[variant])
    loose_people: dict[str, Cluster] = {}
    names: dict[str, Cluster] = {}
    assigned = {i for c in persons for i in c.mentions}
    for index, m in enumerate(mentions):
        if index in assigned:
            continue
        tokens = name_tokens(m.text)
        if len(tokens) == 1:
            word = tokens[0]
            candidates = by_last.get(word) or by_first.get(word) or []
            if not candidates and script_of(word) != "latin":  # "Блинкена" for "Blinken"
                candidates = next(
                    (by_last_skeleton[v] for v in skeleton_variants(word) if v in by_last_skeleton), []
                )
            if candidates:
                _nearest_person(candidates, mentions, index).mentions.append(index)
                continue
            if m.label == "PERSON":
                loose_people.setdefault(word, Cluster("person", word)).mentions.append(index)
                continue
        key = fold(m.text)
        names.setdefault(key, Cluster("name", key)).mentions.append(index)

    # 3. Acronyms and nationality-prefixed names join their expansion when that is unambiguous.
    merged = _merge_names(names, mentions)
    return persons + _merge_loose_people(loose_people) + merged


def _nearest_person(candidates: list[Cluster], mentions: list[RawMention], index: int) -> Cluster:
    """Of several people sharing a surname, the one last mentioned before ``index`` in the same
    article, else the one with most mentions in the story."""
    if len(candidates) == 1:
        return candidates[0]
    here = mentions[index]
    best: tuple[int, Cluster] | None = None
    for cluster in candidates:
        for i in cluster.mentions:
            m = mentions[i]
            if (
                m.article_id == here.article_id
                and m.start < here.start
                and (best is None or m.start > best[0])
            ):
                best = (m.start, cluster)
    if best:
        return best[1]
    return max(candidates, key=lambda c: len(c.mentions))


def _merge_names(names: dict[str, Cluster], mentions: list[RawMention]) -> list[Cluster]:
    clusters = dict(names)
    places = {
        key for key, c in names.items() if any(mentions[i].label in {"GPE", "NORP"} for i in c.mentions)
    }
    # Acronyms: "US" → "united states", "CPC" → "communist party of china".
    expansions: dict[str, list[str]] = defaultdict(list)
    for key, cluster in clusters.items():
        tokens = key.split()
        written = [w for i in cluster.mentions for w in mentions[i].text.split()]
        # "US Navy" is no expansion of "UN": an expansion is spelled out, without acronyms in it.
        if len(tokens) >= 2 and not any(w.isupper() and len(w) > 1 for w in written):
            expansions[_acronym(tokens)].append(key)
    for key in list(clusters):
        surface = [mentions[i].text.replace(".", "") for i in clusters[key].mentions]
        is_acronym = " " not in key and all(s.isupper() and 2 <= len(s) <= 6 for s in surface)
        targets = expansions.get(key, [])
        if is_acronym and len(targets) == 1 and targets[0] in clusters:
            clusters[targets[0]].mentions.extend(clusters.pop(key).mentions)
    # "State Department" joins "US State Department" when only one such prefixed name exists.
    for key in sorted(clusters, key=len):
        if key not in clusters:
            continue
        longer = [
            other
            for other in clusters
            if other != key
            and other.endswith(" " + key)
            and other[: -len(key) - 1] in places
            and len(key.split()) >= 2
        ]
        if len(longer) == 1:
            clusters[longer[0]].mentions.extend(clusters.pop(key).mentions)
    # A name in another script joins the one Latin name with its skeleton ("Калифорния" →
    # "California", "الخرطوم" → "Khartoum"); two candidates are left apart.
    latin_by_skeleton: dict[str, list[str]] = defaultdict(list)
    for key in clusters:
        if script_of(key) == "latin":
            latin_by_skeleton[_name_skeleton(key)].append(key)
    for key in list(clusters):
        if script_of(key) == "latin":
            continue
        labels = {mentions[i].label for i in clusters[key].mentions}
        alike = {
            latin
            for variant in _name_skeletons(key, SHORT_NAME_SKELETON)
            for latin in latin_by_skeleton.get(variant, [])
            if len(variant.replace(" ", "")) >= MIN_SKELETON
            or (labels & {mentions[i].label for i in clusters[latin].mentions} and onsets_agree(key, latin))
        }
        if len(alike) == 1:
            clusters[alike.pop()].mentions.extend(clusters.pop(key).mentions)
    return list(clusters.values())


def _merge_loose_people(loose_people: dict[str, Cluster]) -> list[Cluster]:
    """A surname alone in another script joins the one surname alone in Latin letters with its
    skeleton ("Никсона" → "Nixon", "Мацудзаку" → "Matsuzaka"): no full name says who either is,
    but one story rarely holds two people whose surnames share a skeleton."""
    latin_by_skeleton: dict[str, list[str]] = defaultdict(list)
    for word in loose_people:
        if script_of(word) == "latin":
            latin_by_skeleton[skeleton(word)].append(word)
    merged = dict(loose_people)
    for word in loose_people:
        if script_of(word) == "latin":
            continue
        alike = {latin for variant in skeleton_variants(word) for latin in latin_by_skeleton.get(variant, [])}
        if len(alike) == 1:
            merged[alike.pop()].mentions.extend(merged.pop(word).mentions)
    return list(merged.values())


def _name_skeleton(name: str) -> str:
    """The skeletons of a name's words; a hyphen parts words ("Лос-Анджелес", Los Angeles)."""
    return " ".join(skeleton(word) for word in name.replace("-", " ").split())


def _name_skeletons(name: str, minimum: int = MIN_SKELETON) -> set[str]:
    """The skeletons of a name of several words, with each word's clitic or case ending off or on
    (names of one to three words: at most a few dozen), of ``minimum`` letters or more."""
    words = name.replace("-", " ").split()
    if len(words) > 3:
        return {_name_skeleton(name)}
    options = [skeleton_variants(word, 1) or (skeleton(word),) for word in words]
    found = {" ".join(combo) for combo in itertools.product(*options)}
    return {f for f in found if len(f.replace(" ", "")) >= minimum}


# --------------------------------------------------------------------------- the result


@dataclass
class EntityIndex:
    """The story's entities with a lookup from article offsets to the entity mentioned there."""

    entities: list[Entity]
    _starts: dict[str, list[int]] = field(default_factory=dict)
    _spans: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    _longest: dict[str, int] = field(default_factory=dict)  # per article, its longest mention
    _by_id: dict[str, Entity] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_id = {entity.id: entity for entity in self.entities}
        per_article: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for entity in self.entities:
            for m in entity.mentions:
                per_article[m.article_id].append((m.start, m.end, entity.id))
        for article_id, spans in per_article.items():
            spans.sort()
            self._spans[article_id] = spans
            self._starts[article_id] = [s for s, _, _ in spans]
            self._longest[article_id] = max(e - s for s, e, _ in spans)

    def by_id(self, entity_id: str) -> Entity:
        return self._by_id[entity_id]

    def mentions_in(self, article_id: str, start: int, end: int) -> list[tuple[int, int, Entity]]:
        """Mentions lying within ``start..end`` of one article, in text order."""
        spans = self._spans.get(article_id, [])
        i = bisect.bisect_left(self._starts.get(article_id, []), start)
        found = []
        while i < len(spans) and spans[i][0] < end:
            s, e, entity_id = spans[i]
            if e <= end:
                found.append((s, e, self.by_id(entity_id)))
            i += 1
        return found

    def entity_at(self, article_id: str, start: int, end: int) -> Entity | None:
        """The entity of the longest mention overlapping ``start..end``."""
        spans = self._spans.get(article_id, [])
        # Only mentions starting at most the longest mention's length before ``start`` can reach it.
        i = bisect.bisect_left(self._starts.get(article_id, []), start - self._longest.get(article_id, 0))
        best: tuple[int, str] | None = None
        while i < len(spans) and spans[i][0] < end:
            s, e, entity_id = spans[i]
            if start < e and (best is None or e - s > best[0]):
                best = (e - s, entity_id)
            i += 1
        return self.by_id(best[1]) if best else None

    def holder_of_role(self, article_id: str, phrase: str) -> Entity | None:
        """The one person a role phrase such as "the Chinese president" or "the spokesman" refers
        to: a person whose recorded role is that phrase (or ends with its last word), preferring
        people mentioned in the same article; None when it is not exactly one."""
        words = [w for w in fold(phrase).split() if w not in _DETERMINERS]
        if not words or words[-1] not in role_words():
            return None
        wanted = " ".join(words)
        exact, by_head = [], []
        for entity in self.entities:
            if entity.type != "PERSON":
                continue
            for role in entity.roles:
                role_words_ = [w for w in fold(role.text).split() if w not in _DETERMINERS]
                if " ".join(role_words_) == wanted:
                    exact.append(entity)
                elif role_words_ and role_words_[-1] == words[-1]:
                    by_head.append(entity)
        for candidates in (exact, by_head):
            unique = list({e.id: e for e in candidates}.values())
            local = [e for e in unique if any(m.article_id == article_id for m in e.mentions)]
            if len(local) == 1:
                return local[0]
            if len(unique) == 1:
                return unique[0]
        return None

    def last_person_before(self, article_id: str, offset: int, *, window: int = 1500) -> Entity | None:
        """The person mentioned last before ``offset`` (within ``window`` characters): what "he
        said" most likely refers to when no better evidence exists."""
        return self.last_of_type_before(article_id, offset, ("PERSON",), window=window)

    def last_of_type_before(
        self, article_id: str, offset: int, types: tuple[str, ...], *, window: int = 1500
    ) -> Entity | None:
        spans = self._spans.get(article_id, [])
        i = bisect.bisect_left(self._starts.get(article_id, []), offset) - 1
        while i >= 0 and spans[i][0] >= offset - window:
            entity = self.by_id(spans[i][2])
            if entity.type in types:
                return entity
            i -= 1
        return None


def _entity_type(cluster: Cluster, mentions: list[RawMention]) -> str:
    if cluster.kind == "person":
        return "PERSON"
    votes = Counter(mentions[i].label for i in cluster.mentions if mentions[i].via == "ner")
    best = max(votes.values())
    return next(label for label in TYPE_PRIORITY if votes.get(label) == best)


def _canonical_name(cluster: Cluster, mentions: list[RawMention], reader_script: str) -> str:
    """The spelling most articles use (each article votes once, with its most frequent spelling);
    for people only full names compete. Ties go to the longer, then the alphabetically first."""
    surfaces = [mentions[i] for i in cluster.mentions if mentions[i].via != "role"]
    if cluster.kind == "person" and cluster.full_names:
        surfaces = [m for m in surfaces if len(name_tokens(m.text)) >= 2] or surfaces
    per_article: dict[str, Counter[str]] = defaultdict(Counter)
    for m in surfaces:
        per_article[m.article_id][_display(m.text)] += 1
    votes: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for counts in per_article.values():
        votes[counts.most_common(1)[0][0]] += 1
        totals.update(counts)
    # An acronym names the entity only when nothing spells it out ("Communist Party of China", not "CPC").
    spelled = [n for n in totals if not (n.replace(".", "").isupper() and " " not in n)] or list(totals)
    # A name written in several scripts is named in the reader's (Latin letters for the default
    # English reader, which is also the stable form where Russian declines "Алексу Родригесу").
    spelled = [n for n in spelled if script_of(n) == reader_script] or spelled
    # Ties (one article each) go to the spelling whose surname the other mentions share:
    # "Christine Lagarde" over a one-off "Christine Largarde" when "Lagarde" recurs alone.
    surnames = Counter(
        name_tokens(mentions[i].text)[-1] for i in cluster.mentions if name_tokens(mentions[i].text)
    )

    def support(name: str) -> int:
        tokens = name_tokens(name)
        return surnames[tokens[-1]] if tokens else 0

    return min(spelled, key=lambda name: (-votes[name], -support(name), -totals[name], -len(name), name))


def _display(text: str) -> str:
    text = " ".join(text.split())
    words = text.split()
    while len(words) > 1 and fold(words[0]).strip(".") in HONORIFICS:
        words = words[1:]
    return " ".join(words)


def _find_again(
    clusters: list[Cluster], mentions: list[RawMention], annotated: Sequence[AnnotatedArticle]
) -> None:
    """Add mentions the model missed: every other occurrence of a spelling already seen in the
    story, and of a person's surname on its own (word-bounded, capitalised, outside other mentions).
    A surname shared by two people goes to the one named last before it in that article."""
    taken: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m in mentions:
        taken[m.article_id].append((m.start, m.end))
    by_surface: dict[str, list[int]] = defaultdict(list)
    for c_index, cluster in enumerate(clusters):
        for i in cluster.mentions:
            surface = mentions[i].text
            usable = len(surface) >= 3 and surface[0].isupper() and mentions[i].label not in {"NORP"}
            if usable and c_index not in by_surface[surface]:
                by_surface[surface].append(c_index)
        for tokens in cluster.full_names:
            surname = _written_surname(cluster, mentions, tokens[-1])
            # A surname that is also a common word ("Brown", "Rice", "May") is not searched alone.
            rare = (
                bool(surname)
                and len(surname or "") >= 3
                and _zipf((surname or "").lower()) < SURNAME_WORD_ZIPF
            )
            if surname and rare and c_index not in by_surface[surname]:
                by_surface[surname].append(c_index)
    if not by_surface:
        return
    pattern = re.compile(
        r"(?<![\w-])("
        + "|".join(re.escape(s) for s in sorted(by_surface, key=len, reverse=True))
        + r")(?![\w-])"
    )
    for article in annotated:
        for match in pattern.finditer(article.text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken[article.id]):
                continue
            candidates = [clusters[c] for c in by_surface[match.group(1)]]
            mentions.append(RawMention(article.id, start, end, match.group(1), "", via="alias"))
            chosen = _nearest_person(candidates, mentions, len(mentions) - 1)
            chosen.mentions.append(len(mentions) - 1)
            taken[article.id].append((start, end))


def _find_across_scripts(
    clusters: list[Cluster], mentions: list[RawMention], annotated: Sequence[AnnotatedArticle]
) -> None:
    """Add mentions in other scripts that no model found (Arabic has none on PyPI; natasha misses
    some): one to three words whose skeleton is that of a name the story writes in Latin letters,
    a clitic ("وبلينكن", and Blinken) or a case ending ("Блинкеном") allowed. Exact skeletons
    only (searching every word, a loose match would find names everywhere), and a word of three
    consonants only when it is not among its language's common words ("بدون", without, is "bdn"
    like Biden)."""
    index: dict[str, set[int]] = defaultdict(set)
    first_words: dict[str, set[str]] = defaultdict(set)  # the Latin word each key begins with
    for c_index, cluster in enumerate(clusters):
        for i in cluster.mentions:
            m = mentions[i]
            if m.via == "role" or m.label == "NORP" or script_of(m.text) != "latin":
                continue
            words = name_tokens(m.text) if cluster.kind == "person" else fold(m.text).split()
            if 1 <= len(words) <= 3 and (len(words) > 1 or _zipf(words[0]) < SURNAME_WORD_ZIPF):
                key = _name_skeleton(" ".join(words))
                index[key].add(c_index)
                first_words[key].add(words[0])
        for tokens in cluster.full_names:
            if script_of(tokens[-1]) == "latin" and _zipf(tokens[-1]) < SURNAME_WORD_ZIPF:
                index[skeleton(tokens[-1])].add(c_index)
                first_words[skeleton(tokens[-1])].add(tokens[-1])
    index = {key: found for key, found in index.items() if len(key.replace(" ", "")) >= 3}
    if not index:
        return
    taken: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m in mentions:
        taken[m.article_id].append((m.start, m.end))
    for article in annotated:
        language = article.article.language or ""
        for paragraph in article.paragraphs:
            words_here = [t for t in paragraph.doc if t.is_alpha]
            if not any(script_of(t.text) in SEARCHED_SCRIPTS for t in words_here):
                continue  # an English paragraph: nothing to search, without trying every window
            i = 0
            while i < len(words_here):
                width = _match_across(words_here, i, index, first_words, language)
                if width is None:
                    i += 1
                    continue
                size, key = width
                first, last = words_here[i], words_here[i + size - 1]
                start = paragraph.start + first.idx + _clitic_length(first.text, key)
                end = paragraph.start + last.idx + len(last.text)
                i += size
                if any(s < end and start < e for s, e in taken[article.id]):
                    continue
                candidates = [clusters[c] for c in sorted(index[key])]
                mentions.append(RawMention(article.id, start, end, article.text[start:end], "", via="alias"))
                if len(candidates) > 1 and any(c.kind != "person" for c in candidates):
                    mentions.pop()  # a place and a person spelled alike: left unnamed
                    continue
                _nearest_person(candidates, mentions, len(mentions) - 1).mentions.append(len(mentions) - 1)
                taken[article.id].append((start, end))


def _match_across(
    tokens: Sequence[Token],
    i: int,
    index: dict[str, set[int]],
    first_words: dict[str, set[str]],
    language: str,
) -> tuple[int, str] | None:
    """The longest run of words in another script from ``tokens[i]`` naming a Latin name of
    ``index``: (its length in words, the skeleton it matched). Russian capitalises names, so a
    Cyrillic run must too ("решение", decision, is not Kherson), and a sentence's first word must
    be rare as a word; a word's onset must agree with
    the Latin name's ("أكثر", more, is not Qatar); and a single word of three consonants must not
    be common in its language, with a clitic on ("وبدون") or off ("بدون", without: not Biden)."""
    for size in (3, 2, 1):
        words = [t.text for t in tokens[i : i + size]]
        if len(words) < size or any(script_of(w) not in SEARCHED_SCRIPTS for w in words):
            continue
        # Words in a row only: "Лос-Анджелес" is two tokens with a hyphen between them.
        if any(tokens[k + 1].i - tokens[k].i > 2 for k in range(i, i + size - 1)):
            continue
        if script_of(words[0]) == "cyrillic":
            if not all(w[:1].isupper() for w in words):
                continue
            # A sentence's first word is capitalised anyway: "Решение" (decision) is no name.
            if (
                size == 1
                and tokens[i].is_sent_start
                and _zipf(words[0].lower(), language) >= SURNAME_WORD_ZIPF
            ):
                continue
        for key in sorted(_name_skeletons(" ".join(words))):
            if key not in index:
                continue
            stem = words[0][_clitic_length(words[0], key) :]
            if not any(onsets_agree(stem, latin) for latin in first_words[key]):
                continue
            if (
                size == 1
                and len(key) == 3
                and max(_zipf(w.lower(), language) for w in {words[0], stem}) >= COMMON_WORD_ZIPF
            ):
                continue
            return size, key
    return None


def _clitic_length(word: str, key: str) -> int:
    """How many letters of ``word`` are an Arabic clitic before the name ``key`` begins with
    ("وبلينكن", and Blinken: 1); 0 when none."""
    return next((k for k in range(4) if skeleton(word[k:]) == key.split()[0]), 0)


def _written_surname(cluster: Cluster, mentions: list[RawMention], folded: str) -> str | None:
    """The surname as the articles write it ("López"), from the cluster's own full-name mentions."""
    for i in cluster.mentions:
        words = mentions[i].text.split()
        if len(words) >= 2 and fold(words[-1]).strip("'-") == folded and words[-1][:1].isupper():
            return words[-1]
    return None


def _role_mentions(
    clusters: list[Cluster],
    mentions: list[RawMention],
    roles_by_cluster: dict[int, list[RoleEvidence]],
    annotated: Sequence[AnnotatedArticle],
    role_ranges: set[tuple[str, int, int]],
) -> None:
    """ "the Secretary of State" is a mention of the one person in the story who holds that role."""
    holders: dict[str, set[int]] = defaultdict(set)
    for c_index, evidence in roles_by_cluster.items():
        for r in evidence:
            if len(r.key.split()) >= 2 or r.key in role_words():
                holders[r.key].add(c_index)
    unique = {key: next(iter(c)) for key, c in holders.items() if len(c) == 1 and len(key) >= 5}
    if not unique:
        return
    taken: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m in mentions:
        taken[m.article_id].append((m.start, m.end))
    for article_id, s, e in role_ranges:
        taken[article_id].append((s, e))
    # "the [US|Chinese] Secretary of State", not followed by a name (that would be a title).
    keys = "|".join(re.escape(k) for k in sorted(unique, key=len, reverse=True))
    pattern = re.compile(r"\b[Tt]he\s+(?:[A-Z][\w.]*\s+)?((?i:" + keys + r"))(?![\w-])(?!\s+[A-Z][a-z])")
    for article in annotated:
        for match in pattern.finditer(article.text):
            start, end = match.start(1), match.end(1)
            if any(s < end and start < e for s, e in taken[article.id]):
                continue
            c_index = unique[match.group(1).lower()]
            mentions.append(RawMention(article.id, start, end, match.group(1), "", via="role"))
            clusters[c_index].mentions.append(len(mentions) - 1)


def resolve_entities(annotated: Sequence[AnnotatedArticle], reader_script: str = "latin") -> EntityIndex:
    """The entities of one story, most mentioned first, with aliases, roles and every mention;
    each named in ``reader_script`` when an article writes it so (``lexicon.script_of_language``)."""
    mentions, roles, role_ranges = _mentions_and_roles(annotated)
    clusters = _cluster(mentions)
    _find_again(clusters, mentions, annotated)
    _find_across_scripts(clusters, mentions, annotated)
    roles_by_cluster: dict[int, list[RoleEvidence]] = {}
    for c_index, cluster in enumerate(clusters):
        evidence = [r for i in cluster.mentions for r in roles.get(i, [])]
        if evidence and cluster.kind == "person":
            roles_by_cluster[c_index] = evidence
    _role_mentions(clusters, mentions, roles_by_cluster, annotated, role_ranges)

    texts = {a.id: a.text for a in annotated}
    built: list[Entity] = []
    used_ids: set[str] = set()
    order = sorted(range(len(clusters)), key=lambda c: (-len(clusters[c].mentions), clusters[c].key))
    for c_index in order:
        cluster = clusters[c_index]
        if not cluster.mentions:
            continue
        entity_type = _entity_type(cluster, mentions)
        name = _canonical_name(cluster, mentions, reader_script)
        entity_id = _entity_id(entity_type, name, used_ids)
        named = [mentions[i] for i in cluster.mentions if mentions[i].via != "role"]
        aliases = sorted({_display(m.text) for m in named} - {name}, key=lambda a: (-len(a), a))
        unique_mentions = sorted(
            {(m.article_id, m.start, m.end) for m in (mentions[i] for i in cluster.mentions)}
        )
        built.append(
            Entity(
                id=entity_id,
                name=name,
                type=entity_type,
                aliases=aliases,
                mentions=[
                    Mention(article_id=a, start=s, end=e, text=texts[a][s:e]) for a, s, e in unique_mentions
                ],
                roles=_roles(roles_by_cluster.get(c_index, [])),
            )
        )
    return EntityIndex(built)


def _roles(evidence: Iterable[RoleEvidence]) -> list[EntityRole]:
    grouped: dict[str, list[RoleEvidence]] = defaultdict(list)
    for r in evidence:
        grouped[fold(r.text)].append(r)
    roles = []
    for items in grouped.values():
        text = Counter(r.text for r in items).most_common(1)[0][0]
        spans = sorted(
            {(r.span.article_id, r.span.start): r.span for r in items}.values(),
            key=lambda s: (s.article_id, s.start),
        )
        first = items[0]
        roles.append(EntityRole(text=text, support=spans, office=first.key, country=first.country or None))
    roles.sort(key=lambda r: (-len(r.support), r.text))
    return roles


def _entity_id(entity_type: str, name: str, used: set[str]) -> str:
    """Stable across runs: the same name and type in the same story always get the same id."""
    base = "e" + hashlib.sha256(f"{entity_type}:{fold(name)}".encode()).hexdigest()[:8]
    entity_id, n = base, 1
    while entity_id in used:
        n += 1
        entity_id = f"{base}-{n}"
    used.add(entity_id)
    return entity_id
