"""Test helpers: content trees in tmp_path, written from a dict and committed to git."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import textwrap
import threading
from pathlib import Path

from click.testing import CliRunner, Result

from hcweb.approve import record_in_text, scalar
from hcweb.cli import cli
from hcweb.repo import Repository
from hcweb.revisions import HASH
from hcweb.sections import content_hash

PROJECT = Path(__file__).resolve().parents[1]
TODAY = "2026-11-30"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.no",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.no",
}


def build_file_tree(root: Path, files: dict[str, str | None]) -> None:
    """Write ``files`` (path -> text; None deletes) under ``root``."""
    for rel, text in files.items():
        path = root / rel
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def git(root: Path, *args: str, date: str = "2026-06-01T12:00:00") -> str:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def commit(root: Path, message: str = "change", date: str = "2026-06-01T12:00:00") -> None:
    git(root, "add", "-A", date=date)
    git(root, "commit", "-q", "--allow-empty", "-m", message, date=date)


def make_repo(root: Path, files: dict[str, str | None], date: str = "2026-02-01T12:00:00", sealed: bool = True) -> Path:
    """A repository with the project's schemas, design and policy, ``files``, and one commit.

    ``sealed``: the approvals in ``files`` are completed as `hcweb approve` would write them (see seal()).
    """
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(PROJECT / "schemas", root / "schemas")
    shutil.copytree(PROJECT / "overrides", root / "overrides")
    shutil.copy(PROJECT / "hcweb.yml", root / "hcweb.yml")
    build_file_tree(root, files)
    if sealed:
        seal(root)
    git(root, "init", "-q", "-b", "main")
    commit(root, "initial content", date)
    return root


def seal(root: Path, only: set[str] | None = None) -> None:
    """Complete the approvals under ``root`` (or of the files ``only``) as if each named approver approved the text as it is.

    A hash written as ``unsealed`` (or missing) becomes the current one: a national text's revision, an
    overlay's or page's local hash. A revision written as ``content_hash(body)`` of a text's current body (how
    test trees say "the current revision") becomes that text's revision; a provider's page without an
    approval is approved by its provider's first expert. Everything else is left as written, so a tree can
    still hold a wrong or stale approval on purpose.
    """
    content = Repository(root).load()
    for text in content.national.values():
        if text.approved and text.approved.by and (only is None or text.rel in only):
            _record(root, text.rel, {} if _sealed(text.approved.revision) else {"revision": text.revision})
    old_hashes = {content_hash(text.body): text for text in content.national.values()}
    for provider in content.providers.values():
        for item in provider.overlays:
            if item.approved is None or (only is not None and item.rel not in only):
                continue
            path = root / item.rel
            text = path.read_bytes().decode("utf-8")
            for text_id, value in item.approved.revisions.items():
                if value in old_hashes and old_hashes[value].id == text_id:
                    text = text.replace(f"{text_id}: {value}", f"{text_id}: {old_hashes[value].revision}", 1)
            path.write_bytes(text.encode("utf-8"))
            if not _sealed(item.approved.local):
                _record(root, item.rel, {"local": item.local_hash(provider)})
        for page in provider.pages:
            if only is not None and page.rel not in only:
                continue
            if page.approved is None and provider.experts:
                _record(root, page.rel, {"by": provider.experts[0].name, "on": "2026-02-01", "local": page.local_hash})
            elif page.approved is not None and not _sealed(page.approved.local):
                _record(root, page.rel, {"local": page.local_hash})


def _sealed(value: str | None) -> bool:
    return bool(value) and HASH.match(value) is not None


def _record(root: Path, rel: str, values: dict) -> None:
    values = {key: scalar(value) if isinstance(value, str) else value for key, value in values.items()}
    if values:
        path = root / rel
        path.write_bytes(record_in_text(path.read_bytes().decode("utf-8"), rel, "approved", values).encode("utf-8"))


def edit_file(root: Path, rel: str, old: str, new: str) -> None:
    """Replace the first ``old`` in the file ``rel`` under ``root``; the text must be there."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run(root: Path, *args: str) -> Result:
    """Run the CLI in-process on ``root``."""
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# -- a small, valid content tree ------------------------------------------------

KNEE_BODY = dedent(
    """
    Kneprotese kan hjelpe når slitasjen i kneet er stor.

    ## Om behandlingen {#about}
    Ved en kneprotese erstattes de slitte leddflatene.

    ## Henvisning {#referral}
    Fastlegen henviser deg.

    ## Etter behandlingen {#follow-up}
    Du får time til kontroll etter tre måneder.
    """
)

CATARACT_BODY = dedent(
    """
    ## Om grå stær {#about}
    Linsen i øyet blir uklar.

    ## Operasjon {#treatment}
    Linsen byttes ut med en kunstig linse.
    """
)


def provider_yml(provider_id: str, name: str, region: str, experts: list[str], locations: list[str]) -> str:
    expert_lines = "".join(f"  - name: {e}\n    title: Overlege\n    github: {e.lower().replace(' ', '-')}\n" for e in experts)
    location_lines = "".join(
        f"""  - id: {loc}
    name: {loc.title()} sykehus
    kind: hospital
    address:
      street: Sykehusveien 1
      postcode: "0{index}00"
      city: {loc.title()}
    phone: "22 00 00 0{index}"
    opening_hours: Hverdager 08.00–15.30
    transport: Buss 3 til sykehuset.
    departments:
      - id: {loc}-ortopedi
        name: Ortopedisk avdeling {loc.title()}
        phone: "22 00 10 0{index}"
"""
        for index, loc in enumerate(locations, start=1)
    )
    return (
        f"id: {provider_id}\nname: {name}\nkind: health-trust\nregion: {region}\n"
        f"site:\n  url: https://www.{provider_id}.example/\n  language: nb\n"
        f"editorial:\n  editor: Redaktør {name}\n  email: nett@{provider_id}.example\n"
        f"github_team: {provider_id}-redaksjon\n"
        f"experts:\n{expert_lines}locations:\n{location_lines}"
    )


def national_text(title: str, owner: str, approver: str, body: str, extra: str = "") -> str:
    return (
        f"---\ntitle: {title}\ntype: treatment\nsummary: Kort om {title.lower()}.\nowner: {owner}\n"
        f"responsible:\n  name: {approver}\n  title: Overlege\n"
        f"approved:\n  by: {approver}\n  on: 2026-03-01\n  revision: unsealed\nreviewed: {{on: 2026-03-01, by: {approver}}}\n{extra}---\n{body}"
    )


def overlay(uses: str, approver: str, revisions: dict[str, str], body: str, locations: str = "[nord]", extra: str = "") -> str:
    pins = ", ".join(f"{k}: {v}" for k, v in revisions.items())
    return (
        f"---\nuses: {uses}\nlocations: {locations}\n{extra}"
        f"approved:\n  by: {approver}\n  on: 2026-05-01\n  revisions: {{{pins}}}\n  local: unsealed\n---\n{body}"
    )


def base_tree() -> dict[str, str]:
    """Two providers, two national texts, overlays, a snippet, a page and an event; valid."""
    return {
        "content/providers/alfa-hf/provider.yml": provider_yml(
            "alfa-hf", "Helse Alfa HF", "helse-vest", ["Kari Berg", "Per Dahl"], ["sentrum", "fjell"]
        ),
        "content/providers/beta-hf/provider.yml": provider_yml("beta-hf", "Helse Beta HF", "helse-nord", ["Ola Nord"], ["nord", "sor"]),
        "content/common/treatments/knee-replacement.md": national_text("Kneprotese", "alfa-hf", "Kari Berg", KNEE_BODY),
        "content/common/treatments/cataract-surgery.md": national_text("Grå stær", "alfa-hf", "Per Dahl", CATARACT_BODY),
        "content/providers/beta-hf/treatments/knee-replacement.md": overlay(
            "treatments/knee-replacement",
            "Ola Nord",
            {"treatments/knee-replacement": content_hash(KNEE_BODY)},
            dedent(
                """
                {% include "treatments/knee-replacement#about" %}

                ## Slik kommer du til oss {#getting-here}
                Oppmøte i resepsjonen i 2. etasje.

                {% include "snippets/parkering" %}

                {% include "treatments/knee-replacement#referral" %}
                """
            ),
        ),
        "content/providers/beta-hf/snippets/parkering.md": "Parkering i P-huset ved hovedinngangen.\n",
        "content/providers/beta-hf/pages/om-oss.md": "---\ntitle: Om oss\nresponsible:\n  name: Ola Nord\n  title: Overlege\napproved: {by: Ola Nord, on: 2026-02-01, local: unsealed}\n---\n## Hvem vi er {#who}\nEt lite helseforetak.\n",
        "content/providers/beta-hf/events/kneskole.md": (
            "---\ntitle: Kneskole\nstart: 2027-01-10T12:00\nend: 2027-01-10T14:00\nlocation: nord\n"
            "related: [treatments/knee-replacement]\n---\nFor deg som skal operere kneet.\n"
        ),
        "content/providers/alfa-hf/treatments/cataract-surgery.md": overlay(
            "treatments/cataract-surgery",
            "Kari Berg",
            {"treatments/cataract-surgery": content_hash(CATARACT_BODY)},
            "",
            locations="[sentrum]",
        ),
    }


# -- hostile cases: tests/hostile/<kind>--<name>.md is a body, <name>.expected its errors ----------------

HOSTILE = Path(__file__).parent / "hostile"
HOSTILE_TARGETS = {
    "page": "content/providers/beta-hf/pages/hostile.md",
    "overlay": "content/providers/beta-hf/treatments/knee-replacement.md",
    "snippet": "content/providers/beta-hf/snippets/parkering.md",
    "event": "content/providers/beta-hf/events/kneskole.md",
}


def hostile_cases() -> list[str]:
    return sorted(path.stem for path in HOSTILE.glob("*.md"))


def hostile_tree(case: str) -> tuple[dict[str, str], str, list[str]]:
    """The base tree with the case's body in its file (a provider page unless the name says
    ``overlay--``, ``snippet--`` or ``event--``), that file's path, and the errors expected."""
    body = (HOSTILE / f"{case}.md").read_text(encoding="utf-8")
    kind = case.split("--", 1)[0] if "--" in case else "page"
    target = HOSTILE_TARGETS[kind]
    tree = base_tree()
    if kind in ("overlay", "event"):
        front = tree[target].split("---\n")[1]
        tree[target] = f"---\n{front}---\n{body}"
    elif kind == "snippet":
        tree[target] = body
    else:
        tree[target] = (
            "---\ntitle: Side\nresponsible: {name: Ola Nord, title: Overlege}\n# approved as written: only the policy's own errors show\n"
            f"approved: {{by: Ola Nord, on: 2026-02-01, local: unsealed}}\n---\n{body}"
        )
    expected = [line.format(page=target) for line in (HOSTILE / f"{case}.expected").read_text(encoding="utf-8").splitlines()]
    return tree, target, expected


# -- local HTTP servers on 127.0.0.1 ------------------------------------------------------------


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """A handler that logs nothing; ``send`` answers with a body of CONTENT_TYPE unless told otherwise."""

    CONTENT_TYPE = "text/plain; charset=utf-8"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the signature of the base class
        pass

    def send(self, status: int, body: bytes, content_type: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type or self.CONTENT_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class QuietFileHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the signature of the base class
        pass


def start_server(handler) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A server on a free port of 127.0.0.1 in a background thread, and its base URL; call shutdown() when done."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def serve_folder(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """``folder`` served over HTTP, as a web server would serve a built site."""
    return start_server(functools.partial(QuietFileHandler, directory=str(folder)))


def approving_reviews(tmp_path: Path, *reviews: tuple[str, str]) -> str:
    """A file of a pull request's reviews as GitHub lists them, for check-approvals --reviews: (login, reviewed
    commit), each approving, on TODAY."""
    entries = [
        {"user": {"login": login}, "state": "APPROVED", "commit_id": sha, "submitted_at": f"{TODAY}T12:00:00Z"} for login, sha in reviews
    ]
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    return str(path)
