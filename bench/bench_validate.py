"""Benchmark: hcweb validate on a national-size corpus (20 providers x 500 overlays, 1,000 national texts).

    python bench/bench_validate.py [--providers 20 --texts 1000 --overlays 500]
Targets: whole corpus <= 10 s, one provider <= 2 s.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from make_corpus import make_corpus
from measure import HCWEB, best_of, line


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--providers", type=int, default=20)
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--overlays", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        corpus = make_corpus(Path(folder) / "corpus", args.providers, args.texts, args.overlays)
        files = sum(1 for _ in (corpus / "content").rglob("*.md"))
        print(f"corpus: {args.providers} providers x {args.overlays} overlays, {args.texts} national texts, {files} Markdown files")
        seconds, mib = best_of(3, [HCWEB, "--root", str(corpus), "validate", "--today", "2026-11-29"])
        line("validate, whole corpus (target <= 10 s)", seconds, mib)
        seconds, mib = best_of(3, [HCWEB, "--root", str(corpus), "validate", "--provider", "hf-03", "--today", "2026-11-29"])
        line("validate --provider, one provider (target <= 2 s)", seconds, mib)


if __name__ == "__main__":
    main()
