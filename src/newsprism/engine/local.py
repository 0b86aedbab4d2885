"""The ``Engine`` protocol and its default, ``LocalEngine``, which runs everything in this process."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Protocol, Self, TypeVar

from newsprism.errors import NewsprismError

T = TypeVar("T")
R = TypeVar("R")

# A batch of items → one result per item, in order.
BatchFunction = Callable[[list[T]], list[R]]


class Engine(Protocol):
    """Applies ``make_function()``'s function to ``items`` in batches of ``batch_size`` and yields
    one result per item, in the items' order. ``make_function`` is called once per worker (once in
    all for the local engine), never once per batch, so a model it loads serves every batch."""

    name: str

    def map_batches(
        self, make_function: Callable[[], BatchFunction[T, R]], items: Iterable[T], *, batch_size: int
    ) -> Iterator[R]: ...

    def close(self) -> None: ...


class ClosesOnExit:
    """``with engine:`` closes the engine on leaving the block (shared by every engine)."""

    def close(self) -> None:
        pass

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


class LocalEngine(ClosesOnExit):
    """Runs the batches in this process, one after the other: the default, and the reference the
    Ray engine's results are tested against."""

    name = "local"

    def map_batches(
        self, make_function: Callable[[], BatchFunction[T, R]], items: Iterable[T], *, batch_size: int
    ) -> Iterator[R]:
        check_batch_size(batch_size)
        function: BatchFunction[T, R] | None = None
        batch: list[T] = []
        for item in items:
            batch.append(item)
            if len(batch) == batch_size:
                function = function or make_function()
                yield from checked_results(function(batch), len(batch))
                batch = []
        if batch:
            function = function or make_function()
            yield from checked_results(function(batch), len(batch))


def check_batch_size(batch_size: int) -> None:
    if batch_size < 1:
        raise NewsprismError(f"batch size must be at least 1, not {batch_size}")


def checked_results(results: list[R], expected: int) -> list[R]:
    """A batch function must return exactly one result per item, or every later result would be
    paired with the wrong item."""
    if len(results) != expected:
        raise NewsprismError(
            f"a batch function returned {len(results)} results for {expected} items; it must return one per item"
        )
    return results
