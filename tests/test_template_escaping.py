"""Every value a template prints is escaped: random strings through each of hcweb's templates.

The templates are rendered in the theme's own Jinja environment, set up by the same hook the
builds use, so the test holds for what the sites print, not for a copy of the settings.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.theme import Theme

from hcweb.site import mkdocs_hooks
from helpers import PROJECT

PARTIALS = sorted(p.name for p in (PROJECT / "overrides/partials").glob("*.html"))
DANGEROUS = set("<>\"'&")
pieces = st.sampled_from(list("<>\"'&=/ ab;:`\u2028") + ["script", "onerror", "&amp;", "javascript:"])
values = st.lists(pieces, min_size=1, max_size=20).map("".join)


@pytest.fixture(scope="module")
def env():
    theme = Theme(name="material", custom_dir=str(PROJECT / "overrides"), language="nb")
    environment = theme.get_env()
    config = MkDocsConfig()
    config.load_dict({"site_name": "Test"})
    return mkdocs_hooks.on_env(environment, config, None)


def hcweb_values(value: str) -> dict:
    """Every field hcweb hands its templates, each holding ``value``."""
    return {
        "kind": "national",
        "department": value,
        "responsible": value,
        "owner": value,
        "approved_local": value,
        "approved_local_on": value,
        "reviewed": value,
        "reviewed_iso": value,
        "next_review": value,
        "national_revision": value,
        "last_updated": value,
        "last_updated_iso": value,
        "citation": value,
        "helsenorge": [{"title": value, "url": value, "summary": value}, {"title": value, "url": value, "summary": ""}],
        "waiting": {"rows": [{"location": value, "figure": value, "weeks": value, "reported": value}], "link": value, "code": value},
        "locations": [{"name": value, "href": value, "address": value, "phone": value, "opening_hours": value, "transport_html": ""}],
        "events": [{"title": value, "href": value, "when": value, "location": value}],
        "provider": value,
        "editor": value,
        "email": value,
    }


MARK = "\u00a7"  # brackets each value, so that what the template made of it can be found
ENTITY = re.compile(r"&(?:[a-z]+|#[0-9]+|#x[0-9a-f]+);", re.I)


def printed_values(rendered: str) -> list[str]:
    """Each value as it was printed (between two marks)."""
    return re.findall(f"{MARK}(.*?){MARK}", rendered, re.S)


@pytest.mark.parametrize("partial", PARTIALS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=values)
def test_partials_print_values_as_text(env, partial: str, value: str) -> None:
    data = hcweb_values(f"{MARK}{value}{MARK}")
    rendered = env.get_template(f"partials/{partial}").render(hcweb=data, config={"extra": {"hcweb": data}}, page=None, base_url=".")
    printed = printed_values(rendered)
    assert printed, "the template printed none of the values"
    for text in printed:
        assert not set(ENTITY.sub("", text)) & DANGEROUS, f"unescaped markup in {text!r}"


def test_the_check_would_catch_an_unescaped_template(env) -> None:
    """Rendered without autoescape, the same templates do print the values raw."""
    env.autoescape = False
    try:
        template = env.from_string((PROJECT / "overrides/partials/hcweb-responsibility.html").read_text(encoding="utf-8"))
        printed = printed_values(template.render(hcweb=hcweb_values(f"{MARK}<b>x</b>{MARK}")))
        assert "<b>x</b>" in printed
    finally:
        env.autoescape = True


def test_every_partial_is_covered() -> None:
    assert {"hcweb-responsibility.html", "hcweb-locations.html", "hcweb-waiting.html", "copyright.html"} <= set(PARTIALS)
    assert Path(PROJECT / "overrides/main.html").is_file()
