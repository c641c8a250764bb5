"""Grade the demo class twice: plain serial `nbgrader autograde` vs `calcrl autograde --jobs N`.

Prints both wall times, seconds per notebook and the ratio. Each run starts from its own fresh
course folder (same config, source, release and submissions), so neither warms the other.

    .venv/bin/python benchmarks/bench_autograde.py [--jobs N]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from calcrl_checks.instructor.demo_class import ASSIGNMENT, demo_students, write_submissions  # noqa: E402


def fresh_course(parent: Path, name: str) -> Path:
    root = parent / name
    root.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "source", root / "source")
    run(root, [sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force"])
    write_submissions(root, demo_students())
    return root


def run(root: Path, command: list[str]) -> float:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    started = time.perf_counter()
    subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    jobs = parser.parse_args().jobs
    with tempfile.TemporaryDirectory(prefix="calcrl-bench-") as scratch:
        serial_root = fresh_course(Path(scratch), "serial")
        parallel_root = fresh_course(Path(scratch), "parallel")
        notebooks = len(list((serial_root / "submitted").glob(f"*/{ASSIGNMENT}/*.ipynb")))
        students = len(list((serial_root / "submitted").iterdir()))
        serial = run(serial_root, [sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT,
                                   "--force"])
        parallel = run(parallel_root, [sys.executable, "-m", "calcrl_checks.instructor.cli",
                                       "autograde", ASSIGNMENT, "--jobs", str(jobs), "--force"])
    print(f"demo class: {students} students, {notebooks} notebooks, {os.cpu_count()} cores")
    print(f"nbgrader autograde (serial):       {serial:7.1f} s  "
          f"({serial / notebooks:.2f} s per notebook)")
    print(f"calcrl autograde --jobs {jobs}:        {parallel:7.1f} s  "
          f"({parallel / notebooks:.2f} s per notebook)")
    print(f"ratio serial / parallel: {serial / parallel:.2f}x")


if __name__ == "__main__":
    main()
