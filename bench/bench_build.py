"""Benchmark: one large provider site (500 and 2,000 pages) built by hcweb, and the same merged pages
built by a plain `mkdocs build` with an ordinary mkdocs-material configuration (default navigation, and
with navigation.prune), in the same run.

    python bench/bench_build.py [--sizes 500 2000] [--plain-max 2000]
Targets at 2,000 pages: hcweb (both cores: --jobs 2) at least 10x faster than plain mkdocs-material and
at least 4x faster than mkdocs-material with navigation.prune; 2,000 pages at most 4.2x the time of 500;
no page over 100 KB. Each hcweb build is a first build: no site and no render cache in its output folder.
The corpus is committed with a history (make_corpus.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from bench_page_size import TARGET, page_sizes
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


def hcweb_build(corpus: Path, out: Path, jobs: int) -> tuple[float, int]:
    """The faster of two first builds of the provider hf-00 (no site, no render cache)."""
    timings = []
    for _ in range(2):
        shutil.rmtree(out, ignore_errors=True)
        command = [HCWEB, "--root", str(corpus), "build", "--provider", "hf-00", "--jobs", str(jobs), "--out", str(out)]
        timings.append(run([*command, "--today", "2026-11-29"]))
    return min(t[0] for t in timings), max(t[1] for t in timings)


def plain_build(project: Path, features: list[str]) -> tuple[float, int]:
    config_file = project / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config["theme"]["features"] = features
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    return best_of(1, [str(VENV_BIN / "mkdocs"), "build", "-q", "-f", str(config_file)], {"NO_MKDOCS_2_WARNING": "1"})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--plain-max", type=int, default=2000, help="skip the plain mkdocs builds above this size")
    args = parser.parse_args()
    results: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            corpus = make_corpus(Path(folder) / f"corpus-{size}", 1, size, size)
            out = Path(folder) / f"out-{size}"
            one, mib = hcweb_build(corpus, out, 1)
            pages = sum(1 for _ in (out / "hf-00").rglob("index.html"))
            line(f"hcweb build, one provider, {pages} pages, --jobs 1", one, mib)
            two, mib = hcweb_build(corpus, out, 2)
            line(f"hcweb build, one provider, {pages} pages, --jobs 2", two, mib)
            results[size] = two
            largest, path = page_sizes(out / "hf-00")[0]
            print(f"{'  largest page: ' + path:<58} {largest / 1024:8.1f} KB  (target <= {TARGET // 1024} KB)")
            if size > args.plain_max:
                continue
            project = plain_mkdocs_project(corpus, Path(folder) / f"plain-{size}")
            plain, mib = plain_build(project, [])
            line(f"plain mkdocs-material, same {pages} pages", plain, mib)
            print(f"{'  hcweb --jobs 2 is faster by':<58} {plain / two:8.1f} x   (target >= 10 x at 2,000)")
            pruned, mib = plain_build(project, ["navigation.prune"])
            line(f"mkdocs-material with navigation.prune, same {pages} pages", pruned, mib)
            print(f"{'  hcweb --jobs 2 is faster by':<58} {pruned / two:8.1f} x   (target >= 4 x at 2,000)")
    if len(args.sizes) >= 2:
        small, large = min(args.sizes), max(args.sizes)
        ratio = results[large] / results[small]
        print(f"{f'hcweb {large} pages / {small} pages (--jobs 2)':<58} {ratio:8.2f} x   (target <= 4.2 x for 2,000 / 500)")


if __name__ == "__main__":
    main()
