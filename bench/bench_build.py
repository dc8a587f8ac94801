"""Benchmark: one large provider site (500 and 2,000 pages) built by hcweb, and the same merged pages
built by a plain `mkdocs build` with an ordinary mkdocs-material configuration, in the same run.

    python bench/bench_build.py [--sizes 500 2000] [--plain-max 2000]
Targets: hcweb at least 5x faster than plain mkdocs at 2,000 pages; 2,000 pages at most 4.5x the time of 500.
Each hcweb build is a first build: no site and no render cache in its output folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from make_corpus import PROJECT, make_corpus
from measure import HCWEB, VENV_BIN, best_of, line, run

sys.path.insert(0, str(PROJECT / "tooling"))

from hcweb.repo import Repository  # noqa: E402
from hcweb.site.build import provider_site, stage, write_docs  # noqa: E402
from hcweb.site.pages import SiteContext  # noqa: E402


def plain_mkdocs_project(corpus: Path, out: Path) -> Path:
    """The provider's merged pages in a docs folder, with an ordinary mkdocs-material config (default navigation)."""
    repo = Repository(corpus)
    content = repo.load(only_provider="hf-00")
    spec = provider_site(SiteContext(content, content.providers["hf-00"], repo.git, dt.date(2026, 11, 29)), repo.overrides_dir)
    site = stage(spec, out, repo.content_dir / "media")
    config_file = write_docs(site)
    shutil.rmtree(site.site_tmp)
    project = config_file.parent
    plain = {
        "site_name": "Plain",
        "docs_dir": "docs",
        "site_dir": str(out / "plain-site"),
        "theme": {"name": "material", "language": "nb"},
        "plugins": ["search"],
        "markdown_extensions": ["attr_list", "md_in_html", "admonition", "tables", "toc"],
    }
    config_file.write_text(yaml.safe_dump(plain), encoding="utf-8")
    return project


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--plain-max", type=int, default=2000, help="skip the plain mkdocs build above this size")
    args = parser.parse_args()
    results: dict[int, tuple[float, float | None]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            corpus = make_corpus(Path(folder) / f"corpus-{size}", 1, size, size)
            out = Path(folder) / f"out-{size}"
            timings = []
            for _ in range(2):
                shutil.rmtree(out, ignore_errors=True)  # a first build: no site, no render cache
                timings.append(
                    run([HCWEB, "--root", str(corpus), "build", "--provider", "hf-00", "--out", str(out), "--today", "2026-11-29"])
                )
            hcweb_seconds, mib = min(t[0] for t in timings), max(t[1] for t in timings)
            pages = sum(1 for _ in (out / "hf-00").rglob("index.html"))
            line(f"hcweb build, one provider, {pages} pages", hcweb_seconds, mib)
            plain_seconds = None
            if size <= args.plain_max:
                project = plain_mkdocs_project(corpus, Path(folder) / f"plain-{size}")
                plain_seconds, mib = best_of(
                    1, [str(VENV_BIN / "mkdocs"), "build", "-q", "-f", str(project / "mkdocs.yml")], {"NO_MKDOCS_2_WARNING": "1"}
                )
                line(f"plain mkdocs build, same {pages} pages", plain_seconds, mib)
                print(f"{'  hcweb is faster by':<58} {plain_seconds / hcweb_seconds:8.1f} x   (target >= 5 x at 2,000)")
            results[size] = (hcweb_seconds, plain_seconds)
    if len(args.sizes) >= 2:
        small, large = min(args.sizes), max(args.sizes)
        ratio = results[large][0] / results[small][0]
        print(f"{f'hcweb {large} pages / {small} pages':<58} {ratio:8.2f} x   (target <= 4.5 x for 2,000 / 500)")


if __name__ == "__main__":
    main()
