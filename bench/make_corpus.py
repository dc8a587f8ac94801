"""Generate a national-size hcweb corpus: deterministic (seeded), valid by construction, with git history.

    python bench/make_corpus.py OUT --providers 20 --texts 1000 --overlays 500 [--seed 1]

Writes a repository at OUT with the project's schemas, design and policy, M
national texts of 5-8 sections owned by the providers, K overlays per provider
that include several sections each and add local text, snippets, locations,
events and pages, committed in a few commits.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
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
    return sealed(front + body, "revision", national_revision), body, [sid for sid, _ in sections]


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


def git(root: Path, *args: str) -> None:
    env = {
        "GIT_AUTHOR_NAME": "Korpus",
        "GIT_AUTHOR_EMAIL": "korpus@example.no",
        "GIT_COMMITTER_NAME": "Korpus",
        "GIT_COMMITTER_EMAIL": "korpus@example.no",
        "GIT_AUTHOR_DATE": "2026-06-01T12:00:00",
        "GIT_COMMITTER_DATE": "2026-06-01T12:00:00",
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def folder_of(out: Path, pid: str) -> Path:
    return out / "content/providers" / pid


def make_corpus(out: Path, providers: int, texts: int, overlays: int, seed: int = 1) -> Path:
    rnd = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in ("schemas", "overrides"):
        shutil.copytree(PROJECT / name, out / name)
    shutil.copy(PROJECT / "hcweb.yml", out / "hcweb.yml")
    pids = [f"hf-{n:02d}" for n in range(providers)]
    locations = {pid: [f"{pid}-sted-{n}" for n in range(3)] for pid in pids}
    for n, pid in enumerate(pids):
        folder = out / "content/providers" / pid
        (folder / "snippets").mkdir(parents=True)
        (folder / "provider.yml").write_text(provider_yml(pid, n, locations[pid]), encoding="utf-8")
        (folder / "snippets/parkering.md").write_text(paragraph(rnd, 2) + "\n", encoding="utf-8")
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
    for index in range(texts):
        owner_index = index % providers
        text_id = f"{COLLECTIONS[index % len(COLLECTIONS)]}/tekst-{index:04d}"
        document, body, sections = national_text(rnd, index, pids[owner_index], f"Ekspert {owner_index}")
        path = out / "content/common" / f"{text_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document, encoding="utf-8")
        bodies[text_id] = (body, sections, national_revision(split_front_matter(document, "corpus").data, body))
    git(out, "init", "-q", "-b", "main")
    git(out, "add", "-A")
    git(out, "commit", "-q", "-m", "national texts and registry")
    ids = sorted(bodies)
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
            front = (
                f"---\nuses: {text_id}\nlocations: [{rnd.choice(locations[pid])}]\n"
                f'approved:\n  by: Ekspert {n}\n  on: 2026-06-01\n  revisions:\n    {text_id}: "{revision}"\n---\n'
            )
            snippet = (folder_of(out, pid) / "snippets/parkering.md").read_text(encoding="utf-8")
            local = lambda meta, text, snippet=snippet: overlay_local(meta, text, lambda name: snippet if name == "parkering" else None)  # noqa: E731
            path = out / "content/providers" / pid / f"{text_id}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(sealed(front + "\n".join(parts), "local", local), encoding="utf-8")
    git(out, "add", "-A")
    git(out, "commit", "-q", "-m", "overlays")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--providers", type=int, default=20)
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--overlays", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    make_corpus(args.out, args.providers, args.texts, args.overlays, args.seed)
    print(f"corpus: {args.providers} providers, {args.texts} national texts, {args.overlays} overlays each -> {args.out}")


if __name__ == "__main__":
    main()
