"""Coordinator reports: reviews due, who uses which text, stale local approvals, translations."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

from .model import NationalText, Provider
from .repo import Content, GitView


@dataclass
class Report:
    columns: list[str]
    rows: list[dict]
    title: str = ""
    numeric: tuple[str, ...] = ("days_left", "days_stale", "providers")

    def render(self, fmt: str) -> str:
        if fmt == "json":
            return json.dumps(self.rows, ensure_ascii=False, indent=2)
        if fmt == "csv":
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=self.columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(self.rows)
            return out.getvalue().rstrip("\n")
        return self.table()

    def table(self, width: int = 200, color: bool = False) -> str:
        """A table for the terminal (rich); without colour it is plain text."""
        from rich import box
        from rich.console import Console
        from rich.table import Table

        table = Table(box=box.SIMPLE_HEAD, title=self.title or None, title_justify="left")
        for column in self.columns:
            table.add_column(column, overflow="fold", justify="right" if column in self.numeric else "left")
        for row in self.rows:
            table.add_row(*(_cell(row.get(column)) for column in self.columns), style=_row_style(row) if color else None)
        if not self.rows:
            table.caption = "nothing to report"
        console = Console(width=width, record=True, file=io.StringIO(), color_system="standard" if color else None, highlight=False)
        console.print(table)
        return "\n".join(line.rstrip() for line in console.export_text(styles=color).splitlines()).strip("\n")


def _cell(value) -> str:
    return "" if value is None else str(value)


def _row_style(row: dict) -> str | None:
    status = row.get("status")
    return {"overdue": "red", "due-soon": "yellow"}.get(status) if isinstance(status, str) else None


def ask(provider: Provider | None, specialty: str | None = None) -> str:
    """The experts to ask, with their GitHub accounts: of ``specialty`` when some list it."""
    if provider is None:
        return ""
    experts = [e for e in provider.experts if e.may_approve(specialty)]
    return ", ".join(f"{e.name} (@{e.github})" if e.github else e.name for e in experts)


def reviews(content: Content, today: dt.date) -> Report:
    """Every published national text with its next review date and who made the last review, soonest first."""
    policy = content.policy
    rows = []
    for text in content.national.values():
        if text.is_draft or text.reviewed is None:
            continue
        due = text.next_review(policy.review_interval_months)
        days = (due - today).days
        status = "overdue" if days < 0 else "due-soon" if days <= policy.review_warning_days else "ok"
        responsible = text.responsible
        rows.append(
            {
                "text": text.id,
                "owner": text.owner,
                "responsible": responsible.name if responsible else "",
                "reviewed": text.reviewed.isoformat(),
                "reviewed_by": text.review.by or "" if text.review else "",
                "due": due.isoformat(),
                "days_left": days,
                "status": status,
                "experts": ask(content.providers.get(text.owner or ""), text.specialty),
            }
        )
    rows.sort(key=lambda r: (r["owner"], r["due"], r["text"]))
    columns = ["owner", "text", "responsible", "reviewed", "reviewed_by", "due", "days_left", "status", "experts"]
    return Report(columns, rows, f"Professional reviews as of {today.isoformat()}")


def adoption(content: Content, git: GitView) -> Report:
    """Which provider uses which national text: current, or stale since the text changed; and texts nobody uses."""
    providers = sorted(content.providers)
    rows = []
    for text in sorted(content.national.values(), key=lambda t: t.id):
        row: dict = {"text": text.id, "owner": text.owner}
        users = 0
        for provider_id in providers:
            overlays = [o for o in content.providers[provider_id].overlays if o.uses == text.id]
            if not overlays:
                row[provider_id] = "-"
                continue
            users += 1
            current = all(o.approved and o.approved.revisions.get(text.id) == text.revision for o in overlays)
            changed = git.last_changed(text.rel)
            row[provider_id] = "current" if current else f"stale since {changed.isoformat()}" if changed else "stale"
        row["providers"] = users
        row["status"] = "draft" if text.is_draft else "unused" if users == 0 else "used"
        rows.append(row)
    return Report(["text", "owner", *providers, "providers", "status"], rows, "Adoption of national texts")


def stale(content: Content, git: GitView, today: dt.date) -> Report:
    """Overlays whose approval is older than a national text they use, with the experts to ask."""
    rows = []
    limit = content.policy.stale_max_days
    for provider in sorted(content.providers.values(), key=lambda p: p.id):
        for overlay in provider.overlays:
            approval = overlay.approved
            if approval is None:
                continue
            for text_id, recorded in sorted(approval.revisions.items()):
                text = content.national.get(text_id)
                if text is None or recorded == text.revision:
                    continue
                current = text.approved if text.approved and text.approved.revision == text.revision else None
                changed = current.on if current and current.on else git.last_changed(text.rel)
                rows.append(
                    {
                        "provider": provider.id,
                        "overlay": overlay.rel,
                        "text": text_id,
                        "approved": recorded,
                        "approved_on": approval.on.isoformat() if approval.on else "",
                        "current": text.revision,
                        "changed_on": changed.isoformat() if changed else "",
                        "days_stale": (today - changed).days if changed else 0,
                        "error_from": (changed + dt.timedelta(days=limit + 1)).isoformat() if changed else "",
                        "safety": bool(current and current.safety),
                        "experts": ask(provider, text.specialty),
                    }
                )
    columns = [
        "provider",
        "overlay",
        "text",
        "approved",
        "approved_on",
        "current",
        "changed_on",
        "days_stale",
        "error_from",
        "safety",
        "experts",
    ]
    return Report(columns, rows, f"Stale local approvals as of {today.isoformat()}")


@dataclass(frozen=True)
class IssueBody:
    """The body of the weekly "reviews due" issue, and how many items it lists (0: nothing to do, close the issue)."""

    markdown: str
    due: int


def markdown_cell(value: object) -> str:
    """A value as one Markdown table cell: no line breaks, no column separators."""
    return " ".join(str("" if value is None else value).split()).replace("|", "\\|")


def review_issue(reviews_due: Report, stale_approvals: Report) -> IssueBody:
    """The professional reviews overdue or due soon and the stale local approvals, each with the experts to ask."""
    due = [row for row in reviews_due.rows if row.get("status") != "ok"]
    stale_rows = stale_approvals.rows
    cell = markdown_cell
    lines = ["Weekly report of what needs an expert's attention (`hcweb report reviews` and `hcweb report stale`).", ""]
    lines += ["## Professional reviews overdue or due soon", ""]
    if due:
        lines += ["| owner | text | responsible | due | days left | experts to ask |", "| --- | --- | --- | --- | --- | --- |"]
        lines += [
            f"| {cell(r.get('owner'))} | {cell(r.get('text'))} | {cell(r.get('responsible'))} | {cell(r.get('due'))} | "
            f"{cell(r.get('days_left'))} | {cell(r.get('experts') or 'the experts of ' + str(r.get('owner') or 'the owner'))} |"
            for r in due
        ]
    else:
        lines.append("None.")
    lines += ["", "## Stale local approvals", ""]
    if stale_rows:
        lines += [
            "A provider's site keeps publishing the revision its experts approved until they approve the current one "
            "(`hcweb diff <overlay>` shows what changed).",
            "",
            "| provider | overlay | text | approved on | text changed on | days stale | experts to ask |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {cell(s.get('provider'))} | {cell(s.get('overlay'))} | {cell(s.get('text'))} | {cell(s.get('approved_on'))} | "
            f"{cell(s.get('changed_on'))} | {cell(s.get('days_stale'))} | "
            f"{cell(s.get('experts') or 'the experts of ' + str(s.get('provider')))} |"
            for s in stale_rows
        ]
    else:
        lines.append("None.")
    return IssueBody("\n".join(lines) + "\n", len(due) + len(stale_rows))


# -- translations -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TranslationState:
    """How far a national text's translation into one language has come: current, stale (since how many days),
    unapproved (its wording waits for the owner's approval) or missing."""

    state: str  # current | stale | unapproved | missing
    days: int | None = None  # stale: days since the owner approved the source revision it has not caught up with
    rel: str | None = None  # the translation's file, when there is one

    def label(self) -> str:
        """As the report and the dashboard say it: current, stale (12 days), unapproved, missing."""
        return f"stale ({self.days} days)" if self.state == "stale" and self.days is not None else self.state


def translation_state(content: Content, text: NationalText, language: str, today: dt.date) -> TranslationState:
    """The translation of ``text`` into ``language`` measured against the source's current approved revision."""
    from .resolve import approved_by_owner

    translation = content.translations.get(text.id, {}).get(language)
    if translation is None:
        return TranslationState("missing")
    approval = text.approved
    source_approved = approval is not None and approval.revision == text.revision
    if source_approved and translation.source_revision != text.revision:
        since = (today - approval.on).days if approval.on else None
        return TranslationState("stale", max(since, 0) if since is not None else None, translation.rel)
    if not approved_by_owner(content, translation):
        return TranslationState("unapproved", None, translation.rel)
    return TranslationState("current", None, translation.rel)


def translations(content: Content, today: dt.date) -> Report:
    """Per published national text and language in hcweb.yml: current / stale (N days) / unapproved / missing."""
    languages = list(content.policy.languages)
    rows = []
    for text in sorted(content.national.values(), key=lambda t: t.id):
        if text.is_draft:
            continue
        row: dict = {"text": text.id, "owner": text.owner}
        for language in languages:
            row[language] = translation_state(content, text, language, today).label()
        rows.append(row)
    return Report(["text", "owner", *languages], rows, f"Translations of national texts as of {today.isoformat()}")
