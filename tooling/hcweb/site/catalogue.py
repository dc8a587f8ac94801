"""The common-content catalogue: every national text, who owns it, who uses it, and a coordinator dashboard.

The dashboard's pictures (the adoption matrix as a heat map, reviews due as a
bar chart) are SVG files drawn here at build time, with the same data in
tables beside them.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

from .. import reports
from ..repo import Content, GitView
from .build import SiteSpec
from .mkdocs_config import MARKDOWN_EXTENSIONS, THEME_FEATURES, navigation
from .norwegian import long_date
from .pages import Page, md_text

NAME = "catalogue"
STATUS_WORDS = {"ok": "i orden", "due-soon": "forfaller snart", "overdue": "forfalt"}
CELL_COLOURS = {"current": "#1a7f37", "stale": "#b35900", "-": "#e8ecf0"}
BAR_COLOURS = {"ok": "#1a7f37", "due-soon": "#b35900", "overdue": "#b3261e"}


def catalogue_site(content: Content, git: GitView, today: dt.date, overrides: Path) -> SiteSpec:
    adoption = reports.adoption(content, git)
    review = reports.reviews(content, today)
    pages = [_index(content)] + [_text_page(content, git, today, row) for row in adoption.rows if row["status"] != "draft"]
    pages.append(_dashboard(content, adoption, review, today))

    def config(pages: list[Page], docs: Path, site: Path) -> dict:
        return {
            "site_name": "Felles nasjonalt innhold",
            "site_description": "Katalog over nasjonale behandlingstekster som helseforetakene kan ta i bruk.",
            "docs_dir": str(docs),
            "site_dir": str(site),
            "theme": {"name": "material", "custom_dir": str(overrides), "language": "nb", "font": False, "features": THEME_FEATURES},
            "extra_css": ["assets/hcweb.css"],
            "plugins": [{"search": {"lang": ["no"]}}],
            "markdown_extensions": MARKDOWN_EXTENSIONS,
            "nav": navigation(pages),
            "extra": {"generator": False, "hcweb": {"provider": "Felles nasjonalt innhold", "editor": "Sentral redaksjon", "email": ""}},
        }

    return SiteSpec(NAME, lambda: pages, config)


def _index(content: Content) -> Page:
    lines = [
        "# Felles nasjonalt innhold",
        "",
        "Nasjonale tekster som helseforetakene kan ta i bruk på sine nettsteder. Hver tekst har et eierforetak "
        "og en faglig ansvarlig, og gjennomgås faglig hvert "
        f"{content.policy.review_interval_months // 12}. år. Se [oversikten](dashboard.md) for bruk og gjennomganger.",
        "",
    ]
    for key, label in content.policy.collections.items():
        texts = sorted((t for t in content.national.values() if t.collection == key and not t.is_draft), key=lambda t: t.title)
        if texts:
            lines += [f"## {md_text(label)} {{#{key}}}", ""]
            lines += [f"- [{md_text(t.title)}]({t.id}.md): {md_text(t.summary)}" for t in texts]
            lines.append("")
    return Page("index.md", "/", "Felles nasjonalt innhold", "\n".join(lines), meta={"title": "Katalog"})


def _text_page(content: Content, git: GitView, today: dt.date, row: dict) -> Page:
    text = content.national[row["text"]]
    owner = content.providers.get(text.owner or "")
    responsible = text.responsible
    approval = text.approved
    due = text.next_review(content.policy.review_interval_months)
    status = "overdue" if due and due < today else "due-soon" if due and (due - today).days <= content.policy.review_warning_days else "ok"
    users = [(pid, state) for pid, state in row.items() if pid in content.providers and state != "-"]
    facts = [
        ("Eier", owner.name if owner else text.owner or ""),
        ("Faglig ansvarlig", f"{responsible.name}, {responsible.title}" if responsible else ""),
        (
            "Godkjent",
            f"{approval.by}, {long_date(approval.on)}" + (" (sikkerhetsretting)" if approval.safety else "")
            if approval and approval.on
            else "",
        ),
        ("Sist faglig gjennomgått", long_date(text.reviewed) + (f" av {text.review.by}" if text.review and text.review.by else "")),
        ("Neste gjennomgang", f"{long_date(due)} ({STATUS_WORDS[status]})"),
        ("Gjeldende versjon", text.revision),
        ("Sist endret", long_date(git.last_changed(text.rel))),
    ]
    lines = [f"*{md_text(text.summary)}*", "", "## Om teksten {#facts}", "", "| | |", "| --- | --- |"]
    lines += [f"| {label} | {md_text(value)} |" for label, value in facts]
    lines += ["", "## Brukes av {#users}", ""]
    if users:
        lines += ["| Foretak | Godkjent versjon |", "| --- | --- |"]
        for pid, state in users:
            shown = "gjeldende" if state == "current" else state.replace("stale since", "eldre versjon, ny siden")
            lines.append(f"| {md_text(content.providers[pid].name)} | {shown} |")
    else:
        lines.append("Ingen foretak bruker teksten ennå.")
    sections = [s for s in text.sections()[1] if s.id]
    lines += [
        "",
        "## Slik tar du teksten i bruk {#adopt}",
        "",
        "Lag en lokal side som henter inn alle delene, og legg til lokal informasjon:",
        "",
        "```sh",
        f"hcweb adopt {text.id} --provider <foretak-id>",
        "```",
        "",
        "Deler du kan hente inn hver for seg: " + ", ".join(f"`{text.id}#{s.id}`" for s in sections) + ".",
        "",
        "## Teksten {#text}",
        "",
        _demote(text.body),
    ]
    label = content.policy.collections.get(text.collection, text.collection)
    return Page(
        f"{text.id}.md",
        f"/{text.id}/",
        text.title,
        "\n".join(lines) + "\n",
        meta={"title": text.title, "description": text.summary},
        group=label,
    )


def _demote(body: str) -> str:
    """The text's own headings one level down, under the catalogue's 'Teksten' heading."""
    lines = []
    for line in body.splitlines():
        lines.append("#" + line if line.startswith("#") else line)
    return "\n".join(lines)


def _dashboard(content: Content, adoption: reports.Report, review: reports.Report, today: dt.date) -> Page:
    providers = sorted(content.providers)
    lines = [
        f"Status per {long_date(today)}.",
        "",
        "## Hvem bruker hvilke tekster {#adoption}",
        "",
        "![Varmekart: nasjonale tekster (rader) mot foretak (kolonner). Grønn: gjeldende versjon godkjent. "
        "Oransje: foretaket viser en eldre godkjent versjon. Grå: ikke i bruk.](adoption.svg)",
        "",
        "| Tekst | " + " | ".join(providers) + " | Antall |",
        "| --- | " + " | ".join("---" for _ in providers) + " | --- |",
    ]
    for row in adoption.rows:
        cells = ["gjeldende" if row[p] == "current" else "—" if row[p] == "-" else "eldre" for p in providers]
        lines.append(f"| {row['text']} | " + " | ".join(cells) + f" | {row['providers']} |")
    unused = [row["text"] for row in adoption.rows if row["status"] == "unused"]
    lines += ["", "Tekster ingen bruker: " + (", ".join(unused) if unused else "ingen") + ".", ""]
    lines += [
        "## Faglige gjennomganger {#reviews}",
        "",
        "![Stolpediagram: dager til neste faglige gjennomgang for hver tekst. Rød: forfalt. Oransje: forfaller snart.](reviews.svg)",
        "",
        "| Eier | Tekst | Ansvarlig | Forfaller | Dager igjen | Status |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in review.rows:
        lines.append(
            f"| {row['owner']} | {row['text']} | {md_text(row['responsible'])} | {row['due']} | {row['days_left']} | {STATUS_WORDS[row['status']]} |"
        )
    return Page(
        "dashboard.md",
        "/dashboard/",
        "Oversikt for koordinatorer",
        "\n".join(lines) + "\n",
        meta={"title": "Oversikt for koordinatorer"},
        assets={"adoption.svg": adoption_heatmap(adoption, providers), "reviews.svg": reviews_chart(review)},
    )


def adoption_heatmap(adoption: reports.Report, providers: list[str]) -> str:
    cell, left, top = 28, 260, 130
    width, height = left + cell * len(providers) + 100, top + cell * len(adoption.rows) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="title"><title id="title">Bruk av nasjonale tekster per foretak</title>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for column, provider in enumerate(providers):
        x = left + column * cell + cell / 2
        parts.append(
            f'<text x="{x}" y="{top - 8}" transform="rotate(-45 {x} {top - 8})" font-family="sans-serif" font-size="12" fill="#1f1f1f">{escape(provider)}</text>'
        )
    for line, row in enumerate(adoption.rows):
        y = top + line * cell
        parts.append(
            f'<text x="{left - 8}" y="{y + cell * 0.65}" text-anchor="end" font-family="sans-serif" font-size="12" fill="#1f1f1f">{escape(row["text"])}</text>'
        )
        for column, provider in enumerate(providers):
            state = "stale" if row[provider].startswith("stale") else row[provider]
            colour = CELL_COLOURS.get(state, CELL_COLOURS["-"])
            parts.append(
                f'<rect x="{left + column * cell + 2}" y="{y + 2}" width="{cell - 4}" height="{cell - 4}" rx="3" fill="{colour}">'
                f"<title>{escape(row['text'])} hos {escape(provider)}: {escape(row[provider])}</title></rect>"
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def reviews_chart(review: reports.Report, horizon: int = 730) -> str:
    bar, left, scale = 22, 260, 0.5
    width, height = left + int(horizon * scale) + 120, 20 + bar * len(review.rows) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="title"><title id="title">Dager til neste faglige gjennomgang</title>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for line, row in enumerate(sorted(review.rows, key=lambda r: r["days_left"])):
        y = 10 + line * bar
        days = row["days_left"]
        length = max(2, min(days, horizon) * scale) if days > 0 else 6
        parts.append(
            f'<text x="{left - 8}" y="{y + bar * 0.65}" text-anchor="end" font-family="sans-serif" font-size="12" fill="#1f1f1f">{escape(row["text"])}</text>'
        )
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{length}" height="{bar - 6}" fill="{BAR_COLOURS[row["status"]]}"/>')
        parts.append(
            f'<text x="{left + length + 6}" y="{y + bar * 0.65}" font-family="sans-serif" font-size="12" fill="#1f1f1f">{days} dager ({row["due"]})</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
