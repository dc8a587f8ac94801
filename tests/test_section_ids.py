"""A section's headings, as a page that includes it reads them, found without reading it again where nothing
but its first line can be a heading (sections.section_ids): the same ids as reading it again."""

from __future__ import annotations

import pytest

from hcweb.sections import headings, section_ids, split_sections
from helpers import PROJECT

TRICKY = """Intro.

## Første {#first}

Tekst med `kode`.

## Andre

Setext under:

Overskrift
----------

## Tredje {#third}

```
## ikke en overskrift
```

---

## Fjerde {#fourth}
Siste linje.
"""


@pytest.mark.parametrize("body", [TRICKY, *(p.read_text(encoding="utf-8") for p in sorted((PROJECT / "content/common").rglob("*.md")))])
def test_section_ids_are_those_read_again(body: str) -> None:
    for section in split_sections(body, 1)[1]:
        assert section_ids(section) == [heading.id for heading in headings(section.markdown, 1)]
