"""Autograde wall time of each notebook's instructor solution (target: about 3 s each).

Each notebook is autograded on its own with `nbgrader autograde --notebook`, in a fresh course
folder, so the time includes the kernel start and imports a student's grading pays.

    .venv/bin/python benchmarks/bench_notebooks.py
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "calculus"


def main() -> None:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    with tempfile.TemporaryDirectory(prefix="calcrl-notebooks-") as scratch:
        root = Path(scratch)
        shutil.copy(REPO / "nbgrader_config.py", root)
        shutil.copytree(REPO / "source", root / "source")
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT,
                        "--force"], cwd=root, env=env, capture_output=True, check=True)
        submitted = root / "submitted" / "instructor" / ASSIGNMENT
        shutil.copytree(root / "source" / ASSIGNMENT, submitted)
        rows = []
        for notebook in sorted(submitted.glob("*.ipynb")):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT,
                            "--student", "instructor", "--notebook", notebook.stem, "--force"],
                           cwd=root, env=env, capture_output=True, check=True)
            rows.append((notebook.stem, time.perf_counter() - started))
    print("instructor solution, nbgrader autograde wall time per notebook:")
    for name, seconds in rows:
        print(f"  {name:<34} {seconds:5.2f} s")
    print(f"  {'median':<34} {sorted(s for _, s in rows)[len(rows) // 2]:5.2f} s")


if __name__ == "__main__":
    main()
