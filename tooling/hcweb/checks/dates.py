"""Date checks shared by every kind of content."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..diagnostics import Diagnostic, error
from ..documents import LineMap
from ..model import parse_date


def date_problems(rel: str, lines: LineMap, path: tuple, value: Any, today: dt.date, what: str) -> list[Diagnostic]:
    """A recorded date may not lie in the future."""
    day = parse_date(value)
    if day is None or day <= today:
        return []
    return [
        error(rel, lines(*path), "date-in-future", f"the {what} date {day.isoformat()} is in the future (today is {today.isoformat()})")
    ]
