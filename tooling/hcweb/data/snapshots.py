"""Reading and replacing the data snapshots under data/.

A snapshot may have been edited by hand, or written by an older hcweb, so it is
checked again whenever it is read: every problem is reported at its line, and
only what passes its schema reaches a page. A malformed or hostile file never
stops the loading of the others.
"""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, error
from ..documents import LineMap, load_yaml
from ..schema import Schemas
from . import jsontext

WAITING_TIMES = "data/waiting-times.json"
HELSENORGE_DIR = "data/helsenorge"
MAX_SNAPSHOT_BYTES = 5 * 1024 * 1024


@dataclass
class Snapshots:
    waiting_times: dict = field(default_factory=dict)  # the snapshot with only its usable figures, {} when there is none
    waiting_times_lines: LineMap = field(default_factory=LineMap)
    figure_indexes: list[int] = field(default_factory=list)  # where each usable figure stands in the file's list
    helsenorge: dict[str, dict] = field(default_factory=dict)  # url -> entry, only entries that pass the schema
    helsenorge_files: dict[str, tuple[str, LineMap]] = field(default_factory=dict)  # url -> (file, lines)
    problems: list[Diagnostic] = field(default_factory=list)

    def figures(self, code: str, provider_id: str, location_id: str) -> dict | None:
        for figure in self.waiting_times.get("figures", []):
            if (figure.get("code"), figure.get("provider"), figure.get("location")) == (code, provider_id, location_id):
                return figure
        return None

    def figure_line(self, position: int, key: str) -> int:
        """The line of ``key`` in the ``position``-th usable figure."""
        return self.waiting_times_lines("figures", self.figure_indexes[position], key)


def _read_text(path: Path, root: Path) -> str:
    """The text of a snapshot file that is a plain file inside data/, of bounded size; else ValueError with the reason."""
    try:
        if not path.resolve().is_relative_to(root.resolve() / "data"):
            raise ValueError("the file is a link to a place outside data/; a snapshot must be a plain file")
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("this is a folder or a device, not a plain file")
        if info.st_size > MAX_SNAPSHOT_BYTES:
            raise ValueError(f"the file is larger than {MAX_SNAPSHOT_BYTES} bytes")
        return path.read_bytes().decode("utf-8-sig")
    except RuntimeError:  # a loop of links
        raise ValueError("the file is a link that leads back to itself") from None
    except UnicodeDecodeError:
        raise ValueError("the file is not UTF-8 text") from None
    except OSError as exc:
        raise ValueError(f"the file cannot be read: {exc.strerror or type(exc).__name__}") from None


def read_json(root: Path, rel: str, schema: str, schemas: Schemas, problems: list[Diagnostic]) -> tuple[Any, LineMap, bool] | None:
    """The JSON data file ``rel`` with the line of every value, and whether it passes ``schema``.

    Problems go to ``problems``; None when the file cannot be used at all.
    """
    try:
        raw = _read_text(root / rel, root)
        data = jsontext.load(raw)
    except ValueError as exc:
        problems.append(error(rel, 1, "unreadable", str(exc)))
        return None
    except jsontext.JsonProblem as problem:
        problems.append(error(rel, problem.line, "json-syntax" if problem.path is None else "json-bounds", problem.sentence()))
        return None
    if not isinstance(data, dict):
        problems.append(error(rel, 1, "json-shape", "the file must hold one JSON object"))
        return None
    lines = _lines_of(raw, rel)
    found = schemas.validate(schema, data, rel, lines)
    problems.extend(found)
    return data, lines, not found


def _lines_of(raw: str, rel: str) -> LineMap:
    """The line of each value, from the file read as YAML (JSON within the bounds is YAML); no lines when that fails."""
    try:
        document = load_yaml(raw, rel)
    except (ValueError, RecursionError):
        return LineMap()
    return document.lines if not document.problems else LineMap()


def read_quietly(path: Path) -> dict | None:
    """The data of a snapshot if it is readable JSON within bounds, else None (for comparing with a new one)."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_SNAPSHOT_BYTES:
            return None
        data = jsontext.load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, jsontext.JsonProblem):
        return None
    return data if isinstance(data, dict) else None


def usable_figures(snapshot: dict, schemas: Schemas) -> list[dict]:
    """The figures of a waiting-times snapshot that pass the schema on their own."""
    return [figures[0] for figures in _checked_figures(snapshot, schemas)]


def _checked_figures(snapshot: dict, schemas: Schemas) -> list[tuple[dict, int]]:
    figures = snapshot.get("figures")
    if not isinstance(figures, list):
        return []
    alone = {"source": "-", "synced": "2000-01-01"}
    return [
        (figure, index)
        for index, figure in enumerate(figures)
        if not schemas.validate("waiting-times", {**alone, "figures": [figure]}, WAITING_TIMES, LineMap())
    ]


def load(root: Path, schemas: Schemas) -> Snapshots:
    snapshots = Snapshots()
    _load_waiting_times(root, schemas, snapshots)
    _load_helsenorge(root, schemas, snapshots)
    return snapshots


def _load_waiting_times(root: Path, schemas: Schemas, snapshots: Snapshots) -> None:
    path = root / WAITING_TIMES
    if not (path.exists() or path.is_symlink()):
        return
    loaded = read_json(root, WAITING_TIMES, "waiting-times", schemas, snapshots.problems)
    if not loaded:
        return
    data, lines, valid = loaded
    checked = [(figure, index) for index, figure in enumerate(data["figures"])] if valid else _checked_figures(data, schemas)
    snapshots.waiting_times = {**data, "figures": [figure for figure, _ in checked]}
    snapshots.figure_indexes = [index for _, index in checked]
    snapshots.waiting_times_lines = lines


def _load_helsenorge(root: Path, schemas: Schemas, snapshots: Snapshots) -> None:
    folder = root / HELSENORGE_DIR
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.json")):
        rel = f"{HELSENORGE_DIR}/{path.name}"
        loaded = read_json(root, rel, "helsenorge", schemas, snapshots.problems)
        if not loaded or not loaded[2]:
            continue
        data, lines, _ = loaded
        snapshots.helsenorge[data["url"]] = data
        snapshots.helsenorge_files[data["url"]] = (rel, lines)


def dumps(data: dict) -> str:
    """A snapshot as it is written: UTF-8 JSON, indented, one final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
