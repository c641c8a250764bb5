"""Checks before any grading: is there a sound gradebook, a release, and what was asked for?

Each failure is an :class:`AutogradeError` whose message says what is wrong and how to recover,
raised before a single submission is touched.

>>> did_you_mean("calculs", ["calculus", "algebra"])
" Did you mean 'calculus'?"
"""
from __future__ import annotations

import contextlib
import difflib
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from calcrl_checks.instructor.grading.backups import latest_backup
from calcrl_checks.instructor.grading.course import Course, sqlite_path
from calcrl_checks.outcome.errors import CalcrlError


#: Seconds to wait for a gradebook another program holds locked before giving up.
GRADEBOOK_WAIT = 180.0


class AutogradeError(CalcrlError, RuntimeError):
    """Grading cannot start (the assignment is not in the gradebook, for example)."""


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """A hint naming the closest known name, or an empty string."""
    close = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def check_gradebook(course: Course, assignment: str) -> None:
    """Refuse a missing or damaged SQLite gradebook; say how to recover without losing grades."""
    path = sqlite_path(course.settings().db_url)
    if path is None:
        return
    if not path.is_absolute():
        path = course.root / path
    copy = latest_backup(course)
    restore = (f"`calcrl restore {copy.relative_to(course.root)}` puts back the newest copy "
               f"(taken {_age(copy)}); then `calcrl autograde {assignment} --force`. Without a "
               "copy, " if copy else "")
    regenerate = (f"{restore}`nbgrader generate_assignment {assignment} --force` recreates it "
                  f"from source/; then `calcrl autograde {assignment}` grades every student "
                  "again (graded notebooks in autograded/ are kept until each new grading "
                  "completes). Either way every TA grade comes back from "
                  ".calcrl-manual/grades.jsonl.")
    if not path.exists() and not (course.root / "autograded").exists():
        raise AutogradeError(f"There is no gradebook yet ({path}): `nbgrader "
                             f"generate_assignment {assignment}` creates it, with release/, "
                             f"before the first `calcrl autograde {assignment}`.")
    if not path.exists():
        raise AutogradeError(f"The gradebook {path} is missing. {regenerate}")
    problem = _sqlite_problem(path)
    if problem:
        raise AutogradeError(
            f"The gradebook {path} is damaged ({problem}). Move it aside "
            f"(`mv {path.name} {path.name}.damaged`). {regenerate}")


def _age(path: Path) -> str:
    import datetime

    when = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.timezone.utc)
    return f"{when:%Y-%m-%d %H:%M} UTC"


def _sqlite_problem(path: Path) -> str | None:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                                                timeout=GRADEBOOK_WAIT)) as connection:
            verdict = connection.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as error:
        return str(error)
    return None if verdict and verdict[0] == "ok" else f"integrity check: {verdict}"


def check_known(course: Course, assignment: str) -> None:
    """Refuse an assignment name found nowhere in the course (a typo, most likely)."""
    known = {p.name for folder in ("source", "release", "submitted/*")
             for p in course.root.glob(f"{folder}/*") if p.is_dir()}
    if assignment not in known:
        raise AutogradeError(f"There is no assignment '{assignment}' in this course."
                             f"{did_you_mean(assignment, known)}")


def check_release(course: Course, assignment: str, in_gradebook: Iterable[str]) -> None:
    """Refuse an unknown assignment, a missing release, or a source changed since release."""
    known = set(in_gradebook)
    source = course.root / "source" / assignment
    if assignment not in known:
        folders = [p.name for p in (course.root / "source").glob("*") if p.is_dir()]
        if source.is_dir():
            raise AutogradeError(
                f"The gradebook has no assignment '{assignment}': generate it first with "
                f"`nbgrader generate_assignment {assignment}` (or `make release`), then grade "
                "again.")
        raise AutogradeError(f"There is no assignment '{assignment}' in the gradebook or in "
                             f"source/.{did_you_mean(assignment, known | set(folders))}")
    if not (course.root / "release" / assignment).is_dir():
        raise AutogradeError(
            f"release/{assignment} is missing: run `nbgrader generate_assignment {assignment} "
            "--force` (or `make release`) so students and grading use the same version.")


def stale_notebooks(course: Course, assignment: str) -> list[str]:
    """Source notebooks whose locked cells (instructions, tests) differ from the gradebook's
    copy, made when the release was generated: grading would use the old version."""
    from nbgrader.api import MissingEntry

    stale = []
    with course.gradebook() as gradebook:
        try:
            notebooks = gradebook.find_assignment(assignment).notebooks
        except MissingEntry:
            return []
        recorded = {nb.name: {c.name: c.source for c in nb.source_cells if c.locked}
                    for nb in notebooks}
    folder = course.root / "source" / assignment
    current_names = {p.stem for p in folder.glob("*.ipynb")}
    for name in sorted(current_names | set(recorded)):
        path = folder / f"{name}.ipynb"
        if name not in recorded or not path.exists() or _locked_cells(path) != recorded[name]:
            stale.append(f"{name}.ipynb")
    return stale


def _locked_cells(path: Path) -> dict[str, str] | None:
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    cells = {}
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("locked") or meta.get("grade") and not meta.get("solution"):
            text = cell.get("source", "")
            cells[meta.get("grade_id")] = "".join(text) if isinstance(text, list) else text
    return cells


def folder_bytes(path: Path) -> int:
    """Bytes of the files under ``path`` (0 when it does not exist)."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def check_free_space(folder: Path, needed: int, what: str) -> None:
    """Refuse to start when the file system holding ``folder`` has less than ``needed`` bytes
    free (its nearest existing parent, when it is not made yet)."""
    import shutil

    existing = folder
    while not existing.exists():
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    if free < needed:
        raise AutogradeError(
            f"{folder} has {free / 2**20:.1f} MiB free; {what} needs about "
            f"{needed / 2**20:.1f} MiB. Free space there, then run the same command again "
            "(nothing was changed).")


def check_students(glob: str, submitted: list[str], matching: list[str], assignment: str
                   ) -> None:
    """Refuse a --student pattern that matches nobody, naming the closest student."""
    if matching or not submitted:
        return
    raise AutogradeError(f"No submission of '{assignment}' matches --student '{glob}'."
                         f"{did_you_mean(glob, submitted)}")
