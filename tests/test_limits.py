"""Limits and guarantees (README, "Limits and guarantees"): hostile inputs take bounded work and
memory, end in a result or a clear one-line error, and never lose what was stored.

Sizes are made here, never stored. Nothing is timed: work is bounded by counting operations, or
by a generous subprocess timeout on inputs that used to take hours, and memory by the peak RSS a
child process reports.
"""

from __future__ import annotations

import json
import resource
import subprocess
from pathlib import Path

import pytest

from newsprism import clean
from newsprism.clean import MAX_ARTICLE_CHARS, clean_document, clean_text
from newsprism.compare.conflicts import MAX_CONFLICTS_PER_CLAIM, MAX_CONFLICTS_PER_STORY, cap_conflicts
from newsprism.model import Article, Conflict, ConflictSide, RawDocument, article_heading, article_labels
from newsprism.read.decode import decode_bytes
from newsprism.read.fetch import _is_public
from newsprism.render.json import validate_brief

from conftest import run_cli

REPO = Path(__file__).resolve().parent.parent
# Generous: on these 2-core machines each run below takes well under a minute; before the fixes
# the first took hours.
SUBPROCESS_TIMEOUT = 600


def _newsprism(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=cwd, timeout=SUBPROCESS_TIMEOUT)


# --------------------------------------------------------------------------- cleaning is linear


class _Counting:
    """Counts the word-frequency look-ups glue repair makes (its unit of work)."""

    def __init__(self) -> None:
        self.calls = 0
        self.wrapped = clean._zipf

    def __call__(self, word: str) -> float:
        self.calls += 1
        return float(self.wrapped(word))


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> _Counting:
    counting = _Counting()
    monkeypatch.setattr(clean, "_zipf", counting)
    return counting


def test_a_two_megabyte_token_costs_no_word_lookups(lookups: _Counting) -> None:
    for token in ("c" * 2_000_000, "aB" * 1_000_000, "Ab" * 1_000_000):
        result = clean_text(token)
        assert result.text == token and not result.repairs
    assert lookups.calls == 0  # a run of letters that long is never two glued words


def test_glue_repair_work_grows_with_the_text_not_its_square(lookups: _Counting) -> None:
    def cost(copies: int) -> int:
        lookups.calls = 0
        clean._zipf.wrapped.cache_clear()  # type: ignore[attr-defined]
        result = clean_text(" ".join(f"statementreleased{n % 7} LomanovHead the" for n in range(copies)))
        assert result.text.count("Lomanov Head") == copies
        return lookups.calls

    small, large = cost(200), cost(800)
    assert large <= 4 * small + 50  # linear: four times the text, at most four times the look-ups


def test_glued_sentences_in_a_long_run_are_bounded_in_number_and_size() -> None:
    result = clean_text("ab.Cd" * 400_000)
    assert len(result.repairs) == clean.GLUE_REPAIRS_MAX
    assert all(len(r.before) <= 2 * clean.REPAIR_CONTEXT_MAX_CHARS for r in result.repairs)
    for repair in result.repairs[:50]:
        assert result.text[repair.start : repair.end] == repair.after


@pytest.mark.parametrize(
    "text",
    [
        "\n\n".join(f"Paragraph number {i} says something else entirely here today." for i in range(40_000)),
        "\n\n".join(
            "The same long paragraph opening, then something different: " + str(i) for i in range(20_000)
        ),
        "line that is long enough to be wrapped at a width and goes on\n" * 40_000,
        "".join(chr(i % 32) for i in range(200_000)),
        "Привет мир 你好 世界 مرحبا Hello " * 40_000,
    ],
    ids=["40k-paragraphs", "20k-alike-openings", "40k-wrapped-lines", "control-characters", "mixed-scripts"],
)
def test_hostile_shapes_clean_with_consistent_offsets(text: str) -> None:
    result = clean_text(text)
    for repair in result.repairs:
        assert 0 <= repair.start <= repair.end <= len(result.text)
    assert all(0 <= removal.at <= len(result.text) for removal in result.removed)


def test_an_article_over_the_size_limit_is_refused_by_name() -> None:
    raw = RawDocument(source="huge.txt", kind="text", text="word " * (MAX_ARTICLE_CHARS // 4))
    with pytest.raises(Exception, match=r"^huge.txt: .* over the 250,000-character limit for one article"):
        clean_document(raw)


def _peak_child_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


@pytest.mark.slow
def test_a_two_megabyte_token_file_is_refused_quickly(tmp_path: Path) -> None:
    (tmp_path / "token.txt").write_text("A long token\n\n" + "c" * 2_000_000 + "\n", encoding="utf-8")
    done = _newsprism("analyze", "token.txt", "-o", "out", "-q", cwd=tmp_path)
    assert done.returncode == 2
    assert "token.txt: 2,000,000 characters after cleaning, over the 250,000-character limit" in done.stderr


@pytest.mark.slow
def test_a_long_run_on_paragraph_is_analysed_in_bounded_memory(tmp_path: Path) -> None:
    """Text with no sentence ends: every stage sees 100,000-character "sentences" cut into parse
    pieces; the brief is written and the process stays far below the gigabytes it once took."""
    words = "the minister said talks would continue next week in Beijing and that officials agreed"
    body = " ".join(f"{words} {n}" for n in range(1_100))[:100_000]
    (tmp_path / "runon.txt").write_text("A run-on text\n\n" + body + "\n", encoding="utf-8")
    before = _peak_child_rss_mb()
    done = _newsprism("analyze", "runon.txt", "-o", "out", "-q", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (story,) = json.loads((tmp_path / "out" / "index.json").read_text())["stories"]
    brief = json.loads((tmp_path / "out" / story["path"]).read_text())
    validate_brief(brief)
    assert max(before, _peak_child_rss_mb()) < 2500


# --------------------------------------------------------------------------- many small articles


def _conflict(n: int, claim: str) -> Conflict:
    sides = [
        ConflictSide(article_id=f"a{n}", start=0, end=1, text="1", value="1"),
        ConflictSide(article_id=f"b{n}", start=0, end=1, text="2", value="2"),
    ]
    return Conflict(
        id=f"x{n}", kind="number", description="d", sides=sides, claim_ids=[claim], confidence=0.9
    )


def test_conflicts_are_capped_per_claim_and_per_story_and_the_cap_is_stated() -> None:
    found = [_conflict(n, f"c{n % 30}") for n in range(3_000)]
    shown, limit = cap_conflicts(found)
    per_claim: dict[str, int] = {}
    for conflict in shown:
        per_claim[conflict.claim_ids[0]] = per_claim.get(conflict.claim_ids[0], 0) + 1
    assert len(shown) == MAX_CONFLICTS_PER_STORY and max(per_claim.values()) <= MAX_CONFLICTS_PER_CLAIM
    assert limit is not None and (limit.shown, limit.found) == (MAX_CONFLICTS_PER_STORY, 3_000)
    assert "per claim" in limit.rule
    assert cap_conflicts(found[:3]) == (found[:3], None)


@pytest.mark.slow
def test_three_hundred_one_sentence_articles_give_a_brief_of_bounded_size(tmp_path: Path) -> None:
    """Before: 300 files on one event gave 86,451 number conflicts and a 52 MB brief.json."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for n in range(300):
        (inputs / f"{n:03d}.txt").write_text(
            f"Quake kills {3 + n % 40} in Eastfield\n\nA magnitude 6.1 earthquake killed {3 + n % 40} people "
            f"in the town of Eastfield on Sunday, officials said, and {10 + n} were injured.\n",
            encoding="utf-8",
        )
    done = _newsprism("analyze", "in", "-o", "out", "-q", "--format", "json,md", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (story,) = json.loads((tmp_path / "out" / "index.json").read_text())["stories"]
    path = tmp_path / "out" / story["path"]
    brief = json.loads(path.read_text())
    validate_brief(brief)
    assert len(brief["articles"]) == 300
    assert 0 < len(brief["conflicts"]) <= MAX_CONFLICTS_PER_STORY
    (limit,) = brief["limits"]
    assert limit["what"] == "conflicts" and limit["found"] > limit["shown"]
    assert path.stat().st_size < 5_000_000
    assert (
        f"Showing {limit['shown']:,} of {limit['found']:,} conflicts found"
        in (path.parent / "brief.md").read_text()
    )


# --------------------------------------------------------------------------- fetching: SSRF


@pytest.mark.parametrize(
    "address",
    [
        "::127.0.0.1",  # IPv4-compatible
        "::ffff:0:127.0.0.1",  # IPv4-translated
        "::ffff:127.0.0.1",  # IPv4-mapped
        "64:ff9b::10.0.0.1",  # NAT64 of a private address
        "64:ff9b:1::a00:1",  # local-use NAT64
        "fec0::1",  # site-local
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "fc00::1",
        "fe80::1",
        "ff02::1",
        "::",
        "100.100.100.200",
    ],
)
def test_ipv6_spellings_of_private_addresses_are_refused(address: str) -> None:
    assert not _is_public(address)


@pytest.mark.parametrize("address", ["2606:4700::1111", "64:ff9b::8.8.8.8", "::ffff:8.8.8.8", "8.8.8.8"])
def test_public_addresses_stay_allowed(address: str) -> None:
    assert _is_public(address)


# --------------------------------------------------------------------------- decoding


def test_a_utf8_file_with_a_few_bad_bytes_stays_utf8_line_by_line() -> None:
    good = "Köln liegt am Rhein. Über Düsseldorf schreibt man anders.\n" * 20
    data = good.encode() + b"Ein kaputtes Caf\xe9 in K\xf6ln, na\xefve \xe9\xe9\n" + "Köln again.".encode()
    text, warnings = decode_bytes("mixed.txt", data)
    assert "Köln liegt am Rhein." in text and "Köln again." in text and "KГ¶ln" not in text
    assert "Ein kaputtes Café in Köln, naïve éé" in text
    (warning,) = warnings
    assert warning.startswith("mixed.txt: 1 line(s) not valid UTF-8, decoded as cp1252: line 21")
    assert "the rest is UTF-8" in warning


def test_a_whole_file_in_another_charset_is_still_decoded_whole() -> None:
    text, warnings = decode_bytes("ru.txt", ("Москва, Россия. Привет, как дела?\n" * 30).encode("cp1251"))
    assert text.startswith("Москва, Россия.") and "decoded as cp1251" in warnings[0]


# --------------------------------------------------------------------------- what readers see


def _article(article_id: str, source: str, **fields: object) -> Article:
    base: dict[str, object] = {
        "id": article_id,
        "source": source,
        "outlet": None,
        "domain": None,
        "title": None,
        "published": None,
        "language": "en",
        "text": "The council voted on Monday to build a new bridge across the river at last.",
    }
    return Article.model_validate(base | fields)


def test_an_article_without_outlet_or_title_is_never_named_by_a_file_name_or_an_id() -> None:
    articles = [
        _article("a48c07d92c5f4", "corpus/001_48c07d92c5f447a1.txt"),
        _article("r7", "records.jsonl"),
        _article("a2", "x.txt", domain="example.org"),
    ]
    labels = article_labels(articles)
    assert labels == {
        "a48c07d92c5f4": "unknown outlet (file 001_48c07d92c5f447a1.txt)",
        "r7": "unknown outlet (record r7)",
        "a2": "example.org",
    }
    heading = article_heading(articles[0])
    assert heading == "Untitled: “The council voted on Monday to build a…”"
    assert "a48c07d92c5f4" not in heading


@pytest.mark.parametrize(
    ("text", "outlet", "evidence"),
    [
        (
            "Title here\n\nBy Reuters Staff\n\nOttawa said on Monday it would act.",
            "Reuters",
            'byline "by Reuters Staff"',
        ),
        (
            "OTTAWA (Reuters) - Canada said on Monday it would act soon.",
            "Reuters",
            'dateline "OTTAWA (Reuters) -"',
        ),
        ("WASHINGTON, June 5 (AP) — The Senate voted on Tuesday to act.", "Associated Press", "dateline"),
    ],
)
def test_the_outlet_is_read_from_staff_bylines_and_agency_datelines(
    text: str, outlet: str, evidence: str
) -> None:
    from newsprism.read.text import parse_text_header

    header = parse_text_header(text)
    raw = RawDocument(
        source="wire.txt",
        kind="text",
        text=header.body,
        title=header.title,
        byline=header.byline,
        header=[{"kind": k, "text": t} for k, t in header.lines],  # type: ignore[misc]
    )
    article = clean_document(raw)
    assert article.outlet == outlet and evidence in article.evidence["outlet"]
