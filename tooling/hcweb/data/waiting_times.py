"""Waiting times from Choose treatment location: feed rows in, one validated snapshot out.

The feed has one row per treatment code, location and figure, as CSV or as a
JSON list, with the fields code, provider, location, figure (assessment or
treatment), weeks and reported (YYYY-MM-DD).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..documents import LineMap
from ..files import write_atomic
from ..schema import Schemas
from .fetch import FetchError, read
from .snapshots import WAITING_TIMES

KEY_FIELDS = ("code", "provider", "location")


@dataclass
class SyncResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[str] = field(default_factory=list)  # one line per failure

    def summary(self, what: str) -> str:
        return f"{what}: {self.added} added, {self.updated} updated, {self.unchanged} unchanged, {self.removed} removed, {len(self.failed)} failed"


def parse_feed(raw: bytes, source: str) -> tuple[list[dict], list[int]]:
    """Rows of a CSV or JSON feed, with the line each row came from."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FetchError(f"{source}: the feed is not UTF-8 text") from None
    if text.lstrip().startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FetchError(f"{source}: not valid JSON at line {exc.lineno}: {exc.msg}") from None
        rows = data.get("rows") if isinstance(data, dict) else data
        if not isinstance(rows, list):
            raise FetchError(f"{source}: a JSON feed is a list of rows (or an object with 'rows')")
        return rows, [index + 1 for index in range(len(rows))]
    reader = csv.DictReader(io.StringIO(text))
    missing = {"code", "provider", "location", "figure", "weeks", "reported"} - set(reader.fieldnames or [])
    if missing:
        raise FetchError(f"{source}: the CSV header lacks {', '.join(sorted(missing))}")
    rows, lines = [], []
    for row in reader:
        weeks = (row.get("weeks") or "").strip()
        row = {key: (value or "").strip() for key, value in row.items() if key is not None}
        row["weeks"] = int(weeks) if weeks.isdigit() else weeks
        rows.append(row)
        lines.append(reader.line_num)
    return rows, lines


def build_snapshot(rows: list[dict], lines: list[int], source: str, schemas: Schemas, today: dt.date) -> tuple[dict, list[str]]:
    """The snapshot from the feed rows, and one message per bad row (then the snapshot must not be used)."""
    problems: list[str] = []
    figures: dict[tuple, dict] = {}
    kind = "row" if source.lower().endswith(".json") else "line"
    for row, line in zip(rows, lines, strict=True):
        found = schemas.validate("waiting-times-feed", row, source, LineMap(default=line))
        if found:
            problems += [f"{source}: {kind} {line}: {d.message}" for d in found]
            continue
        key = tuple(row[k] for k in KEY_FIELDS)
        figure = figures.setdefault(key, dict(zip(KEY_FIELDS, key, strict=True)))
        figure[f"{row['figure']}_weeks"] = row["weeks"]
        figure["reported"] = max(figure.get("reported", ""), row["reported"])
    order = (*KEY_FIELDS, "assessment_weeks", "treatment_weeks", "reported")
    ordered = [{key: figures[k][key] for key in order if key in figures[k]} for k in sorted(figures)]
    snapshot = {"source": source, "synced": today.isoformat(), "figures": ordered}
    return snapshot, problems


def sync(root: Path, source: str, schemas: Schemas, today: dt.date) -> SyncResult:
    """Fetch, check and atomically replace data/waiting-times.json; on any failure keep the old snapshot."""
    result = SyncResult()
    try:
        rows, lines = parse_feed(read(source), source)
    except FetchError as exc:
        result.failed.append(str(exc))
        return result
    if not rows:
        result.failed.append(f"{source}: the feed has no rows; the snapshot was kept")
        return result
    snapshot, problems = build_snapshot(rows, lines, source, schemas, today)
    if problems:
        result.failed += problems
        return result
    path = root / WAITING_TIMES
    old: dict[tuple, dict] = {}
    if path.is_file():
        try:
            old = {tuple(f.get(k) for k in KEY_FIELDS): f for f in json.loads(path.read_text(encoding="utf-8")).get("figures", [])}
        except (ValueError, AttributeError):
            old = {}
    new = {tuple(f[k] for k in KEY_FIELDS): f for f in snapshot["figures"]}
    for key, figure in new.items():
        if key not in old:
            result.added += 1
        elif old[key] != figure:
            result.updated += 1
        else:
            result.unchanged += 1
    result.removed = len(set(old) - set(new))
    write_atomic(path, json.dumps(snapshot, ensure_ascii=False, indent=2) + "\n")
    return result
