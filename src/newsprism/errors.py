"""One error vocabulary: every problem a person can fix names the input and says what is wrong."""

from __future__ import annotations


class NewsprismError(Exception):
    """Base class for errors shown to people as one line."""


class InputError(NewsprismError):
    """An input (file, URL, feed, record) that cannot be used. The other inputs go on."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class StoreError(NewsprismError):
    """The database cannot be opened or written; nothing stored so far is lost."""


class MissingExtra(NewsprismError):
    """An optional dependency is not installed."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(f"{package} is not installed; run: pip install 'newsprism[{extra}]'")
