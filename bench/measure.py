"""Timing and peak memory of a command run in its own process."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
HCWEB = str(VENV_BIN / "hcweb")


def run(command: list[str], env: dict | None = None) -> tuple[float, int]:
    """(seconds, peak resident memory in MiB of the process and the children it waited for)."""
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a command that writes much would wait for a reader
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) not in (0,):
        raise SystemExit(f"failed: {' '.join(command)}\n{stderr[-2000:]}")
    return seconds, usage.ru_maxrss // 1024


def best_of(times: int, command: list[str], env: dict | None = None) -> tuple[float, int]:
    """The fastest of ``times`` runs (the least disturbed by other work on the machine), and the highest memory."""
    results = [run(command, env) for _ in range(times)]
    return min(r[0] for r in results), max(r[1] for r in results)


def line(label: str, seconds: float, mib: int | None = None) -> None:
    memory = f"  peak {mib} MiB" if mib is not None else ""
    print(f"{label:<58} {seconds:8.2f} s{memory}", flush=True)
