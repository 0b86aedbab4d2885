"""The bundled sample analysed by a fresh `newsprism analyze` process, as a user runs it, and the
two anchors of the field measured in the same run on the same machine.

    python bench/cold_start.py [--runs 5] [--shared ../shared]

1. **Cold CLI**: `newsprism analyze examples/blinken-beijing-2023 -o DIR --format json,md,html`
   as a whole process, ``--runs`` times after one run that is not counted (the first run on a
   fresh machine reads every model file from disk; the issue's figure is "after the first run"),
   wall seconds and peak RSS per run, median printed with min and max.
2. **Anchors** (in one process each, after a warm-up): trafilatura's own extraction of the
   extraction-benchmark pages (ms/page; the field's figure is ≈ 5 ms/page) against newsprism's
   read + clean + metadata of the same pages, and spaCy en_core_web_sm over the sample's
   paragraphs in one process (words/s per core; ≈ 8 k words/s is the usual figure) against
   newsprism's language layer over the same articles. The ratios are newsprism / peer.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "blinken-beijing-2023"


def cold_runs(runs: int) -> tuple[list[float], list[float]]:
    """Wall seconds and peak RSS (MiB) of ``runs`` whole `newsprism analyze` processes."""
    command = [
        str(Path(sys.executable).with_name("newsprism")),
        "analyze",
        str(SAMPLE),
        "--format",
        "json,md,html",
    ]
    walls: list[float] = []
    peaks: list[float] = []
    with tempfile.TemporaryDirectory() as out:
        for run in range(runs + 1):
            started = time.perf_counter()
            process = subprocess.Popen(
                [*command, "-o", out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
            )
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - started
            process.returncode = os.waitstatus_to_exitcode(status)
            error = process.stderr.read() if process.stderr else ""
            if process.returncode != 0:
                raise SystemExit(f"newsprism analyze failed ({process.returncode}): {error.strip()[-500:]}")
            if run:  # the first run warms the page cache and is not counted
                walls.append(wall)
                peaks.append(usage.ru_maxrss / 1024)
    return walls, peaks


def _spread(values: list[float], unit: str, digits: int = 2) -> str:
    return (
        f"median {statistics.median(values):.{digits}f} {unit} "
        f"(min {min(values):.{digits}f}, max {max(values):.{digits}f}, {len(values)} runs)"
    )


def html_anchor(pages: list[Path]) -> tuple[float, float]:
    """ms per page: trafilatura.extract alone, and newsprism's read + clean + metadata."""
    import trafilatura

    from newsprism.pipeline import read_articles

    texts = [gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in pages]
    trafilatura.extract(texts[0])
    list(read_articles([str(pages[0])], report=lambda _: None))
    started = time.perf_counter()
    for text in texts:
        trafilatura.extract(text)
    peer = (time.perf_counter() - started) / len(texts) * 1000
    started = time.perf_counter()
    count = sum(1 for _ in read_articles([str(p) for p in pages], report=lambda _: None))
    ours = (time.perf_counter() - started) / max(1, count) * 1000
    return peer, ours


def spacy_anchor() -> tuple[float, float, int]:
    """Words/s in one process: spaCy's pipeline alone over the sample's paragraphs, and
    newsprism's language layer (annotation, entities, quotes, dates) over the same articles."""
    from newsprism.nlp import analyze_language
    from newsprism.nlp.annotate import annotate, load_model, paragraphs_of
    from newsprism.pipeline import read_articles

    articles = list(read_articles([str(SAMPLE)], report=lambda _: None))
    paragraphs = [text for a in articles for _, text in paragraphs_of(a.text)]
    words = sum(len(p.split()) for p in paragraphs)
    nlp = load_model()
    list(nlp.pipe(paragraphs[:20]))
    started = time.perf_counter()
    list(nlp.pipe(paragraphs, batch_size=64))
    peer = words / (time.perf_counter() - started)
    analyze_language(annotate(articles[:1], n_process=1))
    started = time.perf_counter()
    analyze_language(annotate(articles, n_process=1))
    ours = words / (time.perf_counter() - started)
    return peer, ours, words


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    print(describe_machine())
    walls, peaks = cold_runs(args.runs)
    print(f"cold `newsprism analyze` of the sample (5 articles, json+md+html): {_spread(walls, 's')}")
    print(f"  peak RSS {_spread(peaks, 'MiB', 0)}")
    pages = sorted((args.shared / "extraction" / "html").glob("*.html.gz"))
    if pages:
        peer, ours = html_anchor(pages)
        print(
            f"HTML pages ({len(pages)}, extraction benchmark): trafilatura.extract {peer:.1f} ms/page; "
            f"newsprism read + clean + metadata {ours:.1f} ms/page (ratio {ours / peer:.2f})"
        )
    else:
        print(f"HTML anchor skipped: no pages under {args.shared / 'extraction' / 'html'}")
    peer_words, our_words, words = spacy_anchor()
    print(
        f"language layer ({words:,} words of the sample, one process): spaCy en_core_web_sm alone "
        f"{peer_words:,.0f} words/s; newsprism's whole language layer {our_words:,.0f} words/s "
        f"(ratio {our_words / peer_words:.2f})"
    )


if __name__ == "__main__":
    main()
