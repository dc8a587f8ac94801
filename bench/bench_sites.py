"""Benchmark: build --all with one and two processes, rebuilds, peak memory.

    python bench/bench_sites.py [--providers 20 --texts 1000 --overlays 500] [--runs 1]
Targets: --jobs 2 at least 1.8x faster than --jobs 1; a rebuild after one overlay changes at most 5 % of
a full build; peak memory of build --all under 1 GiB. The corpus is committed with a history (make_corpus.py).

A full build starts without a render cache (it is removed before each run), as on a fresh clone.
The rebuilds keep the cache and the sites of the build before them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from make_corpus import make_corpus
from measure import HCWEB, line, run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--providers", type=int, default=20)
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--overlays", type=int, default=500)
    parser.add_argument("--runs", type=int, default=1, help="full builds of each kind; the fastest counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        corpus = make_corpus(Path(folder) / "corpus", args.providers, args.texts, args.overlays)
        out = Path(folder) / "site"
        print(f"corpus: {args.providers} providers x {args.overlays} overlays, {args.texts} national texts")
        build = [HCWEB, "--root", str(corpus), "build", "--all", "--today", "2026-11-29", "--out", str(out)]

        def full(jobs: int) -> tuple[float, int]:
            timings = []
            for _ in range(args.runs):
                shutil.rmtree(out, ignore_errors=True)  # no sites, no cache
                timings.append(run([*build, "--jobs", str(jobs)]))
            return min(t[0] for t in timings), max(t[1] for t in timings)

        one, mib_one = full(1)
        line("build --all --jobs 1 (first build: no sites, no cache)", one, mib_one)
        two, mib_two = full(2)
        line("build --all --jobs 2 (first build: no sites, no cache)", two, mib_two)
        print(f"{'  speed-up with 2 processes':<58} {one / two:8.2f} x   (target >= 1.8 x)")
        same, mib = run([*build, "--jobs", "2"])
        line("rebuild, nothing changed (--jobs 2)", same, mib)
        overlay = sorted((corpus / "content/providers/hf-01").rglob("tekst-*.md"))[0]
        overlay.write_text(
            overlay.read_text(encoding="utf-8").replace("## Hos oss {#local}", "## Hos oss, oppdatert {#local}"), encoding="utf-8"
        )
        # Its own text changed, so its provider's expert approves it again, as an author would.
        subprocess.run(
            [HCWEB, "--root", str(corpus), "approve", str(overlay), "--by", "Ekspert 1", "--today", "2026-11-29"],
            check=True,
            capture_output=True,
        )
        dated = {**os.environ, "GIT_AUTHOR_DATE": "2026-11-29T12:00:00", "GIT_COMMITTER_DATE": "2026-11-29T12:00:00"}
        subprocess.run(["git", "commit", "-qam", "one overlay"], cwd=corpus, check=True, capture_output=True, env=dated)
        again, mib_again = run([*build, "--jobs", "2"])
        line("rebuild after one overlay changed (--jobs 2)", again, mib_again)
        print(f"{'  rebuild / full build (--jobs 2)':<58} {100 * again / two:7.1f} %   (target <= 5 %)")
        print(f"{'peak memory of build --all (target < 1024 MiB)':<58} {max(mib_one, mib_two, mib_again):5d} MiB")


if __name__ == "__main__":
    main()
