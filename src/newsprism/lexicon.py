"""Word lists and word tests every stage shares, each in one place, backed by files in ``data/``.

Language-specific lists live in ``data/<language>/`` (English: ``roles.txt``,
``speech-verbs.txt``, ``honorifics.txt``, ``framing-terms.txt``; Russian, Spanish, French and
Arabic: ``numbers.tsv``); ``data/countries.tsv`` names
countries, their adjectives and the capitals and institutions that stand for their governments. Stages ask here rather than keeping copies, so
a language or a country is added by adding a file or a row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Languages the English-only parts (glue repair, the spaCy model, VADER tone) read. An article of
# unknown language is tried: short texts often go undetected, and most of them are English.
ENGLISH = "en"
# The language briefs are read in unless the reader picks another (``--lang``): a claim is worded,
# an event told and an entity named in it when an article gives it so.
READER_LANGUAGE = ENGLISH
# The script a language writes names in, where it is not Latin: an entity is named in the
# reader's script when an article writes it so.
SCRIPT_OF_LANGUAGE = {
    **dict.fromkeys(("ru", "uk", "bg", "sr", "be", "mk", "kk"), "cyrillic"),
    **dict.fromkeys(("ar", "fa", "ur"), "arabic"),
}
# Languages that write the decimal mark as a comma ("3,5 millones") and group thousands with a
# point or a space.
DECIMAL_COMMA_LANGUAGES = frozenset(
    {"ru", "uk", "es", "fr", "de", "it", "pt", "pl", "tr", "nl", "cs", "ro", "sv"}
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def reads_as_english(language: str | None) -> bool:
    """Whether English-only parts should read a text of this language (None: undetected)."""
    return language in (None, ENGLISH)


def script_of_language(language: str | None) -> str:
    """ "latin", "cyrillic" or "arabic": the script ``language`` writes names in."""
    return SCRIPT_OF_LANGUAGE.get(language or "", "latin")


def language_name(language: str) -> str:
    """``language``'s English name ("ru" → "Russian"), from the CLDR data Babel ships; the code
    itself where CLDR has none."""
    from babel import Locale

    return str(Locale.parse(ENGLISH).languages.get(language, language))


def check_language(language: str) -> str:
    """``language`` as a lower-case code, or a ValueError naming it when CLDR knows no such language."""
    from babel import Locale, UnknownLocaleError

    code = language.strip().lower().replace("_", "-")
    try:
        Locale.parse(code, sep="-")
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"unknown language {language!r}: give a code such as en, ru, es, fr or ar") from None
    return code.split("-")[0]


def language_key(language: str | None) -> str:
    """What two texts must share for their words to be compared: English (or undetected), or the
    same other language."""
    return ENGLISH if reads_as_english(language) else str(language)


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name: "U.S." → "us", "Zoë" → "zoe"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").casefold()
    text = re.sub(r"(?<=\b\w)\.(?=\w\.)|(?<=\b\w\.\w)\.", "", text)  # u.s. → us, u.k. → uk
    text = re.sub(r"[^\w\s'-]", " ", text)
    return " ".join(text.split())


def _data_lines(language: str, name: str) -> list[str]:
    """The lines of a language's data file, less blank lines and # comments."""
    path = resources.files("newsprism.data").joinpath(language).joinpath(name)
    return [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _word_list(language: str, name: str) -> frozenset[str]:
    return frozenset(_data_lines(language, name))


@cache
def framing_terms(language: str = ENGLISH) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Opposed names for one referent, per referent: its framings, each as its terms
    (``data/<language>/framing-terms.txt``)."""
    return tuple(
        tuple(
            tuple(term.strip() for term in framing.split(",") if term.strip())
            for framing in line.split(" | ")
        )
        for line in _data_lines(language, "framing-terms.txt")
    )


@cache
def role_words(language: str = ENGLISH) -> frozenset[str]:
    """Title and role words ("minister", "spokesman"): a phrase by a name is a role when it has one."""
    return _word_list(language, "roles.txt")


@cache
def speech_verbs(language: str = ENGLISH) -> frozenset[str]:
    """Lemmas of verbs that report speech ("say", "warn", "tweet")."""
    return _word_list(language, "speech-verbs.txt")


# Irregular forms of speech verbs a word test (not the parser) may meet.
_IRREGULAR_SPEECH = {
    "said": "say",
    "says": "say",
    "told": "tell",
    "tells": "tell",
    "spoke": "speak",
    "wrote": "write",
}


def is_speech_verb(word: str, language: str = ENGLISH) -> bool:
    """Whether a word, inflected or not, is a speech verb: "said", "testified", "adds"."""
    verbs = speech_verbs(language)
    word = word.lower()
    stems = {word, _IRREGULAR_SPEECH.get(word, word), word[:-1], word[:-2], word[:-3] + "y"}
    return bool(stems & verbs)


@cache
def written_speech_verbs(language: str) -> frozenset[str]:
    """Speech verbs of a language without a lemmatizer, as printed (``data/<language>/speech-verbs.txt``);
    empty for a language without the file."""
    if not resources.files("newsprism.data").joinpath(language).joinpath("speech-verbs.txt").is_file():
        return frozenset()
    return _word_list(language, "speech-verbs.txt")


# Arabic writes "and" and "so" onto the next word: "وقال", and he said.
_ARABIC_CONJUNCTIONS = ("و", "ف")


def is_written_speech_verb(word: str, language: str) -> bool:
    """Whether a printed word of ``language`` is one of its speech verbs: "заявил", "afirmó",
    "déclare-t-il", "وقال"."""
    verbs = written_speech_verbs(language)
    word = word.lower().split("-")[0]
    return word in verbs or (word[:1] in _ARABIC_CONJUNCTIONS and word[1:] in verbs)


@dataclass(frozen=True)
class NumberWords:
    """How a language writes figures in words (``data/<language>/numbers.tsv``)."""

    numbers: dict[str, float]  # "семь" → 7
    scales: dict[str, float]  # a word that multiplies the figure before it: "тысяч" → 1000
    percent: frozenset[str]  # words after a figure that make it a share: "процентов", "por ciento"
    approximate: frozenset[str]  # words before a figure that make it an estimate or a bound: "около"


@cache
def number_words(language: str) -> NumberWords:
    """The number words of ``language``; none for a language without a list (its digits still read)."""
    try:
        lines = _data_lines(language, "numbers.tsv")
    except FileNotFoundError:
        lines = []
    rows = [line.split("\t") for line in lines]
    return NumberWords(
        numbers={word: float(value) for word, kind, value in rows if kind == "number"},
        scales={word: float(value) for word, kind, value in rows if kind == "scale"},
        percent=frozenset(word for word, kind, _ in rows if kind == "percent"),
        approximate=frozenset(word for word, kind, _ in rows if kind == "approximate"),
    )


@cache
def honorifics(language: str = ENGLISH) -> frozenset[str]:
    """Titles written before a name that are not part of it ("Mr", "Sgt", "Miss")."""
    return _word_list(language, "honorifics.txt")


def stop_words(language: str = ENGLISH) -> frozenset[str]:
    """Function words of a language (spaCy's lists), lower case."""
    return _stop_words(language)


@cache
def _stop_words(language: str) -> frozenset[str]:
    from spacy.util import get_lang_class

    try:
        return frozenset(get_lang_class(language).Defaults.stop_words)
    except (ImportError, KeyError):
        return frozenset()


@dataclass(frozen=True)
class Country:
    key: str  # "us"
    label: str  # "US", as in "US official"
    names: tuple[str, ...]  # folded: "us", "american", "united states"
    metonyms: tuple[str, ...]  # folded: "washington", "white house"


@cache
def countries() -> tuple[Country, ...]:
    text = resources.files("newsprism.data").joinpath("countries.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return tuple(
        Country(
            key, label, tuple(n for n in names.split("|") if n), tuple(m for m in metonyms.split("|") if m)
        )
        for key, label, names, metonyms in rows[1:]
    )


@cache
def _country_by_name() -> dict[str, Country]:
    return {name: country for country in countries() for name in country.names}


def country_key(words: str | None) -> str:
    """The country a nationality or country name denotes ("American", "U.S." → "us"); other words
    are returned folded, without a possessive, so that two of them compare as written."""
    folded = fold(words or "").strip()
    found = _country_by_name().get(folded)
    return found.key if found else folded.removesuffix("'s")


def country_names(word: str) -> tuple[str, ...]:
    """Every folded name of the country ``word`` names ("american" → "us", "united states", …);
    the word itself when it names none."""
    found = _country_by_name().get(fold(word))
    return found.names if found else (fold(word),)


@cache
def country_references() -> tuple[tuple[str, str], ...]:
    """(folded phrase, label) for every name and metonym of every country: what an affiliation
    ("Chinese official", "Kremlin officials") is read from."""
    return tuple(
        (phrase, country.label) for country in countries() for phrase in (*country.names, *country.metonyms)
    )
