"""The one error root of the library, and its few subclasses.

Plain exceptions: the library knows nothing of the command line. ``cli.py`` prints the
message of any HcwebError (no traceback) and exits with its ``exit_code``: 1 for a problem in
the content or the situation, 2 for a usage problem.
"""

from __future__ import annotations


class HcwebError(Exception):
    """An error the user can act on."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


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


class UnknownRevision(HcwebError):
    """A revision named on the command line (a base to compare with) is not in this repository."""


class ShallowClone(HcwebError):
    """The checkout is a shallow clone: the dates and history hcweb reads from git would be wrong (exit 2)."""

    exit_code = 2

    def __init__(self, root: object) -> None:
        super().__init__(
            f"{root} is a shallow clone, so the dates of the changes and the approved revisions cannot be read from it; "
            "fetch the whole history first: git fetch --unshallow"
        )
