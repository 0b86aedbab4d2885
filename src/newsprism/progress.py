"""Progress on long runs: a rich bar on a terminal, silence otherwise (pipes, CI, --quiet)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)


class Advance(Protocol):
    def __call__(self, amount: int = 1, description: str | None = None) -> None: ...


def progress_enabled(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


@contextmanager
def progress(label: str, *, total: int | None = None, enabled: bool = True) -> Iterator[Advance]:
    if not enabled:
        yield lambda amount=1, description=None: None
        return
    columns = [
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)

        def advance(amount: int = 1, description: str | None = None) -> None:
            bar.update(task, advance=amount, description=description or label)

        yield advance
