"""Benchmark: hcweb validate on a national-size corpus (20 providers x 500 overlays, 1,000 national texts),
committed with a history of 60 commits that touch national texts, overlays and approvals (make_corpus.py).

    python bench/bench_validate.py [--providers 20 --texts 1000 --overlays 500 --commits 60]
Targets: whole corpus <= 5 s, one provider <= 1 s (2 cores). Each is measured twice: the first run reads
git's history (cold), the later ones find it kept by commit id in .git/hcweb-history.json (warm).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from make_corpus import make_corpus
from measure import HCWEB, best_of, line, run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--providers", type=int, default=20)
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--overlays", type=int, default=500)
    parser.add_argument("--commits", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        corpus = make_corpus(Path(folder) / "corpus", args.providers, args.texts, args.overlays, commits=args.commits)
        files = sum(1 for _ in (corpus / "content").rglob("*.md"))
        print(
            f"corpus: {args.providers} providers x {args.overlays} overlays, {args.texts} national texts, {files} Markdown files, "
            f"{args.commits + 2} commits"
        )
        whole = [HCWEB, "--root", str(corpus), "validate", "--today", "2026-11-29"]
        one = [HCWEB, "--root", str(corpus), "validate", "--provider", "hf-03", "--today", "2026-11-29"]
        cache = corpus / ".git/hcweb-history.json"
        cache.unlink(missing_ok=True)
        seconds, mib = run(whole)
        line("validate, whole corpus, history not yet kept", seconds, mib)
        seconds, mib = best_of(3, whole)
        line("validate, whole corpus (target <= 5 s)", seconds, mib)
        cache.unlink(missing_ok=True)
        seconds, mib = run(one)
        line("validate --provider, history not yet kept", seconds, mib)
        seconds, mib = best_of(3, one)
        line("validate --provider, one provider (target <= 1 s)", seconds, mib)


if __name__ == "__main__":
    main()
