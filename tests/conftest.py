"""Shared fixture: `calcrl demo` run once per session in a copy of the course, plus a student
who deleted a test cell, graded with `calcrl autograde --student`."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import course


@dataclass
class GradedClass:
    root: Path
    demo: subprocess.CompletedProcess


def calcrl(root: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the real `calcrl` command line in the course folder."""
    return subprocess.run([sys.executable, "-m", "calcrl_checks.instructor.command.cli", *args],
                          cwd=root, env=course.nbgrader_env(), capture_output=True, text=True,
                          timeout=3000)


def course_copy(root: Path) -> Path:
    """What a clone holds of the course: config, source/, the committed release/."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(course.REPO / "nbgrader_config.py", root)
    for folder in ("source", "release"):
        shutil.copytree(course.REPO / folder, root / folder)
    return root


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory) -> GradedClass:
    root = course_copy(tmp_path_factory.mktemp("course"))
    demo = calcrl(root, "demo")
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    deleted = course.load(root / "submitted" / "perfect" / course.ASSIGNMENT /
                          "q10_chain_rule_power.ipynb")
    deleted["cells"] = [c for c in deleted["cells"]
                        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                        != "q10-df-test"]
    course.submit(root, "deleter", "q10_chain_rule_power.ipynb", raw=json.dumps(deleted))
    graded = calcrl(root, "autograde", course.ASSIGNMENT, "--student", "deleter")
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert calcrl(root, "feedback", course.ASSIGNMENT).returncode == 0
    return GradedClass(root, demo)
