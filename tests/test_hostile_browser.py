"""Hostile content end to end: validate, build, then every page opened in headless Chromium.

Each payload sets ``window.__hcweb_pwned`` when it runs. The test proves first that the payload
does run where markup is not escaped (a canary page served as it is), then that:

- values from front matter, the registry and the feeds that validate accepts are escaped on
  every page, in every position (text, attributes, the search results);
- content that would put live markup on a page is refused by validate at its path and line,
  the build refuses the site, and nothing of the payload reaches the output folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hcweb.repo import Repository
from helpers import HOSTILE_TARGETS, KNEE_BODY, TODAY, base_tree, commit, hostile_cases, hostile_tree, make_repo, run, serve_folder

pytestmark = pytest.mark.browser

FLAG = "window.__hcweb_pwned"
# Breaks out of a double- or single-quoted attribute, and out of text, if printed unescaped.
QUOTES = "K\" tabindex=0 autofocus onfocus=\"__hcweb_pwned=1\" x=' onmouseover='__hcweb_pwned=2' &amp;"
SCRIPT = "<script>window.__hcweb_pwned='script'</script>"
IMG = "<img src=x onerror=\"window.__hcweb_pwned='img'\">"

PROVIDER = "content/providers/beta-hf/provider.yml"
OVERLAY = HOSTILE_TARGETS["overlay"]
PAGE = "content/providers/beta-hf/pages/om-oss.md"
EVENT = HOSTILE_TARGETS["event"]
NATIONAL = "content/common/treatments/knee-replacement.md"


def ran(browser, url: str, search: str | None = None) -> object:
    """Open ``url`` (and type ``search`` into the search box); the flag a payload would have set."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")  # inline scripts and handlers of broken images have run by then
        page.mouse.move(300, 300)
        page.keyboard.press("Tab")
        if search:
            page.locator(".md-search__input").click()
            page.locator(".md-search__input").press_sequentially(search, delay=20)
            page.wait_for_timeout(600)
        return page.evaluate(f"() => {FLAG}")
    finally:
        context.close()


def test_canary_payloads_run_when_printed_raw(browser, tmp_path: Path) -> None:
    """Without escaping, each payload does run in this browser: the checks below can fail."""
    for index, html in enumerate([SCRIPT, IMG, f'<p title="{QUOTES}">x</p>', f"<p title='{QUOTES}'>x</p>"]):
        (tmp_path / f"{index}.html").write_text(f"<!doctype html><html><body>{html}</body></html>", encoding="utf-8")
    server, base = serve_folder(tmp_path)
    try:
        assert [ran(browser, f"{base}/{index}.html") is not None for index in range(2)] == [True, True]
        # The attribute break-outs need a focus or a pointer: autofocus and onmouseover give both.
        assert ran(browser, f"{base}/2.html") is not None or ran(browser, f"{base}/3.html") is not None
    finally:
        server.shutdown()


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def escaped_tree() -> dict[str, str]:
    """Every shown field that validate accepts holds a value that breaks out of HTML if unescaped."""
    tree = base_tree()
    q = _quoted(QUOTES)
    tree[PROVIDER] = (
        tree[PROVIDER]
        .replace("name: Helse Beta HF", f"name: {_quoted('Helse Beta ' + QUOTES)}", 1)
        .replace("editor: Redaktør Helse Beta HF", f"editor: {q}")
        .replace("name: Nord sykehus", f"name: {_quoted('Nord ' + QUOTES)}")
        .replace("city: Nord", f"city: {q}")
        .replace("street: Sykehusveien 1", f"street: {q}", 1)
        .replace("opening_hours: Hverdager 08.00–15.30", f"opening_hours: {q}", 1)
        .replace("name: Ortopedisk avdeling Nord", f"name: {q}")
        .replace("title: Overlege", f"title: {q}")
    )
    tree[NATIONAL] = (
        tree[NATIONAL]
        .replace("title: Kneprotese", f"title: {_quoted('Kneprotese ' + QUOTES)}", 1)
        .replace("summary: Kort om kneprotese.", f"summary: {q}")
        .replace("title: Overlege", f"title: {q}")
        .replace(
            "reviewed: {on: 2026-03-01, by: Kari Berg}",
            f"reviewed: {{on: 2026-03-01, by: Kari Berg}}\nhelsenorge:\n  - title: {q}\n    url: https://www.helsenorge.no/sykdom/kne/",
        )
    )
    tree[OVERLAY] = tree[OVERLAY].replace(
        "uses: treatments/knee-replacement", f"uses: treatments/knee-replacement\ntitle: {_quoted('Kne ' + QUOTES)}"
    )
    tree[PAGE] = (
        tree[PAGE].replace("title: Om oss", f"title: {_quoted('Om oss ' + QUOTES)}\nsummary: {q}").replace("title: Overlege", f"title: {q}")
    )
    tree[EVENT] = tree[EVENT].replace("title: Kneskole", f"title: {_quoted('Kneskole ' + QUOTES)}")
    return tree


@pytest.fixture(scope="module")
def escaped_site(tmp_path_factory: pytest.TempPathFactory):
    root = make_repo(tmp_path_factory.mktemp("escaped") / "repo", escaped_tree())
    validate = run(root, "validate", "--today", TODAY)
    assert validate.exit_code == 0, validate.output
    out = root / "site"
    build = run(root, "build", "--provider", "beta-hf", "--today", TODAY, "--out", str(out))
    assert build.exit_code == 0, build.output
    server, base = serve_folder(out)
    yield out / "beta-hf", f"{base}/beta-hf"
    server.shutdown()


def test_no_value_runs_on_any_page(browser, escaped_site) -> None:
    folder, base = escaped_site
    pages = sorted(path.relative_to(folder).parent.as_posix() for path in folder.rglob("index.html"))
    assert len(pages) >= 8
    flags = {page: ran(browser, f"{base}/{page}/" if page != "." else f"{base}/") for page in pages}
    assert {page: flag for page, flag in flags.items() if flag is not None} == {}


def test_no_value_runs_in_search_results(browser, escaped_site) -> None:
    _, base = escaped_site
    assert ran(browser, f"{base}/", search="kneprotese") is None
    assert ran(browser, f"{base}/", search="onfocus") is None


def test_values_are_shown_as_text(browser, escaped_site) -> None:
    folder, _ = escaped_site
    (page,) = [p for p in folder.glob("behandlinger/*/index.html") if "__hcweb" in p.read_text(encoding="utf-8")]
    html = page.read_text(encoding="utf-8")
    assert 'onfocus="__hcweb' not in html and "onmouseover='__hcweb" not in html
    assert "K&#34; tabindex=0 autofocus onfocus=&#34;__hcweb_pwned=1&#34;" in html


@pytest.mark.parametrize("case", hostile_cases())
def test_every_hostile_case_is_refused_or_harmless_when_built(browser, tmp_path: Path, case: str) -> None:
    """Each case of tests/hostile/: refused content is never built; content validate accepts runs nothing."""
    tree, target, expected = hostile_tree(case)
    root = make_repo(tmp_path / "repo", tree)
    out = root / "site"
    build = run(root, "build", "--provider", "beta-hf", "--today", TODAY, "--out", str(out))
    assert "Traceback" not in build.output
    if expected:
        assert build.exit_code == 1
        assert expected[0].split(": error: ")[0] in build.output  # the refusal names the path and line
        assert not (out / "beta-hf").exists()
        return
    assert build.exit_code == 0, build.output
    server, base = serve_folder(out)
    try:
        pages = sorted(path.relative_to(out / "beta-hf").parent.as_posix() for path in (out / "beta-hf").rglob("index.html"))
        flags = {page: ran(browser, f"{base}/beta-hf/{page}/") for page in pages}
    finally:
        server.shutdown()
    assert {page: flag for page, flag in flags.items() if flag is not None} == {}


def revision_of(root: Path, text_id: str = "treatments/knee-replacement") -> str:
    return Repository(root).load().national[text_id].revision


def approve(root: Path, rel: str, by: str, day: str) -> None:
    result = run(root, "approve", str(root / rel), "--by", by, "--on", day, "--today", day)
    assert result.exit_code == 0, result.output


def test_pinned_revision_is_checked_like_current_text(tmp_path: Path) -> None:
    """A script committed to a national text and approved by its owner, approved by a provider, then reverted: the pin is refused."""
    root = make_repo(tmp_path / "repo", base_tree())
    national = root / NATIONAL
    clean = national.read_text(encoding="utf-8")
    hostile = KNEE_BODY + "\n" + IMG + "\n"
    national.write_text(clean.replace(KNEE_BODY, hostile), encoding="utf-8")
    approve(root, NATIONAL, "Kari Berg", "2026-11-02")  # the owner approves the payload (on the main line)
    commit(root, "national text with a payload", "2026-11-02T12:00:00")
    pinned = revision_of(root)
    approve(root, OVERLAY, "Ola Nord", "2026-11-03")  # beta-hf approves that revision: its pin
    commit(root, "pin it", "2026-11-03T12:00:00")
    national.write_text(national.read_text(encoding="utf-8").replace(hostile, KNEE_BODY), encoding="utf-8")
    approve(root, NATIONAL, "Kari Berg", "2026-11-04")  # reverted and approved by the owner; beta-hf's pin is stale
    commit(root, "revert the national text", "2026-11-04T12:00:00")
    assert revision_of(root) != pinned
    validate = run(root, "validate", "--today", TODAY)
    assert validate.exit_code == 1
    pinned_line = next(i for i, text in enumerate((root / OVERLAY).read_text(encoding="utf-8").splitlines(), 1) if pinned in text)
    expected = (
        f"{OVERLAY}:{pinned_line}: error: the approved revision {pinned} of treatments/knee-replacement, which this site still publishes"
    )
    assert any(out.startswith(expected) and "onerror= runs a script" in out for out in validate.output.splitlines()), validate.output
    assert validate.output.splitlines()[-1].startswith("1 error,"), validate.output  # the payload is the only error
    build = run(root, "build", "--provider", "beta-hf", "--today", TODAY)
    assert build.exit_code == 1
    assert not (root / "site" / "beta-hf").exists()


def test_hostile_svg_runs_when_opened_and_is_refused(browser, tmp_path: Path) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>window.__hcweb_pwned=1</script><rect width="10" height="10"/></svg>'
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "bilde.svg").write_text(svg, encoding="utf-8")
    server, base = serve_folder(raw)
    try:
        assert ran(browser, f"{base}/bilde.svg") == 1  # an SVG opened directly runs its script
    finally:
        server.shutdown()
    tree = base_tree()
    tree["content/media/bilde.svg"] = svg
    tree["content/media/bilde.svg.yml"] = "credit: Foto\nlicence: CC-BY-4.0\nowner: beta-hf\nreuse: open\n"
    tree[PAGE] = tree[PAGE] + "\n![Et bilde](../../../media/bilde.svg)\n"
    root = make_repo(tmp_path / "repo", tree)
    validate = run(root, "validate", "--today", TODAY)
    assert "content/media/bilde.svg:1: error: <script> can run or embed something when the image is opened" in validate.output
    build = run(root, "build", "--provider", "beta-hf", "--today", TODAY)
    assert build.exit_code == 1
    assert not list((root / "site").rglob("bilde.svg")) if (root / "site").exists() else True


def test_markup_mkdocs_cannot_read_is_reported_at_its_line(tmp_path: Path) -> None:
    tree = base_tree()
    tree[PAGE] = tree[PAGE] + "\n<div>\n<![foo[\n</div>\n"
    root = make_repo(tmp_path / "repo", tree)
    validate = run(root, "validate", "--today", TODAY)
    line = tree[PAGE].splitlines().index("<![foo[") + 1
    assert f"{PAGE}:{line}: error: '<![' starts a section that web pages do not have" in validate.output
    assert validate.exit_code == 1 and "Traceback" not in validate.output
