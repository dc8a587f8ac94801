"""The build's structure holds: MkDocs through one plugin, one owner of the output folder, no state kept in modules.

The central test builds the same sites with the render cache off, cold and warm, with an extra
on_post_page hook in every site, and compares every published file byte for byte: a page from
the cache goes through on_post_page like any other.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

from hcweb import commands
from hcweb.repo import Repository
from helpers import PROJECT, TODAY, base_tree, make_repo

PACKAGE = PROJECT / "tooling/hcweb"
POST_PAGE_HOOK = """
def on_post_page(output, page, config):
    return output.replace("</body>", "<!-- on_post_page: " + page.file.src_uri + " -->\\n</body>", 1)
"""


def snapshot(out: Path) -> dict[str, bytes]:
    """Every published file (not the build's own records and cache, whose names start with a dot)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and not p.relative_to(out).parts[0].startswith(".")
    }


@pytest.fixture
def with_post_page_hook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every provider site built with one more on_post_page (a MkDocs hook that marks each page)."""
    from hcweb.site import build

    hook = tmp_path / "post_page_hook.py"
    hook.write_text(POST_PAGE_HOOK, encoding="utf-8")
    original = build.mkdocs_config

    def config_with_hook(*args, **kwargs) -> dict:
        return {**original(*args, **kwargs), "hooks": [str(hook)]}

    monkeypatch.setattr(build, "mkdocs_config", config_with_hook)


def build_all(repo: Path, out: Path, jobs: int = 1, cache: bool = True) -> list:
    _, results = commands.build(Repository(repo), None, out, dt.date.fromisoformat(TODAY), jobs=jobs, incremental=False, cache=cache)
    assert all(result.ok for result in results), [result.messages for result in results]
    return results


@pytest.mark.parametrize("jobs", [1, 2])
def test_pages_from_the_cache_are_byte_for_byte_pages_without_it_on_post_page_included(
    tmp_path: Path, with_post_page_hook, jobs: int
) -> None:
    repo = make_repo(tmp_path / "repo", base_tree())
    build_all(repo, tmp_path / "fresh", jobs, cache=False)
    expected = snapshot(tmp_path / "fresh")
    pages = [path for path in expected if path.endswith("index.html")]
    assert pages and all(b"<!-- on_post_page: " in expected[path] for path in pages)

    cold = build_all(repo, tmp_path / "site", jobs)
    assert snapshot(tmp_path / "site") == expected
    assert all(result.cache["pages_cached"] == 0 and result.cache["pages_rendered"] == result.pages for result in cold)

    warm = build_all(repo, tmp_path / "site", jobs)  # every page and every part from the cache
    assert snapshot(tmp_path / "site") == expected
    for result in warm:
        assert result.cache["pages_cached"] == result.pages and result.cache["pages_rendered"] == 0
        assert result.cache["parts_rendered"] == 0


def test_an_untested_mkdocs_stops_a_cached_build_with_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mkdocs

    repo = make_repo(tmp_path / "repo", base_tree())
    monkeypatch.setattr(mkdocs, "__version__", "1.7.0")
    _, results = commands.build(Repository(repo), ["beta-hf"], tmp_path / "site", dt.date.fromisoformat(TODAY))
    assert not results[0].ok
    assert any(
        "hcweb's render cache was tested with MkDocs >=1.6,<1.7, and MkDocs 1.7.0 is installed" in message and "--no-cache" in message
        for message in results[0].messages
    ), results[0].messages
    _, results = commands.build(Repository(repo), ["beta-hf"], tmp_path / "site", dt.date.fromisoformat(TODAY), cache=False)
    assert results[0].ok, results[0].messages  # without the cache, hcweb needs nothing but MkDocs' plugin events


def test_hcweb_is_an_installed_mkdocs_plugin() -> None:
    from mkdocs.plugins import get_plugins

    from hcweb.site.plugin import HcwebPlugin

    assert get_plugins()["hcweb"].load() is HcwebPlugin


def python_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_only_the_output_folder_spells_its_layout() -> None:
    names = re.compile(r"""["']\.hcweb-(?:inputs|staging|cache|build\.lock)["']""")
    spelled = {path.relative_to(PACKAGE).as_posix() for path in python_files() if names.search(path.read_text(encoding="utf-8"))}
    assert spelled == {"site/outputs.py"}


def test_only_the_adapter_uses_mkdocs_internals() -> None:
    """No name of MkDocs that starts with an underscore is imported or used outside site/mkdocs_adapter.py."""
    found = set()
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            private = isinstance(node, ast.ImportFrom) and any(alias.name.startswith("_") for alias in node.names)
            if private and (node.module or "").startswith("mkdocs"):
                found.add(path.relative_to(PACKAGE).as_posix())
            if isinstance(node, ast.Attribute) and re.fullmatch(r"_(title_from_render|current_page|build_page|populate_page)", node.attr):
                found.add(path.relative_to(PACKAGE).as_posix())
    assert found == {"site/mkdocs_adapter.py"}


MUTABLE = (dict, list, set, bytearray)


@pytest.mark.parametrize("module", ["build", "outputs", "plugin", "plugin_config", "render_cache", "mkdocs_adapter", "mkdocs_hooks"])
def test_the_rendering_modules_keep_no_state(module: str) -> None:
    """No module-level dict, list or set, and no 'global' statement: what belongs to a build lives in an object passed along."""
    import importlib

    loaded = importlib.import_module(f"hcweb.site.{module}")
    mutable = [name for name, value in vars(loaded).items() if isinstance(value, MUTABLE) and not name.startswith("__")]
    assert mutable == []
    tree = ast.parse(Path(loaded.__file__).read_text(encoding="utf-8"))
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.Global)]


def test_the_build_passes_no_callbacks_down() -> None:
    """commands.build calls the steps in turn; nothing it hands down calls back into it (no gate=, after=)."""
    import inspect

    from hcweb.site import build

    for function in (
        build.merge_and_render,
        build.prepare,
        build.stage,
        build.make_site,
        build.render,
        build.Rendering.__init__,
        build.Rendering.start,
    ):
        assert not {"gate", "after"} & set(inspect.signature(function).parameters)
    assert not hasattr(build, "build_sites")


BUILD_PATH = [
    "commands.py",
    "sources.py",
    "site/build.py",
    "site/outputs.py",
    "site/plugin.py",
    "site/render_cache.py",
    "site/mkdocs_adapter.py",
]
CLI_SIGNATURE = {("commands.py", "build")}  # the signature cli.py and serve.py call; its body is the list of steps


@pytest.mark.parametrize("rel", BUILD_PATH)
def test_no_function_in_the_build_path_is_long_or_takes_many_parameters(rel: str) -> None:
    tree = ast.parse((PACKAGE / rel).read_text(encoding="utf-8"))
    too_big = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        body = node.body[1:] if isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant) else node.body
        lines = node.end_lineno - body[0].lineno + 1 if body else 0
        parameters = [a.arg for a in node.args.args + node.args.kwonlyargs if a.arg not in ("self", "cls")]
        if lines > 40 or (len(parameters) > 6 and (rel, node.name) not in CLI_SIGNATURE):
            too_big.append(f"{node.name}: {lines} lines, {len(parameters)} parameters")
    assert too_big == []
