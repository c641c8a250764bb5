"""Grade the demo class three ways and print wall time and CPU time per notebook, side by side.

1. stock serial ``nbgrader autograde``: nbgrader's own Execute step (a Jupyter kernel per
   notebook, hidden tests inside it), i.e. the course config with GradeInSandbox swapped back;
2. serial ``nbgrader autograde`` with the course config: the grading engine (sandbox);
3. ``calcrl autograde --jobs N`` with the course config.

CPU time is user + system time of every process the run started, kernels and sandboxes
included: each run goes into a fresh cpuacct cgroup (as root), since bubblewrap's processes are
not all waited for by their parents and so escape ``getrusage``. Without a writable cgroup the
benchmark says so and falls back to ``getrusage``, which then misses the sandbox's own CPU.
Each run starts from its own fresh course folder (same config, source, release and
submissions).

    .venv/bin/python benchmarks/bench_autograde.py [--jobs N]
"""
from __future__ import annotations

import argparse
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

from calcrl_checks.instructor.demo_class import ASSIGNMENT, demo_students, write_submissions  # noqa: E402


def stock_config(text: str) -> str:
    """The course config with nbgrader's Execute step in place of the grading engine."""
    text = text.replace("c.Autograde.pre_convert_hook = require_sandbox\n", "")
    text = text.replace("    GradeInSandbox, IgnorePattern,", "    Execute, IgnorePattern,")
    text = text.replace("from nbgrader.preprocessors import (",
                        "from nbgrader.preprocessors import (Execute, ")
    return text + "\nc.Execute.timeout = 30\nc.Execute.interrupt_on_timeout = True\n"


def fresh_course(parent: Path, name: str, config: str) -> Path:
    root = parent / name
    root.mkdir()
    (root / "nbgrader_config.py").write_text(config)
    shutil.copytree(REPO / "source", root / "source")
    run(root, [sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force"])
    write_submissions(root, demo_students())
    return root


_CPUACCT = Path("/sys/fs/cgroup/cpuacct")


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
    grade = [sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--force"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="calcrl-bench-") as scratch:
        for label, course_config, command in [
                ("stock nbgrader, serial (kernels)", stock_config(config), grade),
                ("nbgrader + engine, serial", config, grade),
                (f"calcrl autograde --jobs {jobs}", config,
                 [sys.executable, "-m", "calcrl_checks.instructor.cli", "autograde",
                  ASSIGNMENT, "--jobs", str(jobs), "--force"])]:
            root = fresh_course(Path(scratch), label.split()[0] + str(len(rows)), course_config)
            notebooks = len(list((root / "submitted").glob(f"*/{ASSIGNMENT}/*.ipynb")))
            wall, cpu = run(root, command)
            rows.append((label, wall, cpu, notebooks))
    students = len(demo_students())
    print(f"demo class: {students} students, {rows[0][3]} notebooks, {os.cpu_count()} cores")
    if not _CPUACCT.is_dir() or os.geteuid() != 0:
        print("CPU: getrusage only (no writable cpuacct cgroup): the sandbox's CPU is NOT "
              "counted")
    print(f"{'':36} {'wall s':>8} {'s/notebook':>11} {'CPU s':>8} {'CPU s/notebook':>15}")
    for label, wall, cpu, notebooks in rows:
        print(f"{label:36} {wall:8.1f} {wall / notebooks:11.2f} {cpu:8.1f} "
              f"{cpu / notebooks:15.2f}")
    stock = rows[0]
    for label, wall, cpu, _ in rows[1:]:
        print(f"{label}: {stock[1] / wall:.2f}x faster in wall time, "
              f"{stock[2] / cpu:.2f}x less CPU than stock nbgrader")


if __name__ == "__main__":
    main()
