"""A real nbgrader course in a temporary folder, driven through nbgrader's own commands.

Used by the assignment tests: copy the repo's config and source notebooks, generate the
release, write submissions by filling answer cells, autograde, read the SQLite gradebook.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "calculus"


def nbgrader_env() -> dict[str, str]:
    """The environment for nbgrader subprocesses: our venv first (nbgrader runs `alembic`)."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("JUPYTER_PLATFORM_DIRS", None)
    return env


def nbgrader(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in the course folder ``root``."""
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root,
                            env=nbgrader_env(), capture_output=True, text=True, timeout=1800)
    if check and result.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed ({result.returncode}):\n"
                             f"{result.stdout[-3000:]}\n{result.stderr[-6000:]}")
    return result


def new_course(root: Path) -> Path:
    """A course folder with the repo's config and source notebooks, release generated."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(REPO / "source", root / "source")
    nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    return root


def notebooks(folder: Path) -> list[Path]:
    return sorted((folder / ASSIGNMENT).glob("*.ipynb"))


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def cell_by_id(notebook: dict[str, Any], grade_id: str) -> dict[str, Any]:
    for cell in notebook["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return cell
    raise KeyError(f"no cell with grade_id {grade_id!r}")


def submit(root: Path, student: str, notebook: str, answers: dict[str, str] | None = None,
           source: str = "release", raw: str | None = None) -> Path:
    """Write ``student``'s submission of ``notebook``: the release (or source) version with
    the given answer cells replaced, or ``raw`` bytes verbatim (for corrupt files)."""
    folder = root / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / notebook
    if raw is not None:
        target.write_text(raw)
        return target
    nb = load(root / source / ASSIGNMENT / notebook)
    for grade_id, code in (answers or {}).items():
        cell_by_id(nb, grade_id)["source"] = code
    target.write_text(json.dumps(nb, indent=1))
    return target


def scores(root: Path, student: str) -> dict[str, float | None]:
    """Score of every grade cell of ``student`` from the SQLite gradebook, by grade_id."""
    from nbgrader.api import Gradebook

    found: dict[str, float | None] = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "calcrl") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                found[grade.name] = grade.score
    return found


def feedback_text(root: Path, student: str, notebook: str) -> str:
    """The feedback HTML a student receives, as text with tags removed."""
    import html
    import re

    page = (root / "feedback" / student / ASSIGNMENT /
            notebook.replace(".ipynb", ".html")).read_text()
    page = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    page = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


#: What a TA does in the formgrader, done the way the formgrader does it: in a process that
#: has read the course's nbgrader_config.py, through nbgrader's Gradebook, one commit per change.
_TA_SCRIPT = """
import pathlib, sys
from calcrl_checks.instructor.grading.course import Course
from nbgrader.api import Gradebook
settings = Course(pathlib.Path('.').resolve()).settings()
with Gradebook(settings.db_url, settings.course_id) as gradebook:
    for student, notebook, field, value in [line.split('|') for line in sys.argv[1:]]:
        submitted = gradebook.find_submission_notebook(notebook, '%s', student)
        rows = submitted.comments if field == 'manual_comment' else submitted.grades
        row = min(rows, key=lambda r: r.name)
        setattr(row, field, value if field == 'manual_comment' else float(value))
        gradebook.db.commit()
""" % ASSIGNMENT


def give_ta_grades(root: Path, *changes: str) -> None:
    """Each change ``student|notebook|field|value`` on the notebook's first grade by name (or
    comment, for ``manual_comment``), as a TA would give it."""
    run = subprocess.run([sys.executable, "-c", _TA_SCRIPT, *changes], cwd=root,
                         env=nbgrader_env(), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


def ta_work(db_url: str) -> dict[tuple[str, str, str], tuple]:
    """Every manual score, extra credit and comment in a gradebook."""
    from nbgrader.api import Gradebook

    found: dict[tuple[str, str, str], tuple] = {}
    with Gradebook(db_url, "calcrl") as gradebook:
        for submission in gradebook.find_assignment(ASSIGNMENT).submissions:
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if (grade.manual_score, grade.extra_credit) != (None, None):
                        found[(submission.student.id, notebook.name, grade.name)] = (
                            grade.manual_score, grade.extra_credit)
                for comment in notebook.comments:
                    if comment.manual_comment:
                        found[(submission.student.id, notebook.name, comment.name)] = (
                            comment.manual_comment,)
    return found
