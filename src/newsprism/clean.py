"""Cleaning: raw article text → the clean text every later offset refers to, with an audit trail.

What goes: boilerplate paragraphs (related links, share bars, hashtag rows, comment prompts,
newsletter prompts, captions, credits, datelines), repeated paragraphs and pull quotes, the title
repeated in the body. What is mended: mojibake (ftfy), words and sentences glued by scraping,
lines wrapped mid-sentence. Every removal is recorded in ``removed`` with the offset where it
stood; every mend in ``repairs``.

Cleaning is conservative by design: a rule removes a paragraph only when the *whole* paragraph
matches it, so a sentence of the story is never dropped because it contains a trigger word.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

import courlan
import ftfy
from rapidfuzz import fuzz
from wordfreq import zipf_frequency

from newsprism.errors import InputError
from newsprism.lexicon import reads_as_english
from newsprism.meta import (
    OutletDirectory,
    default_directory,
    detect_language,
    domain_of,
    find_outlet,
    normalize_language,
    normalize_published,
)
from newsprism.model import Article, RawDocument, Removal, Repair
from newsprism.read.text import is_person_byline, looks_like_title

# ---------------------------------------------------------------------------- thresholds
# The longest text analysed as one article: ~40,000 words, twice the longest long-form features;
# every later stage is linear in it, and at this size an article takes about a minute here.
MAX_ARTICLE_CHARS = 250_000
# Related-headline lists after a marker ("You may also like") rarely exceed a dozen items.
RELATED_LIST_MAX_ITEMS = 12
# A paragraph repeated inside a longer one is a pull quote only if it has some length; two short
# identical fragments ("Share", a subhead) are handled by the lexicon, not as pull quotes.
PULL_QUOTE_MIN_WORDS = 6
# Words compared while confirming pull-quote candidates, per text: ~100 times a long article's
# length, so real articles never reach it (see _mark_repeated_inside).
PULL_QUOTE_MAX_CHECKED_WORDS = 2_000_000
# A paragraph made of other paragraphs (an article pasted twice, once without paragraph breaks) is
# dropped in their favour only when they cover nearly all of it, so no sentence is lost with it.
PASTED_COPY_MIN_COVERAGE = 0.97
# Trailing page furniture ("TIME", "INTERNATIONAL WRITING") is at most this many words and
# characters (the character bound keeps unspaced scripts such as Japanese safe).
TAIL_MAX_WORDS = 4
TAIL_MAX_CHARS = 40
# Glued-word splitting (wordfreq Zipf scale: 3 ≈ once per million words). A token is split only
# when the joined form is unknown to wordfreq and both halves are common words; 3.0 keeps brand
# names (YouTube 4.7, BlackRock 2.8: known, never split) and splits "statementreleased".
GLUE_PART_MIN_ZIPF = 3.0
GLUE_LOWER_MIN_CHARS = 9
# Glue repairs per text: real scraped articles need a few dozen; a text that would need more is
# not glued prose (or is built to make millions of repair records), and the rest stays as it came.
GLUE_REPAIRS_MAX = 2_000
CAPTION_MAX_WORDS = 30
WRAPPED_LINE_MIN_CHARS = 40
# Characters either side of a joined line break that its repair record shows.
JOIN_WINDOW = 20
# A headline in the first blocks that shares this much of its wording with the title is the
# title again in another wording (og:title vs the page's H1).
TITLE_VARIANT_MIN_SIMILARITY = 70
TITLE_VARIANT_SEARCH_BLOCKS = 3
SHOUTING_MIN_WORDS = 5

_TERMINAL = (".", "!", "?", "…", '"', "”", "’", "»", ")", "]", ":", ";")
_WS = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_NORM = re.compile(r"\W+")

_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,  # curly quotes carry information for quote extraction
    fix_character_width=False,  # full-width CJK punctuation is legitimate
    fix_line_breaks=True,
    normalization="NFC",
    explain=False,
)


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]
    # What may follow as part of a related-links list: "headlines" after a bare marker
    # ("You may also like"), "bullets" after an inline link ("Related: …" then "- …" items).
    opens_list: str | None


@cache
def boilerplate_rules() -> tuple[Rule, ...]:
    """The lexicon in data/boilerplate.txt, compiled once per process."""
    rules: list[Rule] = []
    section = "boilerplate"
    text = resources.files("newsprism.data").joinpath("boilerplate.txt").read_text(encoding="utf-8")
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        kind = "link" if section == "link-marker" else section
        opens = "headlines" if section == "link-marker" else "bullets" if section == "link" else None
        rules.append(Rule(kind, re.compile(line, re.IGNORECASE), opens))
    return tuple(rules)


@dataclass
class CleanResult:
    text: str
    removed: list[Removal]
    repairs: list[Repair]


@dataclass
class _Block:
    text: str
    removal: tuple[str, str] | None = None  # (kind, reason)
    repairs: list[Repair] = field(default_factory=list)  # offsets relative to the block
    opens_list: str | None = None


def normalize_for_compare(text: str) -> str:
    return _NORM.sub(" ", text.lower()).strip()


def clean_text(
    text: str,
    *,
    title: str | None = None,
    language: str | None = "en",
    header_lines: list[tuple[str, str]] | None = None,
) -> CleanResult:
    """Clean one article's body. ``title`` lets a repeated headline be recognised in the body."""
    blocks = _split_blocks(text)
    for block in blocks:
        block.removal, block.opens_list = _classify(block.text)
    _mark_related_lists(blocks)
    _mark_duplicates(blocks, title)
    _mark_tail(blocks)
    if all(block.removal is not None for block in blocks):
        # A text that is only its headline (short wire items, corpora of first sentences) keeps it.
        for block in blocks:
            if block.removal is not None and block.removal[1].startswith("repeats the title"):
                block.removal = None
    if reads_as_english(language):  # the word frequencies are English
        budget = GLUE_REPAIRS_MAX
        for block in blocks:
            if block.removal is None and budget > 0:
                budget -= _repair_glue(block, budget)
    return _assemble(blocks, header_lines or [])


# ---------------------------------------------------------------------------- blocks


def _split_blocks(text: str) -> list[_Block]:
    """Paragraphs: non-empty lines (mojibake fixed), with lines wrapped mid-sentence joined back.

    A paragraph's lines are collected and joined once at its end: joining line by line would copy
    the growing paragraph for every line (quadratic on a long text wrapped at a fixed width).
    """
    text = _ZERO_WIDTH.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks: list[_Block] = []
    parts: list[str] = []  # the lines of the paragraph being built, and the glue before each
    length = 0  # of the paragraph being built
    tail = ""  # its last JOIN_WINDOW characters
    previous_blank = True

    def close_paragraph() -> None:
        if parts:
            blocks[-1].text = "".join(parts)
            parts.clear()

    for raw_line in text.split("\n"):
        line, line_repairs = _fix_encoding(_WS.sub(" ", raw_line).strip())
        if not line:
            previous_blank = True
            continue
        if blocks and not previous_blank and _is_wrapped(tail, length, line):
            prev = blocks[-1]
            glue = "" if line[0] in ".,;:)”’" else " "
            offset = length + len(glue)
            window_start = max(0, length - JOIN_WINDOW)
            window_end = min(offset + len(line), offset + JOIN_WINDOW)
            prev.repairs.append(
                Repair(
                    kind="line_join",
                    before=tail + "\n" + line[: window_end - offset],
                    after=(tail + glue + line)[: window_end - window_start],
                    start=window_start,
                    end=window_end,
                )
            )
            prev.repairs.extend(_shift(r, offset) for r in line_repairs)
            parts += [glue, line]
            length = offset + len(line)
            tail = (tail + glue + line)[-JOIN_WINDOW:]
        else:
            close_paragraph()
            blocks.append(_Block(text=line, repairs=line_repairs))
            parts.append(line)
            length = len(line)
            tail = line[-JOIN_WINDOW:]
        previous_blank = False
    close_paragraph()
    return blocks


def _shift(repair: Repair, offset: int) -> Repair:
    return repair.model_copy(update={"start": repair.start + offset, "end": repair.end + offset})


def _is_wrapped(previous_tail: str, previous_length: int, line: str) -> bool:
    """A line continues the paragraph above when that stops mid-sentence and this starts lower-case.

    Wrapped lines are long (they were cut at a width); a short line followed by a lower-case one
    is a label or a site name above a URL, not a sentence cut in two.
    """
    if (
        previous_tail.endswith(_TERMINAL)
        or previous_length < WRAPPED_LINE_MIN_CHARS
        or line.startswith(("http://", "https://"))
    ):
        return False
    first = line[0]
    return first.islower() or first in ".,;:)”’"


def _fix_encoding(line: str) -> tuple[str, list[Repair]]:
    if line.isascii():
        return line, []
    fixed = _WS.sub(" ", ftfy.fix_text(line, _FTFY)).strip()
    if fixed == line:
        return line, []
    start, end_old, end_new = _diff_window(line, fixed)
    return fixed, [
        Repair(
            kind="mojibake", before=line[start:end_old], after=fixed[start:end_new], start=start, end=end_new
        )
    ]


def _diff_window(old: str, new: str) -> tuple[int, int, int]:
    """The smallest window [start, end) that differs between old and new (ends in each string)."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    return start, end_old, end_new


# ---------------------------------------------------------------------------- classification

_POSITION_MARKER = re.compile(
    r"\((?:L|R|C|CL|CR|2nd [LR]|3rd [LR]|left|right|cent(?:re|er)|top|bottom|front|back)\)"
)
_CAPTION_VERB = re.compile(
    r"^(?:[A-Z][\w.'’-]+\s){2,5}(?:\([^)]{1,30}\)\s)?"
    r"(?:gestures|speaks|talks|waves|shakes hands|looks on|poses|arrives|attends|listens|smiles|delivers|gives|"
    r"walks|reacts|addresses|sits|stands|is seen|are seen|pictured)\b"
)
_CAPTION_GERUND = re.compile(
    r"^(?:[A-Z][\w.'’-]+\s){2,4}(?:and\s(?:[A-Z][\w.'’-]+\s){1,4})?"
    r"(?:meeting|speaking|talking|shaking hands|arriving|attending|waving|posing|gesturing|walking|listening|seen)\b"
)
# Captions are verbless or in the present tense; a past or auxiliary verb means running text.
_FINITE_VERB = re.compile(r"\b(?:was|were|is|are|has|have|had|will|would|did|said|says|told)\b")
_NOT_A_NAME = {
    "His",
    "Her",
    "Their",
    "The",
    "A",
    "An",
    "This",
    "That",
    "Its",
    "Our",
    "My",
    "Your",
    "These",
    "Those",
}
_QUOTE_CHARS = re.compile(r"[\"“”«»]")


_BULLET = re.compile(r"^[-•*▪►»–—·]\s+")


def _classify(text: str) -> tuple[tuple[str, str] | None, str | None]:
    core = _BULLET.sub("", text)
    for rule in boilerplate_rules():
        if rule.pattern.fullmatch(core):
            return (rule.kind, f"matches the {rule.kind} lexicon"), rule.opens_list
    if not any(ch.isalnum() for ch in text):
        return ("boilerplate", "no words (a stray bullet or separator)"), None
    words = text.split()
    if len(words) >= 2 and sum(w.startswith("#") for w in words) >= 0.6 * len(words):
        return ("hashtags", "a row of hashtags"), None
    if _looks_like_caption(text, words):
        return ("caption", "reads like a photo caption"), None
    letters = [c for c in text if c.isalpha()]
    if (
        len(words) >= SHOUTING_MIN_WORDS
        and letters
        and all(c.isupper() for c in letters)
        and not text.rstrip("\"”’'").endswith(".")
    ):
        return ("link", "an all-capitals promo headline"), None
    return None, None


def _looks_like_caption(text: str, words: list[str]) -> bool:
    if len(words) > CAPTION_MAX_WORDS + 30 or _QUOTE_CHARS.search(text):
        return False
    if _POSITION_MARKER.search(text):
        return True
    if len(words) > CAPTION_MAX_WORDS - 10:
        return False
    if _FINITE_VERB.search(text) or words[0] in _NOT_A_NAME:
        return False
    return bool(_CAPTION_VERB.match(text) or _CAPTION_GERUND.match(text))


def _is_headline_like(text: str, mode: str) -> bool:
    stripped = text.strip()
    if _BULLET.match(stripped):
        return True
    if mode == "bullets":
        return False
    words = stripped.split()
    return (
        1 <= len(words) <= 25 and not stripped.endswith((".", ",", ";")) and not _QUOTE_CHARS.match(stripped)
    )


def _mark_related_lists(blocks: list[_Block]) -> None:
    """Headlines listed under a "Related" / "You may also like" marker are links too."""
    for index, block in enumerate(blocks):
        if not block.opens_list:
            continue
        for follower in blocks[index + 1 : index + 1 + RELATED_LIST_MAX_ITEMS]:
            if follower.removal is not None:
                if follower.opens_list:
                    break
                continue
            if not _is_headline_like(follower.text, block.opens_list):
                break
            follower.removal = ("link", "a headline listed under a related-links marker")


def _mark_duplicates(blocks: list[_Block], title: str | None) -> None:
    """Repeated paragraphs, whole repeated blocks, pull quotes and the title repeated in the body."""
    title_key = normalize_for_compare(title) if title else None
    seen: dict[str, int] = {}
    for index, block in enumerate(blocks):
        if block.removal is not None:
            continue
        key = normalize_for_compare(block.text)
        if not key:
            continue
        if title_key and key == title_key and not _ends_sentence(block.text):
            # Only a headline is dropped: when the "title" is the lead sentence itself (as in
            # corpora whose title field is the first line), the sentence stays in the story.
            block.removal = ("duplicate", "repeats the title")
            continue
        if (
            title_key
            and index < TITLE_VARIANT_SEARCH_BLOCKS
            and looks_like_title(block.text)
            and fuzz.token_set_ratio(key, title_key) >= TITLE_VARIANT_MIN_SIMILARITY
        ):
            block.removal = ("duplicate", "repeats the title in other words")
            continue
        if key in seen:
            block.removal = ("duplicate", f"repeats paragraph {seen[key] + 1}")
            continue
        seen[key] = index
    _mark_repeated_inside(blocks)


def _mark_repeated_inside(blocks: list[_Block]) -> None:
    """Pull quotes (a paragraph repeated inside a longer one) and an article pasted twice.

    A paragraph of at least PULL_QUOTE_MIN_WORDS words can only sit inside another where its first
    words do, so each longer paragraph looks up its word windows in an index of those openings
    instead of testing every other paragraph (quadratic on texts of thousands of paragraphs).
    Verifying candidates is capped at PULL_QUOTE_MAX_CHECKED_WORDS per text: only a text built
    to defeat the index (thousands of paragraphs opening alike) reaches it, and it then keeps them.
    """
    kept = [(i, normalize_for_compare(b.text).split()) for i, b in enumerate(blocks) if b.removal is None]
    openings: dict[tuple[str, ...], list[int]] = {}
    for position, (_, words) in enumerate(kept):
        if len(words) >= PULL_QUOTE_MIN_WORDS:
            openings.setdefault(tuple(words[:PULL_QUOTE_MIN_WORDS]), []).append(position)
    budget = PULL_QUOTE_MAX_CHECKED_WORDS
    for index, words in kept:
        if blocks[index].removal is not None or len(words) <= PULL_QUOTE_MIN_WORDS:
            continue
        key = " ".join(words)
        found: set[int] = set()
        for at in range(len(words) - PULL_QUOTE_MIN_WORDS + 1):
            for position in openings.get(tuple(words[at : at + PULL_QUOTE_MIN_WORDS]), ()):
                j, piece = kept[position]
                if j == index or position in found or blocks[j].removal is not None:
                    continue
                budget -= len(piece)
                if budget < 0:
                    return
                if len(piece) < len(words) and words[at : at + len(piece)] == piece:
                    found.add(position)
        inside = [kept[position] for position in sorted(found)]
        pieces = [" ".join(piece) for _, piece in inside]
        if len(inside) >= 2 and _coverage(key, pieces) >= PASTED_COPY_MIN_COVERAGE:
            # The article pasted twice, once glued into one blob: keep the well-formed paragraphs.
            blocks[index].removal = ("duplicate", "the same paragraphs appear again separately")
            continue
        for j, _ in inside:
            blocks[j].removal = ("duplicate", f"repeated inside paragraph {index + 1} (pull quote)")


def _ends_sentence(text: str) -> bool:
    return text.rstrip("\"'”’»)").endswith((".", "!", "。"))


def _coverage(container: str, pieces: list[str]) -> float:
    """Share of ``container``'s characters inside some occurrence of some piece."""
    spans: list[tuple[int, int]] = []
    for piece in pieces:
        at = container.find(piece)
        while at != -1:
            spans.append((at, at + len(piece)))
            at = container.find(piece, at + 1)
    covered = 0
    reach = 0
    for start, end in sorted(spans):
        if end > reach:
            covered += end - max(start, reach)
            reach = end
    return covered / max(1, len(container))


def _mark_tail(blocks: list[_Block]) -> None:
    """Short unpunctuated lines after the last paragraph of the story are page furniture."""
    for block in reversed(blocks):
        if block.removal is not None:
            continue
        words = block.text.split()
        if (
            len(words) <= TAIL_MAX_WORDS
            and len(block.text) <= TAIL_MAX_CHARS
            and not block.text.endswith(_TERMINAL)
        ):
            block.removal = ("boilerplate", "short line after the end of the story")
            continue
        break


# ---------------------------------------------------------------------------- glue repair

# Word tokens as ``\b`` sees them. Glue is looked for only inside a token of ASCII letters of at
# most GLUE_TOKEN_MAX_CHARS (two glued words; "statementreleased" is 17): a longer run of letters is
# a slug, a hash or hostile input, never two words, and the bound keeps the work per token fixed.
GLUE_TOKEN_MAX_CHARS = 40
_WORD_TOKEN = re.compile(r"\w+")
_CAMEL_GLUE = re.compile(r"([A-Za-z]*[a-z]{2,})([A-Z][a-z]{1,})")
_LOWER_TOKEN = re.compile(rf"[A-Z]?[a-z]{{{GLUE_LOWER_MIN_CHARS},}}")
# Fixed width before the full stop: "[a-z]{2,}" there would rescan a long lower-case run from
# every position (quadratic); two letters are all the rule needs.
_SENTENCE_GLUE = re.compile(r"[a-z]{2}[.!?][\"”’»)]?([A-Z][a-z])")
# A name run into an acronym that opens a title: "Anthony BlinkenUS Secretary of State".
_ACRONYM_GLUE = re.compile(r"([A-Z][a-z]{2,})([A-Z]{2,4})")
_TITLE_AFTER = re.compile(r"\s+[A-Z][a-z]")
_NON_SPACE_RUN = re.compile(r"\S+")
REPAIR_CONTEXT_MAX_CHARS = 40


@lru_cache(maxsize=65_536)  # bounded: a long-running worker sees an unbounded vocabulary
def _zipf(word: str) -> float:
    return zipf_frequency(word.lower(), "en")


def _split_camel(match: re.Match[str]) -> int | None:
    left, right = match.group(1), match.group(2)
    if len(left) < 3 or len(right) < 3:  # McDonald, DeSantis, LeBron; "…De" is a suffix, not a word
        return None
    if _zipf(left + right) > 0:
        return None
    if _zipf(right) < GLUE_PART_MIN_ZIPF:
        return None
    if not left[0].isupper() and _zipf(left) < GLUE_PART_MIN_ZIPF:
        return None
    return match.start(2)


def _split_lower(token: str) -> int | None:
    """Where a run-together lower-case token splits into two common words (offset in the token)."""
    if _zipf(token) > 0:
        return None
    best: tuple[float, int] | None = None
    for cut in range(3, len(token) - 2):
        score = min(_zipf(token[:cut]), _zipf(token[cut:]))
        if score >= GLUE_PART_MIN_ZIPF + 0.5 and (best is None or score > best[0]):
            best = (score, cut)
    return None if best is None else best[1]


def _glue_cuts(text: str) -> list[tuple[int, str]]:
    """Offsets where scraping lost a space, each with its repair kind; linear in the text."""
    cuts: list[tuple[int, str]] = []
    for token_match in _WORD_TOKEN.finditer(text):
        token = token_match.group()
        if len(token) > GLUE_TOKEN_MAX_CHARS or not (token.isascii() and token.isalpha()):
            continue
        at = token_match.start()
        camel = _CAMEL_GLUE.fullmatch(token)
        if camel and (cut := _split_camel(camel)) is not None:
            cuts.append((at + cut, "glued_words"))
        if len(token) >= GLUE_LOWER_MIN_CHARS and _LOWER_TOKEN.fullmatch(token):
            cut = _split_lower(token)
            if cut is not None:
                cuts.append((at + cut, "glued_words"))
        acronym = _ACRONYM_GLUE.fullmatch(token)
        if acronym and _TITLE_AFTER.match(text, token_match.end()):
            left, letters = acronym.groups()
            if _zipf(left + letters) == 0 and _zipf(letters) >= GLUE_PART_MIN_ZIPF:
                cuts.append((at + acronym.start(2), "glued_words"))
    for match in _SENTENCE_GLUE.finditer(text):
        cuts.append((match.start(1), "glued_sentences"))
    return cuts


def _repair_glue(block: _Block, budget: int) -> int:
    """Insert the space scraping lost: "LomanovHead", "statementreleased", "China.Wang" (the first
    ``budget`` of them); how many were inserted."""
    found = _glue_cuts(block.text)
    if not found:
        return 0
    text = block.text
    cuts = sorted(set(found))[:budget]
    positions = [cut for cut, _ in cuts]
    # Offsets move right by one for every space inserted at or before them.
    for repair in block.repairs:
        repair.start += bisect.bisect_right(positions, repair.start)
        repair.end += bisect.bisect_right(positions, repair.end)
    runs = [(m.start(), m.end()) for m in _NON_SPACE_RUN.finditer(text)]
    run_starts = [start for start, _ in runs]
    for index, (cut, kind) in enumerate(cuts):
        run_start, run_end = runs[bisect.bisect_right(run_starts, cut) - 1]
        # The word either side of the cut, as far as the neighbouring inserted spaces (so that
        # ``after`` is exactly the clean text at start..end) and at most REPAIR_CONTEXT_MAX_CHARS:
        # a repair record stays small on a 2 MB run of glued sentences.
        previous_cut = positions[index - 1] if index else run_start
        next_cut = positions[index + 1] if index + 1 < len(positions) else run_end
        left = text[max(run_start, previous_cut, cut - REPAIR_CONTEXT_MAX_CHARS) : cut]
        right = text[cut : min(run_end, next_cut, cut + REPAIR_CONTEXT_MAX_CHARS)]
        start = cut - len(left)
        block.repairs.append(
            Repair(
                kind=kind,
                before=left + right,
                after=left + " " + right,
                start=start + bisect.bisect_right(positions, start, 0, index),
                end=start + len(left) + 1 + len(right) + index,
            )
        )
    pieces: list[str] = []
    previous = 0
    for cut in positions:
        pieces += [text[previous:cut], " "]
        previous = cut
    pieces.append(text[previous:])
    block.text = "".join(pieces)
    return len(cuts)


# ---------------------------------------------------------------------------- assembly

PARAGRAPH_SEPARATOR = "\n\n"


def _assemble(blocks: list[_Block], header_lines: list[tuple[str, str]]) -> CleanResult:
    removed = [
        Removal(kind="header", text=line, at=0, reason=f"{kind} line, kept as metadata")
        for kind, line in header_lines
    ]
    repairs: list[Repair] = []
    parts: list[str] = []
    length = 0
    for block in blocks:
        if block.removal is not None:
            kind, reason = block.removal
            removed.append(Removal(kind=kind, text=block.text, at=length, reason=reason))
            continue
        if parts:
            parts.append(PARAGRAPH_SEPARATOR)
            length += len(PARAGRAPH_SEPARATOR)
        for repair in block.repairs:
            repairs.append(_shift(repair, length))
        parts.append(block.text)
        length += len(block.text)
    return CleanResult(text="".join(parts), removed=removed, repairs=sorted(repairs, key=lambda r: r.start))


# ---------------------------------------------------------------------------- documents → articles


def _where(raw: RawDocument) -> str:
    """How a message names a document: its path or URL, and the record id inside a JSONL file."""
    return f"{raw.source} (record {raw.record_id})" if raw.record_id else raw.source


def content_hash(text: str) -> str:
    """Hash of the input text with whitespace collapsed: the same article re-ingested hashes the same."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def canonical_url(url: str | None) -> str | None:
    """The URL without tracking parameters and fragments, for recognising re-ingested articles."""
    if not url:
        return None
    cleaned = courlan.clean_url(url)
    return cleaned or url


def article_id_for(raw: RawDocument, digest: str) -> str:
    """The record's own id, else a stable id from the canonical URL or the content."""
    if raw.record_id:
        return raw.record_id
    key = canonical_url(raw.url) or digest
    return "a" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def clean_document(raw: RawDocument, directory: OutletDirectory | None = None) -> Article:
    """A reader's RawDocument → a clean, described Article."""
    directory = directory or default_directory()
    body = raw.text or ""
    digest = content_hash(body)
    language = normalize_language(raw.language) or detect_language(body)
    result = clean_text(
        body,
        title=raw.title,
        language=language,
        header_lines=[(line.kind, line.text) for line in raw.header],
    )
    if not result.text.strip():
        raise InputError(_where(raw), "nothing left after cleaning (the input is all boilerplate)")
    if len(result.text) > MAX_ARTICLE_CHARS:
        raise InputError(
            _where(raw),
            f"{len(result.text):,} characters after cleaning, over the {MAX_ARTICLE_CHARS:,}-character limit "
            "for one article (a book or a whole site, not a news article); split it into articles",
        )
    evidence: dict[str, str] = {}
    url = raw.url
    host = domain_of(url)
    outlet = find_outlet(
        source=raw.source,
        stated=raw.outlet,
        host=host,
        byline=raw.byline,
        sitename=raw.sitename,
        text=result.text,
        directory=directory,
    )
    if outlet.evidence:
        evidence["outlet"] = outlet.evidence
    if host:
        evidence["domain"] = "url"
    published = normalize_published(raw.published)
    if published:
        evidence["published"] = {
            "text": "header line",
            "html": "page metadata",
            "feed-entry": "page or feed metadata",
        }.get(raw.kind, "input record")
    if raw.title:
        evidence["title"] = {"text": "header line", "html": "page metadata"}.get(raw.kind, "input record")
    if language:
        evidence["language"] = (
            "input record" if normalize_language(raw.language) else "detected from the text (lingua)"
        )
    authors = list(raw.authors)
    if raw.byline and is_person_byline(raw.byline) and raw.byline not in authors:
        authors.append(raw.byline)
    return Article(
        id=article_id_for(raw, digest),
        source=raw.source,
        outlet=outlet.name,
        domain=host,
        title=raw.title,
        published=published,
        language=language,
        text=result.text,
        removed=result.removed,
        url=url,
        authors=authors,
        repairs=result.repairs,
        evidence=evidence,
        content_hash=digest,
    )
