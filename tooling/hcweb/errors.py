"""The one error root the CLI knows how to print, and its few subclasses."""

from __future__ import annotations

import click


class HcwebError(click.ClickException):
    """An error the user can act on; printed without a traceback, exit code 1."""

    exit_code = 1


class RepositoryNotFound(HcwebError):
    """The working directory is not an hcweb repository (a usage problem: exit 2)."""

    exit_code = 2


class UnknownProvider(HcwebError):
    exit_code = 2


class ContentErrors(HcwebError):
    """The content has errors, so an action was refused; ``diagnostics`` are the problems found."""

    def __init__(self, diagnostics: list, action: str) -> None:
        self.diagnostics = diagnostics
        count = sum(1 for d in diagnostics if d.is_error)
        noun = "error" if count == 1 else "errors"
        super().__init__(f"{count} content {noun}: {action} refused. Run 'hcweb validate' for details.")


class BuildFailed(HcwebError):
    pass
