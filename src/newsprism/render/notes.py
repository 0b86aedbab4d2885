"""Sentences every report shows about what a list holds, so that "none found" never reads like
"not looked for" and a capped list never reads like the whole."""

from __future__ import annotations

from newsprism.model import Brief


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
