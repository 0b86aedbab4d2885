"""Names across scripts: Блинкен, بلينكن, Blinken and Blinkén spelled so that they can be compared.

anyascii (ISC) writes any script in Latin letters: "Блинкен" → "Blinken", "بلينكن" → "blynkn".
That is not yet comparable: Arabic writes few vowels, each language renders sounds its own way
(Russian "дж" for English "j", Arabic "ب" for "p", "ف" for "v"), and Russian declines names
("Блинкена", "Блинкеном"). A name's *skeleton* keeps what survives all of these: its consonants
after folding the sounds scripts confuse into one letter. No library does this for news names
(phonetic codes such as Soundex or Metaphone read English spelling only), so the rules are here,
as data, each for a case seen in the translated test articles.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz import fuzz

# Spellings of one sound, in the order they are replaced (longer first). Applied to both sides of
# a comparison, so a rule only has to make two scripts agree, not be right phonetically.
SOUND_FOLDS: tuple[tuple[str, str], ...] = (
    ("dzh", "j"),  # Russian "Джон" → Dzhon, English "John"
    ("dz", "z"),  # Russian "дз" for Japanese "z": "Мацудзака", Matsuzaka
    ("chael", "kael"),  # "Michael"/"Майкл": the one common name whose "ch" is a k
    ("tsh", "s"),  # Arabic "تشارلز" → tshrlz, "Charles"
    ("zh", "j"),
    ("kh", ""),  # Russian "Х", Arabic "خ" for English "h" or "kh": "Khartoum", "Хартум"
    ("gh", "g"),  # Arabic "غ" for English "g": "غانغ" → ghngh, "Gang"
    ("ch", "s"),  # "Charles"/"Чарльз"
    ("sh", "s"),
    ("ph", "f"),
    ("th", "t"),
    ("ck", "k"),
    ("ge", "je"),  # a soft English g ("Angeles") is "дж"/"ج" elsewhere
    ("gi", "ji"),
    ("x", "ks"),
    ("c", "k"),
    ("q", "k"),
    ("z", "s"),
    ("v", "f"),  # Arabic has no "v": "سيلفرمان" for Silverman
    ("p", "b"),  # nor "p": "ترامب" for Trump
)
_VOWELS = re.compile(r"[aeiouyh]")
_DOUBLED = re.compile(r"(.)\1+")
# Arabic clitics written onto the next word, as their skeletons: "و" and (w → f), "ب" with,
# "ل" for, "ك" like, "ال" the (its alif is a vowel), and their combinations ("وال" → fl).
ARABIC_PREFIXES = ("fl", "bl", "kl", "ll", "f", "b", "l", "k")
# Russian case endings that leave a consonant in the skeleton: instrumental -ом/-ем/-ым.
RUSSIAN_ENDINGS = ("m",)
# With the given names agreeing, surnames this close are one: "tsr"/"tksr" (Тейшейре, Teixeira)
# 86, "rdrjs"/"rdrgs" (Родригес, Rodriguez) 80.
LOOSE_SKELETON_SIMILARITY = 80
MIN_SKELETON = 3  # "bdn" (Biden) is the shortest name skeleton searched on its own


def script_of(word: str) -> str:
    """ "latin", "cyrillic", "arabic" or "other", from the word's first letter."""
    for char in word:
        if char.isalpha():
            name = unicodedata.name(char, "")
            for script in ("LATIN", "CYRILLIC", "ARABIC"):
                if name.startswith(script):
                    return script.lower()
            return "other"
    return "other"


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """The consonant skeleton of one word of a name: "Blinken", "Блинкена", "بلينكن" → "blnkn"."""
    written = anyascii(word).lower()
    # An initial w is a consonant (Washington, "واشنطن"), like the v of "Вашингтон"; elsewhere,
    # even after an alif (anyascii's "'": "أوباما" → 'wbm), Arabic "و" is a vowel ("نيكسون", Nixon).
    # Russian writes an English initial w as "у" before a vowel: "Уэллс", "Уильям", "Уотергейт".
    if script_of(word) == "cyrillic" and re.match(r"u[aeiou]", written):
        written = "w" + written[1:]
    initial_w = written.startswith("w")
    text = "".join(c for c in written if c.isalpha())
    for spelled, folded in SOUND_FOLDS:
        text = text.replace(spelled, folded)
    text = "f" + text[1:].replace("w", "") if initial_w else text.replace("w", "")
    return _DOUBLED.sub(r"\1", _VOWELS.sub("", text))


# How a word of a name begins, by script: a vowel, a consonant, or a letter that stands for either
# across scripts (English "h" is Arabic "ح" or Russian "Х" (kh); "w" is "و" or "В"; Russian "Е",
# "Ю", "Я" are "ye", "yu", "ya" or a bare vowel). Arabic "ع" (anyascii "`") begins "Abbas" and
# "Oman". Two spellings of one name cannot begin one with a vowel and the other with a consonant:
# "أكثر" (more, 'kthr) is not "Qatar" though both skeletons are "ktr".
ONSET_VOWELS = frozenset("aeiouАОИУЫЭاأإآعءئؤ")
ONSET_EITHER = frozenset("yhwЕЁЮЯХВЙيوهحخ")


def onset(word: str) -> str:
    """ "vowel", "consonant" or "either": how ``word`` begins (see ``ONSET_VOWELS``)."""
    letter = next((c for c in word if c.isalpha()), "")
    if not letter:
        return "either"
    folded = letter.lower() if script_of(letter) == "latin" else letter.upper()
    if folded in ONSET_VOWELS or letter in ONSET_VOWELS:
        return "vowel"
    if folded in ONSET_EITHER or letter in ONSET_EITHER:
        return "either"
    return "consonant"


def onsets_agree(a: str, b: str) -> bool:
    """Whether two words in any scripts could begin one name (see ``onset``)."""
    x, y = onset(a), onset(b)
    return x == y or "either" in (x, y)


def skeleton_variants(word: str, minimum: int = MIN_SKELETON) -> tuple[str, ...]:
    """The word's skeleton, and in Arabic or Russian the skeletons it has without a clitic or a
    case ending: "وبلينكن" → (fblnkn, blnkn), "Блинкеном" → (blnknm, blnkn)."""
    found = skeleton(word)
    variants = [found]
    script = script_of(word)
    if script == "arabic":
        variants += [found[len(p) :] for p in ARABIC_PREFIXES if found.startswith(p)]
    elif script == "cyrillic":
        variants += [found[: -len(e)] for e in RUSSIAN_ENDINGS if found.endswith(e)]
    return tuple(v for v in dict.fromkeys(variants) if len(v) >= minimum)


def words_alike(a: str, b: str, *, loose: bool = False) -> bool:
    """Two words of a name in any scripts spell the same name: a skeleton in common (clitics and
    case endings allowed), or, ``loose`` (the rest of the name already agrees), skeletons of three
    letters or more that differ by little ("Тейшейре" tsr / "Teixeira" tksr)."""
    x, y = skeleton(a), skeleton(b)
    if min(len(x), len(y)) < 2:
        # One letter or none says little ("Анна" n, "Ian" n): the names must begin alike too.
        return x == y and _initial(a) == _initial(b)
    if set(skeleton_variants(a, 1)) & set(skeleton_variants(b, 1)):
        return True
    return loose and min(len(x), len(y)) >= MIN_SKELETON and fuzz.ratio(x, y) >= LOOSE_SKELETON_SIMILARITY


def _initial(word: str) -> str:
    """The first letter a name is written with in Latin letters, y as i ("Ян", "Ian")."""
    return anyascii(word).lower().lstrip("'`")[:1].replace("y", "i")
