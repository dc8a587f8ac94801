"""The words of the design in the site's language: overrides/hcweb/words/<language>.yml.

Every word hcweb's own pages show around the content (labels, headings, the titles of the pages it
writes) is in one file per language, with the same keys in each; the templates print them as
``{{ words.<group>.<key> }}`` and Python asks for page titles through ``SiteContext.word``. bokmål
(nb.yml) is the reference: a key that one language has and another lacks stops the build, naming
the file and the key, so that no page shows an empty label or a key in place of a word.

The menu headings of the collections are the one exception: a bokmål site takes them from hcweb.yml
(``collections``), and the file of any other language must name every one of them (``collections``).
"""

from __future__ import annotations

import functools
import string
from pathlib import Path

import yaml

from ..errors import HcwebError

REFERENCE = "nb"  # the language whose file every other must match, key for key
WORDS_FOLDER = Path("hcweb") / "words"  # in the design folder (overrides/)
COLLECTIONS = "collections"  # menu headings: from hcweb.yml on a bokmål site


class MissingWords(HcwebError):
    """A language's words file lacks keys the templates use, or cannot be read."""


def words_file(design: Path, language: str) -> Path:
    return design / WORDS_FOLDER / f"{language}.yml"


@functools.lru_cache(maxsize=16)
def _read(path: Path, stamp: float) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MissingWords(f"{path}: the design has no words in this language (one file per site language, like nb.yml)") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise MissingWords(f"{path}{line}: the words cannot be read as YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise MissingWords(f"{path}: the words are not a list of groups (site:, home:, ...)")
    return data


def _load(path: Path) -> dict:
    return _read(path, path.stat().st_mtime if path.exists() else 0.0)


def _keys(tree: dict, prefix: str = "") -> set[str]:
    keys = set()
    for key, value in tree.items():
        name = f"{prefix}{key}"
        keys |= _keys(value, name + ".") if isinstance(value, dict) else {name}
    return keys


def has_words(design: Path, language: str) -> bool:
    """Whether the design has a word file for ``language``."""
    return words_file(design, language).is_file()


def theme_speaks(language: str) -> bool:
    """Whether mkdocs-material has its own labels in ``language`` (partials/languages/<language>.html)."""
    import material

    return (Path(material.__file__).parent / "templates" / "partials" / "languages" / f"{language}.html").is_file()


def design_words(design: Path, language: str, collections: dict[str, str]) -> dict:
    """The words of ``language``, checked against bokmål's: every key of one is in the other, and every word is text.

    ``collections`` are hcweb.yml's (key -> bokmål heading); the result's ``collections`` holds the heading of each
    in ``language``.
    """
    words = _load(words_file(design, language))
    reference = words if language == REFERENCE else _load(words_file(design, REFERENCE))
    path = words_file(design, language)
    expected = {k for k in _keys(reference) if not k.startswith(COLLECTIONS + ".")}
    found = {k for k in _keys(words) if not k.startswith(COLLECTIONS + ".")}
    problems = [f"{path}: no word for {key} (nb.yml has one)" for key in sorted(expected - found)]
    problems += [f"{path}: {key} is not in nb.yml (a word every language must have, or a misspelt key)" for key in sorted(found - expected)]
    problems += [f"{path}: {key} is empty" for key in sorted(found) if _blank(words, key)]
    for key in sorted(found & expected):
        names, problem = _placeholders(_value(words, key))
        if problem:
            problems.append(f"{path}: {key}: {problem}")
        elif language != REFERENCE and names != (wanted := _placeholders(_value(reference, key))[0]):
            shown = ", ".join(f"{{{name}}}" for name in sorted(wanted)) or "none"
            problems.append(
                f"{path}: {key} must have the placeholders nb.yml has ({shown}), found {', '.join(f'{{{n}}}' for n in sorted(names)) or 'none'}"
            )
    headings = dict(collections) if language == REFERENCE else dict(words.get(COLLECTIONS) or {})
    if language != REFERENCE:
        problems += [
            f"{path}: no menu heading for the collection {key} (collections: {key}: ...)" for key in collections if key not in headings
        ]
    if problems:
        raise MissingWords("the design's words are incomplete:\n" + "\n".join(problems))
    return {**words, COLLECTIONS: {key: str(headings[key]) for key in collections}}


def _value(words: dict, key: str):
    return functools.reduce(lambda tree, part: tree[part], key.split("."), words)


def _blank(words: dict, key: str) -> bool:
    value = _value(words, key)
    return value is None or not str(value).strip()


def _placeholders(value) -> tuple[set[str], str | None]:
    """The {names} a word leaves for the page to fill, or why it cannot be filled (a lone brace, {0}, {a.b})."""
    if not isinstance(value, str):
        return set(), None
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError:
        return set(), "a { or } without its pair; write {{ or }} for a brace in the text"
    odd = sorted(name for name in names if not name.isidentifier())
    if odd:
        return names, f"{{{odd[0]}}} is not a placeholder: a placeholder is a name in braces, such as {{provider}}"
    return names, None
