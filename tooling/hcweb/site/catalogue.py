"""The common-content catalogue: every national text, who owns it, who uses it, and a coordinator dashboard.

The dashboard names texts by title and providers by name, explains its marks and colours in a
legend, and its tables fit a 1280-px screen (tests/test_catalogue_browser.py). Its pictures (the
adoption matrix as a heat map, reviews due as a bar chart) are SVG files drawn here at build
time, with the same data in the tables. The catalogue has its own contact page and accessibility
statement at the addresses every site has (hcweb.urls), where the common footer links.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

from .. import reports
from ..repo import Content, GitView
from ..urls import ACCESSIBILITY, CONTACT, link
from .build import SiteSpec
from .filters import long_date
from .mkdocs_config import MARKDOWN_EXTENSIONS, THEME_FEATURES, navigation
from .pages import Page, md_text
from .words import design_words

NAME = "catalogue"
STATUS_WORDS = {"ok": "i orden", "due-soon": "forfaller snart", "overdue": "forfalt"}
CELL_COLOURS = {"current": "#1a7f37", "stale": "#b35900", "-": "#e8ecf0"}
BAR_COLOURS = {"ok": "#1a7f37", "due-soon": "#b35900", "overdue": "#b3261e"}


def catalogue_site(content: Content, git: GitView, today: dt.date, overrides: Path) -> SiteSpec:
    adoption = reports.adoption(content, git)
    review = reports.reviews(content, today)
    pages = [_index(content)] + [_text_page(content, git, today, row) for row in adoption.rows if row["status"] != "draft"]
    pages += [_dashboard(content, adoption, review, today), _contact(content), _accessibility()]

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
            "extra": {
                "generator": False,
                "hcweb": {
                    "provider": "Felles nasjonalt innhold",
                    "editor": "Sentral redaksjon",
                    "email": "",
                    "language": "nb",
                    "words": design_words(overrides, "nb", content.policy.collections),  # the design's templates print these
                },
            },
        }

    return SiteSpec(NAME, lambda: pages, config)


def _index(content: Content) -> Page:
    lines = [
        "# Felles nasjonalt innhold",
        "",
        "Nasjonale tekster som helseforetakene kan ta i bruk på sine nettsteder. Hver tekst har et eierforetak "
        "og en faglig ansvarlig, og gjennomgås faglig hvert "
        f"{content.policy.review_interval_months // 12}. år. Se [oversikten]({DASHBOARD}) for bruk og gjennomganger.",
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


def _contact(content: Content) -> Page:
    """Whom to ask about the catalogue and its texts: each owner provider's editorial team (the footer links here)."""
    owners = sorted({t.owner for t in content.national.values() if not t.is_draft and t.owner in content.providers})
    lines = [
        "Katalogen vedlikeholdes av den sentrale redaksjonen for det felles nettstedet. Hver nasjonale tekst eies av et "
        "helseforetak, som har det faglige ansvaret for den.",
        "",
        "## Spørsmål om en nasjonal tekst {#owners}",
        "",
        "Spørsmål og innspill til en tekst går til redaksjonen hos foretaket som eier den:",
        "",
        "| Foretak | Redaktør | E-post | Tekster |",
        "| --- | --- | --- | --- |",
    ]
    for pid in owners:
        provider = content.providers[pid]
        editor = str(provider.editorial.get("editor") or "")
        email = str(provider.editorial.get("email") or "")
        count = sum(1 for t in content.national.values() if t.owner == pid and not t.is_draft)
        lines.append(f"| {md_text(provider.name)} | {md_text(editor)} | {f'[{email}](mailto:{email})' if email else ''} | {count} |")
    lines += [
        "",
        "## Forslag til endringer {#suggestions}",
        "",
        "Forslag til endringer i en nasjonal tekst, og forslag til nye tekster, sendes som endringsforslag "
        "i innholdsrepositoriet. Forslaget går til foretaket som eier teksten.",
    ]
    return Page(CONTACT.path, CONTACT.url, "Kontakt", "\n".join(lines) + "\n", meta={"title": "Kontakt"})


def _accessibility() -> Page:
    lines = [
        "Katalogen over felles nasjonalt innhold skal kunne brukes av alle. Den er laget etter kravene i WCAG 2.1 "
        "på nivå AA, som forskrift om universell utforming av IKT stiller.",
        "",
        "## Slik er katalogen laget {#how}",
        "",
        "- Alle sider kan brukes med tastatur og skjermleser.",
        "- Diagrammene i oversikten for koordinatorer har de samme tallene i tabeller under seg, og fargene er forklart med ord.",
        "- Katalogen henter ikke skript, skrifttyper eller sporing fra andre nettsteder.",
        "",
        "## Gi oss beskjed {#feedback}",
        "",
        f"Finner du noe som ikke fungerer for deg, vil vi gjerne høre det. Se [Kontakt]({link(ACCESSIBILITY.path, CONTACT.path)}).",
    ]
    title = "Tilgjengelighetserklæring"
    return Page(ACCESSIBILITY.path, ACCESSIBILITY.url, title, "\n".join(lines) + "\n", meta={"title": title})


DASHBOARD = "dashboard.md"


def _dashboard(content: Content, adoption: reports.Report, review: reports.Report, today: dt.date) -> Page:
    """Who uses which text and which reviews fall due: titles and provider names, a legend, tables that fit a screen."""
    policy = content.policy
    providers = sorted(content.providers, key=lambda pid: content.providers[pid].name.casefold())
    names = {pid: content.providers[pid].name for pid in content.providers}

    def text_link(text_id: str) -> str:
        text = content.national.get(text_id)
        title = md_text(text.title) if text else md_text(text_id)
        return f"[{title}]({link(DASHBOARD, f'{text_id}.md')})" if text and not text.is_draft else title

    lines = [
        f"Status per {long_date(today)}.",
        "",
        "## Slik leser du oversikten {#legend}",
        "",
        "| Merke | Farge i diagrammet | Betyr |",
        "| --- | --- | --- |",
        "| gjeldende | grønn | Foretaket viser teksten slik eieren sist godkjente den. |",
        f"| **eldre** | oransje | Foretaket viser en eldre godkjent versjon inntil fagfolkene der har godkjent den nye "
        f"(`hcweb diff` viser hva som er endret). {policy.stale_max_days} dager etter eierens godkjenning blir det en feil. |",
        "| — | grå | Foretaket bruker ikke teksten. |",
        "| i orden | grønn | Neste faglige gjennomgang er mer enn " + f"{policy.review_warning_days} dager unna. |",
        f"| **forfaller snart** | oransje | Neste faglige gjennomgang er innen {policy.review_warning_days} dager. |",
        f"| **forfalt** | rød | Fristen for faglig gjennomgang (hvert {policy.review_interval_months // 12}. år) er passert. |",
        "",
        "## Hvem bruker hvilke tekster {#adoption}",
        "",
        "![Varmekart: nasjonale tekster (rader) mot foretak (kolonner). Grønn: gjeldende versjon godkjent. "
        "Oransje: foretaket viser en eldre godkjent versjon. Grå: ikke i bruk.](adoption.svg)",
        "",
        "Oversettelser: per språk i hcweb.yml, gjeldende (oversatt fra eierens gjeldende versjon), **eldre** (oversatt fra en "
        "eldre versjon; antall dager siden eieren godkjente den nye), ikke godkjent, eller mangler. Et nynorsk nettsted viser "
        "teksten på bokmål når oversettelsen er eldre eller mangler.",
        "",
        "| Tekst | " + " | ".join(md_text(names[p]) for p in providers) + " | Antall foretak | Oversettelser |",
        "| --- | " + " | ".join(":---:" for _ in providers) + " | ---: | --- |",
    ]
    for row in _published(content, adoption.rows):
        cells = [_ADOPTION_MARKS["stale" if row[p].startswith("stale") else row[p]] for p in providers]
        translated = translation_cell(content, content.national[row["text"]], today)
        lines.append(f"| {text_link(row['text'])} | " + " | ".join(cells) + f" | {row['providers']} | {translated} |")
    unused = [text_link(row["text"]) for row in adoption.rows if row["status"] == "unused"]
    lines += ["", "Tekster ingen bruker: " + (", ".join(unused) if unused else "ingen") + ".", ""]
    lines += [
        "## Faglige gjennomganger {#reviews}",
        "",
        "![Stolpediagram: dager til neste faglige gjennomgang for hver tekst. Grønn: i orden. Oransje: forfaller snart. "
        "Rød: forfalt.](reviews.svg)",
        "",
        "| Tekst | Eier | Faglig ansvarlig | Forfaller | Dager igjen | Status |",
        "| --- | --- | --- | --- | ---: | --- |",
    ]
    for row in sorted(review.rows, key=lambda r: (names.get(r["owner"] or "", "").casefold(), r["due"], _title(content, r["text"]))):
        owner = md_text(names.get(row["owner"] or "", row["owner"] or ""))
        status = STATUS_WORDS[row["status"]]
        shown = status if row["status"] == "ok" else f"**{status}**"
        due = long_date(dt.date.fromisoformat(row["due"]))
        lines.append(f"| {text_link(row['text'])} | {owner} | {md_text(row['responsible'])} | {due} | {row['days_left']} | {shown} |")
    return Page(
        DASHBOARD,
        "/dashboard/",
        "Oversikt for koordinatorer",
        "\n".join(lines) + "\n",
        meta={"title": "Oversikt for koordinatorer", "hide": ["toc"]},
        assets={
            "adoption.svg": adoption_heatmap(content, adoption, providers),
            "reviews.svg": reviews_chart(content, review),
        },
    )


def translation_cell(content: Content, text, today: dt.date) -> str:
    """The dashboard's translations of one text: e.g. "nn: gjeldende; en: **eldre (12 dager)**; mangler: se, pl"."""
    found, missing = [], []
    for language in content.policy.languages:
        state = reports.translation_state(content, text, language, today)
        if state.state == "missing":
            missing.append(language)
        elif state.state == "stale":
            found.append(f"{language}: **eldre" + (f" ({state.days} dager)**" if state.days is not None else "**"))
        else:
            found.append(f"{language}: {_TRANSLATION_WORDS[state.state]}")
    if missing:
        found.append("mangler: " + ", ".join(missing))
    return "; ".join(found) or "—"


_TRANSLATION_WORDS = {"current": "gjeldende", "unapproved": "ikke godkjent"}
_ADOPTION_MARKS = {"current": "gjeldende", "stale": "**eldre**", "-": "—"}
_ADOPTION_WORDS = {"current": "gjeldende", "stale": "eldre versjon", "-": "bruker ikke teksten"}
_CHAR = 7  # about how wide a character of 12-px sans-serif is, for sizing the pictures to their labels


def _title(content: Content, text_id: str) -> str:
    text = content.national.get(text_id)
    return text.title if text else text_id


def _published(content: Content, rows: list[dict]) -> list[dict]:
    """The adoption rows of published texts, by title."""
    return sorted((row for row in rows if row["status"] != "draft"), key=lambda row: _title(content, row["text"]).casefold())


def _svg(width: int, height: int, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="title"><title id="title">{escape(title)}</title>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def _label(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-family="sans-serif" font-size="12" fill="#1f1f1f"{extra}>{escape(text)}</text>'
    )


def adoption_heatmap(content: Content, adoption: reports.Report, providers: list[str]) -> str:
    """Texts (rows, by title) against providers (columns, by name): green current, orange stale, grey not used."""
    rows = _published(content, adoption.rows)
    names = [content.providers[p].name for p in providers]
    cell = 28
    left = 16 + _CHAR * max((len(_title(content, row["text"])) for row in rows), default=10)
    top = 16 + int(_CHAR * max((len(name) for name in names), default=10) * 0.71)  # the names run up at 45 degrees
    width = left + cell * len(providers) + int(_CHAR * len(names[-1]) * 0.71 if names else 0) + 16
    height = top + cell * len(rows) + 20
    parts = _svg(width, height, "Bruk av nasjonale tekster per foretak")
    for column, name in enumerate(names):
        x, y = left + column * cell + cell / 2, top - 8
        parts.append(_label(x, y, name, extra=f' transform="rotate(-45 {x} {y})"'))
    for line, row in enumerate(rows):
        y = top + line * cell
        title = _title(content, row["text"])
        parts.append(_label(left - 8, y + cell * 0.65, title, anchor="end"))
        for column, provider in enumerate(providers):
            state = "stale" if row[provider].startswith("stale") else row[provider]
            colour = CELL_COLOURS.get(state, CELL_COLOURS["-"])
            parts.append(
                f'<rect x="{left + column * cell + 2}" y="{y + 2}" width="{cell - 4}" height="{cell - 4}" rx="3" fill="{colour}">'
                f"<title>{escape(title)} hos {escape(names[column])}: {_ADOPTION_WORDS.get(state, state)}</title></rect>"
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def reviews_chart(content: Content, review: reports.Report, horizon: int = 730) -> str:
    """Days to each text's next review, soonest first, coloured by status."""
    bar, scale = 22, 0.5
    left = 16 + _CHAR * max((len(_title(content, row["text"])) for row in review.rows), default=10)
    width, height = left + int(horizon * scale) + 140, 20 + bar * len(review.rows) + 30
    parts = _svg(width, height, "Dager til neste faglige gjennomgang")
    for line, row in enumerate(sorted(review.rows, key=lambda r: r["days_left"])):
        y = 10 + line * bar
        days = row["days_left"]
        length = max(2, min(days, horizon) * scale) if days > 0 else 6
        parts.append(_label(left - 8, y + bar * 0.65, _title(content, row["text"]), anchor="end"))
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{length}" height="{bar - 6}" fill="{BAR_COLOURS[row["status"]]}"/>')
        parts.append(_label(left + length + 6, y + bar * 0.65, f"{days} dager ({row['due']})"))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
