"""The commands of CONTRACT.md, run as a user runs them (a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsprism.render.json import validate_brief, validate_index

from conftest import SAMPLE_DIR, run_cli

run = run_cli


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    result = run("analyze", str(SAMPLE_DIR), "-o", str(out), "--format", "json,md,html")
    assert result.returncode == 0, result.stderr
    return out


def test_analyze_sample_writes_valid_index_and_brief(sample_out: Path) -> None:
    index = json.loads((sample_out / "index.json").read_text())
    assert validate_index(index) == []
    assert len(index["stories"]) == 1
    story = index["stories"][0]
    brief = json.loads((sample_out / story["path"]).read_text())
    assert validate_brief(brief) == []
    assert sorted(a["id"] for a in brief["articles"]) == sorted(story["article_ids"])
    for name in ("brief.md", "brief.html"):
        assert (sample_out / story["id"] / name).stat().st_size > 1000


def test_sample_articles_are_clean_and_described(sample_out: Path) -> None:
    index = json.loads((sample_out / "index.json").read_text())
    brief = json.loads((sample_out / index["stories"][0]["path"]).read_text())
    by_source = {Path(a["source"]).name[:3]: a for a in brief["articles"]}
    assert len(by_source) == 5
    everything = "\n".join(a["text"] for a in brief["articles"])
    for noise in (
        "#United #States",
        "Leave a Comment",
        "(Keep reading:",
        "You may also like",
        "Related materials",
    ):
        assert noise not in everything
    for glued in ("LomanovHead", "statementreleased", "China.Wang"):
        assert glued not in everything
    assert all(a["removed"] for a in brief["articles"])
    assert all(a["language"] == "en" for a in brief["articles"])
    assert by_source["004"]["domain"] == "en.majalla.com"
    assert by_source["003"]["published"] == "2023-06-20T07:00:00"
    assert by_source["000"]["title"].startswith("Professor Alexander Lomanov")
    assert by_source["002"]["outlet"] == "Sputnik"
    assert by_source["000"]["outlet"] == "Lenta.ru"
    # The article whose text states no outlet keeps an unknown outlet rather than a guess.
    assert by_source["001"]["outlet"] is None
    # Every stage is filled from the articles: entities, quotes, shared claims, a cited summary.
    assert brief["entities"] and brief["quotes"] and brief["timeline"]
    assert any(c["status"] == "shared" for c in brief["claims"])
    assert brief["summary"] and all(s["citations"] for s in brief["summary"])
    assert all(p["topics"] and p["tone"] for p in brief["perspectives"])


def test_bad_input_among_good_is_reported_and_skipped(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    out = tmp_path / "out"
    result = run(
        "analyze",
        str(SAMPLE_DIR / "000_d37313c2899a58bf.txt"),
        str(empty),
        str(tmp_path / "nope.txt"),
        "-o",
        str(out),
    )
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 2
    assert any(str(empty) in line and "empty input" in line for line in errors)
    assert any("nope.txt" in line and "no such file" in line for line in errors)
    index = json.loads((out / "index.json").read_text())
    assert len(index["stories"][0]["article_ids"]) == 1


def test_only_bad_inputs_exit_2_without_output(tmp_path: Path) -> None:
    result = run("analyze", str(tmp_path / "missing"), "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "no usable articles" in result.stderr
    assert not (tmp_path / "out" / "index.json").exists()


def test_unknown_format_is_an_argument_error(tmp_path: Path) -> None:
    result = run("analyze", str(SAMPLE_DIR), "--format", "pdf", "-o", str(tmp_path))
    assert result.returncode == 2 and "unknown format pdf" in result.stderr


def test_stdin_jsonl(tmp_path: Path) -> None:
    records = [
        {
            "id": "r1",
            "text": "The council approved the budget on Monday after a long debate among its members.",
            "outlet": "Gazette",
        },
        {
            "id": "r2",
            "text": "Council members approved the city budget on Monday, ending weeks of debate.",
            "published": "2024-03-04",
        },
    ]
    stdin = "\n".join(json.dumps(r) for r in records) + "\n"
    result = run("analyze", "-", "-o", str(tmp_path / "out"), "--format", "json", stdin=stdin)
    assert result.returncode == 0, result.stderr
    index = json.loads((tmp_path / "out" / "index.json").read_text())
    assert sorted(index["stories"][0]["article_ids"]) == ["r1", "r2"]
    brief = json.loads((tmp_path / "out" / index["stories"][0]["path"]).read_text())
    outlets = {a["id"]: a["outlet"] for a in brief["articles"]}
    assert outlets == {"r1": "Gazette", "r2": None}
    assert not (tmp_path / "out" / index["stories"][0]["id"] / "brief.html").exists()


def test_ingest_twice_is_idempotent(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    first = run("ingest", str(SAMPLE_DIR), "--db", db)
    second = run("ingest", str(SAMPLE_DIR), "--db", db)
    assert first.returncode == 0 and "stored 5 new" in first.stdout
    assert (
        second.returncode == 0
        and "stored 0 new articles; 0 updated with a corrected text; 5 already stored" in second.stdout
    )


def test_ingest_into_unreachable_database_fails_cleanly(tmp_path: Path) -> None:
    result = run("ingest", str(SAMPLE_DIR), "--db", "postgresql://x:pw@127.0.0.1:1/none")
    assert result.returncode == 2
    assert "pw" not in result.stderr and "cannot open database" in result.stderr
    assert "Traceback" not in result.stderr


def _stderr_on_a_terminal(*args: str, out: Path) -> str:
    """Run analyze with stderr on a pseudo-terminal, as a person at a shell would, and return what
    it wrote there."""
    import os
    import pty

    leader, follower = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "newsprism.cli", "analyze", str(SAMPLE_DIR), "-o", str(out), *args],
        stdout=subprocess.DEVNULL,
        stderr=follower,
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=300) == 0
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.slow
def test_progress_shows_on_a_terminal_and_not_with_quiet_or_in_a_pipe(tmp_path: Path) -> None:
    shown = _stderr_on_a_terminal("--format", "json", out=tmp_path / "a")
    assert "reading and cleaning" in shown and "analysing 1 story" in shown
    assert "analysing" not in _stderr_on_a_terminal("--quiet", "--format", "json", out=tmp_path / "b")
    piped = run("analyze", str(SAMPLE_DIR), "-o", str(tmp_path / "c"), "--format", "json")
    assert piped.returncode == 0 and "analysing" not in piped.stderr


@pytest.mark.slow
def test_analyze_on_a_local_ray_writes_the_same_brief(sample_out: Path, tmp_path: Path) -> None:
    result = run(
        "analyze",
        str(SAMPLE_DIR),
        "-o",
        str(tmp_path),
        "--format",
        "json",
        "--engine",
        "ray",
        "--workers",
        "2",
    )
    assert result.returncode == 0, result.stderr
    story = json.loads((sample_out / "index.json").read_text())["stories"][0]
    local = json.loads((sample_out / story["path"]).read_text())
    on_ray = json.loads((tmp_path / story["path"]).read_text())
    for part in ("claims", "conflicts", "summary", "perspectives", "timeline"):
        assert on_ray[part] == local[part], part


def test_an_unknown_engine_is_refused_in_one_line(tmp_path: Path) -> None:
    result = run("analyze", str(SAMPLE_DIR), "-o", str(tmp_path), "--ray-address", "x", "--engine", "local")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------- friction (issue 11)


def test_a_plain_path_is_an_sqlite_database_and_errors_carry_no_library_links(tmp_path: Path) -> None:
    one = tmp_path / "one.txt"
    one.write_text((SAMPLE_DIR / "000_d37313c2899a58bf.txt").read_text(encoding="utf-8"), encoding="utf-8")
    done = run("ingest", "one.txt", "--db", "news.db", cwd=tmp_path)
    assert done.returncode == 0 and (tmp_path / "news.db").exists()
    assert done.stdout.startswith("stored 1 new article;")  # not "1 articles"
    (tmp_path / "not-a-db").write_text("hello", encoding="utf-8")
    refused = run("ingest", "one.txt", "--db", "not-a-db", cwd=tmp_path)
    assert (
        refused.returncode == 2
        and "sqlalche.me" not in refused.stderr
        and "Background on" not in refused.stderr
    )
    assert refused.stderr.count("\n") == 1 and "file is not a database" in refused.stderr


def test_a_broken_jsonl_line_is_named_plainly(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_text('{"id": "x", "text": "unterminated\n', encoding="utf-8")
    done = run("analyze", "bad.jsonl", "-o", "out", "-q", cwd=tmp_path)
    assert "bad.jsonl:1: invalid JSON (Unterminated string at column 21)" in done.stderr
    assert "at at" not in done.stderr


def test_every_serve_option_has_help() -> None:
    shown = run("serve", "--help").stdout
    assert "Port to listen on." in shown and "--allow-host" in shown and "--job-timeout-min" in shown


def test_cluster_ids_join_the_ids_of_briefs(tmp_path: Path) -> None:
    clustered = run("cluster", str(SAMPLE_DIR), "-q")
    assert clustered.returncode == 0, clustered.stderr
    lines = [json.loads(line) for line in clustered.stdout.splitlines()]
    analysed = run("analyze", str(SAMPLE_DIR), "-o", str(tmp_path), "-q", "--format", "json")
    (story,) = json.loads((tmp_path / "index.json").read_text())["stories"]
    assert {line["article_id"] for line in lines} == set(story["article_ids"]), analysed.stderr
    assert all(line["id"].endswith(".txt") for line in lines)  # the path as given, as CONTRACT.md says
