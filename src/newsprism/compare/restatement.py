"""Is one unit a restatement of another, and what exactly changed between them?

Two outlets that report one fact often share most of a sentence ("Police said 7 people were
killed in the blast on Sunday"), from one wire story or one press release. When such a pair
differs in a few words, what differs is either a conflict (a figure, a day, a person, a
negation, one quoted word) or wording. This is the most precise same-fact evidence there is,
and it needs no model: a word-level alignment of the two texts (difflib, the standard library's
sequence matcher) and the changes inside the shared stretch. Words only one side has at either
end are an excerpt, never a change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import pairwise

from newsprism.lexicon import fold

# A restatement shares at least this many words, and at least RESTATEMENT_MIN_SHARED of the
# words of its shared stretch (from the first to the last word both have) are common to both.
RESTATEMENT_MIN_WORDS = 7
RESTATEMENT_MIN_SHARED = 0.75
# More differing words in a row than this and the two say different things there.
MAX_CHANGED_WORDS = 3

NEGATORS = frozenset({"not", "n't", "never", "no"})
# Any negation in a text, wider than the words a change may add ("none", "without").
NEGATOR_WORDS = re.compile(r"(?i)\b(?:not|no|never|none|nobody|nothing|neither|nor|without)\b|n't\b|n’t\b")

# A time of day, a word before "n't" ("are" of "aren't"), "n't", a word or figure, a mark.
_TOKEN = re.compile(r"\d{1,2}:\d{2}|\w+?(?=n['’]t\b)|n['’]t\b|\w+(?:[.,]\d+)*|[^\w\s]", re.UNICODE)
# The stems "can't", "won't" and "shan't" leave before their "n't".
_NEGATED_STEMS = {"ca": "can", "wo": "will", "sha": "shall"}


@dataclass(frozen=True)
class Piece:
    """One word (or punctuation mark) at its offsets in the article."""

    start: int
    end: int
    text: str
    key: str  # what is compared: folded, lower-case


@dataclass(frozen=True)
class Change:
    """One run of words that differs between the two sides inside a shared stretch (either side
    may be empty: an insertion), or that both sides have of their own at its edge, and how much of
    that stretch the two share word for word."""

    a: tuple[Piece, ...]
    b: tuple[Piece, ...]
    shared: float
    stretch: int  # which shared stretch of the pair it lies in
    # The share of the shorter text's words that its stretch spans: a figure in a short shared
    # clause of two long sentences may count different things ("killed 170,000 people in the
    # province" / "killed 230,000 people in 13 countries").
    covered: float = 1.0
    # Before the first (or after the last) shared word of the two texts rather than inside their
    # stretch: "John Jenkin, 23, had …" / "Mike Ross, 23, had …".
    edge: bool = False

    def text_a(self) -> str:
        return " ".join(p.text for p in self.a)

    def text_b(self) -> str:
        return " ".join(p.text for p in self.b)


@dataclass(frozen=True)
class Restatement:
    shared_words: int  # in the longest shared stretch
    shared: float  # share of that stretch's words common to both sides
    changes: tuple[Change, ...]  # inside every shared stretch


def pieces(text: str, offset: int = 0) -> list[Piece]:
    """The words of ``text`` with article offsets; "isn't" is two pieces, "is" and "n't"."""
    found: list[Piece] = []
    matches = list(_TOKEN.finditer(text))
    for i, match in enumerate(matches):
        piece = _piece(offset + match.start(), offset + match.end(), match.group())
        if i + 1 < len(matches) and matches[i + 1].group().lower() in {"n't", "n’t"}:
            piece = Piece(piece.start, piece.end, piece.text, _NEGATED_STEMS.get(piece.key, piece.key))
        found.append(piece)
    return expand_clitics(found)


def _piece(start: int, end: int, text: str) -> Piece:
    return Piece(start, end, text, _word_key(text))


@lru_cache(maxsize=65536)
def _word_key(word: str) -> str:
    """A word's folded key, computed once per distinct word: a story's pairs re-read its words."""
    key = fold(word).lower()
    return "n't" if key in {"nt", "n't", "n’t"} else key


# The clitics of a pronoun written out, so "I'm sorry" and "I am sorry" are the same words:
# after these pronouns, "'s" is "is" (a noun's "'s" is a possessive and stays as written).
CLITICS = {"m": "am", "re": "are", "ve": "have", "ll": "will", "d": "would"}
IS_AFTER = frozenset("it he she that there what who where here".split())
PRONOUNS = frozenset("i you we they".split()) | IS_AFTER


def expand_clitics(found: list[Piece]) -> list[Piece]:
    """Pronoun + apostrophe + clitic ("I ' m", "it ' s") as pronoun + the full word."""
    out: list[Piece] = []
    i = 0
    while i < len(found):
        piece = found[i]
        if (
            i + 2 < len(found)
            and piece.key in PRONOUNS
            and found[i + 1].key in {"'", "’"}
            and (found[i + 2].key in CLITICS or (found[i + 2].key == "s" and piece.key in IS_AFTER))
        ):
            clitic = found[i + 2]
            full = "is" if clitic.key == "s" else CLITICS[clitic.key]
            out += [piece, Piece(found[i + 1].start, clitic.end, found[i + 1].text + clitic.text, full)]
            i += 3
            continue
        out.append(piece)
        i += 1
    return out


def _is_word(piece: Piece) -> bool:
    return piece.key[:1].isalnum() or piece.key == "n't"


def restatement(a: list[Piece], b: list[Piece]) -> Restatement | None:
    """What changed between two texts where one restates the other, or part of it; else None.

    The word-level alignment is cut into stretches wherever more than MAX_CHANGED_WORDS words
    differ in a row (there the two say different things); a stretch of at least
    RESTATEMENT_MIN_WORDS shared words, RESTATEMENT_MIN_SHARED of its words common to both, is a
    restatement, and its inner differences are its changes, with the few words both sides have of
    their own before its first or after its last shared word. Two long sentences that share one
    clause word for word restate that clause."""
    words_a = [p for p in a if _is_word(p)]
    words_b = [p for p in b if _is_word(p)]
    matcher = SequenceMatcher(None, [p.key for p in words_a], [p.key for p in words_b], autojunk=False)
    blocks = [m for m in matcher.get_matching_blocks() if m.size]
    if sum(m.size for m in blocks) < RESTATEMENT_MIN_WORDS:
        return None
    stretches: list[list[tuple[int, tuple[Piece, ...], tuple[Piece, ...]]]] = [[(blocks[0].size, (), ())]]
    for before, after in pairwise(blocks):
        gap_a = tuple(words_a[before.a + before.size : after.a])
        gap_b = tuple(words_b[before.b + before.size : after.b])
        if max(len(gap_a), len(gap_b)) > MAX_CHANGED_WORDS:
            stretches.append([(after.size, (), ())])
        else:
            stretches[-1].append((after.size, gap_a, gap_b))
    first, last = blocks[0], blocks[-1]
    # Both sides opening (or ending) with a few words of their own is one substitution there
    # ("John Jenkin, 23, had …" / "Mike Ross, 23, had …"); one side alone is an excerpt. Such an
    # edge joins the changes of its stretch, not its share of common words.
    opening = _edge_change(tuple(words_a[: first.a]), tuple(words_b[: first.b]))
    ending = _edge_change(tuple(words_a[last.a + last.size :]), tuple(words_b[last.b + last.size :]))
    best: tuple[int, float] | None = None
    changes: list[Change] = []
    for number, stretch in enumerate(stretches):
        matched = sum(size for size, _, _ in stretch)
        differing = sum(max(len(x), len(y)) for _, x, y in stretch)
        shared = matched / (matched + differing)
        if matched < RESTATEMENT_MIN_WORDS or shared < RESTATEMENT_MIN_SHARED:
            continue
        if best is None or matched > best[0]:
            best = (matched, shared)
        covered = (matched + differing) / max(1, min(len(words_a), len(words_b)))
        runs = [(x, y, False) for _, x, y in stretch if x or y]
        if number == 0 and opening:
            runs.insert(0, (*opening, True))
        if number == len(stretches) - 1 and ending:
            runs.append((*ending, True))
        changes.extend(Change(x, y, shared, number, min(1.0, covered), edge) for x, y, edge in runs)
    if best is None:
        return None
    return Restatement(best[0], best[1], tuple(changes))


def _edge_change(
    run_a: tuple[Piece, ...], run_b: tuple[Piece, ...]
) -> tuple[tuple[Piece, ...], tuple[Piece, ...]] | None:
    """The words both sides have of their own before the first (or after the last) shared word,
    when both have some and neither more than MAX_CHANGED_WORDS."""
    if run_a and run_b and max(len(run_a), len(run_b)) <= MAX_CHANGED_WORDS:
        return run_a, run_b
    return None


AUXILIARIES = frozenset("do does did has have had will would could can should may might must".split())


def is_negation_change(change: Change) -> bool:
    """One side adds only a negator the other lacks ("is" / "is n't", "was" / "was not"), or
    negates the other's verb with an auxiliary ("agreed" / "did not agree")."""
    if not change.a or not change.b:
        one = change.a or change.b
        return bool(one) and all(p.key in NEGATORS for p in one)
    for negated, plain in ((change.a, change.b), (change.b, change.a)):
        keys = [p.key for p in negated]
        if not any(k in NEGATORS for k in keys) or len(plain) != 1:
            continue
        rest = [k for k in keys if k not in NEGATORS and k not in AUXILIARIES]
        if len(rest) == 1 and _same_verb(rest[0], plain[0].key):
            return True
    return False


VERB_ENDINGS = frozenset({"s", "es", "ed", "d"})


def inflected(x: str, y: str, endings: frozenset[str]) -> bool:
    """One word the other plus one of ``endings`` ("want" / "wanted"), on a stem of 3 letters or
    more (a word test, no parser)."""
    short, long = sorted((x, y), key=len)
    return len(short) >= 3 and long.startswith(short) and long[len(short) :] in endings


def _same_verb(x: str, y: str) -> bool:
    """ "agree" / "agreed", "confirm" / "confirmed", "deny" / "denied"."""
    short, long = sorted((x, y), key=len)
    return (
        long == short or inflected(x, y, VERB_ENDINGS) or (short.endswith("y") and long == short[:-1] + "ied")
    )
