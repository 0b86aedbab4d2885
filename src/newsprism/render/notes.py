"""Sentences every report shows about what a list holds, so that "none found" never reads like
"not looked for" and a capped list never reads like the whole."""

from __future__ import annotations

from newsprism.lexicon import language_key, language_name
from newsprism.model import Brief, article_labels


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


CREDIT_SHOWN_CHARS = 160  # a credit line is a line; a longer one is shown cut


def _paragraph_list(numbers: list[int]) -> str:
    """[1, 2, 3, 5] → "1–3, 5"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def _dated_apart(later: str | None, earlier: str | None) -> bool:
    """Whether two publication dates say which came first."""
    return bool(later and earlier and later[:19] != earlier[:19])


def _percent(share: float) -> str:
    return f"{max(1, round(100 * share))} %"


def provenance_notes(brief: Brief) -> list[str]:
    """Who took from whom, one sentence each: the agencies an article credits, the text it reuses
    from another article of the story, and which articles count as one source."""
    outlets = article_labels(brief.articles)
    published = {a.id: a.published for a in brief.articles}
    notes: list[str] = []
    for found in brief.provenance:
        name = outlets.get(found.article_id, found.article_id)
        for credit in found.credits:
            if not credit.agencies:
                continue
            agencies = " and ".join(credit.agencies)
            written = (
                credit.text
                if len(credit.text) <= CREDIT_SHOWN_CHARS
                else credit.text[:CREDIT_SHOWN_CHARS] + "…"
            )
            if credit.kind == "photo":
                notes.append(f"{name} credits {agencies} for a photo (“{written}”), not for its text.")
            else:
                notes.append(f"{name} credits {agencies} for its text ({credit.kind} “{written}”).")
        for reuse in found.reuses:
            source = outlets.get(reuse.source_id, reuse.source_id)
            rewritten = (
                f"; rewritten: {_paragraph_list(reuse.rewritten_paragraphs)}"
                if reuse.rewritten_paragraphs
                else ""
            )
            where = f"(paragraphs {_paragraph_list(reuse.source_paragraphs)}{rewritten})"
            theirs, mine = _percent(reuse.share_of_source), _percent(reuse.share_of_article)
            if _dated_apart(published.get(found.article_id), published.get(reuse.source_id)):
                notes.append(f"{name} reuses {theirs} of {source}’s text {where}; that is {mine} of its own.")
            else:  # without two dates, who took from whom is not known
                notes.append(
                    f"{name} and {source} share passages: {theirs} of {source}’s text {where}, {mine} of {name}’s."
                )
    groups: dict[str, list[str]] = {}
    for found in brief.provenance:
        groups.setdefault(found.source_id, []).append(found.article_id)
    reasons = {found.article_id: found.reason for found in brief.provenance if found.reason}
    for members in groups.values():
        if len(members) < 2:
            continue
        names = [outlets.get(m, m) for m in members]
        why = "; ".join(f"{outlets.get(m, m)}: {reasons[m]}" for m in members if m in reasons)
        notes.append(
            f"{', '.join(names[:-1])} and {names[-1]} count as one source wherever outlets are counted ({why})."
        )
    if brief.provenance:
        articles, independent = len(brief.provenance), len(groups)
        notes.append(
            f"{articles} article{'' if articles == 1 else 's'}, "
            f"{independent} independent source{'' if independent == 1 else 's'}."
        )
    return notes


def coverage_notes(brief: Brief) -> list[str]:
    """Who covered the story, one sentence per axis, and what one side alone agrees on."""
    notes: list[str] = []
    for coverage in brief.coverage:
        parts = [f"{v.value}: {', '.join(v.present)}" for v in coverage.values if v.present]
        line = f"By {coverage.axis} — " + "; ".join(parts) + "."
        missing = [
            f"{v.value}: {', '.join(v.absent[:8])}"
            + (f" and {v.absent_count - 8} more" if v.absent_count > 8 else "")
            for v in coverage.values
            if v.absent
        ]
        if missing:
            line += " Did not cover it among comparable outlets — " + "; ".join(missing) + "."
        notes.append(line)
        for value in coverage.values:
            if value.only_claim_ids:
                notes.append(
                    f"Only {coverage.axis} {value.value} outlets report {len(value.only_claim_ids)} shared "
                    f"claim{'' if len(value.only_claim_ids) == 1 else 's'} (listed in brief.json)."
                )
    if brief.coverage:
        compared = max(c.compared_with for c in brief.coverage)
        dated = any(a.published for a in brief.articles)
        when = "that published around the story's dates" if dated else "(the story is undated: all of them)"
        notes.append(f"Compared with the {compared} outlets of the corpus {when}.")
    return notes


def outlet_rows(brief: Brief) -> list[list[str]]:
    """Per article: its outlet, and what the registry says of it — country, ownership, parent
    group, and the sources of those facts ("" where unknown)."""
    outlets = article_labels(brief.articles)
    rows = []
    for facts in brief.outlets:
        sources = sorted(set(facts.evidence.values()))
        rows.append(
            [
                outlets.get(facts.article_id, facts.article_id),
                facts.country or "",
                facts.ownership or "",
                facts.parent or "",
                ", ".join(sources)
                if sources
                else ("no facts in the registry" if facts.name else "not in the outlet registry"),
            ]
        )
    return rows
