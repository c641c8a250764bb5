"""A course folder holding its own `calcrl_checks/`, graded with another checkout's virtualenv.

`calcrl` from this repository's `.venv` runs this repository's copy, while the graders it
starts (`python -m`, in the course folder) import the course's copy. The sandbox must run the
copy its grader runs, `calcrl sandbox-check` must check what autograde starts, and where the
sandbox's Python would import another copy, the error must say which copy was found where.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import course
from attacks import Q10, RIGHT_DF

pytestmark = pytest.mark.course

CALCRL = Path(sys.executable).parent / "calcrl"  # the venv's script: it runs the venv's copy
MARKER = "COURSE_COPY_MARKER.txt"
#: Prints, from inside the sandbox, which checker the student's code sees.
_LOOK = ("import os as _os, calcrl_checks as _c\n"
         "_where = _os.path.dirname(_c.__file__)\n"
         "print('checker at', _where, 'marker', _os.path.exists(_os.path.join(_where, "
         f"{MARKER!r})), 'instructor', _os.listdir(_os.path.join(_where, 'instructor')))\n")
STUDENTS = {"alice": {"q10-df": RIGHT_DF + _LOOK, "q10-df-at-0": "df_at_0 = 6"},
            "bob": {"q10-df": "df = 6 * (2 * x + 1)\n" + _LOOK, "q10-df-at-0": "df_at_0 = 5"}}


@dataclass
class Graded:
    root: Path
    result: subprocess.CompletedProcess


def _copy_package(root: Path) -> Path:
    """The course's own copy of the checker: this repository's package, plus a marker file."""
    target = root / "calcrl_checks"
    shutil.copytree(course.REPO / "calcrl_checks", target,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (target / MARKER).write_text("this is the course's copy\n")
    return target


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    """`.venv/bin/calcrl ARGS` run in ``root``, as an instructor would."""
    return subprocess.run([str(CALCRL), *args], cwd=root, env=course.nbgrader_env(),
                          capture_output=True, text=True, timeout=1800)


def _graded(root: Path, own_copy: bool) -> Graded:
    root.mkdir(parents=True)
    if own_copy:
        _copy_package(root)
    course.new_course(root)
    for student, answers in STUDENTS.items():
        course.submit(root, student, Q10, answers)
    return Graded(root, _run(root, "autograde", course.ASSIGNMENT))


@pytest.fixture(scope="module")
def normal(tmp_path_factory) -> Graded:
    return _graded(tmp_path_factory.mktemp("checker-copy") / "normal", own_copy=False)


@pytest.fixture(scope="module")
def with_copy(tmp_path_factory) -> Graded:
    return _graded(tmp_path_factory.mktemp("checker-copy") / "course", own_copy=True)


def _printed(root: Path, student: str) -> str:
    notebook = course.load(root / "autograded" / student / course.ASSIGNMENT / Q10)
    cell = course.cell_by_id(notebook, "q10-df")
    texts = [output.get("text", "") for output in cell["outputs"]]
    return "".join("".join(text) if isinstance(text, list) else text for text in texts)


def test_every_student_is_graded_as_in_a_normal_course(normal, with_copy):
    for graded in (normal, with_copy):
        assert graded.result.returncode == 0, graded.result.stdout[-3000:] + \
            graded.result.stderr[-3000:]
        assert "cannot start its sandbox" not in graded.result.stdout + graded.result.stderr
    for student in STUDENTS:
        assert course.scores(with_copy.root, student) == course.scores(normal.root, student)
    assert course.scores(with_copy.root, "alice")["q10-df-test"] == 3
    assert course.scores(with_copy.root, "bob")["q10-df-test"] == 0


def test_the_sandbox_runs_the_copy_the_grader_runs(normal, with_copy):
    """The course's copy (its marker file) in that course, this repository's elsewhere; in
    both, read-only at the sandbox's own place and without its instructor tools."""
    for graded, marker in ((with_copy, True), (normal, False)):
        for student in STUDENTS:
            printed = _printed(graded.root, student)
            assert f"checker at /calcrl/calcrl_checks marker {marker} instructor []" in printed


def test_sandbox_check_checks_the_copy_autograde_runs(with_copy):
    result = _run(with_copy.root, "--course", str(with_copy.root), "sandbox-check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAILED" not in result.stdout and result.stdout.count("[ok]") >= 10, result.stdout
    copy, ours = with_copy.root / "calcrl_checks", course.REPO / "calcrl_checks"
    note = next(line for line in result.stdout.splitlines()
                if "sandbox-check runs the checker autograde runs" in line)
    assert f"grades with calcrl_checks from {copy} (found through the current folder" in note
    assert f"not with this command's {ours}" in note
    same = next(line for line in result.stdout.splitlines()
                if "the sandbox runs the checker the grader runs" in line)
    assert f"calcrl_checks from {copy}" in same and "the same files" in same


def test_sandbox_check_elsewhere_checks_the_copy_autograde_runs_from_there(with_copy, tmp_path):
    """Graders started outside the course folder import the environment's copy: so does the
    check started there."""
    result = _run(tmp_path, "--course", str(with_copy.root), "sandbox-check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sandbox-check runs the checker autograde runs" not in result.stdout
    assert f"calcrl_checks from {course.REPO / 'calcrl_checks'}" in result.stdout


def test_a_sandbox_that_would_import_another_copy_says_which_was_found_where(tmp_path):
    """An environment whose Python imports its own, different calcrl_checks when it starts
    (sitecustomize), used by a grader that runs another copy: the sandbox refuses to start."""
    environment = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip",
                    str(environment)], check=True, timeout=120)
    site = next(environment.glob("lib/python3*/site-packages"))
    installed = _copy_package(site)
    with (installed / "notebook.py").open("a") as handle:
        handle.write("# an older release\n")
    (site / "sitecustomize.py").write_text("import calcrl_checks\n")
    grader_copy = _copy_package(tmp_path / "course")
    script = ("import sys\n"
              "for name in [m for m in sys.modules if m.startswith('calcrl_checks')]:\n"
              "    del sys.modules[name]\n"
              f"sys.path.insert(0, {str(grader_copy.parent)!r})\n"
              "from calcrl_checks.engine.bubblewrap import SandboxUnavailable\n"
              "from calcrl_checks.engine.host import Sandbox\n"
              "import calcrl_checks, json\n"
              "try:\n"
              "    Sandbox().start()\n"
              "    print(json.dumps([calcrl_checks.__file__, 'started']))\n"
              "except SandboxUnavailable as error:\n"
              "    print(json.dumps([calcrl_checks.__file__, str(error)]))\n")
    done = subprocess.run([str(environment / "bin" / "python"), "-c", script],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    loaded, message = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == str(grader_copy / "__init__.py")
    assert message.startswith("calcrl cannot start its sandbox here: "), message
    assert f"the grader runs calcrl_checks from {grader_copy} " in message
    assert f"imported calcrl_checks from {installed} (imported while Python started" in message
    assert "sitecustomize" in message and "bwrap said" not in message
