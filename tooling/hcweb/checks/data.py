"""External data: waiting times and helsenorge.no summaries that are too old, dated in the future, or missing.

Problems inside the snapshot files themselves (broken JSON, values that fail the
schema, markup or a 100 KB summary) are found when the snapshots are loaded
(data/snapshots.py) and reported with the file and line; only what passes
reaches this check and the pages.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..data.snapshots import WAITING_TIMES
from ..diagnostics import Diagnostic, days, warning

if TYPE_CHECKING:
    from . import CheckContext


def check(context: CheckContext) -> list[Diagnostic]:
    content = context.content
    snapshots = content.snapshots
    policy = content.policy
    found: list[Diagnostic] = []
    shown_figures: set[int] = set()
    for text in content.national.values():
        code = text.choose_location_code
        if code is None or text.is_draft:
            continue
        offering = [(p.id, loc) for p in content.providers.values() for o in p.overlays if o.uses == text.id for loc in o.location_ids]
        figures = [snapshots.figures(code, provider_id, loc) for provider_id, loc in offering]
        if offering and not any(figures):
            found.append(
                warning(
                    text.rel,
                    text.lines("choose_location", "code"),
                    "waiting-times-missing",
                    f"{WAITING_TIMES} has no waiting times for '{code}' at any of the {len(offering)} locations that offer this text",
                )
            )
        shown_figures |= {id(f) for f in figures if f}
    for position, figure in enumerate(snapshots.waiting_times.get("figures", [])):
        reported = _day(figure.get("reported"))
        if id(figure) not in shown_figures or reported is None:
            continue
        age = (context.today - reported).days
        if age < 0:
            found.append(
                warning(
                    WAITING_TIMES,
                    snapshots.figure_line(position, "reported"),
                    "waiting-times-future",
                    f"the waiting times for '{figure.get('code')}' at {figure.get('location')} are dated {reported.isoformat()}, "
                    "after today; check the feed and run 'hcweb sync waiting-times'",
                )
            )
        elif age > policy.waiting_times_max_age_days:
            found.append(
                warning(
                    WAITING_TIMES,
                    snapshots.figure_line(position, "reported"),
                    "waiting-times-old",
                    f"the waiting times for '{figure.get('code')}' at {figure.get('location')} were reported {days(age)} ago "
                    f"(at most {policy.waiting_times_max_age_days} allowed); run 'hcweb sync waiting-times'",
                )
            )
    for url, entry in snapshots.helsenorge.items():
        fetched = _day(entry.get("fetched"))
        rel, lines = snapshots.helsenorge_files[url]
        if fetched and fetched > context.today:
            found.append(
                warning(
                    rel,
                    lines("fetched"),
                    "helsenorge-future",
                    f"the summary of {url} is dated {fetched.isoformat()}, after today; run 'hcweb sync helsenorge'",
                )
            )
        elif fetched and (context.today - fetched).days > policy.helsenorge_max_age_days:
            found.append(
                warning(
                    rel,
                    lines("fetched"),
                    "helsenorge-old",
                    f"the summary of {url} was fetched {days((context.today - fetched).days)} ago "
                    f"(at most {policy.helsenorge_max_age_days} allowed); run 'hcweb sync helsenorge'",
                )
            )
    return found


def _day(value: Any) -> dt.date | None:
    """A date the schema has passed; unlike model.parse_date, a far-future one is kept so that it is reported."""
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None
