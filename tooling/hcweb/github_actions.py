"""What a command hands to a GitHub Actions workflow: step outputs and the job summary.

GitHub names two files in the environment of every step: GITHUB_OUTPUT, where each line
``NAME=value`` sets an output of the step (a value of several lines is written between
``NAME<<DELIMITER`` and ``DELIMITER``), and GITHUB_STEP_SUMMARY, Markdown shown on the run's page.
Commands append to them, so a workflow step only calls hcweb and decides nothing itself.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from .errors import HcwebError

OUTPUT = "GITHUB_OUTPUT"
SUMMARY = "GITHUB_STEP_SUMMARY"


def _file(variable: str) -> Path:
    """The file the environment variable names; HcwebError when it is not set (outside GitHub Actions)."""
    value = os.environ.get(variable)
    if not value:
        raise HcwebError(f"{variable} is not set: this option writes to the file GitHub Actions names there (set it to a file to try it)")
    return Path(value)


def output_line(name: str, value: str) -> str:
    """One output in GitHub's format: ``NAME=value``, or a block between a delimiter when the value has line breaks."""
    if "\n" not in value and "\r" not in value:
        return f"{name}={value}\n"
    delimiter = f"ghadelimiter_{uuid.uuid4()}"
    return f"{name}<<{delimiter}\n{value.rstrip(chr(10))}\n{delimiter}\n"


def set_output(name: str, value: str) -> None:
    """Set the step output ``name`` (appended to the file named by GITHUB_OUTPUT)."""
    with _file(OUTPUT).open("a", encoding="utf-8") as handle:
        handle.write(output_line(name, value))


def add_summary(markdown: str) -> None:
    """Append Markdown to the job summary (the file named by GITHUB_STEP_SUMMARY)."""
    with _file(SUMMARY).open("a", encoding="utf-8") as handle:
        handle.write(markdown.rstrip("\n") + "\n\n")


def bullets(lines: list[str]) -> list[str]:
    """Markdown list items, one per line, with nothing that would end the list or start a table."""
    return [f"- {' '.join(line.split())}" for line in lines]
