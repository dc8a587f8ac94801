"""The command line: parses options and calls one core function per command."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from . import __version__, commands
from .diagnostics import render, summary
from .errors import BuildFailed, ContentErrors
from .repo import Repository

TODAY_HELP = "Date to check against, YYYY-MM-DD (default: today)."


def _today(value: dt.datetime | None) -> dt.date:
    return value.date() if value else dt.date.today()


class Context:
    def __init__(self, root: Path | None) -> None:
        self._root = root
        self._repo: Repository | None = None

    @property
    def repo(self) -> Repository:
        if self._repo is None:
            self._repo = Repository.discover(self._root)
        return self._repo


pass_context = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path), help="The hcweb repository (default: the git top level of the current directory).")
@click.version_option(__version__, prog_name="hcweb")
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """Validate and build the websites of a common web solution for specialist healthcare."""
    ctx.obj = Context(root)


@cli.command()
@click.option("--provider", "provider_id", metavar="ID", help="Only what matters to this provider's site.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help=TODAY_HELP)
@click.option("--strict", is_flag=True, help="Count warnings as errors.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True, help="Output format.")
@pass_context
def validate(obj: Context, provider_id: str | None, today: dt.datetime | None, strict: bool, fmt: str) -> None:
    """Check all content and report every problem at once (exit 1 on errors)."""
    result = commands.validate(obj.repo, _today(today), provider_id, strict)
    output = render(result.diagnostics, fmt)
    if output:
        click.echo(output)
    if fmt == "json" and not output:
        click.echo("[]")
    if fmt == "text":
        click.echo(summary(result.diagnostics), err=True)
    if result.errors:
        sys.exit(1)


@cli.command()
@click.option("--provider", "provider_ids", metavar="ID", multiple=True, help="Build this provider's site (repeatable).")
@click.option("--all", "build_all", is_flag=True, help="Build every provider's site.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: site/ in the repository).")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Sites built in parallel, one process each.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help=TODAY_HELP)
@pass_context
def build(obj: Context, provider_ids: tuple[str, ...], build_all: bool, out: Path | None, jobs: int, today: dt.datetime | None) -> None:
    """Build one static website per provider into OUT/<provider-id>/."""
    if build_all == bool(provider_ids):
        raise click.UsageError("give either --provider ID or --all")
    repo = obj.repo
    out_dir = (out or repo.root / "site").resolve()
    try:
        validation, results = commands.build(repo, None if build_all else list(provider_ids), out_dir, _today(today), jobs)
    except ContentErrors:
        validation = commands.validate(repo, _today(today), provider_ids[0] if len(provider_ids) == 1 else None)
        click.echo(render(validation.diagnostics, "text"), err=True)
        raise
    warnings = [d for d in validation.diagnostics if not d.is_error]
    if warnings:
        click.echo(render(warnings, "text"), err=True)
    failed = []
    for result in results:
        if result.ok:
            click.echo(f"built {result.provider_id}: {result.pages} pages in {result.seconds:.1f} s -> {out_dir / result.provider_id}")
        else:
            failed.append(result.provider_id)
            click.echo(f"build of {result.provider_id} failed; its previous site is kept:", err=True)
            for message in result.messages:
                click.echo(f"  {message}", err=True)
    if failed:
        raise BuildFailed(f"{len(failed)} of {len(results)} sites failed: {', '.join(failed)}")


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "by", required=True, metavar="NAME", help="The expert who approved, as named in provider.yml.")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Date of the approval (default: today).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help=TODAY_HELP)
@pass_context
def approve(obj: Context, path: Path, by: str, on: dt.datetime | None, today: dt.datetime | None) -> None:
    """Record that an expert approved PATH (a national text or an overlay) as it is now.

    For an overlay, the current revision of every national text it includes is
    written under approved.revisions. Nothing else in the file changes.
    """
    from .approve import approve as record_approval

    day = _today(today)
    result = record_approval(obj.repo, path, by, on.date() if on else day, day)
    state = "recorded" if result.changed else "already recorded"
    click.echo(f"{result.rel}: approval by {result.by} on {result.on.isoformat()} {state}")
    for text_id, revision in result.revisions.items():
        click.echo(f"  {text_id}: {revision}")


def main() -> None:
    """Entry point: no traceback reaches the user unless HCWEB_DEBUG is set."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug in hcweb, not a content problem
        if os.environ.get("HCWEB_DEBUG"):
            raise
        click.echo(f"hcweb: internal error: {type(exc).__name__}: {exc} (set HCWEB_DEBUG=1 for details)", err=True)
        sys.exit(3)
