"""The import rules that keep hcweb a library with a thin command line (ARCHITECTURE.md).

Every import is counted, also one inside a function: a rule that a late import can dodge is no rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers import PROJECT

PACKAGE = PROJECT / "tooling" / "hcweb"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The modules ``path`` imports, as absolute names (relative imports resolved)."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)  # from . import checks
    return found


MODULES = {module_name(path): imports_of(path) for path in sorted(PACKAGE.rglob("*.py"))}


def importers_of(target: str) -> list[str]:
    return sorted(name for name, found in MODULES.items() if any(i == target or i.startswith(target + ".") for i in found))


def in_package(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_rules_see_the_imports_they_judge() -> None:
    """The rules below would notice a breach: the scan finds imports that are known to be there."""
    assert "click" in MODULES["hcweb.cli"]
    assert "hcweb.resolve" in MODULES["hcweb.checks.overlays"]
    assert "hcweb.data.snapshots" in MODULES["hcweb.repo"]
    assert "hcweb.repo.NotPinnable" in MODULES["hcweb.approvals"]


def test_only_the_command_line_imports_click() -> None:
    assert importers_of("click") == ["hcweb.cli"]


@pytest.mark.parametrize("package", ["hcweb.resolve", "hcweb.checks", "hcweb.model", "hcweb.revisions", "hcweb.approvals"])
def test_the_core_never_imports_the_site_builder(package: str) -> None:
    assert [name for name in importers_of("hcweb.site") if in_package(name, package)] == []


def test_the_model_imports_no_checks_resolution_or_site() -> None:
    found = MODULES["hcweb.model"]
    assert not [name for name in found if any(in_package(name, p) for p in ("hcweb.checks", "hcweb.resolve", "hcweb.site", "hcweb.repo"))]


def test_data_feeds_do_not_import_the_repository() -> None:
    """repo reads the data snapshots; the data package never reads the repository back (no loop)."""
    assert [name for name in importers_of("hcweb.repo") if in_package(name, "hcweb.data")] == []


def test_nothing_imports_the_command_line() -> None:
    assert importers_of("hcweb.cli") == []


def declared(requirements: list[str]) -> set[str]:
    """Distribution names of requirement strings, normalised (PEP 503)."""
    import re

    return {re.sub(r"[-_.]+", "-", re.split(r"[<>=!~;\[ ]", item, maxsplit=1)[0]).lower() for item in requirements}


def test_every_imported_distribution_is_declared() -> None:
    """A module the package imports comes from the standard library, the package itself, or a declared dependency."""
    import importlib.metadata
    import re
    import sys
    import tomllib

    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dependencies = declared(project["dependencies"])
    distributions = importlib.metadata.packages_distributions()
    missing = {}
    for module, found in MODULES.items():
        for name in found:
            top = name.split(".")[0]
            if not top or top == "hcweb" or top in sys.stdlib_module_names or top == "__future__":
                continue
            owners = {re.sub(r"[-_.]+", "-", d).lower() for d in distributions.get(top, [top])}
            if not owners & dependencies:
                missing.setdefault(top, module)
    assert missing == {}, f"imported but not declared in pyproject.toml dependencies: {missing}"
    assert "gitpython" in dependencies and "git" in {
        n.split(".")[0] for n in MODULES["hcweb.repo"]
    }  # the check maps modules to distributions
