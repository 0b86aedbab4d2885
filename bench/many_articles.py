"""Cost of one story of many short articles, as a whole ``newsprism analyze`` process.

    python bench/many_articles.py [--sizes 250,500,1000,2000]

The articles are made from real text: the first two sentences of each article of the ECB+ stories
on the July 2013 Aceh earthquake (tests/data/stories, CC BY 3.0), each copy with its figures
perturbed (every number n becomes n + k for the copy's k), so that outlets "disagree" on every
figure as hundreds of near-copies do in a real feed. For each size: wall time, peak resident
memory of the process, brief.json size, and conflicts shown / found (the brief's stated cap).
Before the caps of issue 11, 300 such files gave 86,451 conflicts (a 52 MB brief.json) and 2,000
exhausted 22 GB of memory.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "data" / "stories" / "ecbplus.jsonl"
STORY = "37-ecbplus"  # the Aceh earthquake of 2 July 2013


def seed_texts() -> list[tuple[str, str]]:
    """(title, lead) pairs: each ECB+ article of the story, its first line and next two sentences."""
    pairs = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("gold") != STORY:
            continue
        paragraphs = [p for p in record["text"].split("\n\n") if len(p.split()) > 5]
        sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", " ".join(paragraphs[1:3]))
        pairs.append((record["title"], " ".join(sentences[:2])))
    return pairs


def perturbed(text: str, shift: int) -> str:
    return re.sub(r"\b\d+\b", lambda m: str(int(m.group()) + shift), text)


def write_inputs(directory: Path, count: int) -> None:
    seeds = seed_texts()
    for n in range(count):
        title, lead = seeds[n % len(seeds)]
        shift = n // len(seeds)
        (directory / f"{n:05d}.txt").write_text(f"{title}\n\n{perturbed(lead, shift)}\n", encoding="utf-8")


def measure(count: int) -> str:
    with tempfile.TemporaryDirectory(prefix="newsprism-many-") as scratch:
        inputs = Path(scratch) / "in"
        inputs.mkdir()
        write_inputs(inputs, count)
        started = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "newsprism.cli", "analyze", str(inputs),
             "-o", str(Path(scratch) / "out"), "-q", "--format", "json,html"],
            capture_output=True, text=True,
        )  # fmt: skip
        wall = time.perf_counter() - started
        peak_mb = int(done.stderr.strip().splitlines()[-1]) / 1024
        index = json.loads((Path(scratch) / "out" / "index.json").read_text())
        sizes, shown, found, articles = 0, 0, 0, 0
        for story in index["stories"]:
            path = Path(scratch) / "out" / story["path"]
            brief = json.loads(path.read_text())
            sizes += path.stat().st_size + (path.parent / "brief.html").stat().st_size
            shown += len(brief["conflicts"])
            found += next(
                (lim["found"] for lim in brief.get("limits", []) if lim["what"] == "conflicts"), 0
            ) or len(brief["conflicts"])
            articles += len(brief["articles"])
        return (
            f"{count:>6} {articles:>9} {len(index['stories']):>7} {wall:>8.1f} {peak_mb:>10.0f} "
            f"{sizes / 2**20:>12.1f} {shown:>7} / {found:<7}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="250,500,1000,2000")
    args = parser.parse_args()
    print(f"machine: {describe_machine()}")
    print(
        f"inputs: first sentences of the {len(seed_texts())} ECB+ articles on story {STORY}, figures perturbed per copy"
    )
    print(
        f"{'files':>6} {'analysed':>9} {'stories':>7} {'wall s':>8} {'peak MiB':>10} {'json+html MB':>12} conflicts shown / found"
    )
    for count in (int(s) for s in args.sizes.split(",")):
        print(measure(count), flush=True)


if __name__ == "__main__":
    main()
