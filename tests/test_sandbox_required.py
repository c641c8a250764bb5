"""Without a sandbox, grading stops before any work; running unsandboxed is loud and explicit."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import course
from attacks import Q10, RIGHT_DF
from conftest import calcrl

pytestmark = pytest.mark.course


@pytest.fixture(scope="module")
def small_course(tmp_path_factory) -> Path:
    root = course.new_course(tmp_path_factory.mktemp("required") / "course")
    course.submit(root, "alice", Q10, {"q10-df": RIGHT_DF, "q10-df-at-0": "df_at_0 = 6"})
    return root


def _without_bwrap() -> dict[str, str]:
    """The environment with only our venv on PATH: no bwrap to be found."""
    env = course.nbgrader_env()
    env["PATH"] = str(Path(sys.executable).parent)
    return env


def test_plain_nbgrader_stops_before_grading_anyone_when_bwrap_is_missing(small_course):
    result = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", course.ASSIGNMENT],
                            cwd=small_course, env=_without_bwrap(), capture_output=True,
                            text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "bubblewrap" in output and "apt-get install bubblewrap" in output
    assert not (small_course / "autograded" / "alice").exists()


def test_calcrl_autograde_stops_before_grading_anyone_when_bwrap_is_missing(small_course):
    result = subprocess.run([sys.executable, "-m", "calcrl_checks.instructor.command.cli",
                             "autograde", course.ASSIGNMENT], cwd=small_course,
                            env=_without_bwrap(), capture_output=True, text=True, timeout=600)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "bubblewrap" in result.stderr and "CALCRL_UNSANDBOXED" in result.stderr
    assert not (small_course / "autograded" / "alice").exists()


def test_grading_without_the_sandbox_is_an_explicit_flag_that_warns(small_course):
    result = calcrl(small_course, "autograde", course.ASSIGNMENT, "--unsandboxed")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" in result.stderr and "without a sandbox" in result.stderr
    assert course.scores(small_course, "alice")["q10-df-test"] == 3
    env = dict(course.nbgrader_env(), CALCRL_UNSANDBOXED="1")
    again = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", course.ASSIGNMENT,
                            "--force"], cwd=small_course, env=env, capture_output=True,
                           text=True, timeout=600)
    assert "grading WITHOUT a sandbox" in again.stdout + again.stderr
    assert os.environ.get("CALCRL_UNSANDBOXED") is None


def test_a_machine_without_user_namespaces_is_told_how_to_enable_them(small_course):
    """Run calcrl where no user namespace may be created: inside a user namespace (util-linux
    unshare) whose own limit of nested user namespaces is set to 0."""
    no_namespaces = ["unshare", "--user", "--map-root-user", "sh", "-c",
                     'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"', "sh"]
    result = subprocess.run([*no_namespaces, sys.executable, "-m",
                             "calcrl_checks.instructor.command.cli", "autograde", course.ASSIGNMENT,
                             "--force"], cwd=small_course, env=course.nbgrader_env(),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "max_user_namespaces" in result.stderr and "sysctl" in result.stderr
