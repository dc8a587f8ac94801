"""The provider registry: provider.yml of every provider."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, error
from ..model import items, text

# Output folders next to the provider sites.
RESERVED_IDS = {"catalogue": "the catalogue of national texts"}

if TYPE_CHECKING:
    from . import CheckContext


def check(context: CheckContext) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for provider in context.in_scope():
        if not provider.data:
            continue  # unreadable or broken YAML, already reported
        rel, lines = provider.rel, provider.lines
        if provider.id in RESERVED_IDS:
            found.append(
                error(rel, lines("id"), "provider-id", f"'{provider.id}' is reserved for {RESERVED_IDS[provider.id]}; choose another id")
            )
        declared = text(provider.data, "id")
        if declared and declared != provider.id:
            found.append(error(rel, lines("id"), "provider-id", f"the id '{declared}' must be the folder name '{provider.id}'"))
        found += _duplicates(rel, lines, "experts", "name", provider.data, "an expert")
        found += _duplicates(rel, lines, "locations", "id", provider.data, "a location id")
        departments = [
            (d, (("locations", li, "departments", di, "id")))
            for li, location in enumerate(items(provider.data, "locations"))
            for di, d in enumerate(items(location, "departments"))
        ]
        seen: Counter[str] = Counter()
        for department, path in departments:
            department_id = text(department, "id")
            if department_id:
                seen[department_id] += 1
                if seen[department_id] == 2:
                    found.append(
                        error(
                            rel,
                            lines(*path),
                            "duplicate-id",
                            f"the department id '{department_id}' is used twice in this provider; department ids must be unique",
                        )
                    )
    return found + _shared_accounts(context)


def _shared_accounts(context: CheckContext) -> list[Diagnostic]:
    """One GitHub account is one person: it may not stand for two names (an approval by it would back either)."""
    names: dict[str, str] = {}  # login (lowercase) -> the name it first stands for
    found = []
    for provider in context.content.providers.values():
        people = [(("experts", i, "github"), text(e, "name"), text(e, "github")) for i, e in enumerate(items(provider.data, "experts"))]
        editorial = provider.data.get("editorial") if isinstance(provider.data, dict) else None
        people.append((("editorial", "github"), text(editorial, "editor"), text(editorial, "github")))
        for path, name, login in people:
            if not name or not login:
                continue
            first = names.setdefault(login.lower(), name)
            if first != name and (context.scope is None or provider.id == context.scope):
                found.append(
                    error(
                        provider.rel,
                        provider.lines(*path),
                        "github-shared",
                        f"the GitHub account '{login}' is already {first}'s; one account is one person, so an approval by it "
                        "would back either name. Give each person their own account",
                    )
                )
    return found


def _duplicates(rel: str, lines, list_key: str, key: str, data: dict, what: str) -> list[Diagnostic]:
    found = []
    seen: set[str] = set()
    for index, entry in enumerate(items(data, list_key)):
        value = text(entry, key)
        if value is None:
            continue
        if value in seen:
            found.append(error(rel, lines(list_key, index, key), "duplicate-id", f"{what} '{value}' is listed twice"))
        seen.add(value)
    return found
