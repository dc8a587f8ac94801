"""External data: waiting times and helsenorge.no summaries that are too old, or missing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..data.snapshots import WAITING_TIMES
from ..diagnostics import Diagnostic, days, warning
from ..model import parse_date

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
    for index, figure in enumerate(snapshots.waiting_times.get("figures", [])):
        reported = parse_date(figure.get("reported"))
        if id(figure) not in shown_figures or reported is None:
            continue
        age = (context.today - reported).days
        if age > policy.waiting_times_max_age_days:
            found.append(
                warning(
                    WAITING_TIMES,
                    snapshots.waiting_times_lines("figures", index, "reported"),
                    "waiting-times-old",
                    f"the waiting times for '{figure.get('code')}' at {figure.get('location')} were reported {days(age)} ago "
                    f"(at most {policy.waiting_times_max_age_days} allowed); run 'hcweb sync waiting-times'",
                )
            )
    for url, entry in snapshots.helsenorge.items():
        fetched = parse_date(entry.get("fetched"))
        if fetched and (context.today - fetched).days > policy.helsenorge_max_age_days:
            rel, lines = snapshots.helsenorge_files[url]
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
