"""The conflict detectors, one module each, registered by kind when this package is imported.

See ``base`` for what a detector is; every module of this package other than ``base`` is loaded,
so adding a detector is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil

from newsprism.compare.detectors.base import REGISTRY, ConflictContext, Detector, Pair, Scored, detector

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["REGISTRY", "ConflictContext", "Detector", "Pair", "Scored", "detector"]
