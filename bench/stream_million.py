"""The story stream at a million articles: articles/s and peak memory at 10 k, 100 k and 1 M,
and B-cubed quality against the true stories at 10 k and 100 k (with the exact scan beside the
approximate-nearest-neighbour one at 10 k).

    python bench/stream_million.py [--articles 1000000] [--quick] [--concurrent 64]

The input is made from the 982 real ECB+ articles (86 stories; CC BY 3.0), each embedded once with
the real embedder (MiniLM over stories.story_text). Synthetic article (slot s, copy c, article a):

- **dates**: slot s starts 30 days after slot s − 1 (more than the 7-day window, so slots never
  share a story) and its articles are spread uniformly at random over 2 days; the stream gets
  them in date order, all copies of a slot interleaved;
- **copies at once**: ``--concurrent`` copies of the corpus share each slot. Copy c is told apart
  from the others as a different set of events would be: every capitalised word (names, places)
  gets the copy's letter suffix ("Aceh" → "Acehbc") and its dense vectors are mapped by the
  copy's random signed permutation of the dimensions (orthogonal: within a copy all cosines are
  kept; across copies they are ≈ 0); copy 0 keeps the real words and vectors. With 128 copies
  ≈ 6,000–12,000 stories are open in a slot, above stories.EXACT_SCAN_STORIES, so the index is
  what finds the candidates;
- **wording**: each word of the text is dropped with probability 0.1 (seeded per slot), so no
  two lexical vectors are the same;
- **dense vector**: the (mapped) original's plus Gaussian noise of σ = 0.012 per dimension
  (cosine with the original ≈ 0.97), renormalised.

True story of an article: (slot, copy, ECB+ story). Timed: ``StoryStream.add_batch`` in batches of
256 (of which lexical_vectors, timed through a wrapper, is reported apart); generating the input
is timed separately and not counted. Peak RSS is the process's (VmHWM), which includes the
embedder and the input tables; the RSS before streaming is printed for reference.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine
from newsprism import stories
from newsprism.evaluation.stories import bcubed, load_gold
from newsprism.model import Article
from newsprism.parts import Parts

CORPUS = Path("/work/shared/corpus/ecbplus.jsonl")
if not CORPUS.exists():
    CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "stories" / "ecbplus.jsonl"
SLOT_DAYS = 30
SPREAD_DAYS = 2
DROP_SHARE = 0.1
NOISE = 0.012
BATCH = 256
START = datetime(2000, 1, 1)
CHECKPOINTS = (10_000, 100_000, 1_000_000)
QUALITY_UP_TO = 100_000


def memory_kib(field_name: str) -> int:
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    return 0


def suffix(copy: int) -> str:
    """A letter tag per copy ("" for copy 0, then "bb", "bc", …): names stay words, not figures."""
    if copy == 0:
        return ""
    letters = "bcdfghjklmnpqrstvwxz"
    return letters[copy // len(letters) % len(letters)] + letters[copy % len(letters)]


@dataclass
class Source:
    """The real articles, tokenised once, and their dense vectors under every copy's rotation."""

    articles: list[Article]
    gold: list[str]
    tokens: list[list[str]] = field(default_factory=list)
    names: list[list[int]] = field(default_factory=list)  # positions of capitalised words
    title_tokens: list[list[str]] = field(default_factory=list)
    vectors: Any = None  # articles × dimensions, float32
    permutations: Any = None  # copies × dimensions: each copy's signed permutation
    signs: Any = None


def load_source(concurrent: int, seed: int, cache: Path | None = None) -> tuple[Source, float]:
    """The corpus, embedded (or its vectors read from ``cache``, written there the first time)."""
    articles, gold = load_gold(CORPUS)
    started = time.perf_counter()
    if cache is not None and cache.exists():
        vectors = np.load(cache)
    else:
        vectors = stories.dense_vectors(articles, Parts.default().get_embedder())
        if cache is not None:
            np.save(cache, vectors)
    embedding = time.perf_counter() - started
    source = Source(articles, gold)
    for article in articles:
        tokens = article.text.split()
        source.tokens.append(tokens)
        source.names.append([i for i, t in enumerate(tokens) if t[:1].isupper() and len(t) > 2])
        source.title_tokens.append((article.title or "").split())
    rng = np.random.default_rng(seed)
    dimensions = vectors.shape[1]
    source.vectors = vectors
    source.permutations = np.array(
        [np.arange(dimensions)] + [rng.permutation(dimensions) for _ in range(1, concurrent)]
    )
    source.signs = np.where(rng.random((concurrent, dimensions)) < 0.5, -1.0, 1.0).astype(np.float32)
    source.signs[0] = 1.0
    return source, embedding


def synthetic_batches(
    source: Source, total: int, concurrent: int, seed: int
) -> Iterator[tuple[list[Article], Any, list[str]]]:
    """(articles, dense vectors, true story labels) in batches of at most BATCH, in date order,
    cut at the checkpoints."""
    n = len(source.articles)
    made = 0
    slot = 0
    while made < total:
        rng = np.random.default_rng([seed, slot])
        offsets = rng.random(concurrent * n) * SPREAD_DAYS * 86400
        order = np.argsort(offsets, kind="stable")[: total - made]
        base = START + timedelta(days=SLOT_DAYS * slot)
        begin = 0
        while begin < len(order):
            stop = min(c for c in (*CHECKPOINTS, total) if c > made)
            chosen = order[begin : begin + min(BATCH, stop - made)]
            begin += len(chosen)
            copies, originals = np.divmod(chosen, n)
            mapped = source.vectors[originals[:, None], source.permutations[copies]] * source.signs[copies]
            vectors = mapped + rng.normal(scale=NOISE, size=mapped.shape).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            batch, labels = [], []
            for pick, copy, a in zip(chosen.tolist(), copies.tolist(), originals.tolist(), strict=True):
                tag = suffix(copy)
                tokens = list(source.tokens[a])
                title = source.title_tokens[a]
                if tag:
                    for i in source.names[a]:
                        tokens[i] += tag
                    title = [t + tag if t[:1].isupper() and len(t) > 2 else t for t in title]
                kept = rng.random(len(tokens)) >= DROP_SHARE
                text = " ".join([t for t, keep in zip(tokens, kept.tolist(), strict=True) if keep])
                when = base + timedelta(seconds=float(offsets[pick]))
                batch.append(
                    Article(
                        id=f"s{slot}c{copy}a{a}",
                        source="synthetic",
                        outlet=None,
                        domain=None,
                        title=" ".join(title),
                        published=when.isoformat(timespec="seconds"),
                        language="en",
                        text=text,
                    )
                )
                labels.append(f"{slot}/{copy}/{source.gold[a]}")
            made += len(batch)
            yield batch, vectors, labels
        slot += 1


@dataclass
class Timer:
    """Seconds spent in lexical_vectors, through a wrapper of the real function."""

    seconds: float = 0.0

    def wrap(self) -> Any:
        """Time stories.lexical_vectors from now on; the real function, to put back."""
        real = stories.lexical_vectors

        def timed(articles: Any) -> Any:
            started = time.perf_counter()
            try:
                return real(articles)
            finally:
                self.seconds += time.perf_counter() - started

        stories.lexical_vectors = timed
        return real


def run(
    source: Source,
    total: int,
    concurrent: int,
    seed: int,
    exact: bool,
    report: bool,
    slot_lines: bool = False,
) -> tuple[list[str], list[str]]:
    """Stream ``total`` synthetic articles; print a line at each checkpoint (and each slot's end
    with ``slot_lines``) when ``report``. The predicted and true labels of the first
    QUALITY_UP_TO articles."""
    stream = stories.StoryStream(exact_limit=10**9 if exact else stories.EXACT_SCAN_STORIES)
    lexical = Timer()
    real_lexical = lexical.wrap()
    predicted: list[str] = []
    truth: list[str] = []
    per_slot = concurrent * len(source.articles)
    slots = set(range(per_slot, total, per_slot)) if slot_lines else set()
    checkpoints = sorted({c for c in CHECKPOINTS if c < total} | {total} | slots)
    done = streamed = generated = 0.0
    last = {"done": 0.0, "streamed": 0.0, "lexical": 0.0}
    most_open = 0
    clock = time.perf_counter()
    try:
        for batch, vectors, labels in synthetic_batches(source, total, concurrent, seed):
            generated += time.perf_counter() - clock
            clock = time.perf_counter()
            ids = stream.add_batch(batch, vectors)
            streamed += time.perf_counter() - clock
            most_open = max(most_open, len(stream.stories))
            if len(predicted) < QUALITY_UP_TO:
                predicted.extend(ids)
                truth.extend(labels)
            before = done
            done += len(batch)
            for checkpoint in checkpoints:
                if report and before < checkpoint <= done:
                    segment = streamed - last["streamed"]
                    seg_lexical = lexical.seconds - last["lexical"]
                    quality = ""
                    if checkpoint <= QUALITY_UP_TO:
                        s = bcubed(predicted[: int(done)], truth[: int(done)])
                        quality = f"  B3 P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}"
                    print(
                        f"{int(done):>9,} {done / streamed:>9,.0f} {(done - last['done']) / segment:>9,.0f} "
                        f"{1e6 * seg_lexical / (done - last['done']):>8.0f} "
                        f"{1e6 * (segment - seg_lexical) / (done - last['done']):>8.0f} "
                        f"{memory_kib('VmHWM') / 1024:>8,.0f} {len(stream.stories):>6,} {most_open:>6,} "
                        f"{stream.nbytes / 2**20:>7,.0f} {stream.closed:>8,} "
                        f"{'index' if stream.uses_index else 'exact':>5} {os.getloadavg()[0]:>4.1f}{quality}",
                        flush=True,
                    )
                    last = {"done": done, "streamed": streamed, "lexical": lexical.seconds}
            clock = time.perf_counter()
    finally:
        stories.lexical_vectors = real_lexical
    if report:
        print(f"input generation (not counted above): {1e6 * generated / done:.0f} µs an article")
    return predicted, truth


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="20,000 articles: a smoke run")
    parser.add_argument("--concurrent", type=int, default=128, help="copies of the corpus per time slot")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-exact", action="store_true", help="skip the exact scan at 10 k")
    parser.add_argument("--slot-lines", action="store_true", help="a line at the end of every slot too")
    parser.add_argument(
        "--vectors", type=Path, help="a .npy to keep the corpus's dense vectors in between runs"
    )
    args = parser.parse_args()
    total = 20_000 if args.quick else args.articles
    print(f"machine: {describe_machine()}")
    source, embedding = load_source(args.concurrent, args.seed, args.vectors)
    cached = f", from {args.vectors}" if args.vectors and embedding < 5 else ""
    print(
        f"input: {len(source.articles)} ECB+ articles ({len(set(source.gold))} stories) embedded once "
        f"({embedding:.0f} s{cached}); {args.concurrent} copies a slot of {SPREAD_DAYS} days, slots "
        f"{SLOT_DAYS} days apart; {DROP_SHARE:.0%} of words dropped, dense noise σ {NOISE} (see the docstring)"
    )
    print(
        f"stream: window {stories.WINDOW_DAYS:g} days, exact scan up to {stories.EXACT_SCAN_STORIES:,} "
        f"open stories, at most {stories.MAX_OPEN_STORIES:,}, batches of {BATCH}; "
        f"RSS before streaming {memory_kib('VmRSS') / 1024:,.0f} MiB"
    )
    print(
        f"{'articles':>9} {'art/s':>9} {'seg art/s':>9} {'lex µs':>8} {'rest µs':>8} {'peak MiB':>8} "
        f"{'open':>6} {'max':>6} {'str MiB':>7} {'closed':>8} {'path':>5} {'load':>4}  "
        "quality (B-cubed, true story = slot/copy/ECB+ story)"
    )
    predicted, _ = run(
        source, total, args.concurrent, args.seed, exact=False, report=True, slot_lines=args.slot_lines
    )
    print(
        "art/s: cumulative; seg: since the previous line; lex / rest µs: per article in that segment, "
        "in lexical_vectors / the rest of add_batch (assignment); open / max: stories open now / at most "
        "so far; str MiB: StoryStream.nbytes; path: how candidates were found at that point; load: the "
        "machine's 1-minute load average (it is shared)"
    )
    if not args.no_exact:
        size = min(CHECKPOINTS[0], total)
        started = time.perf_counter()
        exact, truth = run(source, size, args.concurrent, args.seed, exact=True, report=False)
        seconds = time.perf_counter() - started
        s, agreement = bcubed(exact[:size], truth[:size]), bcubed(predicted[:size], exact[:size])
        print(
            f"exact scan at {size:,} (no index): {size / seconds:,.0f} art/s, B3 P {s.precision:.3f} "
            f"R {s.recall:.3f} F1 {s.f1:.3f}; index vs exact: same story for "
            f"{sum(p == e for p, e in zip(predicted, exact, strict=False)) / size:.2%} of articles, "
            f"B3 F1 of one against the other {agreement.f1:.4f}"
        )


if __name__ == "__main__":
    main()
