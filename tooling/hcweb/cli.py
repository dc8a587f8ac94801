"""The command line: parses options and calls one core function per command."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import threading
from pathlib import Path

import click

from . import __version__, commands
from .diagnostics import render, summary
from .errors import BuildFailed, ContentErrors, HcwebError
from .repo import Repository

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
COMMON_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$")
TODAY_HELP = "Date to check against, YYYY-MM-DD (default: today)."


def _today(value: dt.datetime | None) -> dt.date:
    return value.date() if value else dt.date.today()


# The commands that read dates or history from git: refused in a shallow clone (ShallowClone), whatever the content.
READS_HISTORY = frozenset(
    {"validate", "build", "serve", "affected", "approve", "diff", "report", "check-approvals", "changes", "publish-plan"}
)


class Context:
    def __init__(self, root: Path | None, reads_history: bool = False) -> None:
        self._root = root
        self._repo: Repository | None = None
        self._reads_history = reads_history

    @property
    def repo(self) -> Repository:
        if self._repo is None:
            repo = Repository.discover(self._root)
            if self._reads_history:
                repo.git.require_history()
            self._repo = repo
        return self._repo


pass_context = click.make_pass_decorator(Context)


class HcwebGroup(click.Group):
    """The command group: an HcwebError from the library becomes click's error, with its message and exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except HcwebError as exc:
            error = click.ClickException(exc.message)
            error.exit_code = exc.exit_code
            raise error from None


@click.group(cls=HcwebGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The hcweb repository (default: the git top level of the current directory).",
)
@click.version_option(__version__, prog_name="hcweb")
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """Validate and build the websites of a common web solution for specialist healthcare."""
    ctx.obj = Context(root, reads_history=ctx.invoked_subcommand in READS_HISTORY)


@cli.command()
@click.option("--provider", "provider_id", metavar="ID", help="Only what matters to this provider's site.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help=TODAY_HELP)
@click.option("--strict", is_flag=True, help="Count warnings as errors.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True, help="Output format.")
@click.option(
    "--base",
    metavar="REF",
    help="Also report every address the sites had at REF (e.g. origin/main) that would stop answering without a redirects.yml entry.",
)
@pass_context
def validate(obj: Context, provider_id: str | None, today: dt.datetime | None, strict: bool, fmt: str, base: str | None) -> None:
    """Check all content and report every problem at once (exit 1 on errors)."""
    result = commands.validate(obj.repo, _today(today), provider_id, strict, base)
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
@click.option(
    "--catalogue", is_flag=True, help="Also build the catalogue of national texts and the coordinator dashboard (OUT/catalogue/)."
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: site/ in the repository).")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Sites built in parallel, one process each.")
@click.option("--force", is_flag=True, help="Rebuild every site, also those whose inputs have not changed.")
@click.option(
    "--no-cache", is_flag=True, help="Render every page afresh, without the render cache in OUT/.hcweb-cache (it is then left as it is)."
)
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help=TODAY_HELP)
@pass_context
def build(
    obj: Context,
    provider_ids: tuple[str, ...],
    build_all: bool,
    catalogue: bool,
    out: Path | None,
    jobs: int,
    force: bool,
    no_cache: bool,
    today: dt.datetime | None,
) -> None:
    """Build one static website per provider into OUT/<provider-id>/, and the catalogue with --catalogue."""
    if build_all and provider_ids:
        raise click.UsageError("give either --provider ID or --all")
    if not (build_all or provider_ids or catalogue):
        raise click.UsageError("give --provider ID, --all or --catalogue")
    repo = obj.repo
    out_dir = (out or repo.root / "site").resolve()
    if catalogue:
        try:
            result = commands.build_catalogue(repo, out_dir, _today(today), incremental=not force, cache=not no_cache)
        except ContentErrors as exc:
            click.echo(render(exc.diagnostics, "text"), err=True)
            raise
        if not result.ok:
            raise BuildFailed("the catalogue build failed: " + "; ".join(result.messages))
        if result.unchanged:
            click.echo(f"unchanged catalogue: its inputs are those of {out_dir / 'catalogue'}, not rebuilt")
        else:
            click.echo(f"built the catalogue: {result.pages} pages in {result.seconds:.1f} s -> {out_dir / 'catalogue'}")
        if not (build_all or provider_ids):
            return
    try:
        with BuildProgress() as progress:
            validation, results = commands.build(
                repo,
                None if build_all else list(provider_ids),
                out_dir,
                _today(today),
                jobs,
                incremental=not force,
                progress=progress,
                cache=not no_cache,
            )
    except ContentErrors as exc:
        click.echo(render(exc.diagnostics, "text"), err=True)
        raise
    warnings = [d for d in validation.diagnostics if not d.is_error]
    if warnings:
        click.echo(render(warnings, "text"), err=True)
    failed = []
    for result in results:
        if result.unchanged:
            click.echo(f"unchanged {result.provider_id}: its inputs are those of {out_dir / result.provider_id}, not rebuilt")
        elif result.ok:
            click.echo(
                f"built {result.provider_id}: {result.pages} pages in {result.seconds:.1f} s{cache_note(result)} -> {out_dir / result.provider_id}"
            )
        else:
            failed.append(result.provider_id)
            click.echo(f"build of {result.provider_id} failed; its previous site is kept:", err=True)
            for message in result.messages:
                click.echo(f"  {message}", err=True)
    if failed:
        raise BuildFailed(f"{len(failed)} of {len(results)} sites failed: {', '.join(failed)}")


def cache_note(result) -> str:
    """How much of a built site came from the render cache, e.g. ' (140 of 152 pages from the cache)'."""
    cached, rendered = result.cache.get("pages_cached", 0), result.cache.get("pages_rendered", 0)
    return f" ({cached} of {cached + rendered} pages from the cache)" if cached else ""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--by", "by", metavar="NAME", help="The expert (or, for a provider's page, the editor) who approved, as named in provider.yml."
)
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Date of the approval (default: today).")
@click.option("--safety", is_flag=True, help="A national text: mark the approval a safety correction, published on every site at once.")
@click.option("--from-review", "from_review", is_flag=True, help="Record the approvals a GitHub review gives (used by the workflow).")
@click.option("--login", metavar="LOGIN", help="With --from-review: the GitHub account that approved.")
@click.option("--base", metavar="REF", help="With --from-review: the pull request's base, e.g. origin/main.")
@click.option("--suggest", is_flag=True, help="With --from-review: write nothing; print the records as GitHub suggestions (JSON).")
@click.option(
    "--review-file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="With --suggest, --pr and --commit: write the review to post (pull request, commit, login, comments) to FILE; nothing when there is no record.",
)
@click.option("--pr", "pull_request", type=click.IntRange(min=1), metavar="N", help="With --review-file: the pull request's number.")
@click.option("--commit", "reviewed", metavar="SHA", help="With --review-file: the reviewed commit.")
@click.option(
    "--github-output",
    "output_name",
    metavar="NAME",
    help="With --from-review: set the step output NAME to true when records were written, else false.",
)
@click.option("--github-summary", is_flag=True, help="With --from-review: list the records written in the job summary.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help=TODAY_HELP)
@pass_context
def approve(
    obj: Context,
    paths: tuple[Path, ...],
    by: str | None,
    on: dt.datetime | None,
    safety: bool,
    from_review: bool,
    login: str | None,
    base: str | None,
    suggest: bool,
    review_file: Path | None,
    pull_request: int | None,
    reviewed: str | None,
    output_name: str | None,
    github_summary: bool,
    today: dt.datetime | None,
) -> None:
    """Record that an expert approved each PATH (national texts, overlays, provider pages) as it is now.

    A national text records its revision; an overlay the revision of every national
    text it includes and the hash of its own text and snippets; a provider's page
    the hash of its text. Nothing else in the files changes, and nothing is written
    unless every file can be approved.
    """
    from . import approve as approving

    day = _today(today)
    when = on.date() if on else day
    if from_review:
        if paths or by or not login or not base:
            raise click.UsageError("--from-review takes --login and --base, and no paths or --by")
        if review_file is not None and not (suggest and pull_request and reviewed):
            raise click.UsageError("--review-file goes with --suggest, --pr N and --commit SHA")
        written, suggestions = approving.from_review(obj.repo, login, base, when, day, suggest)
        comments = [s.as_comment() for s in suggestions]
        if review_file is not None:
            if comments:
                review = {"pull_request": pull_request, "commit_id": reviewed, "login": login, "comments": comments}
                review_file.parent.mkdir(parents=True, exist_ok=True)
                review_file.write_text(json.dumps(review, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        elif suggest:
            click.echo(json.dumps(comments, ensure_ascii=False, indent=2))
        for result in written:
            click.echo(result.rel)
        _report_from_review(login, [result.rel for result in written], bool(comments) if suggest else None, output_name, github_summary)
        return
    if suggest or login or base or review_file or output_name or github_summary:
        raise click.UsageError("--login, --base, --suggest, --review-file, --github-output and --github-summary go with --from-review")
    if not paths or not by:
        raise click.UsageError("give the files to approve and --by NAME")
    for result in approving.approve(obj.repo, list(paths), by, when, day, safety):
        state = "recorded" if result.changed else "already recorded"
        click.echo(f"{result.rel}: approval by {result.by} on {result.on.isoformat()} {state}")
        for text_id, revision in result.revisions.items():
            click.echo(f"  {text_id}: {revision}")
        for name in ("revision", "local"):
            if isinstance(result.values.get(name), str):
                click.echo(f"  {name}: {result.values[name]}")


def _report_from_review(login: str, written: list[str], suggested: bool | None, output_name: str | None, summary: bool) -> None:
    """What approve --from-review tells the workflow: whether anything was recorded (or suggested), and what."""
    from . import github_actions

    done = suggested if suggested is not None else bool(written)
    if output_name:
        github_actions.set_output(output_name, "true" if done else "false")
    if not done and (output_name or summary):
        click.echo(f"::notice::Nothing to record for @{login}: no file in this pull request needs an approval that this account may give.")
    elif summary and written:
        github_actions.add_summary("\n".join([f"### Approval records written for @{login}", "", *github_actions.bullets(written)]))


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "by", required=True, metavar="NAME", help="The expert of the owner who made the review, as named in provider.yml.")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Date of the review (default: today).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help=TODAY_HELP)
@pass_context
def review(obj: Context, path: Path, by: str, on: dt.datetime | None, today: dt.datetime | None) -> None:
    """Record the professional review of a national text: reviewed: {on, by}. Nothing else in the file changes."""
    from .approve import review as record_review

    day = _today(today)
    result = record_review(obj.repo, path, by, on.date() if on else day, day)
    state = "recorded" if result.changed else "already recorded"
    click.echo(f"{result.rel}: review by {result.by} on {result.on.isoformat()} {state}")


def _print_diff(lines: list[str]) -> None:
    for line in lines:
        added, removed = line.startswith("+") and not line.startswith("+++"), line.startswith("-") and not line.startswith("---")
        colour = "green" if added else "red" if removed else "cyan" if line.startswith("@@") else None
        click.secho(line if line.endswith("\n") else line + "\n", fg=colour, nl=False)


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_context
def diff(obj: Context, path: Path) -> None:
    """Show what changed in an overlay since it was approved, or in a translation's source since it was translated.

    The national texts it includes, section by section and their shown front
    matter, and its own text and snippets, as unified diffs. For a translation
    (content/common/<collection>/<slug>.<language>.md): what changed in the national
    text since the revision it translates (translates.revision). Exits 0 when nothing
    changed and 1 when there is something to re-evaluate.
    """
    from .approve import find_document
    from .changes import local_changes, overlay_changes, translation_changes
    from .model import Overlay, Translation

    repo = obj.repo
    rel = repo.argument_rel(path)
    content = repo.load()
    document = find_document(content, rel)
    if isinstance(document, Translation):
        text = translation_changes(repo, content, document)
        if not text.changed:
            click.echo(f"{rel}: up to date: it translates the current revision of {text.text_id} ({text.current})")
            return
        since = f"translated revision {text.approved}, committed {text.revision_date}" if text.approved else "no revision translated"
        click.secho(f"{text.text_id}: changed since this translation ({since}; now {text.current})", bold=True)
        _print_diff(text.fields)
        for section in text.sections:
            _print_diff(section.diff)
        sys.exit(1)
    if not isinstance(document, Overlay):
        raise click.UsageError(
            "hcweb diff compares an overlay with the national texts it includes, or a translation with its source; give one of those"
        )
    changed = False
    local = local_changes(repo, content, document)
    if local.changed:
        changed = True
        since = f"approved {local.approved}, committed {local.commit_date}" if local.commit_date else "approved text not found in history"
        click.secho(f"{rel}: the page's own text changed ({since}; now {local.current})", bold=True)
        _print_diff(local.diffs)
    else:
        click.echo(f"{rel}: own text unchanged since it was approved ({local.current})")
    for text in overlay_changes(repo, content, document):
        if not text.changed:
            click.echo(f"{text.text_id}: unchanged since it was approved ({text.current})")
            continue
        changed = True
        since = f"approved revision {text.approved}, committed {text.revision_date}" if text.approved else "never approved here"
        click.secho(f"{text.text_id}: changed ({since}; now {text.current})", bold=True)
        _print_diff(text.fields)
        for section in text.sections:
            _print_diff(section.diff)
    if changed:
        sys.exit(1)


@cli.command()
@click.argument("common_id", metavar="COMMON_ID")
@click.option("--provider", "provider_id", required=True, metavar="ID", help="The provider that adopts the text.")
@click.option("--name", metavar="SLUG", help="File name of the overlay (default: the slug of the text), e.g. hip-replacement-voss.")
@pass_context
def adopt(obj: Context, common_id: str, provider_id: str, name: str | None) -> None:
    """Scaffold an overlay that includes every section of national text COMMON_ID."""
    from .scaffold import adopt as scaffold_overlay

    if name is not None and not SLUG.match(name):
        raise click.BadParameter("use lowercase letters a-z, digits and hyphens", param_hint="--name")
    repo = obj.repo
    path = scaffold_overlay(repo, repo.load(), common_id, provider_id, name)
    click.echo(
        f"created {repo.rel(path)}: add local text and locations, then have an expert run 'hcweb approve {repo.rel(path)} --by NAME'"
    )


@cli.group()
def new() -> None:
    """Scaffold new content (see: hcweb new national --help)."""


@new.command("national")
@click.argument("common_id", metavar="COLLECTION/SLUG")
@click.option("--owner", required=True, metavar="ID", help="The producing provider.")
@click.option("--title", default="Ny tekst", show_default=True, help="The title of the text.")
@pass_context
def new_national(obj: Context, common_id: str, owner: str, title: str) -> None:
    """Scaffold a national text as a draft, with the standard sections."""
    from .scaffold import new_national as scaffold_national

    if not COMMON_ID.match(common_id):
        raise click.BadParameter("write the id as collection/slug, e.g. treatments/hip-replacement", param_hint="COLLECTION/SLUG")
    repo = obj.repo
    path = scaffold_national(repo, repo.load(), common_id, owner, title)
    click.echo(f"created {repo.rel(path)} as a draft: write it, remove 'status: draft' and have it approved")


@cli.command("translate")
@click.argument("common_id", metavar="COMMON_ID")
@click.option(
    "--to", "language", required=True, metavar="LANGUAGE", help="The language to translate into, from hcweb.yml languages, e.g. nn."
)
@pass_context
def translate_command(obj: Context, common_id: str, language: str) -> None:
    """Scaffold a translation of national text COMMON_ID: content/common/<collection>/<slug>.<LANGUAGE>.md with every
    section heading and id, the source text in a comment under each, and translates.revision set. Never overwrites."""
    from .translate import translate

    if not COMMON_ID.match(common_id):
        raise click.BadParameter("write the id as collection/slug, e.g. treatments/hip-replacement", param_hint="COMMON_ID")
    repo = obj.repo
    path = translate(repo, repo.load(), common_id, language)
    click.echo(
        f"created {repo.rel(path)}: translate the title, summary and each section (the source is in the comments), "
        f"then have an expert of the text's owner run 'hcweb approve {repo.rel(path)} --by NAME'"
    )


@cli.command("codeowners")
@click.option("--check", is_flag=True, help="Only check that .github/CODEOWNERS is up to date (exit 1 if not).")
@pass_context
def codeowners_command(obj: Context, check: bool) -> None:
    """Write .github/CODEOWNERS from the provider registry and hcweb.yml."""
    from . import codeowners

    repo = obj.repo
    if check:
        problems = codeowners.check(repo.load(), commands.read_codeowners(repo))
        for problem in problems:
            click.echo(problem.as_text())
        if problems:
            sys.exit(1)
        click.echo(f"{codeowners.PATH} is up to date")
        return
    changed = commands.write_codeowners(repo)
    click.echo(f"{codeowners.PATH} {'written' if changed else 'already up to date'}")


@cli.command()
@click.argument("kind", type=click.Choice(["reviews", "adoption", "stale", "translations", "review-issue"]))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True, help="Output format.")
@click.option(
    "--github-output",
    "output_name",
    metavar="NAME",
    help="With review-issue: also set the step output NAME to how many items are due, 0 when none (file named by GITHUB_OUTPUT).",
)
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help=TODAY_HELP)
@pass_context
def report(obj: Context, kind: str, fmt: str, output_name: str | None, today: dt.datetime | None) -> None:
    """Coordinator reports: reviews due, adoption of national texts, stale local approvals, translations.

    translations: per national text and language in hcweb.yml, current / stale (days) / unapproved / missing.

    review-issue is the body of the weekly "reviews due" issue in Markdown: the reviews overdue or
    due soon and the stale local approvals, with the experts to ask.
    """
    from . import github_actions, reports

    if output_name and kind != "review-issue":
        raise click.UsageError("--github-output goes with review-issue")
    repo = obj.repo
    content = repo.load()
    day = _today(today)
    if kind == "review-issue":
        body = reports.review_issue(reports.reviews(content, day), reports.stale(content, repo.git, day))
        click.echo(body.markdown, nl=False)
        if output_name:
            github_actions.set_output(output_name, str(body.due))
        return
    if kind == "reviews":
        result = reports.reviews(content, day)
    elif kind == "adoption":
        result = reports.adoption(content, repo.git)
    elif kind == "translations":
        result = reports.translations(content, day)
    else:
        result = reports.stale(content, repo.git, day)
    if fmt == "table" and sys.stdout.isatty():
        width = click.get_terminal_size()[0] if hasattr(click, "get_terminal_size") else 120
        click.echo(result.table(width=max(width, 80), color=True))
    else:
        click.echo(result.render(fmt))


@cli.command()
@click.option("--provider", "provider_id", required=True, metavar="ID", help="The provider whose site to preview.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on (0: any free port).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help=TODAY_HELP)
@pass_context
def serve(obj: Context, provider_id: str, host: str, port: int, today: dt.datetime | None) -> None:
    """Preview a provider's site, rebuilt and reloaded whenever its content changes.

    Shows national texts as they are in your working tree. While the content has
    errors they are listed here, and the last good pages stay served.
    """
    import tempfile

    from .serve import serve as run_preview

    repo = obj.repo
    commands.require_provider(repo.load(), provider_id)
    with tempfile.TemporaryDirectory(prefix="hcweb-preview-") as out:
        run_preview(repo, provider_id, host, port, Path(out), _today(today), lambda line: click.echo(line, err=True))


@cli.command("check-approvals")
@click.option("--base", required=True, metavar="REF", help="The revision the pull request starts from, e.g. origin/main.")
@click.option(
    "--reviews",
    "reviews_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="The pull request's reviews as GitHub's REST API lists them (JSON).",
)
@click.option(
    "--pr",
    "pull_request",
    type=click.IntRange(min=1),
    metavar="N",
    help="Fetch the reviews of pull request N from GitHub (GITHUB_TOKEN, GITHUB_REPOSITORY).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "github"]), default="text", show_default=True, help="Output format.")
@pass_context
def check_approvals_command(obj: Context, base: str, reviews_file: Path | None, pull_request: int | None, fmt: str) -> None:
    """Check that every approval and review record changed since REF is backed by that person's GitHub review.

    The person is looked up in provider.yml as it is at REF, and their latest
    review must approve a commit where the file read exactly as the record says.
    Exit 1 when a record is not backed.
    """
    from .check_approvals import check_approvals
    from .github_reviews import fetch_reviews, read_reviews

    if (reviews_file is None) == (pull_request is None):
        raise click.UsageError("give either --reviews FILE or --pr N")
    result = check_approvals(obj.repo, base, lambda: read_reviews(reviews_file) if reviews_file else fetch_reviews(pull_request))
    output = render(result.diagnostics, fmt)
    if output:
        click.echo(output)
    click.echo(result.summary(), err=not result.ok)
    if not result.ok:
        sys.exit(1)


@cli.command("triage")
@click.option("--issue-body", required=True, metavar="TEXT", help="The body of an issue made from the change-suggestion form.")
@click.option(
    "--github-output",
    is_flag=True,
    help="Also set the step outputs owner (the provider id; empty when none) and comment (what to tell the author then).",
)
@pass_context
def triage_command(obj: Context, issue_body: str, github_output: bool) -> None:
    """Print the provider that owns the national text a change suggestion names (exit 1 when no text has that id)."""
    from . import github_actions
    from .triage import route

    found = route(obj.repo.load(), issue_body)
    if github_output:
        github_actions.set_output("owner", found.owner)
        github_actions.set_output("comment", found.comment)
    if found.owner:
        click.echo(found.owner)
    else:
        click.echo(found.comment, err=True)
        if not github_output:
            sys.exit(1)


@cli.command("review-suggestions")
@click.argument("prepared", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="SUGGESTIONS_JSON")
@click.option(
    "--pull",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="The pull request as GitHub's REST API returns it; without it, only the pull request's number is read.",
)
@click.option("--head-repo", metavar="OWNER/NAME", help="With --pull: the repository of the run that prepared the suggestions.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE", help="With --pull: where to write the review to post."
)
@click.option(
    "--github-output",
    is_flag=True,
    help="Also set the step output pull_request (the number), and with --pull the output post (true when there is a review to post).",
)
def review_suggestions_command(prepared: Path, pull: Path | None, head_repo: str | None, out: Path | None, github_output: bool) -> None:
    """Check the approval records prepared for a pull request from a fork, and write the review that suggests them.

    The pull request must be from the repository that prepared them and still at the reviewed
    commit; only suggested changes on a path and line are kept, with a body written here.
    """
    from . import github_actions, suggestions

    found = suggestions.read(prepared)
    if pull is None:
        click.echo(found["pull_request"])
        if github_output:
            github_actions.set_output("pull_request", str(found["pull_request"]))
        return
    if not head_repo or out is None:
        raise click.UsageError("--pull goes with --head-repo OWNER/NAME and --out FILE")
    try:
        pull_data = json.loads(pull.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise click.BadParameter("not the JSON GitHub returns for a pull request", param_hint="--pull") from None
    posted, why = suggestions.review(found, pull_data, head_repo)
    if posted is not None:
        out.write_text(json.dumps(posted, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        click.echo(f"{len(posted['comments'])} suggested changes to post on pull request #{found['pull_request']}")
    else:
        click.echo(f"::notice::{why}")
    if github_output:
        github_actions.set_output("post", "true" if posted is not None else "false")


@cli.command("affected")
@click.option("--base", metavar="REV", help="The revision to compare the working tree with, e.g. origin/main.")
@click.option(
    "--since-published",
    "since_published",
    metavar="DIR_OR_TARGET",
    help="Instead of --base: the sites (the catalogue included) whose output differs from what their manifests there say was published.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["list", "json", "github-matrix"]), default="list", show_default=True, help="Output format."
)
@click.option(
    "--or-all",
    "or_all",
    is_flag=True,
    help="When REV is empty, all zeros or not a commit here (a first push, a new branch): list every provider site, with a note why.",
)
@click.option(
    "--github-output",
    "output_name",
    metavar="NAME",
    help="Also set the step output NAME to the result (in the file named by GITHUB_OUTPUT).",
)
@click.option(
    "--github-summary", is_flag=True, help="Also add the sites and why to the job summary (the file named by GITHUB_STEP_SUMMARY)."
)
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help=TODAY_HELP)
@pass_context
def affected_command(
    obj: Context,
    base: str | None,
    since_published: str | None,
    fmt: str,
    or_all: bool,
    output_name: str | None,
    github_summary: bool,
    today: dt.datetime | None,
) -> None:
    """List the provider sites whose output changes between REV and the working tree."""
    if (base is None) == (since_published is None):
        raise click.UsageError("give either --base REV or --since-published DIR_OR_TARGET")
    if since_published is not None:
        _print_plan_sites(obj, since_published, fmt, _today(today))
        return
    from . import github_actions
    from .affected import AffectedSites, reasons, reasons_or_all

    result = reasons_or_all(obj.repo, base, _today(today)) if or_all else AffectedSites(reasons(obj.repo, base, _today(today)))
    providers = result.providers
    if result.note:
        click.echo(f"note: {result.note}", err=True)
    for provider_id, reason in result.reasons.items():
        if reason not in ("its pages change", "no usable base to compare with"):
            click.echo(f"{provider_id}: {reason}", err=True)
    if fmt == "json":
        text = json.dumps(providers)
    elif fmt == "github-matrix":
        text = json.dumps({"provider": providers}, separators=(",", ":"))
    else:
        text = "\n".join(providers)
    if text:
        click.echo(text)
    if output_name:
        github_actions.set_output(output_name, text)
    if github_summary:
        github_actions.add_summary(result.markdown())


def _print_plan_sites(obj: Context, since_published: str, fmt: str, today: dt.date) -> None:
    """affected --since-published: the sites a publish run builds, in affected's formats."""
    from .publish import plan, published_manifests

    with published_manifests(since_published) as manifests:
        result = plan(obj.repo, manifests, today)
    for name, reason in sorted(result.build.items()):
        click.echo(f"{name}: {reason}", err=True)
    sites = sorted(result.build)
    if fmt == "json":
        click.echo(json.dumps(sites))
    elif fmt == "github-matrix":
        click.echo(json.dumps({"site": sites}, separators=(",", ":")))
    elif sites:
        click.echo("\n".join(sites))


SSH_KEY_HELP = "For an ssh:// target: the private key file (default: the text of DEPLOY_SSH_KEY, else ssh's own)."
KNOWN_HOSTS_HELP = "For an ssh:// target: the known_hosts file with the server's key (default: the text of DEPLOY_KNOWN_HOSTS)."


def _ssh_options(command):
    """--ssh-key and --known-hosts, for the commands that reach a publishing target."""
    key_file = click.Path(exists=True, dir_okay=False, path_type=Path)
    command = click.option("--known-hosts", type=key_file, metavar="FILE", help=KNOWN_HOSTS_HELP)(command)
    return click.option("--ssh-key", type=key_file, metavar="FILE", help=SSH_KEY_HELP)(command)


@cli.command("publish-plan")
@click.option(
    "--published",
    required=True,
    metavar="DIR_OR_TARGET",
    help="Where the manifests (<site>.published.json) are: a folder, or the deploy target itself (ssh://user@host/path).",
)
@click.option(
    "--rebuild",
    metavar="SITE|all",
    default="",
    help="Also build this site (a provider id or catalogue), or every site with 'all'; a deploy still uploads only files that changed.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["list", "json", "github-matrix"]),
    default="list",
    show_default=True,
    help="Output format; github-matrix: the lines build=, unpublish= and today= for GITHUB_OUTPUT.",
)
@click.option("--github-summary", is_flag=True, help="Also add the plan and why to the job summary (GITHUB_STEP_SUMMARY).")
@_ssh_options
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="The day the sites are built for, YYYY-MM-DD (default: today).")
@pass_context
def publish_plan_command(
    obj: Context,
    published: str,
    rebuild: str,
    fmt: str,
    github_summary: bool,
    ssh_key: Path | None,
    known_hosts: Path | None,
    today: dt.datetime | None,
) -> None:
    """Plan a publish run from what is published: the sites to build and deploy, and those to unpublish.

    Each site is compared with its own manifest (the commit and day it was built for), so a run that was
    cancelled or failed before is caught up; a provider whose folder is deleted is unpublished.
    """
    from . import github_actions
    from .publish import plan, published_manifests

    with published_manifests(published, ssh_key, known_hosts) as manifests:
        result = plan(obj.repo, manifests, _today(today), rebuild.strip())
    lines = [f"build {name}: {why}" for name, why in sorted(result.build.items())]
    lines += [f"unpublish {name}: {why}" for name, why in sorted(result.unpublish.items())]
    if fmt == "json":
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    elif fmt == "github-matrix":
        click.echo(result.github_outputs())
        for line in lines:
            click.echo(line, err=True)
    else:
        click.echo("\n".join(lines) if lines else "nothing to publish: every site is as published")
    if github_summary:
        github_actions.add_summary("### Publish plan\n\n" + "\n".join(github_actions.bullets(lines or ["nothing to publish"])))


@cli.command("deploy")
@click.argument("site_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="SITE_DIR")
@click.option("--site", "site", metavar="NAME", help="The site's name: a provider id or catalogue (default: SITE_DIR's name).")
@click.option("--target", metavar="TARGET", help="A folder, file:///path, or ssh://user@host/path (rsync over ssh).")
@click.option("--commit", metavar="SHA", help="The commit the site was built from (default: the repository's HEAD).")
@_ssh_options
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="The day the site was built for, YYYY-MM-DD (default: today).")
@pass_context
def deploy_command(
    obj: Context,
    site_dir: Path,
    site: str | None,
    target: str | None,
    commit: str | None,
    ssh_key: Path | None,
    known_hosts: Path | None,
    today: dt.datetime | None,
) -> None:
    """Publish a built site: upload into a new release, switch to it in one step, then write its manifest.

    A failed upload leaves the site and manifest published before as they were. Files identical to those
    published are not uploaded again.
    """
    from .publish import deploy, parse_target, publisher

    destination = parse_target(target)  # refuses an empty target before anything else
    name = site or site_dir.resolve().name
    sha = commit or obj.repo.git.repo.head.commit.hexsha
    with publisher(destination, ssh_key, known_hosts) as chosen:
        result = deploy(chosen, site_dir, name, sha, _today(today))
    manifest = result.manifest
    if result.published:
        click.echo(f"published {name} from {sha[:12]} for {manifest.today.isoformat()} -> {destination}/{name} ({manifest.release})")
    else:
        click.echo(f"unchanged {name}: its files are those published ({manifest.release}); manifest at {sha[:12]}")


@cli.command("unpublish")
@click.option("--site", "site", required=True, metavar="NAME", help="The site of a provider whose folder is deleted.")
@click.option("--target", metavar="TARGET", help="A folder, file:///path, or ssh://user@host/path.")
@_ssh_options
@pass_context
def unpublish_command(obj: Context, site: str, target: str | None, ssh_key: Path | None, known_hosts: Path | None) -> None:
    """Remove a deleted provider's site from the target: its link, its releases, and last its manifest."""
    from .publish import parse_target, publisher, unpublish

    destination = parse_target(target)
    with publisher(destination, ssh_key, known_hosts) as chosen:
        unpublish(chosen, obj.repo, site)
    click.echo(f"unpublished {site} from {destination}")


@cli.command("changes")
@click.option("--base", required=True, metavar="REF", help="The revision to compare the working tree with, e.g. origin/main.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True, help="Output format.")
@click.option("--provider", "provider_id", metavar="ID", help="Only this provider's site.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help=TODAY_HELP)
@pass_context
def changes_command(obj: Context, base: str, fmt: str, provider_id: str | None, today: dt.datetime | None) -> None:
    """Per affected provider site, the pages whose text changes for patients between REF and the working tree.

    Word diffs of the pages as rendered, with includes and approved pins resolved on
    both sides; pages that appear, disappear or move; and pages whose national text
    changed but that stay as they are until the provider's experts approve it.
    Markdown (for a pull request comment) or JSON. Exit 0 whenever it could compare.
    """
    from .site_changes import FORMATS, site_changes

    result = site_changes(obj.repo, base, _today(today), provider_id)
    output = FORMATS[fmt](result)
    click.echo(output if isinstance(output, str) else json.dumps(output, ensure_ascii=False, indent=2), nl=not isinstance(output, str))


@cli.group("github")
def github_group() -> None:
    """Talk to GitHub from a workflow (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL)."""


@github_group.command("comment")
@click.option("--pr", "pull_request", required=True, type=click.IntRange(min=1), metavar="N", help="The pull request to comment on.")
@click.option("--marker", required=True, metavar="WORD", help="The comment to keep up to date is the one that starts with <!-- WORD -->.")
@click.option(
    "--body-file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="The comment's text (Markdown).",
)
@click.option(
    "--author",
    default="github-actions[bot]",
    show_default=True,
    metavar="LOGIN",
    help="Only a comment this account wrote is edited (the account of the token).",
)
def github_comment_command(pull_request: int, marker: str, body_file: Path, author: str) -> None:
    """Post FILE as one comment on pull request N, or edit that comment when it is there already."""
    from .github_comment import upsert_comment

    try:
        body = body_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.BadParameter(f"cannot read {body_file}: {getattr(exc, 'strerror', None) or exc}", param_hint="--body-file") from None
    posted = upsert_comment(pull_request, marker, body, author)
    click.echo(f"{posted.action} the comment on pull request {pull_request}{': ' + posted.url if posted.url else ''}")


@cli.group()
def sync() -> None:
    """Refresh the data snapshots under data/ (waiting times, helsenorge.no summaries)."""


def _report_sync(result, what: str) -> None:
    for failure in result.failed:
        click.echo(f"failed: {failure}", err=True)
    click.echo(result.summary(what))
    if result.failed:
        sys.exit(1)


@sync.command("waiting-times")
@click.option(
    "--from",
    "source",
    required=True,
    metavar="URL|FILE",
    help="The feed: a CSV or JSON file or URL with one row per code, location and figure.",
)
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help=TODAY_HELP)
@pass_context
def sync_waiting_times(obj: Context, source: str, today: dt.datetime | None) -> None:
    """Replace data/waiting-times.json with a checked copy of the feed.

    Any bad row rejects the whole feed and keeps the previous snapshot.
    """
    from .data import waiting_times

    repo = obj.repo
    _report_sync(waiting_times.sync(repo.root, source, repo.schemas, _today(today)), "waiting times")


@sync.command("helsenorge")
@click.option("--mirror", metavar="URL", help="Fetch from this copy of helsenorge.no instead (a proxy cache or a test server).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help=TODAY_HELP)
@pass_context
def sync_helsenorge(obj: Context, mirror: str | None, today: dt.datetime | None) -> None:
    """Fetch the title and summary of every helsenorge.no page the national texts link to.

    A page that fails keeps its previous summary; the command then exits 1.
    """
    from .data import helsenorge

    repo = obj.repo
    urls = helsenorge.linked_urls(repo.load().national.values())
    _report_sync(helsenorge.sync(repo.root, urls, repo.schemas, _today(today), mirror), "helsenorge")


class BuildProgress:
    """Progress of a build on a terminal: a bar for the whole run and one for each site being rendered.

    Elsewhere (CI, a pipe) one plain line when a site starts and when it is done.
    """

    def __enter__(self):
        self.bar = None
        self.sites: dict[str, int] = {}  # site -> its bar
        self.lock = threading.Lock()
        if sys.stderr.isatty() and not os.environ.get("CI"):
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("merging and checking", total=None)
        return self

    def __call__(self, name: str, result) -> None:
        if self.bar is None:
            click.echo(f"{'building' if result is None else 'finished'} {name}", err=True)
            return
        with self.lock:
            task = self.bar.tasks[0]
            if task.total is None:
                self.bar.update(self.task, total=0)
            if result is None:
                self.bar.update(self.task, description=f"building {name}", total=task.total + 1)
                return
            if task.total <= task.completed:
                self.bar.update(self.task, total=task.completed + 1)
            self.bar.update(self.task, advance=1, description=f"{'unchanged' if result.unchanged else 'built'} {name}")
            if name in self.sites:
                self.bar.remove_task(self.sites.pop(name))
            self.sites[name] = -1  # done: later reports of its pages are late, not new

    def pages(self, name: str, done: int, total: int) -> None:
        """How far the rendering of one site has come, in pages."""
        if self.bar is None:
            return
        with self.lock:
            if self.sites.get(name) == -1:
                return
            if name not in self.sites:
                self.sites[name] = self.bar.add_task(f"  {name}: pages", total=total)
            self.bar.update(self.sites[name], completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


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
    except HcwebError as exc:  # raised outside a command (the group turns those into click's errors)
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug in hcweb, not a content problem
        if os.environ.get("HCWEB_DEBUG"):
            raise
        click.echo(f"hcweb: internal error: {type(exc).__name__}: {exc} (set HCWEB_DEBUG=1 for details)", err=True)
        sys.exit(3)
