"""Reading and replacing the data snapshots under data/."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic, error
from ..documents import LineMap, load_yaml
from ..schema import Schemas

WAITING_TIMES = "data/waiting-times.json"
HELSENORGE_DIR = "data/helsenorge"


@dataclass
class Snapshots:
    waiting_times: dict = field(default_factory=dict)  # the snapshot, {} when there is none
    waiting_times_lines: LineMap = field(default_factory=LineMap)
    helsenorge: dict[str, dict] = field(default_factory=dict)  # url -> entry
    helsenorge_files: dict[str, tuple[str, LineMap]] = field(default_factory=dict)  # url -> (file, lines)
    problems: list[Diagnostic] = field(default_factory=list)

    def figures(self, code: str, provider_id: str, location_id: str) -> dict | None:
        for figure in self.waiting_times.get("figures", []):
            if (figure.get("code"), figure.get("provider"), figure.get("location")) == (code, provider_id, location_id):
                return figure
        return None


def read_json(path: Path, rel: str, schema: str, schemas: Schemas, problems: list[Diagnostic]) -> tuple[dict, LineMap] | None:
    """A JSON data file, schema-checked, with the line of every value (JSON is read as YAML for that)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(error(rel, 1, "unreadable", f"the file cannot be read: {exc}"))
        return None
    try:
        json.loads(raw)
    except json.JSONDecodeError as exc:
        problems.append(error(rel, exc.lineno, "json-syntax", f"not valid JSON: {exc.msg}"))
        return None
    document = load_yaml(raw, rel)
    data = document.data if not document.problems else json.loads(raw)
    lines = document.lines if not document.problems else LineMap()
    if not isinstance(data, dict):
        problems.append(error(rel, 1, "json-shape", "the file must hold one JSON object"))
        return None
    problems.extend(schemas.validate(schema, data, rel, lines))
    return data, lines


def load(root: Path, schemas: Schemas) -> Snapshots:
    snapshots = Snapshots()
    waiting = root / WAITING_TIMES
    if waiting.is_file():
        loaded = read_json(waiting, WAITING_TIMES, "waiting-times", schemas, snapshots.problems)
        if loaded:
            snapshots.waiting_times, snapshots.waiting_times_lines = loaded
    folder = root / HELSENORGE_DIR
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        rel = f"{HELSENORGE_DIR}/{path.name}"
        loaded = read_json(path, rel, "helsenorge", schemas, snapshots.problems)
        if loaded and isinstance(loaded[0].get("url"), str):
            snapshots.helsenorge[loaded[0]["url"]] = loaded[0]
            snapshots.helsenorge_files[loaded[0]["url"]] = (rel, loaded[1])
    return snapshots
