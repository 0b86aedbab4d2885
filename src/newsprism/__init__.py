"""newsprism: one news story from every side."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsprism")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
