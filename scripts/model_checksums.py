"""Check the installed model packages against data/model-checksums.json, or (--write) record the
installed files' hashes after a new version has been checked by hand (keep the evidence notes).

    python scripts/model_checksums.py [--write]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
from pathlib import Path

from newsprism.checksums import package_files, recorded_checksums, verify_model_package

DATA = Path(__file__).resolve().parent.parent / "src" / "newsprism" / "data" / "model-checksums.json"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="record the installed files' hashes")
    args = parser.parse_args()
    if not args.write:
        for distribution in recorded_checksums():
            verify_model_package(distribution)
            print(f"{distribution}: ok")
        return
    document = json.loads(DATA.read_text(encoding="utf-8"))
    for distribution, entry in document.items():
        if distribution.startswith("_"):
            continue
        entry["version"] = importlib.metadata.version(distribution)
        entry["files"] = dict(sorted(package_files(distribution).items()))
    DATA.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {DATA}")


if __name__ == "__main__":
    main()
