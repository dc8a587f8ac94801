"""JSON Schema (2020-12) validation of front matter and data files, mapped to file lines."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from .diagnostics import Diagnostic, error
from .documents import LineMap, character_name
from .errors import HcwebError

SCHEMA_NAMES = (
    "common",
    "national-text",
    "translation",
    "overlay",
    "page",
    "event",
    "media",
    "provider",
    "policy",
    "waiting-times",
    "waiting-times-feed",
    "helsenorge",
    "redirects",
)

_TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "a group of fields",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


@dataclass
class Schemas:
    """The schemas of one repository (``schemas/*.schema.json``), compiled once."""

    folder: Path

    @cached_property
    def _registry(self) -> Registry:
        resources = []
        for name in SCHEMA_NAMES:
            path = self.folder / f"{name}.schema.json"
            try:
                contents = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise HcwebError(f"cannot read the schema {path}: {exc}") from exc
            resources.append((f"urn:hcweb:schema:{name}", Resource.from_contents(_end_anchored(contents))))
        return Registry().with_resources(resources)

    @cached_property
    def _fast(self) -> dict[str, Callable[[Any], Any]]:
        """Compiled checks for the common case, a valid document (about twenty times faster).

        The schemas with their references written out in place are compiled by
        fastjsonschema; only a document that fails is checked again by jsonschema,
        which gives every error with its path.
        """
        registry = self._registry
        compiled = {}
        for name in SCHEMA_NAMES:
            if name == "common":
                continue
            inlined = _inline_refs(registry.contents(f"urn:hcweb:schema:{name}"), registry)
            inlined["$schema"] = "http://json-schema.org/draft-07/schema#"
            compiled[name] = fastjsonschema.compile(inlined, formats={"date": _is_date})
        return compiled

    @cached_property
    def _validators(self) -> dict[str, Draft202012Validator]:
        registry = self._registry
        return {
            name: Draft202012Validator(registry.contents(f"urn:hcweb:schema:{name}"), registry=registry, format_checker=FormatChecker())
            for name in SCHEMA_NAMES
            if name != "common"
        }

    def validate(self, name: str, data: Any, rel: str, lines: LineMap) -> list[Diagnostic]:
        """Every schema problem of ``data``, each at the line of the field to edit."""
        try:
            self._fast[name](data)
            return []
        except fastjsonschema.JsonSchemaException:
            pass
        validator = self._validators[name]
        problems: dict[tuple, Diagnostic] = {}
        for err in sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator)):
            for path, message in _explain(err):
                problems.setdefault(path, error(rel, lines(*path), "schema", message))
        return list(problems.values())


def _is_date(value: str) -> bool:
    try:
        return len(value) == 10 and bool(dt.date.fromisoformat(value))
    except ValueError:
        return False


def _end_anchored(schema: Any) -> Any:
    """The schema with ``$`` in every pattern meaning the end of the text, as in JSON Schema.

    JSON Schema patterns are ECMA-262 regular expressions, where ``$`` matches only at
    the end of the text; in Python's ``re`` it also matches before a final newline.
    fastjsonschema rewrites ``$`` to ``\\Z`` when it compiles; jsonschema hands the
    pattern to ``re`` as it is, and so passed ``"hip-replacement\\n"`` as a slug that the
    fast check refuses. Rewriting once, here, gives both validators the same pattern.
    """
    if isinstance(schema, list):
        return [_end_anchored(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {}
    for key, value in schema.items():
        if key == "pattern" and isinstance(value, str):
            result[key] = _end_anchor(value)
        elif key in ("properties", "$defs", "dependentSchemas") and isinstance(value, dict):
            result[key] = {name: _end_anchored(sub) for name, sub in value.items()}  # names, not schemas, as keys
        elif key == "patternProperties" and isinstance(value, dict):
            result[key] = {_end_anchor(pattern): _end_anchored(sub) for pattern, sub in value.items()}
        elif key in ("enum", "const", "examples", "default") or key.startswith("x-"):
            result[key] = value  # values, not schemas
        else:
            result[key] = _end_anchored(value)
    return result


def _end_anchor(pattern: str) -> str:
    """``pattern`` with each ``$`` outside a character class and not escaped written ``\\Z``."""
    out, escaped, in_class = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            out.append("\\Z")
            continue
        out.append(char)
    return "".join(out)


def _inline_refs(node: Any, registry: Registry, base: str = "") -> Any:
    """The schema with every $ref replaced by what it points at (the hcweb schemas have no cycles)."""
    if isinstance(node, list):
        return [_inline_refs(item, registry, base) for item in node]
    if not isinstance(node, dict):
        return node
    base = node.get("$id", base)
    if "$ref" in node:
        uri, _, pointer = node["$ref"].partition("#")
        target = registry.contents(uri or base)
        for part in [p for p in pointer.split("/") if p]:
            target = target[part]
        referenced = _inline_refs(target, registry, uri or base)
        beside = _inline_refs({k: v for k, v in node.items() if k != "$ref"}, registry, base)
        # Beside a $ref, 2020-12 applies both: a keyword in both must hold twice (allOf); an annotation (x-hint) beside it wins.
        if any(k in referenced and referenced[k] != v and not k.startswith("x-") for k, v in beside.items()):
            return {"allOf": [referenced, beside]}
        return {**referenced, **beside}
    return {key: _inline_refs(value, registry, base) for key, value in node.items() if key not in ("$id", "$defs", "$schema")}


def _field(path: tuple) -> str:
    parts: list[str] = []
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part + 1}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "the front matter"


def _found(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, RecursionError):  # a value no message could show in full anyway
        text = type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _label(path: tuple) -> str:
    """How a message names a field: 'the title' at the top, 'experts[2].name' further down."""
    if len(path) == 1 and isinstance(path[0], str):
        return f"the {path[0]}"
    return f"'{_field(path)}'"


_DATE_SHAPE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _refused_character(label: str, what: str, value: str, pattern: str) -> str:
    """Why a title, name or summary was refused for one of its characters."""
    found = re.search(pattern, value)
    char = found.group() if found else ""
    if char and char in "<>":
        return f"{label} contains '{char}'; {what} may not contain < or > (write the words instead, e.g. 'under' or 'over')"
    if char == "\n":
        return f"{label} runs over more than one line; write {what} on one line"
    if char == "\t":
        return f"{label} contains a tab; use a space"
    return f"{label} contains an invisible character ({character_name(char)}); delete it"


def _explain(err: jsonschema.ValidationError) -> list[tuple[tuple, str]]:
    """Plain-language messages for one schema error: (path of the field, message)."""
    path = tuple(err.absolute_path)
    name = _field(path)
    kind = err.validator
    hint = err.schema.get("x-hint") if isinstance(err.schema, dict) else None
    if kind == "additionalProperties" and isinstance(err.instance, dict):
        allowed = sorted((err.schema.get("properties") or {}).keys())
        results = []
        for key in err.instance:
            if key in allowed:
                continue
            if not allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1)
            suggestion = f"; did you mean '{close[0]}'?" if close else f"; allowed here: {', '.join(allowed)}"
            where = f" in {name}" if path else ""
            results.append((path + (key,), f"unknown field '{key}'{where}{suggestion}"))
        if results:
            return results
    if kind == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        where = f" in {name}" if path else ""
        if missing == "approved":
            return [(path, "no approval is recorded: an expert must review the text and run 'hcweb approve <file> --by NAME'")]
        return [(path, f"the required field '{missing}' is missing{where}")]
    if kind == "propertyNames":
        return [(path + (err.instance,), f"'{err.instance}' in {name} is not valid: {hint or err.message}")]
    if kind == "type":
        expected = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
        extra = " (put it in quotes)" if "string" in expected and isinstance(err.instance, (int, float)) else ""
        return [(path, f"'{name}' must be {words}{extra}; found {_found(err.instance)}")]
    if kind == "enum":
        options = ", ".join(str(o) for o in err.validator_value)
        return [(path, f"'{name}' must be one of: {options}; found {_found(err.instance)}")]
    what = err.schema.get("x-what") if isinstance(err.schema, dict) else None
    plausible = err.schema.get("x-plausible") if isinstance(err.schema, dict) else None
    if kind == "pattern" and plausible and isinstance(err.instance, str) and _DATE_SHAPE.match(err.instance):
        return [(path, f"the date {err.instance[:10]} is not plausible; {plausible}")]
    if kind in ("pattern", "format"):
        return [(path, f"'{name}' is not valid: {hint or 'it has the wrong form'}; found {_found(err.instance)}")]
    if kind == "not" and what and isinstance(err.instance, str) and isinstance(err.validator_value, dict):
        return [(path, _refused_character(_label(path), what, err.instance, err.validator_value.get("pattern", "")))]
    if kind == "minLength":
        return [(path, f"'{name}' must not be empty")]
    if kind == "maxLength" and what:
        return [(path, f"{_label(path)} is {len(err.instance)} characters long; {what} may be at most {err.validator_value}")]
    if kind == "maxLength":
        return [(path, f"'{name}' is too long ({len(err.instance)} characters; at most {err.validator_value})")]
    if kind in ("minItems", "minProperties"):
        return [(path, f"'{name}' must list at least {err.validator_value}")]
    if kind in ("minimum", "maximum"):
        return [
            (path, f"'{name}' must be {'at least' if kind == 'minimum' else 'at most'} {err.validator_value}; found {_found(err.instance)}")
        ]
    return [(path, f"'{name}': {err.message}")]
