"""Every value a template prints is escaped: random strings through each of hcweb's templates.

The templates are rendered in the theme's own Jinja environment, set up by the same hook the
builds use, so the test holds for what the sites print, not for a copy of the settings.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.theme import Theme

from hcweb.site import mkdocs_hooks
from hcweb.site.words import design_words
from helpers import PROJECT

# language.html chooses the theme's labels for the page; nav.html hands the theme's own menu to site/menu.py
# (tests/test_parallel_site.py: the same HTML as the theme's): neither prints a value of its own
PRINTS_NOTHING = {"language.html", "nav.html"}
PARTIALS = sorted(f"partials/{p.name}" for p in (PROJECT / "overrides/partials").glob("*.html") if p.name not in PRINTS_NOTHING)
DESIGN = sorted(f"hcweb/{p.name}" for p in (PROJECT / "overrides/hcweb").glob("*.html"))  # the design's own templates
DANGEROUS = set("<>\"'&")
pieces = st.sampled_from(list("<>\"'&=/ ab;:`\u2028") + ["script", "onerror", "&amp;", "javascript:"])
values = st.lists(pieces, min_size=1, max_size=20).map("".join)
WORDS = design_words(PROJECT / "overrides", "nb", {"treatments": "Behandlinger"})


@pytest.fixture(scope="module")
def env():
    theme = Theme(name="material", custom_dir=str(PROJECT / "overrides"), language="nb")
    environment = theme.get_env()
    config = MkDocsConfig()
    config.load_dict({"site_name": "Test"})
    return mkdocs_hooks.on_env(environment, config, None)


def hcweb_values(value: str) -> dict:
    """Every field hcweb hands its templates (site/pages.py, registry_pages.py, events.py), each holding ``value``."""
    person = {"name": value, "title": value, "on": value}
    location = {
        "id": value, "kind": value, "name": value, "href": value, "street": value, "postcode": value, "city": value,
        "phone": value, "tel": value, "email": value, "opening_hours": value, "transport_html": "",
        "departments": [{"name": value, "phone": value, "tel": value}],
    }  # fmt: skip
    event = {"slug": value, "title": value, "summary": value, "start": value, "end": value, "href": value, "body_html": ""}
    event["location"] = {"name": value, "href": value}
    event["ics_href"] = value
    event["signup"] = {"email": value, "phone": value, "tel": value, "deadline": value, "note": value}
    link = {"title": value, "href": value, "description": value}
    return {
        "kind": "national",
        "title": value,
        "department": value,
        "ingress": value,
        "responsible": person,
        "owner": value,
        "approved_local": person,
        "safety": {"owners": [value], "on": value},
        "reviewed": value,
        "next_review": value,
        "national_revision": value,
        "last_updated": value,
        "citation": {"provider": value, "title": value, "url": value},
        "helsenorge": [{"title": value, "url": value, "summary": value}, {"title": value, "url": value, "summary": ""}],
        "waiting": {"rows": [{"location": value, "weeks": {"assessment": value, "treatment": value}, "reported": value}], "link": value},
        "locations": [location],
        "location": location,
        "sections": {"contact": value, "getting_here": value, "departments": value, "offered": value, "events": value},
        "events": [event],
        "event": {**event, "location": location, "past": False},
        "feed_href": value,
        "offered": [link],
        "own": [link],
        "collections": [
            {"key": value, "label": value, "pages": [link], "letters": [{"letter": value, "pages": [link]}]},
            {"key": value, "label": value, "long": True, "count": value, "letters": [{"letter": value, "href": value, "count": value}]},
        ],
        "offered_count": value,
        "list": value,
        "letter": value,
        "letters": [{"letter": value, "href": value, "count": value, "current": True}],
        "pages": [link],
        "parts": [{"number": value, "href": value, "first": value, "last": value, "current": True}],
        "back": {"title": value, "href": value, "anchor": value},
        "locations_href": value,
        "events_href": value,
        "contact_href": value,
        "home": value,
        "contact": value,
        "accessibility": value,
        "editorial": {"editor": value, "email": value, "phone": value, "tel": value},
        "provider": value,
        "editor": value,
        "email": value,
        "foreign": {"lang": value, "title": True, "whole": False, "sections": [value]},
        "language": value,
    }


MARK = "\u00a7"  # brackets each value, so that what the template made of it can be found
ENTITY = re.compile(r"&(?:[a-z]+|#[0-9]+|#x[0-9a-f]+);", re.I)


def printed_values(rendered: str) -> list[str]:
    """Each value as it was printed (between two marks)."""
    return re.findall(f"{MARK}(.*?){MARK}", rendered, re.S)


@pytest.mark.parametrize("template", PARTIALS + DESIGN)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=values)
def test_templates_print_values_as_text(env, template: str, value: str) -> None:
    data = hcweb_values(f"{MARK}{value}{MARK}")
    page = SimpleNamespace(title=f"{MARK}{value}{MARK}", content=Markup(""), url="a/", meta={"hcweb": data})
    lang = SimpleNamespace(t=lambda key: key)  # the theme's translations, as its base template imports them
    rendered = env.get_template(template).render(
        hcweb=data, config={"extra": {"hcweb": {**data, "words": WORDS}}, "theme": {"icon": {}}}, page=page, base_url=".", lang=lang
    )
    printed = printed_values(rendered)
    assert printed, "the template printed none of the values"
    for text in printed:
        assert not set(ENTITY.sub("", text)) & DANGEROUS, f"unescaped markup in {text!r}"


def test_the_check_would_catch_an_unescaped_template(env) -> None:
    """Rendered without autoescape, the same templates do print the values raw."""
    env.autoescape = False
    try:
        template = env.from_string((PROJECT / "overrides/hcweb/about-content.html").read_text(encoding="utf-8"))
        data = hcweb_values(f"{MARK}<b>x</b>{MARK}")
        printed = printed_values(template.render(hcweb=data, config={"extra": {"hcweb": {**data, "words": WORDS}}}))
        assert "<b>x</b>" in printed
    finally:
        env.autoescape = True


def test_every_template_is_covered() -> None:
    assert {"partials/copyright.html", "hcweb/about-content.html", "hcweb/key-facts.html", "hcweb/home.html", "hcweb/contact.html"} <= set(
        PARTIALS + DESIGN
    )
    assert Path(PROJECT / "overrides/main.html").is_file()
