"""Coordinator reports: reviews due, who uses which text, stale local approvals."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

from .repo import Content, GitView


@dataclass
class Report:
    columns: list[str]
    rows: list[dict]

    def render(self, fmt: str) -> str:
        if fmt == "json":
            return json.dumps(self.rows, ensure_ascii=False, indent=2)
        if fmt == "csv":
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=self.columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(self.rows)
            return out.getvalue().rstrip("\n")
        cells = [[str(row.get(c, "") if row.get(c) is not None else "") for c in self.columns] for row in self.rows]
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(self.columns)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(self.columns, widths, strict=True)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
        return "\n".join(lines)


def reviews(content: Content, today: dt.date) -> Report:
    """Every published national text with its next review date, soonest first."""
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
                "due": due.isoformat(),
                "days_left": days,
                "status": status,
            }
        )
    rows.sort(key=lambda r: (r["due"], r["text"]))
    return Report(["text", "owner", "responsible", "reviewed", "due", "days_left", "status"], rows)


def adoption(content: Content) -> Report:
    """Which provider uses which national text, and whether its approval is current."""
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
            row[provider_id] = "current" if current else "stale"
        row["providers"] = users
        rows.append(row)
    return Report(["text", "owner", *providers, "providers"], rows)


def stale(content: Content, git: GitView, today: dt.date) -> Report:
    """Overlays whose approval is older than a national text they use."""
    rows = []
    for provider in sorted(content.providers.values(), key=lambda p: p.id):
        for overlay in provider.overlays:
            approval = overlay.approved
            if approval is None:
                continue
            for text_id, recorded in sorted(approval.revisions.items()):
                text = content.national.get(text_id)
                if text is None or recorded == text.revision:
                    continue
                changed = git.last_changed(text.rel)
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
                    }
                )
    return Report(["provider", "overlay", "text", "approved", "approved_on", "current", "changed_on", "days_stale"], rows)
