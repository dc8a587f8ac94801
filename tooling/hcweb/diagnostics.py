"""Diagnostics: one problem found in the content, and the printers for them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str  # relative to the repository root, with forward slashes
    line: int  # 1-based line in that file the author must edit
    severity: Severity
    code: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def as_text(self) -> str:
        return f"{self.path}:{self.line}: {self.severity.value}: {self.message} [{self.code}]"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        return {key: data[key] for key in ("severity", "code", "path", "line", "message")}

    @classmethod
    def from_dict(cls, data: dict) -> Diagnostic:
        """The diagnostic as_dict() wrote."""
        return cls(data["path"], data["line"], Severity(data["severity"]), data["code"], data["message"])

    def as_github(self) -> str:
        command = "error" if self.is_error else "warning"
        message = _github_escape(self.message, data=True)
        path = _github_escape(self.path, data=False)
        return f"::{command} file={path},line={self.line},title={self.code}::{message}"


def error(path: str, line: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(path, max(line, 1), Severity.ERROR, code, message)


def warning(path: str, line: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(path, max(line, 1), Severity.WARNING, code, message)


def strict(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """With --strict, every warning counts as an error."""
    return [Diagnostic(d.path, d.line, Severity.ERROR, d.code, d.message) if not d.is_error else d for d in diagnostics]


def days(count: int) -> str:
    """'1 day', '12 days': a number of days as a message says it."""
    return f"{count} day" if count == 1 else f"{count} days"


def summary(diagnostics: list[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    return f"{errors} {'error' if errors == 1 else 'errors'}, {warnings} {'warning' if warnings == 1 else 'warnings'}"


def render(diagnostics: list[Diagnostic], fmt: str) -> str:
    ordered = sorted(diagnostics)
    if fmt == "json":
        return json.dumps([d.as_dict() for d in ordered], ensure_ascii=False, indent=2)
    if fmt == "github":
        return "\n".join(d.as_github() for d in ordered)
    return "\n".join(d.as_text() for d in ordered)


def _github_escape(value: str, *, data: bool) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if not data:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value
