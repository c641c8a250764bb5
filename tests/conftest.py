"""Shared fixtures: one real course with the demo class graded end to end per test session."""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import course
from calcrl_checks.instructor.demo_class import demo_students, write_submissions


@dataclass
class GradedClass:
    root: Path
    autograde: subprocess.CompletedProcess
    feedback: subprocess.CompletedProcess
    report: subprocess.CompletedProcess


def calcrl(root: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the real `calcrl` command line in the course folder."""
    return subprocess.run([sys.executable, "-m", "calcrl_checks.instructor.cli", *args],
                          cwd=root, env=course.nbgrader_env(), capture_output=True, text=True,
                          timeout=3000)


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory) -> GradedClass:
    """The demo class plus a student who deleted a test cell, autograded with `calcrl`."""
    root = course.new_course(tmp_path_factory.mktemp("course"))
    write_submissions(root, demo_students())
    deleted = course.load(root / "submitted" / "perfect" / course.ASSIGNMENT /
                          "q10_chain_rule_power.ipynb")
    deleted["cells"] = [c for c in deleted["cells"]
                        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                        != "q10-df-test"]
    course.submit(root, "deleter", "q10_chain_rule_power.ipynb", raw=json.dumps(deleted))
    graded = calcrl(root, "autograde", course.ASSIGNMENT, "--jobs", "2")
    return GradedClass(root, graded, calcrl(root, "feedback", course.ASSIGNMENT),
                       calcrl(root, "report", course.ASSIGNMENT))
