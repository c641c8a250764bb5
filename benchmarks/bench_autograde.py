"""Grade the demo class with stock nbgrader and with calcrl, and print the numbers side by side.

Runs, each in its own fresh course folder (same config, source, release and submissions):

1. stock serial ``nbgrader autograde``: nbgrader's own Execute step (a Jupyter kernel per
   notebook, hidden tests inside it): the course config with GradeInSandbox swapped back;
2. serial ``nbgrader autograde`` with the course config (the grading engine, one sandbox);
3. ``calcrl autograde --jobs N`` (warm graders) on the 9-student demo class;
4. the same on a 27-student class (the demo class three times).

For each: wall seconds, CPU seconds per notebook (every process of the run, counted in a
cpuacct cgroup, since bubblewrap's processes escape ``getrusage``), and for calcrl the overhead
per notebook above the time spent in its cells and hidden tests, and the peak memory of a
grading process and of its sandbox (from ``calcrl autograde --timings``).

    .venv/bin/python benchmarks/bench_autograde.py [--jobs N]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from calcrl_checks.instructor.demo.class_submissions import (ASSIGNMENT,  # noqa: E402
    demo_students, write_submissions)

_CPUACCT = Path("/sys/fs/cgroup/cpuacct")


def stock_config(text: str) -> str:
    """The course config with nbgrader's Execute step in place of the grading engine."""
    text = text.replace("c.Autograde.pre_convert_hook = require_sandbox\n", "")
    text = text.replace("    GradeInSandbox, IgnorePattern,", "    Execute, IgnorePattern,")
    text = text.replace("from nbgrader.preprocessors import (",
                        "from nbgrader.preprocessors import (Execute, ")
    return text + "\nc.Execute.timeout = 30\nc.Execute.interrupt_on_timeout = True\n"


def fresh_course(parent: Path, name: str, config: str, copies: int = 1) -> Path:
    """A course with the demo class handed in ``copies`` times (``-2``, ``-3`` suffixes)."""
    root = parent / name
    root.mkdir()
    (root / "nbgrader_config.py").write_text(config)
    shutil.copytree(REPO / "source", root / "source")
    run(root, [sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force"])
    write_submissions(root, demo_students())
    for copy in range(2, copies + 1):
        for student in demo_students():
            shutil.copytree(root / "submitted" / student.name,
                            root / "submitted" / f"{student.name}-{copy}")
    return root


def cpu_group() -> Path | None:
    """A fresh cpuacct cgroup (v1) to count every process of a run, or None."""
    folder = _CPUACCT / f"calcrl-bench-{os.getpid()}-{time.monotonic_ns()}"
    try:
        folder.mkdir()
    except OSError:
        return None
    return folder


def run(root: Path, command: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (this command and everything it started)."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    group = cpu_group()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=root, env=env, capture_output=True, text=True,
                   preexec_fn=(lambda: (group / "cgroup.procs").write_text(str(os.getpid())))
                   if group else None)
    wall = time.perf_counter() - started
    if group is not None:
        cpu = int((group / "cpuacct.usage").read_text()) / 1e9
        for _ in range(100):
            try:
                group.rmdir()
                break
            except OSError:
                time.sleep(0.1)
        return wall, cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    jobs = parser.parse_args().jobs
    config = (REPO / "nbgrader_config.py").read_text()
    nbgrader = [sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--force"]
    calcrl = [sys.executable, "-m", "calcrl_checks.instructor.command.cli", "autograde", ASSIGNMENT,
              "--jobs", str(jobs), "--force"]
    runs = [("stock nbgrader, serial (kernels)", stock_config(config), nbgrader, 1),
            ("nbgrader + engine, serial", config, nbgrader, 1),
            (f"calcrl autograde --jobs {jobs}", config, calcrl, 1),
            (f"calcrl autograde --jobs {jobs}, 27 students", config, calcrl, 3)]
    rows = []
    with tempfile.TemporaryDirectory(prefix="calcrl-bench-") as scratch:
        for index, (label, course_config, command, copies) in enumerate(runs):
            root = fresh_course(Path(scratch), f"run{index}", course_config, copies)
            notebooks = len(list((root / "submitted").glob(f"*/{ASSIGNMENT}/*.ipynb")))
            timings = root / "timings.json"
            extra = ["--timings", str(timings)] if command is calcrl else []
            wall, cpu = run(root, command + extra)
            graded = json.loads(timings.read_text()) if timings.exists() else {}
            rows.append((label, wall, cpu, notebooks, graded))
    print(f"demo class: {len(demo_students())} students, {rows[0][3]} notebooks; "
          f"{os.cpu_count()} cores")
    if not _CPUACCT.is_dir() or os.geteuid() != 0:
        print("CPU: getrusage only (no writable cpuacct cgroup): the sandbox's CPU is NOT "
              "counted")
    print(f"{'':40} {'notebooks':>9} {'wall s':>8} {'s/notebook':>10} {'CPU s/notebook':>14} "
          f"{'overhead s/nb':>13} {'grader MB':>9} {'sandbox MB':>10}")
    for label, wall, cpu, notebooks, graded in rows:
        overhead = grader = sandbox = "-"
        if graded:
            done = [t for t in graded.values() if "seconds" in t]
            count = sum(t["notebooks"] for t in done) or 1
            overhead = f"{sum(t['seconds'] - t['cell_seconds'] for t in done) / count:.2f}"
            grader = f"{max(t['grader_peak_mb'] for t in done):.0f}"
            sandbox = f"{max(t['sandbox_peak_mb'] for t in done):.0f}"
        print(f"{label:40} {notebooks:9d} {wall:8.1f} {wall / notebooks:10.2f} "
              f"{cpu / notebooks:14.2f} {overhead:>13} {grader:>9} {sandbox:>10}")
    stock = rows[0]
    for label, wall, cpu, notebooks, _ in rows[1:3]:
        print(f"{label}: {stock[1] / wall:.2f}x faster in wall time, "
              f"{(stock[2] / stock[3]) / (cpu / notebooks):.2f}x less CPU per notebook than "
              "stock serial nbgrader")
    print(f"27 students took {rows[3][1] / rows[2][1]:.2f}x the time of 9")


if __name__ == "__main__":
    main()
