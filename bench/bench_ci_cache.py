"""Benchmark: the render cache shared between CI jobs, as actions/cache shares it (pull-request.yml).

    python bench/bench_ci_cache.py [--texts 300 --overlays 300] [--runs 3]

Two jobs on two runners: job 1 builds provider A from a cold cache; its cache folder
(OUT/.hcweb-cache) is copied, as actions/cache restores it on the next runner; job 2 builds
provider B, which shows many of the same national sections. Printed: job 2's build time with
the restored cache against job 2 from a cold cache, the median of --runs, and how many of its
pages and parts came from the cache.

A second pair of rows runs the same two jobs with the render cache cutting pages into parts
(a section each), as a build of several sites does (render_cache.py): a build of one site
renders pages whole, so what job 1 leaves is of use to job 2 only where a whole page is the same.
A third row is the next run of job 2 (a later push), restoring the cache its own site left.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from make_corpus import make_corpus
from measure import VENV_BIN

TODAY = "2026-11-29"
# One job's `hcweb build --provider P --out OUT` in a process of its own (as on a runner), printing what the
# render cache gave. IN_PARTS: pages are cut into parts (a section each), as in a build of several sites.
JOB = """
import datetime as dt, json, sys
from dataclasses import replace
from pathlib import Path
import hcweb.commands as commands
from hcweb.repo import Repository
root, provider, out, today, in_parts = sys.argv[1:]
if in_parts == "1":
    original = commands.RenderSettings
    commands.RenderSettings = lambda *args, **kwargs: replace(original(*args, **kwargs), parts=True)
_, (result,) = commands.build(Repository(Path(root)), [provider], Path(out), dt.date.fromisoformat(today))
assert result.ok, result.messages
print(json.dumps(result.cache))
"""


def build(corpus: Path, provider: str, out: Path, in_parts: bool) -> tuple[float, str]:
    """(seconds, what came from the cache) of one job's build of ``provider``: the whole process, start-up included."""
    command = [str(VENV_BIN / "python"), "-c", JOB, str(corpus), provider, str(out), TODAY, "1" if in_parts else "0"]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"failed: build of {provider} into {out}\n{result.stderr[-2000:]}")
    stats = json.loads(result.stdout.splitlines()[-1])
    pages = stats.get("pages_cached", 0) + stats.get("pages_rendered", 0)
    return (
        seconds,
        f"pages {stats.get('pages_cached', 0)} of {pages}, parts {stats.get('parts_cached', 0)} of {stats.get('parts_cached', 0) + stats.get('parts_rendered', 0)}",
    )


def two_jobs(corpus: Path, folder: Path, first: str, second: str, in_parts: bool) -> tuple[float, float, str, float, str]:
    """Job 1 builds ``first`` cold; job 2 builds ``second`` with job 1's cache restored, and again cold; then a
    later run's job builds ``second`` with the cache of that cold build (its own site's) restored."""
    for name in ("job1", "job2", "cold", "later"):
        shutil.rmtree(folder / name, ignore_errors=True)
    build(corpus, first, folder / "job1", in_parts)
    (folder / "job2").mkdir()
    shutil.copytree(folder / "job1/.hcweb-cache", folder / "job2/.hcweb-cache")  # what actions/cache restores
    warm, cached = build(corpus, second, folder / "job2", in_parts)
    cold, _ = build(corpus, second, folder / "cold", in_parts)
    (folder / "later").mkdir()
    shutil.copytree(folder / "cold/.hcweb-cache", folder / "later/.hcweb-cache")
    own, own_cached = build(corpus, second, folder / "later", in_parts)
    return warm, cold, cached, own, own_cached


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=300)
    parser.add_argument("--overlays", type=int, default=300, help="overlays per provider (pages of each site)")
    parser.add_argument("--runs", type=int, default=3, help="pairs of jobs; the median counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        corpus = make_corpus(root / "corpus", 2, args.texts, args.overlays)
        print(f"corpus: 2 providers x {args.overlays} overlays, {args.texts} national texts; job 1 builds hf-00, job 2 hf-01")
        for label, in_parts in (("pages whole (one site per job, as today)", False), ("pages in parts", True)):
            runs = [two_jobs(corpus, root, "hf-00", "hf-01", in_parts) for _ in range(args.runs)]
            warm = statistics.median(r[0] for r in runs)
            cold = statistics.median(r[1] for r in runs)
            print(f"{label}:")
            print(f"  {'job 2, cold cache (median of ' + str(args.runs) + ')':<52} {cold:8.2f} s")
            print(f"  {'job 2, cache of job 1 restored (median)':<52} {warm:8.2f} s   from the cache: {runs[-1][2]}")
            print(f"  {'restored / cold':<52} {100 * warm / cold:7.1f} %")
            own = statistics.median(r[3] for r in runs)
            print(f"  {'job 2 of a later run, its own earlier cache (median)':<52} {own:8.2f} s   from the cache: {runs[-1][4]}")
            print(f"  {'own cache / cold':<52} {100 * own / cold:7.1f} %", flush=True)


if __name__ == "__main__":
    main()
