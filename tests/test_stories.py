"""Stories: batch and stream grouping, the time window, wire copies, and the `cluster` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from newsprism.embed import default_embedder
from newsprism.evaluation.stories import bcubed, labels_of, load_gold
from newsprism.model import Article, Story
from newsprism.stories import StoryStream, cluster_stories, dense_vectors, find_copies

from conftest import DATA, SAMPLE_DIR
from nlp_helpers import article

QUAKE = (
    "A magnitude 6.1 earthquake struck Aceh province in Indonesia on Tuesday, killing at least 24 "
    "people in the Bener Meriah district and injuring hundreds, the disaster agency said."
)
QUAKE_2 = (
    "A 7.2-magnitude earthquake hit the Chilean city of Valparaiso, damaging the port and cutting "
    "power to 200,000 homes; two fishermen are missing, officials in Santiago said."
)
VOTE = "The city council of Leeds approved the new cycling budget after a five-hour debate on Monday."


def _stories(articles: list[Article], **options: float) -> list[Story]:
    return cluster_stories(articles, dense_vectors(articles, default_embedder()), **options)


def _article(article_id: str, text: str, published: str | None = None, outlet: str | None = None) -> Article:
    return article(article_id, text, published, outlet)


def test_bcubed_counts_precision_and_recall_per_item() -> None:
    perfect = bcubed(["x", "x", "y"], ["a", "a", "b"])
    assert (perfect.precision, perfect.recall, perfect.stories) == (1.0, 1.0, 2)
    lumped = bcubed(["x", "x", "x"], ["a", "a", "b"])
    assert lumped.recall == 1.0 and abs(lumped.precision - (2 / 3 * 2 + 1 / 3) / 3) < 1e-9


def test_different_events_of_one_kind_are_different_stories() -> None:
    articles = [
        _article("q1", QUAKE),
        _article("q2", QUAKE.replace("killing at least 24", "leaving 24 dead and")),
        _article("c1", QUAKE_2),
        _article("c2", QUAKE_2.replace("damaging the port", "wrecking the harbour")),
        _article("v1", VOTE),
    ]
    stories = _stories(articles)
    assert sorted(sorted(a.id for a in s.articles) for s in stories) == [["c1", "c2"], ["q1", "q2"], ["v1"]]
    assert len(stories[-1].articles) == 1  # largest first


def test_the_time_window_splits_the_same_kind_of_event_a_month_apart() -> None:
    articles = [
        _article("early", QUAKE, "2023-06-01"),
        _article("early2", QUAKE.replace("said", "reported"), "2023-06-02"),
        _article("late", QUAKE, "2023-07-15"),
    ]
    assert sorted(len(s.articles) for s in _stories(articles)) == [1, 2]
    assert len(_stories(articles, window_days=60)) == 1
    stream = StoryStream(embedder=default_embedder())
    ids = [stream.add(a) for a in articles]
    assert ids[0] == ids[1] != ids[2]


def test_a_stream_assigns_each_new_article_or_opens_a_story() -> None:
    stream = StoryStream(embedder=default_embedder())
    first = stream.add(_article("q1", QUAKE))
    assert stream.add(_article("v1", VOTE)) != first
    assert stream.add(_article("q2", QUAKE.replace("on Tuesday", "early on Tuesday"))) == first
    assert len(stream.stories) == 2


def test_wire_copies_under_two_mastheads_are_found() -> None:
    wire = " ".join([QUAKE, QUAKE_2.replace("Chilean", "Peruvian"), VOTE] * 2)
    articles = [
        _article("afp", wire, outlet="AFP"),
        _article("paper", "Updated at noon. " + wire + " (AFP)", outlet="Daily Paper"),
        _article("other", QUAKE + " " + VOTE, outlet="Other"),
    ]
    assert find_copies(articles) == {"paper": "afp"}


def test_ecbplus_topics_cluster_into_their_events() -> None:
    articles, gold = load_gold(DATA / "stories" / "ecbplus.jsonl")
    keep = [i for i, g in enumerate(gold) if g.split("-")[0] in {"1", "3", "37"}]
    subset = [articles[i] for i in keep]
    scores = bcubed(labels_of(_stories(subset), subset), [gold[i] for i in keep])
    assert scores.f1 >= 0.8, scores


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsprism.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_cluster_command_writes_one_line_per_article(tmp_path: Path) -> None:
    records = [
        {"id": "q1", "text": QUAKE},
        {"id": "q2", "text": QUAKE.replace("the disaster agency said", "officials said")},
        {"id": "v1", "text": VOTE},
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    for mode in ([], ["--stream"]):
        result = _cli("cluster", str(feed), "-q", *mode)
        assert result.returncode == 0, result.stderr
        lines = [json.loads(line) for line in result.stdout.splitlines()]
        story = {line["id"]: line["story_id"] for line in lines}
        assert list(story) == ["q1", "q2", "v1"]
        assert story["q1"] == story["q2"] != story["v1"]
    out = tmp_path / "assignments.jsonl"
    result = _cli("cluster", str(SAMPLE_DIR), "-o", str(out), "-q")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 5 and len({line["story_id"] for line in lines}) == 1
    assert all(line["id"].startswith(str(SAMPLE_DIR)) for line in lines)  # the file's path as given


def test_cluster_command_rejects_an_unusable_input_in_one_line(tmp_path: Path) -> None:
    result = _cli("cluster", str(tmp_path / "missing.jsonl"), "-q")
    assert result.returncode == 2
    assert "missing.jsonl" in result.stderr and len(result.stderr.strip().splitlines()) <= 2


def test_analyze_writes_one_brief_per_story_largest_first(tmp_path: Path) -> None:
    articles, gold = load_gold(DATA / "stories" / "ecbplus.jsonl")
    quake = [a for a, g in zip(articles, gold, strict=True) if g == "37-ecbplus"][:2]
    feed = tmp_path / "quake.jsonl"
    feed.write_text(
        "\n".join(json.dumps({"id": a.id, "title": a.title, "text": a.text}) for a in quake) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = _cli("analyze", str(SAMPLE_DIR), str(feed), "-o", str(out), "--format", "json", "-q")
    assert result.returncode == 0, result.stderr
    index = json.loads((out / "index.json").read_text())
    sizes = [len(s["article_ids"]) for s in index["stories"]]
    assert sizes == [5, 2]
    assert set(index["stories"][1]["article_ids"]) == {a.id for a in quake}
    for story in index["stories"]:
        brief = json.loads((out / story["path"]).read_text())
        assert brief["story"]["id"] == story["id"] and brief["summary"] is not None
