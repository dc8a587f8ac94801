"""Recording an approval (or a professional review) in a file's front matter, changing nothing else in the file.

The edit is made on the text, guided by the YAML parser's positions: each value
of the ``approved`` (or ``reviewed``) block is replaced where it stands, missing
ones are added at the end of the block, and the tool-owned ``revisions`` block is
rewritten; comments, key order, quoting and the body stay byte for byte.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .approvals import national_part, newest_after, overlay_parts, page_part
from .diagnostics import Diagnostic
from .documents import ContentLoader, front_matter_span, split_front_matter
from .errors import HcwebError
from .files import write_atomic
from .model import NationalText, Overlay, Provider, ProviderPage, Translation, is_plausible, translation_key
from .repo import Content, Repository
from .resolve import NATIONAL_LANGUAGE, approved_by_owner, expand_overlay, page_language

_PLAIN_SAFE = re.compile(r"^[A-Za-zÀ-ÿ0-9][^:#\n]*[^\s:#]$|^[A-Za-zÀ-ÿ]$")

Document = NationalText | Overlay | ProviderPage | Translation
# The values to write in a block, in order: a text, a mapping (revisions), or None to remove the key.
Values = dict[str, "str | dict[str, str] | None"]


@dataclass
class Approved:
    rel: str
    by: str
    on: dt.date
    revisions: dict[str, str]
    changed: bool
    values: Values = field(default_factory=dict)


def scalar(value: str) -> str:
    """A YAML scalar for ``value`` that reads back as the same text."""
    if _PLAIN_SAFE.match(value) and yaml.load(value, Loader=ContentLoader) == value:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class BadArgument(HcwebError):
    """The command line names a file that cannot be approved, or an impossible date (a usage problem: exit 2)."""

    exit_code = 2


# Problems that leave a file unread or half read: it cannot be approved until they are fixed.
UNREADABLE = ("yaml", "front-matter", "encoding", "unreadable", "outside-root", "link", "invisible-character", "file-too-large")


def find_document(content: Content, rel: str) -> Document:
    """The national text, overlay or provider page at ``rel``; BadArgument (a usage error) for any other file.

    A file that is there but could not be read is reported with the reason, at its line.
    """
    for text in content.national.values():
        if text.rel == rel:
            return text
    for translation in (t for by_language in content.translations.values() for t in by_language.values()):
        if translation.rel == rel:
            return translation
    for provider in content.providers.values():
        for document in (*provider.overlays, *provider.pages):
            if document.rel == rel:
                return document
    unread = unreadable_problems(content, rel)
    if unread:
        first = unread[0]
        raise HcwebError(f"{first.path}:{first.line}: {first.message}")
    raise BadArgument(f"{rel} is not a national text, a translation of one, a local overlay or a provider's page")


def unreadable_problems(content: Content, rel: str) -> list[Diagnostic]:
    """The problems that kept the file ``rel`` from being read whole."""
    return [p for p in content.problems if p.path == rel and p.code.startswith(UNREADABLE)]


def _provider_of(content: Content, document: Document) -> Provider | None:
    if isinstance(document, NationalText):
        return content.providers.get(document.owner or "")
    if isinstance(document, Translation):  # a translation is approved by an expert of its source's owner
        source = content.national.get(document.id)
        return content.providers.get(source.owner or "") if source else None
    return content.providers.get(document.provider_id)


def _who_may(provider: Provider, document: Document, by: str, content: Content) -> str | None:
    """Why ``by`` may not approve ``document`` (None: they may)."""
    if isinstance(document, ProviderPage):
        if provider.may_approve_pages(by):
            return None
        return f"'{by}' is neither an expert nor the editor of {provider.name} (its experts: {_names(provider)}; its editor: {provider.editor or 'none'})"
    expert = provider.expert(by)
    if expert is None:
        return f"'{by}' is not an expert of {provider.name} (its experts: {_names(provider)})"
    for specialty in sorted(_specialties(content, document)):
        if not expert.may_approve(specialty):
            return f"{by} is an expert in {', '.join(expert.specialties)}, not {specialty}, so cannot approve {document.rel}"
    return None


def _names(provider: Provider) -> str:
    return ", ".join(e.name for e in provider.experts) or "none listed"


def _specialties(content: Content, document: Document) -> set[str]:
    if isinstance(document, NationalText):
        return {document.specialty} - {None}
    if isinstance(document, Translation):
        source = content.national.get(document.id)
        return {source.specialty} - {None} if source else set()
    if isinstance(document, Overlay):
        provider = content.providers[document.provider_id]
        included = expand_overlay(content, provider, document).included
        return {content.national[t].specialty for t in included if t in content.national} - {None}
    return set()


def plan(repo: Repository, content: Content, document: Document, by: str, on: dt.date, today: dt.date, safety: bool = False) -> Values:
    """The values an approval of ``document`` as it is now records; HcwebError when it cannot be approved so."""
    rel = document.rel
    own_problems = unreadable_problems(content, rel)
    if own_problems:
        first = own_problems[0]
        raise HcwebError(f"{first.path}:{first.line}: {first.message} (fix the file before approving it)")
    provider = _provider_of(content, document)
    if provider is None:
        raise HcwebError(f"{rel}: its owner is not a provider, so nobody can approve it")
    refusal = _who_may(provider, document, by, content)
    if refusal:
        raise HcwebError(f"{rel}: {refusal}")
    if safety and not isinstance(document, NationalText):
        raise BadArgument(f"{rel}: only a national text's owner can mark a safety correction (--safety)")
    values: Values = {"by": scalar(by), "on": on.isoformat()}
    branch = content.policy.main_branch
    if isinstance(document, NationalText):
        values["revision"] = scalar(document.revision)
        values["safety"] = "true" if safety else None
        parts = [national_part(document)]
    elif isinstance(document, Translation):
        from .checks.translations import translation_part

        values["revision"] = scalar(document.revision)
        parts = [translation_part(document)]
    elif isinstance(document, Overlay):
        expansion = expand_overlay(content, provider, document)
        if expansion.problems:
            first = expansion.problems[0]
            raise HcwebError(f"{first.path}:{first.line}: {first.message} (fix the includes before approving)")
        revisions = {text_id: content.national[text_id].revision for text_id in sorted(expansion.included)}
        values["revisions"] = revisions
        values["local"] = scalar(document.local_hash(provider))
        translations = overlay_translations(content, provider, expansion.included, page_language(provider, document))
        if document.language is not None:
            _translated_throughout(content, document, expansion.included, translations)
        values["translations"] = translations or None
        parts = overlay_parts(document, provider, content.national, repo.git, branch, revisions)
    else:
        values["local"] = scalar(document.local_hash)
        parts = [page_part(document)]
    newest = newest_after(repo.git, parts, on, today)
    if newest is not None:
        raise HcwebError(
            f"{rel}: an approval on {on.isoformat()} cannot cover {newest.rel}, which {newest.when()}; "
            + (
                "give a date on or after that (or leave out --on for today)"
                if newest.committed
                else "leave out --on: it can only be approved today"
            )
        )
    return values


def overlay_translations(content: Content, provider: Provider, included, language: str | None = None) -> dict[str, str]:
    """The translations an overlay's approval records: on a page in another language (a site in nynorsk, or an overlay
    ``<slug>.<language>.md``), for each national text it includes, the translation into that language of the text's
    current revision, when the text's owner approved it. (A translation nobody approved, or of another revision, is
    not recorded: a nynorsk site shows the national text; a page in another language is refused, _translated_throughout.)"""
    language = language or provider.language
    if language == NATIONAL_LANGUAGE:
        return {}
    found = {}
    for text_id in sorted(included):
        translation = content.translations.get(text_id, {}).get(language)
        text = content.national.get(text_id)
        if translation and text and translation.source_revision == text.revision and approved_by_owner(content, translation):
            found[translation_key(text_id, language)] = translation.revision
    return found


def _translated_throughout(content: Content, overlay: Overlay, included, translations: dict[str, str]) -> None:
    """HcwebError unless every national text an overlay in another language shows has a translation into that language
    of its current revision, approved by the text's owner: such a page shows nothing in bokmål, nor unapproved words."""
    language = overlay.language
    for text_id in sorted(included):
        if translation_key(text_id, language) in translations:
            continue
        text = content.national[text_id]
        translation = content.translations.get(text_id, {}).get(language)
        if translation is None:
            why = (
                f"there is no {language} translation of '{text_id}' (its owner can start one: 'hcweb translate {text_id} --to {language}')"
            )
        elif translation.source_revision != text.revision:
            why = (
                f"the {language} translation {translation.rel} renders revision {translation.source_revision} of '{text_id}', "
                f"not its current revision {text.revision}; its owner brings it up to date first ('hcweb diff {translation.rel}')"
            )
        else:
            why = f"the {language} translation {translation.rel} is not approved by an expert of the text's owner yet"
        raise HcwebError(f"{overlay.rel}: this page in another language cannot be approved: {why}")


def _check_date(on: dt.date, today: dt.date) -> None:
    if on > today:
        raise HcwebError(f"the approval date {on.isoformat()} is in the future")
    if not is_plausible(on):
        raise BadArgument(f"the approval date {on.isoformat()} is not plausible; give a date between 1900 and 2099")


def approve(repo: Repository, paths: list[Path], by: str, on: dt.date, today: dt.date, safety: bool = False) -> list[Approved]:
    """Record ``by``'s approval of each file as it is now; nothing is written unless every file can be approved."""
    _check_date(on, today)
    content = repo.load()
    documents = [find_document(content, repo.argument_rel(path)) for path in paths]
    planned = [(document, plan(repo, content, document, by, on, today, safety)) for document in documents]
    return [_write(repo, document.rel, "approved", values, by, on) for document, values in planned]


def _write(repo: Repository, rel: str, block: str, values: Values, by: str, on: dt.date) -> Approved:
    target = repo.root / rel
    original = target.read_bytes().decode("utf-8")
    updated = record_in_text(original, rel, block, values)
    if updated != original:
        write_atomic(target, updated)
    revisions = values.get("revisions")
    return Approved(rel, by, on, revisions if isinstance(revisions, dict) else {}, updated != original, values)


def review(repo: Repository, path: Path, by: str, on: dt.date, today: dt.date) -> Approved:
    """Record ``by``'s professional review of a national text: ``reviewed: {on, by}``."""
    _check_date(on, today)
    content = repo.load()
    document = find_document(content, repo.argument_rel(path))
    if not isinstance(document, NationalText):
        raise BadArgument(f"{document.rel}: only a national text has a professional review; give a file under content/common/")
    provider = _provider_of(content, document)
    if provider is None:
        raise HcwebError(f"{document.rel}: its owner is not a provider, so nobody can review it")
    refusal = _who_may(provider, document, by, content)
    if refusal:
        raise HcwebError(f"{document.rel}: {refusal} (a review is recorded by an expert of the owner)")
    return _write(repo, document.rel, "reviewed", {"on": on.isoformat(), "by": scalar(by)}, by, on)


# -- approvals written from a GitHub review ----------------------------------------------------------


@dataclass
class Suggestion:
    """A suggested change, as a GitHub pull-request review comment."""

    path: str
    line: int
    start_line: int | None
    body: str

    def as_comment(self) -> dict:
        comment = {"path": self.path, "line": self.line, "side": "RIGHT", "body": self.body}
        if self.start_line is not None and self.start_line != self.line:
            comment["start_line"] = self.start_line
            comment["start_side"] = "RIGHT"
        return comment


def changed_since(repo: Repository, ref: str) -> set[str]:
    """Files under content/ that differ between ``ref`` and the working tree, untracked ones included."""
    if not ref or ref.startswith("-"):
        raise BadArgument(f"'{ref}' is not a revision: give a branch, tag or commit, e.g. --base origin/main")
    try:
        ref = repo.git.repo.git.merge_base(ref, "HEAD").strip() or ref  # where the pull request left its base
        changed = repo.git.repo.git.diff("--name-only", "--no-renames", ref, "--", "content").split("\n")
        untracked = repo.git.repo.git.ls_files("--others", "--exclude-standard", "--", "content").split("\n")
    except Exception as exc:  # git's own message says what is wrong with the revision
        raise BadArgument(f"cannot compare with '{ref}': {str(exc).strip().splitlines()[-1]}") from None
    return {line.strip() for line in (*changed, *untracked) if line.strip()}


def _needs_record(content: Content, document: Document) -> bool:
    approval = document.approved
    if approval is None:
        return True
    if isinstance(document, NationalText | Translation):
        return approval.revision != document.revision
    if isinstance(document, ProviderPage):
        return approval.local != document.local_hash
    provider = content.providers[document.provider_id]
    included = expand_overlay(content, provider, document).included
    current = {t: content.national[t].revision for t in included if t in content.national}
    translations = overlay_translations(content, provider, included, page_language(provider, document))
    return (
        approval.local != document.local_hash(provider)
        or any(approval.revisions.get(t) != r for t, r in current.items())
        or any(approval.translations.get(k) != r for k, r in translations.items())
    )


def _covers(content: Content, document: Document) -> set[str]:
    """The files whose content an approval of ``document`` covers."""
    if not isinstance(document, Overlay):
        return {document.rel}
    provider = content.providers[document.provider_id]
    return set(expand_overlay(content, provider, document).files)


def from_review(
    repo: Repository, login: str, base: str, on: dt.date, today: dt.date, suggest: bool = False
) -> tuple[list[Approved], list[Suggestion]]:
    """Approvals for ``login``'s review: every file the pull request changed (or whose covered content it changed)
    that needs a record and that this person, as named in provider.yml at ``base``, may approve."""
    _check_date(on, today)
    if repo.git.repo is None:
        raise BadArgument("approve --from-review needs a git checkout")
    changed = changed_since(repo, base)
    content = repo.load()
    documents: list[Document] = [t for t in content.national.values() if not t.is_draft]
    documents += [t for by_language in content.translations.values() for t in by_language.values()]
    for provider in content.providers.values():
        documents += [*provider.overlays, *provider.pages]
    approved: list[Approved] = []
    suggestions: list[Suggestion] = []
    people: dict[str, Provider | None] = {}
    for document in sorted(documents, key=lambda d: d.rel):
        if not (_covers(content, document) & changed) or not _needs_record(content, document):
            continue
        if isinstance(document, NationalText):
            provider_id = _owner_at(repo, base, document)
        elif isinstance(document, Translation):
            source = content.national.get(document.id)
            provider_id = _owner_at(repo, base, source) if source else None
        else:
            provider_id = document.provider_id
        if provider_id not in people:
            people[provider_id] = repo.git.provider_at(base, provider_id or "")
        before = people[provider_id]
        name = before.person_by_login(login) if before else None
        if name is None or provider_id is None or (not isinstance(document, ProviderPage) and before.expert(name) is None):
            continue  # not this reviewer's to approve
        try:
            values = plan(repo, content, document, name, on, today)
        except HcwebError:
            continue  # validate reports why it cannot be approved
        if suggest:
            original = (repo.root / document.rel).read_bytes().decode("utf-8")
            suggestions += suggestions_for(document.rel, original, record_in_text(original, document.rel, "approved", values))
        else:
            approved.append(_write(repo, document.rel, "approved", values, name, on))
    return approved, suggestions


def _owner_at(repo: Repository, base: str, text: NationalText) -> str | None:
    """The text's owner before the pull request (moving a text is the old owner's to approve); its owner now when new."""
    before = repo.git.file_at(base, text.rel)
    if before is not None:
        data = split_front_matter(before, text.rel).data
        owner = data.get("owner") if isinstance(data, dict) else None
        if isinstance(owner, str):
            return owner
    return text.owner


def suggestions_for(rel: str, old: str, new: str) -> list[Suggestion]:
    """GitHub suggestions that turn ``old`` into ``new``, one per changed run of lines."""
    before, after = old.splitlines(keepends=True), new.splitlines(keepends=True)
    found = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i1 == i2:  # an insertion: suggest the line before it, followed by the new lines
            anchor = max(i1 - 1, 0)
            replacement = before[anchor : anchor + 1] + after[j1:j2] if i1 > 0 else after[j1:j2] + before[:1]
            first, last = anchor + 1, anchor + 1
        else:
            replacement = after[j1:j2]
            first, last = i1 + 1, i2
        text = "".join(line if line.endswith("\n") else line + "\n" for line in replacement)
        found.append(Suggestion(rel, last, first, f"```suggestion\n{text}```"))
    return found


def record_in_text(text: str, rel: str, block: str, values: Values) -> str:
    """``text`` with ``values`` recorded in its ``block`` (approved or reviewed); a byte-order mark and old Mac
    line endings (CR alone) are kept."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text[len(bom) :]
    cr_only = "\r" in text and "\n" not in text
    if cr_only:  # edited with \n line endings, written back with \r (the file had no \n to lose)
        text = text.replace("\r", "\n")
    updated = _edit_front_matter(text, rel, block, values)
    if cr_only:
        updated = updated.replace("\n", "\r")
    return bom + updated


def _edit_front_matter(text: str, rel: str, block: str, values: Values) -> str:
    span = front_matter_span(text)  # the same reading of the file as everywhere else (documents.py)
    if span is None:
        raise HcwebError(f"{rel}:1: the file has no front matter to record the {block} in")
    newline = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
    fm_start, fm_end = span
    front = text[fm_start:fm_end]
    root = yaml.compose(front, Loader=ContentLoader)
    if not isinstance(root, yaml.MappingNode):
        raise HcwebError(f"{rel}:2: the front matter must be a list of 'key: value' lines")
    node = _value(root, block)
    if isinstance(node, yaml.MappingNode) and node.flow_style and _in_place(node, values):
        edits = [(v.start_mark.index, v.end_mark.index, values[k.value]) for k, v in node.value if k.value in values]
        for start, end, new in sorted(edits, reverse=True):
            front = front[:start] + new + front[end:]
        return text[:fm_start] + front + text[fm_end:]
    if node is None or not isinstance(node, yaml.MappingNode) or node.flow_style:
        lines = _block_lines(values, "  ", newline)
        if node is None:
            suffix = "" if front.endswith("\n") or not front else newline
            front = front + suffix + f"{block}:" + newline + lines
        else:
            key = _key(root, block)
            start = _line_start(front, key.start_mark.index)
            end = _block_end(front, node, key.start_mark.column)
            front = front[:start] + f"{block}:" + newline + lines + front[end:]
        return text[:fm_start] + front + text[fm_end:]
    indent = " " * node.start_mark.column
    block_column = _key(root, block).start_mark.column
    edits: list[tuple[int, int, str]] = []
    appended: Values = {}
    for name, value in values.items():
        key, current = _key(node, name), _value(node, name)
        if key is None:
            if value is not None:
                appended[name] = value
            continue
        if isinstance(value, str) and isinstance(current, yaml.ScalarNode):
            edits.append((current.start_mark.index, current.end_mark.index, value))
        else:  # a mapping (revisions), a removal, or a value of another shape: its lines are rewritten
            start = _line_start(front, key.start_mark.index)
            end = _block_end(front, current, key.start_mark.column)
            edits.append((start, end, _block_lines({name: value}, indent, newline) if value is not None else ""))
    if appended:
        at = _block_end(front, node, block_column)
        edits.append((at, at, _block_lines(appended, indent, newline)))
    for start, end, new in sorted(edits, reverse=True):
        front = front[:start] + new + front[end:]
    return text[:fm_start] + front + text[fm_end:]


def _in_place(node: yaml.MappingNode, values: Values) -> bool:
    """Whether a flow mapping ({by: ..., on: ...}) can take ``values`` by replacing its own scalars, on its own line."""
    present = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    return all(isinstance(value, str) and isinstance(present.get(name), yaml.ScalarNode) for name, value in values.items())


def _key(mapping: yaml.MappingNode, name: str) -> yaml.Node | None:
    return next((k for k, _ in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == name), None)


def _value(mapping: yaml.MappingNode, name: str) -> yaml.Node | None:
    return next((v for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == name), None)


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end == -1 else end + 1


def _block_end(text: str, node: yaml.Node, key_column: int | None = None) -> int:
    """The end of the lines that belong to ``node``: up to the next line indented no deeper than its key."""
    column = key_column if key_column is not None else node.start_mark.column
    position = _line_end(text, node.start_mark.index)
    while position < len(text):
        end = _line_end(text, position)
        line = text[position:end]
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and len(line) - len(line.lstrip(" ")) <= column:
            break
        position = end
    return position


def _block_lines(values: Values, indent: str, newline: str) -> str:
    lines = []
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, dict):
            lines.append(f"{indent}{name}:" if value else f"{indent}{name}: {{}}")
            lines += [f"{indent}  {k}: {scalar(v)}" for k, v in value.items()]
        else:
            lines.append(f"{indent}{name}: {value}")
    return newline.join(lines) + newline if lines else ""
