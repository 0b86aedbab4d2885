"""Write the bundled sample as API records (examples/blinken-beijing-2023.records.json), so the
README's quickstart can post it with curl:

    python scripts/make_sample_records.py

Each text file's header lines (title, date, URL) become the record's fields, as `newsprism
analyze` reads them; tests/test_serve_api.py checks the file is current."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newsprism.read import text_document

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "blinken-beijing-2023"
RECORDS = REPO / "examples" / "blinken-beijing-2023.records.json"


def sample_records(directory: Path = SAMPLE) -> list[dict[str, Any]]:
    records = []
    for path in sorted(directory.glob("*.txt")):
        document = text_document(path.name, path.read_text(encoding="utf-8"))
        fields = {"title": document.title, "published": document.published, "url": document.url}
        records.append({"id": path.stem, **{k: v for k, v in fields.items() if v}, "text": document.text})
    return records


def records_json(directory: Path = SAMPLE) -> str:
    return json.dumps(sample_records(directory), ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    RECORDS.write_text(records_json(), encoding="utf-8")
    print(f"wrote {RECORDS.relative_to(REPO)}")
