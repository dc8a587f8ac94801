"""Generate a national-size hcweb corpus: deterministic (seeded), valid by construction, with git history.

    python bench/make_corpus.py OUT --providers 20 --texts 1000 --overlays 500 [--seed 1] [--commits 60]

Writes a repository at OUT with the project's schemas, design and policy, M
national texts of 5-8 sections owned by the providers, K overlays per provider
that include several sections each and add local text, snippets, locations,
events and pages, committed in two commits; then N more commits (--commits, default 60), one a day,
that edit national texts (approved again by their owners), re-approve some of the overlays that use
them and leave the others pinned to the revision they approved (stale), and edit and re-approve the
local text of a few overlays: the history a real repository has.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "tooling"))

from hcweb.documents import split_front_matter  # noqa: E402
from hcweb.revisions import national_revision, overlay_local, page_local  # noqa: E402


def sealed(document: str, field: str, value_of) -> str:
    """``document`` with ``field: <hash>`` added as the last line of its approved block (the hash of the rest)."""
    source = split_front_matter(document, "corpus")
    return document.replace("\n---\n", f'\n  {field}: "{value_of(source.data, source.body)}"\n---\n', 1)


WORDS = [
    "behandling",
    "pasient",
    "sykehus",
    "lege",
    "sykepleier",
    "henvisning",
    "utredning",
    "operasjon",
    "kontroll",
    "smerte",
    "trening",
    "fysioterapi",
    "medisin",
    "bivirkning",
    "ventetid",
    "poliklinikk",
    "innleggelse",
    "rehabilitering",
    "oppfølging",
    "prøve",
    "blodprøve",
    "røntgen",
    "samtale",
    "pårørende",
    "rettighet",
    "journal",
    "time",
    "innkalling",
    "forberedelse",
    "faste",
    "narkose",
    "bedøvelse",
    "sår",
    "infeksjon",
    "sykemelding",
    "hjemreise",
    "egenandel",
    "reise",
    "tolk",
    "avdeling",
    "spesialist",
    "fastlege",
    "vurdering",
    "diagnose",
    "symptom",
    "risiko",
    "råd",
]
SECTIONS = [
    ("about", "Om behandlingen"),
    ("referral", "Henvisning"),
    ("assessment", "Utredning"),
    ("preparation", "Forberedelser"),
    ("treatment", "Behandling"),
    ("risks", "Risiko"),
    ("after", "Etter behandlingen"),
    ("follow-up", "Oppfølging"),
]
COLLECTIONS = ["treatments", "examinations", "patient-pathways", "conditions"]
REGIONS = ["helse-sor-ost", "helse-vest", "helse-midt-norge", "helse-nord"]


def sentence(rnd: random.Random) -> str:
    words = [rnd.choice(WORDS) for _ in range(rnd.randint(8, 16))]
    return " ".join(words).capitalize() + "."


def paragraph(rnd: random.Random, sentences: int) -> str:
    return " ".join(sentence(rnd) for _ in range(sentences))


def national_text(rnd: random.Random, index: int, owner: str, expert: str) -> tuple[str, str, list[str]]:
    """(front matter without its revision, body, section ids) of a new national text."""
    sections = sorted(rnd.sample(SECTIONS, rnd.randint(5, 8)), key=SECTIONS.index)
    body = (
        paragraph(rnd, 2)
        + "\n\n"
        + "".join(
            f"## {title} {{#{sid}}}\n\n" + "\n\n".join(paragraph(rnd, rnd.randint(3, 5)) for _ in range(2)) + "\n\n"
            for sid, title in sections
        )
    )
    title = f"{rnd.choice(WORDS).capitalize()} {rnd.choice(WORDS)} {index}"
    front = (
        f"---\ntitle: {title}\ntype: treatment\nsummary: {sentence(rnd)}\nowner: {owner}\n"
        f"responsible:\n  name: {expert}\n  title: Overlege\nreviewed:\n  on: 2026-{rnd.randint(1, 10):02d}-15\n  by: {expert}\n"
        f"approved:\n  by: {expert}\n  on: 2026-06-01\n---\n"
    )
    return front, body, [sid for sid, _ in sections]


def provider_yml(pid: str, index: int, locations: list[str]) -> str:
    location_text = "".join(
        f"  - id: {loc}\n    name: Sted {loc}\n    kind: {['hospital', 'dps', 'tsb', 'clinic'][n % 4]}\n"
        f'    address:\n      street: Sykehusveien {n + 1}\n      postcode: "{1000 + n:04d}"\n      city: By {index}\n'
        f'    phone: "22 00 {index:02d} {n:02d}"\n    opening_hours: Hverdager 08.00–15.30\n    transport: Buss {n + 1} til sykehuset.\n'
        f"    departments:\n      - id: {loc}-avd\n        name: Avdeling {n + 1}\n"
        for n, loc in enumerate(locations)
    )
    return (
        f"id: {pid}\nname: Helseforetak {index} HF\nkind: health-trust\nregion: {REGIONS[index % 4]}\n"
        f"site:\n  url: https://www.{pid}.example/\n  language: nb\n"
        f"editorial:\n  editor: Redaktør {index}\n  email: nett@{pid}.example\ngithub_team: {pid}-redaksjon\n"
        f"experts:\n  - name: Ekspert {index}\n    title: Overlege\n    github: ekspert-{index}\n"
        f"locations:\n{location_text}"
    )


GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Korpus",
    "GIT_AUTHOR_EMAIL": "korpus@example.no",
    "GIT_COMMITTER_NAME": "Korpus",
    "GIT_COMMITTER_EMAIL": "korpus@example.no",
    "PATH": "/usr/bin:/bin:/usr/local/bin",
}
FIRST_DAY = dt.date(2026, 6, 1)  # the national texts, registry and overlays, approved that day
# Then the history, spread over 60 days (one commit a day for 60 commits): every stale approval stays within
# stale_max_days (90) of the benchmarks' --today 2026-11-29, and no approval is dated after it.
HISTORY_START = dt.datetime(2026, 9, 1, 12, tzinfo=dt.UTC)
HISTORY_SPAN = dt.timedelta(days=60)


def git(root: Path, *args: str, day: dt.date = FIRST_DAY, hour: int = 12, stdin: bytes | None = None) -> None:
    stamp = f"{day.isoformat()}T{hour:02d}:00:00+0000"
    env = {**GIT_IDENTITY, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, input=stdin)


def folder_of(out: Path, pid: str) -> Path:
    return out / "content/providers" / pid


@dataclass
class CorpusOverlay:
    """One overlay as the generator keeps it between commits: its front matter is written from these fields."""

    rel: str
    expert: str
    text_id: str
    location: str
    body: str
    revision: str  # the national revision its approval records
    on: dt.date


def national_document(front: str, body: str, on: dt.date) -> str:
    """A national text with its approval dated ``on`` and sealed with the revision of ``front`` and ``body``."""
    front = re.sub(r"(\napproved:\n  by: [^\n]*\n  on: )[0-9-]+", rf"\g<1>{on.isoformat()}", front, count=1)
    return sealed(front + body, "revision", national_revision)


def overlay_document(overlay: CorpusOverlay, snippet: str) -> str:
    front = (
        f"---\nuses: {overlay.text_id}\nlocations: [{overlay.location}]\n"
        f'approved:\n  by: {overlay.expert}\n  on: {overlay.on.isoformat()}\n  revisions:\n    {overlay.text_id}: "{overlay.revision}"\n---\n'
    )
    local = lambda meta, text: overlay_local(meta, text, lambda name: snippet if name == "parkering" else None)  # noqa: E731
    return sealed(front + overlay.body, "local", local)


def edited_paragraph(rnd: random.Random, body: str) -> str:
    """``body`` with one of its paragraphs (never a heading) written anew: an edit that keeps every section."""
    blocks = body.split("\n\n")
    prose = [n for n, block in enumerate(blocks) if block.strip() and not block.startswith(("#", "{%"))]
    blocks[rnd.choice(prose)] = paragraph(rnd, rnd.randint(2, 4))
    return "\n\n".join(blocks)


def make_corpus(out: Path, providers: int, texts: int, overlays: int, seed: int = 1, commits: int = 60) -> Path:
    """Write the corpus at ``out``: two commits of content, then ``commits`` more, as a repository lives (_history)."""
    rnd = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in ("schemas", "overrides"):
        shutil.copytree(PROJECT / name, out / name)
    shutil.copy(PROJECT / "hcweb.yml", out / "hcweb.yml")
    pids = [f"hf-{n:02d}" for n in range(providers)]
    locations = {pid: [f"{pid}-sted-{n}" for n in range(3)] for pid in pids}
    snippets: dict[str, str] = {}
    for n, pid in enumerate(pids):
        folder = out / "content/providers" / pid
        (folder / "snippets").mkdir(parents=True)
        (folder / "provider.yml").write_text(provider_yml(pid, n, locations[pid]), encoding="utf-8")
        snippets[pid] = paragraph(rnd, 2) + "\n"
        (folder / "snippets/parkering.md").write_text(snippets[pid], encoding="utf-8")
        (folder / "pages").mkdir()
        page = f"---\ntitle: Om oss\nresponsible:\n  name: Ekspert {n}\n  title: Overlege\napproved:\n  by: Ekspert {n}\n  on: 2026-06-01\n---\n"
        (folder / "pages/om-oss.md").write_text(
            sealed(page + f"## Hvem vi er {{#who}}\n\n{paragraph(rnd, 4)}\n", "local", page_local), encoding="utf-8"
        )
        (folder / "events").mkdir()
        (folder / "events/kurs.md").write_text(
            f"---\ntitle: Pasientskole\nstart: 2027-02-0{1 + n % 9}T12:00\nend: 2027-02-0{1 + n % 9}T15:00\nlocation: {locations[pid][0]}\n---\n{paragraph(rnd, 2)}\n",
            encoding="utf-8",
        )
    bodies: dict[str, tuple[str, list[str], str]] = {}
    fronts: dict[str, str] = {}  # text id -> its front matter without the revision (for the edits of the history)
    for index in range(texts):
        owner_index = index % providers
        text_id = f"{COLLECTIONS[index % len(COLLECTIONS)]}/tekst-{index:04d}"
        front, body, sections = national_text(rnd, index, pids[owner_index], f"Ekspert {owner_index}")
        document = national_document(front, body, FIRST_DAY)
        path = out / "content/common" / f"{text_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document, encoding="utf-8")
        fronts[text_id] = front
        bodies[text_id] = (body, sections, national_revision(split_front_matter(document, "corpus").data, body))
    git(out, "init", "-q", "-b", "main")
    git(out, "add", "-A")
    git(out, "commit", "-q", "-m", "national texts and registry")
    ids = sorted(bodies)
    corpus_overlays: list[CorpusOverlay] = []
    for n, pid in enumerate(pids):
        for text_id in rnd.sample(ids, min(overlays, len(ids))):
            body, sections, revision = bodies[text_id]
            chosen = sorted(rnd.sample(sections, rnd.randint(3, len(sections))), key=sections.index)
            parts = [f'{{% include "{text_id}#{sid}" %}}\n' for sid in chosen]
            parts.insert(
                1,
                f"## Hos oss {{#local}}\n\n{paragraph(rnd, 3)}\n\n"
                + ('{% include "snippets/parkering" %}\n' if rnd.random() < 0.3 else ""),
            )
            overlay = CorpusOverlay(
                f"content/providers/{pid}/{text_id}.md",
                f"Ekspert {n}",
                text_id,
                rnd.choice(locations[pid]),
                "\n".join(parts),
                revision,
                FIRST_DAY,
            )
            corpus_overlays.append(overlay)
            path = out / overlay.rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(overlay_document(overlay, snippets[pid]), encoding="utf-8")
    git(out, "add", "-A")
    git(out, "commit", "-q", "-m", "overlays", hour=13)  # the same day, an hour later: every commit has its own time
    if commits > 0:
        national = {text_id: (fronts[text_id], bodies[text_id][0]) for text_id in ids}
        revisions = {text_id: bodies[text_id][2] for text_id in ids}
        _history(out, rnd, commits, national, revisions, corpus_overlays, snippets)
    return out


def _history(
    out: Path,
    rnd: random.Random,
    commits: int,
    national: dict[str, tuple[str, str]],
    current: dict[str, str],
    corpus_overlays: list[CorpusOverlay],
    snippets: dict[str, str],
) -> None:
    """``commits`` commits at distinct, increasing times over HISTORY_SPAN, written with one git fast-import
    (``national``: text id -> front matter and body; ``current``: text id -> revision, both kept up to date): each edits a few national texts (approved
    again by their owners), re-approves some of the overlays that use them and leaves the others pinned to the
    revision they approved (stale, as real content is), and edits and re-approves the local text of a few overlays."""
    users: dict[str, list[CorpusOverlay]] = {}
    for overlay in corpus_overlays:
        users.setdefault(overlay.text_id, []).append(overlay)
    ids = sorted(national)
    stream: list[bytes] = []
    for number in range(commits):
        when = HISTORY_START + HISTORY_SPAN * number / commits
        day = when.date()
        changed: dict[str, str] = {}
        for text_id in rnd.sample(ids, min(len(ids), rnd.randint(1, 3))):
            front, body = national[text_id]
            body = edited_paragraph(rnd, body)
            national[text_id] = (front, body)
            document = national_document(front, body, day)
            changed[f"content/common/{text_id}.md"] = document
            revision = current[text_id] = national_revision(split_front_matter(document, "corpus").data, body)
            for overlay in users.get(text_id, []):
                if rnd.random() < 0.5:
                    overlay.revision, overlay.on = revision, day
                    changed[overlay.rel] = overlay_document(overlay, snippets[overlay.rel.split("/")[2]])
        for overlay in rnd.sample(corpus_overlays, min(len(corpus_overlays), rnd.randint(2, 5))):
            overlay.body = edited_paragraph(rnd, overlay.body)
            overlay.revision, overlay.on = current[overlay.text_id], day  # approving it records the text as it is now
            changed[overlay.rel] = overlay_document(overlay, snippets[overlay.rel.split("/")[2]])
        stamp = int(when.timestamp())
        stream.append(
            f"commit refs/heads/main\ncommitter Korpus <korpus@example.no> {stamp} +0000\n".encode()
            + _data(f"Endringer {day.isoformat()}".encode())
            + (b"from refs/heads/main^0\n" if number == 0 else b"")
        )
        for rel, document in sorted(changed.items()):
            (out / rel).write_text(document, encoding="utf-8")
            stream.append(f"M 100644 inline {rel}\n".encode() + _data(document.encode()))
        stream.append(b"\n")
    git(out, "fast-import", "--quiet", "--force", stdin=b"".join(stream))
    git(out, "add", "-A")  # the index as the files now are: the same as the last commit, so the tree is clean


def _data(payload: bytes) -> bytes:
    return f"data {len(payload)}\n".encode() + payload + b"\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--providers", type=int, default=20)
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--overlays", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--commits", type=int, default=60, help="commits of history after the first two (default 60)")
    args = parser.parse_args()
    make_corpus(args.out, args.providers, args.texts, args.overlays, args.seed, args.commits)
    print(
        f"corpus: {args.providers} providers, {args.texts} national texts, {args.overlays} overlays each, "
        f"{args.commits + 2} commits -> {args.out}"
    )


if __name__ == "__main__":
    main()
