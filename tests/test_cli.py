"""The command line contract: exit codes, output formats, help texts, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from hcweb.cli import cli
from helpers import TODAY, base_tree, make_repo, run


def commands(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += commands(command, (*prefix, name))
    return found


@pytest.mark.parametrize("path", commands(), ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    command: click.Command = cli
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    assert command.help and len(command.help.strip()) > 20
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{' '.join(path)} {param.opts} has no help"
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0


def test_valid_content_exits_zero(repo: Path) -> None:
    result = run(repo, "validate", "--today", TODAY, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["validate", "--format", "xml"], "Invalid value for '--format'"),
        (["validate", "--today", "29.11.2026"], "Invalid value for '--today'"),
        (["validate", "--provider", "nobody"], "there is no provider 'nobody' (known: alfa-hf, beta-hf)"),
        (["build"], "give --provider ID, --all or --catalogue"),
        (["build", "--all", "--provider", "alfa-hf"], "give either --provider ID or --all"),
        (["build", "--all", "--jobs", "0"], "Invalid value for '--jobs'"),
        (["frobnicate"], "No such command 'frobnicate'"),
    ],
)
def test_bad_command_line_exits_two(repo: Path, args: list[str], message: str) -> None:
    result = run(repo, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_not_a_repository_exits_two(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "validate"])
    assert result.exit_code == 2
    assert f"{tmp_path} is not an hcweb repository: it has no hcweb.yml" in result.output


def test_console_script_finds_the_repository_from_a_subfolder(repo: Path) -> None:
    hcweb = Path(sys.executable).with_name("hcweb")
    result = subprocess.run([str(hcweb), "validate", "--today", TODAY], cwd=repo / "content/common", capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "0 errors, 0 warnings"


def test_console_script_exit_codes_for_content_errors(repo: Path) -> None:
    overlay = repo / "content/providers/beta-hf/treatments/knee-replacement.md"
    overlay.write_text(overlay.read_text(encoding="utf-8").replace("locations: [nord]", "locations: [vest]"), encoding="utf-8")
    hcweb = Path(sys.executable).with_name("hcweb")
    result = subprocess.run([str(hcweb), "--root", str(repo), "validate", "--today", TODAY], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout.startswith("content/providers/beta-hf/treatments/knee-replacement.md:3: error:")
    assert "Traceback" not in result.stderr


def _truncations(text: str) -> list[str]:
    points = sorted({len(text) * k // 4 for k in range(1, 4)} | {text.find("\n", 4) + 1})
    return [text[:p] for p in points if 0 < p < len(text)]


def test_no_traceback_for_any_truncated_file(tmp_path: Path) -> None:
    """Every file of a valid tree, cut at several points, gives diagnostics, never a crash."""
    tree = base_tree()
    root = make_repo(tmp_path / "repo", tree)
    for rel, text in tree.items():
        for broken in _truncations(text) + [text.replace(":", "", 3), text.replace("  ", "\t", 2), "\x00\xff" + text]:
            (root / rel).write_text(broken, encoding="utf-8")
            result = CliRunner().invoke(cli, ["--root", str(root), "validate", "--today", TODAY])
            assert result.exception is None or isinstance(result.exception, SystemExit), (rel, broken, result.exception)
            assert result.exit_code in (0, 1), (rel, broken, result.output)
            assert "Traceback" not in result.output
        (root / rel).write_text(text, encoding="utf-8")
