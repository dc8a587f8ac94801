"""Waiting times from Choose treatment location: feed rows in, one validated snapshot out.

The feed has one row per treatment code, location and figure, as CSV or as a
JSON list (or an object with ``rows``), with the fields code, provider, location,
figure (assessment or treatment), weeks and reported (YYYY-MM-DD).

Nothing in a feed is trusted: weeks are whole numbers written with the digits
0-9, from 0 to 520; a row that is not a plain group of fields, a giant number or
deep nesting is reported with the feed, the row (or line) and the field, and the
previous snapshot stays as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..documents import LineMap
from ..files import write_atomic
from ..schema import Schemas
from . import jsontext
from .fetch import FetchError, read, shown_url
from .snapshots import WAITING_TIMES, dumps, read_quietly, usable_figures

KEY_FIELDS = ("code", "provider", "location")
FEED_FIELDS = ("code", "provider", "location", "figure", "weeks", "reported")
MAX_WEEKS = 520
MAX_REPORTED_PROBLEMS = 20
MAX_LINE = 300


@dataclass
class SyncResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[str] = field(default_factory=list)  # one line per failure

    def summary(self, what: str) -> str:
        return f"{what}: {self.added} added, {self.updated} updated, {self.unchanged} unchanged, {self.removed} removed, {len(self.failed)} failed"

    def fail(self, message: str) -> None:
        """Record a failure as one printable line of bounded length."""
        self.failed.append(one_line(message))


def one_line(message: str) -> str:
    text = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", message)
    return text if len(text) <= MAX_LINE else text[: MAX_LINE - 3] + "..."


@dataclass
class FeedRow:
    data: Any
    where: str  # "row 3" (JSON) or "line 5" (CSV)


def parse_feed(raw: bytes, source: str) -> list[FeedRow]:
    """Rows of a CSV or JSON feed, each with where it came from."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FetchError(source, "the feed is not UTF-8 text") from None
    if text.lstrip().startswith(("[", "{")):
        return _json_rows(text, source)
    return _csv_rows(text, source)


def _json_rows(text: str, source: str) -> list[FeedRow]:
    try:
        data = jsontext.load(text)
    except jsontext.JsonProblem as problem:
        raise FetchError(source, _json_place(problem)) from None
    rows = data.get("rows") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise FetchError(source, "a JSON feed is a list of rows (or an object with 'rows')")
    return [FeedRow(row, f"row {index + 1}") for index, row in enumerate(rows)]


def _json_place(problem: jsontext.JsonProblem) -> str:
    """A JSON problem as a row and field when it lies inside a row, else at its line."""
    path = problem.path or ()
    path = path[1:] if path[:1] == ("rows",) else path
    if path and isinstance(path[0], int):
        field = path[1] if len(path) > 1 and isinstance(path[1], str) else None
        subject = f"'{jsontext.field_name((field,))}'" if field else "a value"
        return f"row {path[0] + 1}: {problem.sentence(subject)}"
    return f"line {problem.line}: {problem.sentence()}"


def _csv_rows(text: str, source: str) -> list[FeedRow]:
    reader = csv.DictReader(io.StringIO(text))
    rows: list[FeedRow] = []
    try:
        missing = set(FEED_FIELDS) - set(reader.fieldnames or [])
        if missing:
            raise FetchError(source, f"the CSV header lacks {', '.join(sorted(missing))}")
        for row in reader:
            values = {
                key: (value or "").strip() for key, value in row.items() if isinstance(key, str) and isinstance(value, (str, type(None)))
            }
            values["weeks"] = _csv_weeks(values.get("weeks", ""))
            rows.append(FeedRow(values, f"line {reader.line_num}"))
    except csv.Error as exc:
        reason = "a value is longer than the CSV reader allows" if "field larger" in str(exc) else f"the CSV cannot be read ({exc})"
        raise FetchError(source, f"line {reader.reader.line_num}: {reason}") from None
    return rows


def _csv_weeks(text: str) -> int | str:
    """Weeks as a number when written with at most six digits 0-9; anything else stays text for the checks."""
    return int(text) if re.fullmatch(r"[0-9]{1,6}", text) else text


def weeks_problem(value: Any) -> str | None:
    """What is wrong with a value of 'weeks' that the schema would explain badly (or not at all)."""
    if isinstance(value, (bool, float)):
        return f"'weeks' must be a whole number of weeks from 0 to {MAX_WEEKS}; found {json.dumps(value)}"
    if isinstance(value, str) and re.fullmatch(r"[0-9]{7,}", value):
        return f"'weeks' is a number of {len(value)} digits; waiting times are given in weeks, from 0 to {MAX_WEEKS}"
    if isinstance(value, str) and any(ch.isdigit() and not ch.isascii() for ch in value):
        return f"'weeks' must be written with the digits 0-9; found {_shown(value)}"
    return None


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def row_problems(row: FeedRow, schemas: Schemas, today: dt.date) -> list[str]:
    """Every problem of one feed row, each naming the row (or line) and the field."""
    if not isinstance(row.data, dict):
        return [f"{row.where}: a row must be a group of the fields {', '.join(FEED_FIELDS)}; found {_shown(row.data)}"]
    weeks = weeks_problem(row.data.get("weeks"))
    checked = {**row.data, "weeks": 0} if weeks else row.data
    found = [f"{row.where}: {weeks}"] if weeks else []
    found += [f"{row.where}: {d.message}" for d in schemas.validate("waiting-times-feed", checked, "", LineMap())]
    if not found and row.data["reported"] > today.isoformat():
        found.append(f"{row.where}: 'reported' is a date after today ({row.data['reported']})")
    return found


def build_snapshot(rows: list[FeedRow], source: str, schemas: Schemas, today: dt.date) -> tuple[dict, list[str]]:
    """The snapshot from the feed rows, and one message per problem (then the snapshot must not be used)."""
    problems: list[str] = []
    figures: dict[tuple, dict] = {}
    for row in rows:
        found = row_problems(row, schemas, today)
        if found:
            problems += found
            continue
        key = tuple(row.data[k] for k in KEY_FIELDS)
        figure = figures.setdefault(key, dict(zip(KEY_FIELDS, key, strict=True)))
        figure[f"{row.data['figure']}_weeks"] = row.data["weeks"]
        figure["reported"] = max(figure.get("reported", ""), row.data["reported"])
    order = (*KEY_FIELDS, "assessment_weeks", "treatment_weeks", "reported")
    ordered = [{key: figures[k][key] for key in order if key in figures[k]} for k in sorted(figures)]
    snapshot = {"source": shown_url(source), "synced": today.isoformat(), "figures": ordered}
    return snapshot, problems


def sync(root: Path, source: str, schemas: Schemas, today: dt.date) -> SyncResult:
    """Fetch, check and atomically replace data/waiting-times.json; on any failure keep the old snapshot."""
    result = SyncResult()
    shown = shown_url(source)
    try:
        rows = parse_feed(read(source), source)
    except FetchError as exc:
        result.fail(str(exc))
        return result
    if not rows:
        result.fail(f"{shown}: the feed has no rows; the snapshot was kept")
        return result
    snapshot, problems = build_snapshot(rows, source, schemas, today)
    if problems:
        for problem in problems[:MAX_REPORTED_PROBLEMS]:
            result.fail(f"{shown}: {problem}")
        if len(problems) > MAX_REPORTED_PROBLEMS:
            result.fail(f"{shown}: {len(problems) - MAX_REPORTED_PROBLEMS} more problems not shown; the snapshot was kept")
        return result
    for problem in schemas.validate("waiting-times", snapshot, WAITING_TIMES, LineMap()):
        result.fail(f"{shown}: the snapshot made from the feed is not valid: {problem.message}")
    if result.failed:
        return result
    path = root / WAITING_TIMES
    previous = read_quietly(path)
    try:
        write_atomic(path, dumps(snapshot))
    except OSError as exc:
        result.fail(f"{WAITING_TIMES}: cannot be written ({exc.strerror or type(exc).__name__}); the snapshot was kept")
        return result
    _count_changes(result, usable_figures(previous, schemas) if previous else [], snapshot["figures"])
    return result


def _count_changes(result: SyncResult, previous: list[dict], figures: list[dict]) -> None:
    """Added, updated, unchanged and removed figures against the usable figures of the previous snapshot."""
    old = {tuple(f[k] for k in KEY_FIELDS): f for f in previous}
    new = {tuple(f[k] for k in KEY_FIELDS): f for f in figures}
    for key, figure in new.items():
        if key not in old:
            result.added += 1
        elif old[key] != figure:
            result.updated += 1
        else:
            result.unchanged += 1
    result.removed = len(set(old) - set(new))
