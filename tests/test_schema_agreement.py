"""The two schema validators give the same verdict on every document.

``Schemas.validate`` asks fastjsonschema (the schemas with their references
written out, compiled as draft-07) first and shows a document to jsonschema
(Draft 2020-12, the project's registry) only when the fast one refuses it. A
document the fast one passes is never shown to the other, so they must agree:
on every schema, for documents generated from the schema itself and for the
sample content, each mutated near the edge of what the schema allows (keys
dropped and added, wrong types, boundary lengths and numbers, characters a
pattern or a ``not`` refuses, near misses of enums, impossible dates).
"""

from __future__ import annotations

import functools
import json
import math
import string
from typing import Any

import fastjsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from hcweb.documents import LineMap, load_yaml, split_front_matter
from hcweb.schema import SCHEMA_NAMES, Schemas, _inline_refs
from helpers import PROJECT

SCHEMAS = Schemas(PROJECT / "schemas")
NAMES = [name for name in SCHEMA_NAMES if name != "common"]
AGREEMENT = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
)


def verdicts(name: str, document: Any) -> tuple[bool, bool]:
    """(the fast validator passes it, jsonschema finds no error): the two sides of Schemas.validate."""
    try:
        SCHEMAS._fast[name](document)
        fast = True
    except fastjsonschema.JsonSchemaException:
        fast = False
    full = next(iter(SCHEMAS._validators[name].iter_errors(document)), None) is None
    return fast, full


def assert_agree(name: str, document: Any) -> None:
    fast, full = verdicts(name, document)
    shown = json.dumps(document, ensure_ascii=False, default=repr)[:400]
    assert fast == full, f"{name}: fastjsonschema {'passes' if fast else 'refuses'}, jsonschema {'passes' if full else 'refuses'}: {shown}"
    assert (SCHEMAS.validate(name, document, "x", LineMap()) == []) == full


# -- the sample content, per schema ----------------------------------------------------------


def _front_matter(paths) -> list[dict]:
    found = []
    for path in sorted(paths):
        data = split_front_matter(path.read_text(encoding="utf-8"), path.name).data
        if isinstance(data, dict):
            found.append(data)
    return found


def _yaml(paths) -> list[dict]:
    return [load_yaml(path.read_text(encoding="utf-8"), path.name).data for path in sorted(paths)]


def _json(paths) -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(paths)]


def _samples() -> dict[str, list[dict]]:
    content = PROJECT / "content"
    providers = content / "providers"
    own = ("pages", "snippets", "events")
    overlays = [p for p in providers.glob("*/*/*.md") if p.parent.name not in own]
    waiting = _json([PROJECT / "data" / "waiting-times.json"])
    figures = [figure for snapshot in waiting for figure in snapshot["figures"]]
    feed = [
        {**{k: f[k] for k in ("code", "provider", "location", "reported")}, "figure": figure, "weeks": f[f"{figure}_weeks"]}
        for f in figures
        for figure in ("assessment", "treatment")
        if f"{figure}_weeks" in f
    ]
    return {
        "national-text": _front_matter(p for p in content.glob("common/*/*.md") if "." not in p.stem),
        "translation": _front_matter(p for p in content.glob("common/*/*.md") if "." in p.stem),
        "overlay": _front_matter(overlays),
        "page": _front_matter(providers.glob("*/pages/**/*.md")),
        "event": _front_matter(providers.glob("*/events/*.md")),
        "media": _yaml(content.glob("media/*.yml")),
        "provider": _yaml(providers.glob("*/provider.yml")),
        "redirects": _yaml(providers.glob("*/redirects.yml")),
        "policy": _yaml([PROJECT / "hcweb.yml"]),
        "waiting-times": waiting,
        "waiting-times-feed": feed,
        "helsenorge": _json((PROJECT / "data" / "helsenorge").glob("*.json")),
    }


SAMPLES = _samples()


def test_every_schema_has_valid_samples() -> None:
    for name in NAMES:
        assert SAMPLES[name], name
        for document in SAMPLES[name]:
            assert verdicts(name, document) == (True, True), (name, document)


# -- values near what a schema allows --------------------------------------------------------

# Characters that patterns, `not` and lengths care about, and a few that they must not.
SPECIAL = [
    "\n",
    "\r",
    "\t",
    "\x00",
    "\x1f",
    "\x7f",
    "\x85",
    "\x9f",
    "\xa0",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u2066",
    "\ufeff",
    "<",
    ">",
    "<b>",
    "< 5",
    " ",
    "-",
    "--",
    "/",
    "//",
    "#",
    "@",
    ".",
    ":",
    "A",
    "Z",
    "æ",
    "ø",
    "$",
    "\\",
    "`",
    "'",
    '"',
    "{",
    "0",
    "9",
    "١",
]
PLAIN = st.text(alphabet=string.ascii_letters + string.digits + " æøåÆØÅ-.,", min_size=1, max_size=20)
WRONG_TYPES = st.sampled_from([None, True, False, 0, 1, -1, 1.0, 1.5, float("nan"), float("inf"), "", "x", "1", [], ["x"], {}, {"x": 1}])


def _cached(make):
    """One strategy per schema (the schemas are built once and never change)."""
    made: dict[tuple[int, int], st.SearchStrategy[Any]] = {}

    def strategy(schema: dict, depth: int = 0) -> st.SearchStrategy[Any]:
        key = (id(schema), depth)
        if key not in made:
            made[key] = make(schema, depth)
        return made[key]

    return strategy


def _patterns(schema: dict) -> list[str]:
    found = [schema["pattern"]] if isinstance(schema.get("pattern"), str) else []
    for sub in schema.get("allOf", []):
        found += _patterns(sub)
    return found


def _kind(schema: dict) -> str | None:
    if "enum" in schema or "const" in schema:
        return "enum"
    kind = schema.get("type")
    if kind is None and ("pattern" in schema or "allOf" in schema or "maxLength" in schema):
        return "string"
    return kind


@functools.cache
def _regex(pattern: str) -> st.SearchStrategy[str]:
    try:
        return st.from_regex(pattern, fullmatch=True)
    except Exception:  # a pattern hypothesis cannot generate from
        return PLAIN


@_cached
def valid(schema: dict, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values the schema (mostly) allows."""
    kind = _kind(schema)
    if kind == "enum":
        return st.sampled_from(schema.get("enum", [schema.get("const")]))
    if kind == "string":
        return _valid_string(schema)
    if kind == "integer":
        return st.integers(schema.get("minimum", -(10**6)), schema.get("maximum", 10**6))
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        items = valid(schema.get("items", {}), depth + 1)
        low = schema.get("minItems", 0)
        return st.lists(items, min_size=low, max_size=low + 3)
    if kind == "object":
        return _valid_object(schema, depth)
    return PLAIN


@_cached
def _valid_string(schema: dict, depth: int = 0) -> st.SearchStrategy[str]:
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    patterns = _patterns(schema)
    if schema.get("format") == "date":
        base = st.dates().filter(lambda d: 1900 <= d.year <= 2099).map(lambda d: d.isoformat())
    elif patterns and "(?!" not in patterns[0]:
        base = _regex(patterns[0])
    else:
        base = PLAIN
    options = [base]
    if high is not None:
        options.append(st.builds(lambda s, n: (s * n)[:n] if s else "a" * n, base, st.sampled_from([max(low, 1), high])))
    return st.one_of(options)


def _valid_object(schema: dict, depth: int) -> st.SearchStrategy[dict]:
    properties = schema.get("properties", {})
    required = [key for key in schema.get("required", []) if key in properties]
    if not properties and isinstance(schema.get("additionalProperties"), dict):
        keys = valid(schema.get("propertyNames", {"type": "string"}), depth + 1).filter(lambda k: isinstance(k, str))
        low = schema.get("minProperties", 0)
        return st.dictionaries(keys, valid(schema["additionalProperties"], depth + 1), min_size=low, max_size=low + 3)
    if depth > 4:
        return st.fixed_dictionaries({key: valid(properties[key], depth + 1) for key in required})
    optional = {key: valid(sub, depth + 1) for key, sub in properties.items() if key not in required}
    return st.fixed_dictionaries({key: valid(properties[key], depth + 1) for key in required}, optional=optional)


@_cached
def near(schema: dict, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values at or just past the edge of what the schema allows."""
    kind = _kind(schema)
    options: list[st.SearchStrategy[Any]] = [WRONG_TYPES]
    if kind == "enum":
        values = [v for v in schema.get("enum", [schema.get("const")]) if isinstance(v, str)]
        if values:
            options.append(
                st.tuples(st.sampled_from(values), st.sampled_from(SPECIAL), st.booleans()).map(
                    lambda t: t[1] + t[0] if t[2] else t[0] + t[1]
                )
            )
            options.append(st.sampled_from(values).map(str.upper))
    elif kind == "string":
        base = _valid_string(schema)
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        options.append(st.tuples(base, st.sampled_from(SPECIAL), st.integers(0, 50)).map(lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]))
        options.append(st.tuples(base, st.sampled_from(["\n", " ", "\t", "\r\n", "\u2028", "x", "/"])).map(lambda t: t[0] + t[1]))
        lengths = [n for n in (low - 1, low, high, (high or 0) + 1) if n is not None and n >= 0]
        options.append(st.tuples(st.sampled_from(lengths), st.sampled_from(["a", "æ", "1", "a-", " "])).map(lambda t: t[1] * t[0]))
        options.append(st.tuples(base, st.sampled_from(lengths)).map(lambda t: (t[0] * (t[1] + 1))[: t[1]] if t[0] else "a" * t[1]))
        for pattern in _patterns(schema):
            options.append(_regex(pattern))
            options.append(st.from_regex(pattern, fullmatch=False) if "(?!" not in pattern else PLAIN)
        if schema.get("format") == "date" or "[0-9]{2}-[0-9]{2}" in str(_patterns(schema)):
            options.append(
                st.sampled_from(
                    [
                        "2026-02-30",
                        "2026-02-29",
                        "2024-02-29",
                        "2026-13-01",
                        "2026-00-10",
                        "2026-1-1",
                        "20260501",
                        "2026-05-01T10:00",
                        "1899-12-31",
                        "2100-01-01",
                        "1900-01-01",
                        "2099-12-31",
                        "2026-05-01\n",
                        " 2026-05-01",
                        "2026-W01-1",
                    ]
                )
            )
    elif kind in ("integer", "number"):
        bounds = [schema.get("minimum"), schema.get("maximum")]
        edges = [b + d for b in bounds if b is not None for d in (-1, 0, 1)]
        options.append(st.sampled_from(edges or [0]))
        options.append(st.sampled_from(edges or [0]).map(float))
        options.append(st.sampled_from([0.5, -0.0, 1e300, -1e300, 2**63, -(2**63), 10**30, float("nan"), float("-inf")]))
    elif kind == "boolean":
        options.append(st.sampled_from(["true", "false", "yes", "on", 0, 1]))
    elif kind == "array":
        options.append(st.just([]))
        options.append(st.lists(near(schema.get("items", {})), min_size=1, max_size=3))
    elif kind == "object":
        options.append(st.just({}))
    return st.one_of(options)


# -- mutating a document at a place the schema describes -------------------------------------


def _places(value: Any, schema: dict, path: tuple = ()) -> list[tuple[tuple, dict]]:
    """Every (path, schema) in the document, the document itself first."""
    found = [(path, schema)]
    if isinstance(value, dict) and isinstance(schema, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            sub = properties.get(key, extra if isinstance(extra, dict) else None)
            if isinstance(sub, dict):
                found += _places(item, sub, path + (key,))
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            found += _places(item, schema["items"], path + (index,))
    return found


def _replace(document: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(document, dict):
        return {**document, head: _replace(document[head], rest, new)}
    return [_replace(item, rest, new) if index == head else item for index, item in enumerate(document)]


def _at(document: Any, path: tuple) -> Any:
    for part in path:
        document = document[part]
    return document


def _similar_key(keys: list[str]) -> st.SearchStrategy[str]:
    """An unknown key: a typo of a known one, or another word."""
    typo = st.tuples(st.sampled_from(keys), st.sampled_from(["s", "_", "-", "e", " ", "\n"])).map(lambda t: t[0] + t[1]) if keys else PLAIN
    upper = st.sampled_from(keys).map(str.title) if keys else PLAIN
    return st.one_of(typo, upper, PLAIN, st.sampled_from(["$ref", "x-hint", "status", "approved", "on", "id"]))


@st.composite
def mutation(draw, document: Any, schema: dict) -> Any:
    path, sub = draw(st.sampled_from(_places(document, schema)))
    value = _at(document, path)
    actions = ["replace-near", "replace-valid"]
    if isinstance(value, dict):
        actions += ["drop", "add"]
    if isinstance(value, list):
        actions += ["append", "empty"]
    action = draw(st.sampled_from(actions))
    if action == "replace-near":
        return _replace(document, path, draw(near(sub)))
    if action == "replace-valid":
        return _replace(document, path, draw(valid(sub)))
    if action == "drop" and value:
        key = draw(st.sampled_from(sorted(value)))
        return _replace(document, path, {k: v for k, v in value.items() if k != key})
    if action == "add":
        properties = sorted(sub.get("properties", {}))
        key = draw(st.one_of(st.sampled_from(properties), _similar_key(properties)) if properties else _similar_key([]))
        new = draw(valid(sub["properties"][key]) if key in sub.get("properties", {}) else st.one_of(WRONG_TYPES, PLAIN))
        return _replace(document, path, {**value, key: new})
    if action == "append" and isinstance(sub.get("items"), dict):
        return _replace(document, path, [*value, draw(st.one_of(valid(sub["items"]), near(sub["items"])))])
    if action == "empty":
        return _replace(document, path, [])
    return document


@st.composite
def documents(draw, name: str) -> Any:
    """A sample document or one made from the schema, changed at up to three places."""
    schema = INLINED[name]
    sample = st.sampled_from(SAMPLES[name])
    document = draw(st.one_of(sample, sample, valid(schema)))  # mostly samples: made documents are slow to draw
    for _ in range(draw(st.integers(0, 3))):
        document = draw(mutation(document, schema))
    return document


INLINED = {name: _inline_refs(SCHEMAS._registry.contents(f"urn:hcweb:schema:{name}"), SCHEMAS._registry) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
@AGREEMENT
@given(data=st.data())
def test_fast_and_full_validators_agree(name: str, data: st.DataObject) -> None:
    assert_agree(name, data.draw(documents(name), label="document"))


# -- the cases where they once disagreed, and other edges, spelled out ------------------------


def _with(name: str, path: tuple, value: Any) -> Any:
    return _replace(SAMPLES[name][0], path, value)


EDGES = [
    ("media", ("owner",), "austfjord-hf\n"),  # `$` before a final newline: Python's re matches, JSON Schema's does not
    ("overlay", ("uses",), "treatments/hip-replacement\n"),
    ("overlay", ("approved", "local"), "0123456789ab\n"),
    ("event", ("start",), "2027-02-10T12:00\n"),
    ("national-text", ("approved", "on"), "2026-05-01\n"),
    ("provider", ("editorial", "email"), "post@example.no\n"),
    ("helsenorge", ("url",), "https://www.helsenorge.no/x\n"),
    ("waiting-times-feed", ("weeks",), 3.0),  # an integral float is an integer in both
    ("waiting-times-feed", ("weeks",), True),
    ("waiting-times-feed", ("weeks",), math.nan),
    ("national-text", ("approved", "on"), "2026-02-30"),
    ("media", ("credit",), "a" * 100),
    ("media", ("credit",), "a" * 101),
]


@pytest.mark.parametrize(("name", "path", "value"), EDGES, ids=[f"{n}:{'.'.join(map(str, p))}={v!r}" for n, p, v in EDGES])
def test_validators_agree_at_known_edges(name: str, path: tuple, value: Any) -> None:
    assert_agree(name, _with(name, path, value))


def test_a_trailing_newline_is_not_part_of_a_slug() -> None:
    """Both refuse it, as JSON Schema (ECMA-262 regular expressions) does: `$` is the end of the text."""
    problems = SCHEMAS.validate("media", _with("media", ("owner",), "austfjord-hf\n"), "content/media/x.svg.yml", LineMap())
    assert [p.message for p in problems] == [
        "'owner' is not valid: use lowercase letters a-z, digits and single hyphens, e.g. hip-replacement; found \"austfjord-hf\\n\""
    ]


def test_a_keyword_beside_a_ref_applies_with_what_the_ref_points_at() -> None:
    """In 2020-12 a $ref and the keywords beside it all apply; writing the $ref out must not let one replace the other."""
    common = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": {"slug": {"type": "string", "pattern": "^[a-z]+$"}}}
    registry = Registry().with_resource("urn:test:common", Resource.from_contents(common))
    schema = {"$ref": "urn:test:common#/$defs/slug", "pattern": "^a", "x-hint": "a slug starting with a"}
    fast = fastjsonschema.compile({**_inline_refs(schema, registry), "$schema": "http://json-schema.org/draft-07/schema#"})
    full = Draft202012Validator(schema, registry=registry)
    for value in ("abc", "bcd", "aB", "a"):
        try:
            fast(value)
            passed = True
        except fastjsonschema.JsonSchemaException:
            passed = False
        assert passed == full.is_valid(value), value
