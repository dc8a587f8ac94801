"""The body of the weekly "reviews due" issue: professional reviews due and stale local approvals,
with the experts to ask.

    python3 .github/scripts/review_issue.py REVIEWS_JSON STALE_JSON BODY_MD

REVIEWS_JSON and STALE_JSON are `hcweb report reviews|stale --format json`. Writes the issue's body
to BODY_MD and prints how many items are due: 0 means there is nothing to do (and the workflow
closes the issue). Only the standard library, so it runs on any runner's Python.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def cell(value: object) -> str:
    """A value as one Markdown table cell: no line breaks, no column separators."""
    return " ".join(str("" if value is None else value).split()).replace("|", "\\|")


def person(value: object) -> str:
    """An expert as `name (@login)`, from a name, a login, or a mapping with `name` and `github`."""
    if isinstance(value, dict):
        name, login = value.get("name"), value.get("github")
        if name and login:
            return f"{name} (@{login})"
        return str(name or (f"@{login}" if login else ""))
    return str(value)


def experts(row: dict, fallback: str) -> str:
    """Whom to ask: the row's `experts` (a list or a string), else the fallback."""
    found = row.get("experts")
    if isinstance(found, list):
        found = ", ".join(filter(None, (person(e) for e in found)))
    return cell(found) if found else cell(fallback)


def body(reviews: list[dict], stale: list[dict]) -> tuple[str, int]:
    """The issue's Markdown, and how many items are due."""
    due = [row for row in reviews if row.get("status") != "ok"]
    lines = ["Weekly report of what needs an expert's attention (`hcweb report reviews` and `hcweb report stale`).", ""]
    lines += ["## Professional reviews overdue or due soon", ""]
    if due:
        lines += ["| owner | text | responsible | due | days left | experts to ask |", "| --- | --- | --- | --- | --- | --- |"]
        lines += [
            f"| {cell(r.get('owner'))} | {cell(r.get('text'))} | {cell(r.get('responsible'))} | {cell(r.get('due'))} | "
            f"{cell(r.get('days_left'))} | {experts(r, 'the experts of ' + str(r.get('owner') or 'the owner'))} |"
            for r in due
        ]
    else:
        lines.append("None.")
    lines += ["", "## Stale local approvals", ""]
    if stale:
        lines += [
            (
                "A provider's site keeps publishing the revision its experts approved until they approve the current one "
                "(`hcweb diff <overlay>` shows what changed)."
            ),
            "",
            "| provider | overlay | text | approved on | text changed on | days stale | experts to ask |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {cell(s.get('provider'))} | {cell(s.get('overlay'))} | {cell(s.get('text'))} | {cell(s.get('approved_on'))} | "
            f"{cell(s.get('changed_on'))} | {cell(s.get('days_stale'))} | {experts(s, 'the experts of ' + str(s.get('provider') or 'the provider'))} |"
            for s in stale
        ]
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n", len(due) + len(stale)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    reviews, stale = (json.loads(Path(path).read_text(encoding="utf-8")) for path in argv[:2])
    text, count = body(reviews, stale)
    Path(argv[2]).write_text(text, encoding="utf-8")
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
