"""Benchmark: build --all with one and two processes, a rebuild after one overlay changes, peak memory.

    python bench/bench_sites.py [--providers 6 --texts 300 --overlays 150]
Targets: --jobs 2 at least 1.7x faster than --jobs 1; a rebuild after one change at most 10 % of a full build;
peak memory of build --all under 1 GiB.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from make_corpus import make_corpus
from measure import HCWEB, best_of, line, run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--providers", type=int, default=6)
    parser.add_argument("--texts", type=int, default=300)
    parser.add_argument("--overlays", type=int, default=150)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        corpus = make_corpus(Path(folder) / "corpus", args.providers, args.texts, args.overlays)
        print(f"corpus: {args.providers} providers x {args.overlays} overlays, {args.texts} national texts")
        build = [HCWEB, "--root", str(corpus), "build", "--all", "--today", "2026-11-29", "--out", str(Path(folder) / "site")]
        one, mib_one = best_of(2, [*build, "--force", "--jobs", "1"])
        line("build --all --jobs 1", one, mib_one)
        two, mib_two = best_of(2, [*build, "--force", "--jobs", "2"])
        line("build --all --jobs 2", two, mib_two)
        print(f"{'  speed-up with 2 processes':<58} {one / two:8.2f} x   (target >= 1.7 x)")
        overlay = sorted((corpus / "content/providers/hf-01").rglob("tekst-*.md"))[0]
        overlay.write_text(overlay.read_text(encoding="utf-8").replace("## Hos oss {#local}", "## Hos oss, oppdatert {#local}"), encoding="utf-8")
        subprocess.run(["git", "commit", "-qam", "one overlay"], cwd=corpus, check=True, capture_output=True)
        again, mib = run([*build, "--jobs", "2"])
        line("rebuild after one overlay changed (--jobs 2)", again, mib)
        print(f"{'  rebuild / full build':<58} {100 * again / two:7.1f} %   (target <= 10 %)")
        print(f"{'peak memory of build --all (target < 1024 MiB)':<58} {max(mib_one, mib_two):5d} MiB")


if __name__ == "__main__":
    main()
