"""Sentences every report shows about what a list holds, so that "none found" never reads like
"not looked for" and a capped list never reads like the whole."""

from __future__ import annotations

from newsprism.lexicon import language_key, language_name
from newsprism.model import Brief


def language_mark(language: str | None, brief: Brief) -> str:
    """The name of ``language`` ("Russian") when a text is in another language than the reader's;
    "" when it is in the reader's, or undetected. Named in English, the reports' own language."""
    if language is None or language_key(language) == language_key(brief.reader_language):
        return ""
    return language_name(language)


def conflicts_note(brief: Brief) -> str:
    """What the conflicts section says about itself."""
    shared = sum(1 for claim in brief.claims if claim.status == "shared")
    if brief.conflicts:
        limit = next((limit for limit in brief.limits if limit.what == "conflicts"), None)
        if limit is None:
            return ""
        return f"Showing {limit.shown:,} of {limit.found:,} conflicts found ({limit.rule})."
    held_back = next((limit for limit in brief.limits if limit.what == "conflicts" and limit.found), None)
    if held_back is not None:
        return (
            f"No conflicts shown: {held_back.found:,} weaker candidate{'' if held_back.found == 1 else 's'} "
            f"held back ({held_back.rule})."
        )
    if not brief.claims:
        return "Not checked: the comparison was not run for this story."
    if len(brief.articles) < 2:
        return "Not checked: conflicts are looked for between articles, and this story has one."
    if not shared:
        return (
            "Not checked: conflicts are looked for between articles reporting the same claim, and no "
            "claim here is reported by two articles."
        )
    return (
        f"No conflicts found in the {shared:,} claim{'' if shared == 1 else 's'} reported by several "
        "outlets (figures, dates, negations, who holds a role and quote wordings were compared; name "
        "spellings are listed apart)."
    )


def languages_note(brief: Brief) -> str:
    """What the brief says when some articles are in another language than the reader's: that they
    are shown as written (nothing is machine-translated)."""
    others = sorted({m for a in brief.articles if (m := language_mark(a.language, brief))})
    if not others:
        return ""
    count = sum(1 for a in brief.articles if language_mark(a.language, brief))
    reader = language_name(brief.reader_language)
    named = others[0] if len(others) == 1 else f"{', '.join(others[:-1])} and {others[-1]}"
    return (
        f"Read in {reader}: {count} of {len(brief.articles)} articles are in {named}. Their "
        "sentences are shown as written, their language marked; nothing is machine-translated."
    )
