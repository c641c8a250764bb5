"""Every submission accounted for: the last grading outcome of each student, kept on disk.

nbgrader's gradebook only holds grades, so a student whose grading failed would be either a
missing row or, worse, a 0 counted as a grade. ``calcrl autograde`` records each student's
latest outcome here (``autograded/.calcrl-outcomes/ASSIGNMENT.json``); the grades CSV and the
report read it to mark failed or partly unreadable submissions, with the reason.
"""
from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from calcrl_checks.display.names import terminal_text
from calcrl_checks.instructor.grading.course import Course

FOLDER = ".calcrl-outcomes"
#: The column ``calcrl report`` adds to nbgrader's grades CSV.
STATUS_COLUMN = "calcrl_status"
#: nbgrader's export columns that hold a score (0.0 for a student without a submission).
_SCORE_COLUMNS = ("raw_score", "late_submission_penalty", "score")

#: What happened to a student's submission in the latest ``calcrl autograde``.
Status = Literal["graded", "up to date", "failed", "not graded"]
#: The statuses of a submission whose grade stands. Typed, so mypy checks each spelling: a bare
#: tuple of strings is only ``tuple[str, ...]`` to it, and ``in`` would never be checked.
HAS_GRADE: tuple[Status, ...] = ("graded", "up to date")


@dataclass(frozen=True)
class Account:
    """A student's latest grading outcome."""

    status: Status
    reason: str = ""
    problems: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for a CSV cell or a report row.

        >>> Account("failed", "no readable notebook").describe()
        'failed: no readable notebook'
        """
        text = self.status + (f": {self.reason}" if self.reason else "")
        return "; ".join([text, *self.problems])

    @property
    def has_grade(self) -> bool:
        return self.status in HAS_GRADE


_NEVER_GRADED = Account("not graded", "never autograded")


def folder(course: Course) -> Path:
    """Where outcomes are kept, one file per assignment."""
    return course.root / "autograded" / FOLDER


def _path(course: Course, assignment: str) -> Path:
    return folder(course) / f"{assignment}.json"


def load(course: Course, assignment: str) -> dict[str, Account]:
    """Each student's latest recorded outcome (empty before the first ``calcrl autograde``)."""
    try:
        raw: dict[str, Any] = json.loads(_path(course, assignment).read_text())
    except (OSError, ValueError):
        return {}
    return {student: Account(entry["status"], entry.get("reason", ""),
                             tuple(entry.get("problems", ())))
            for student, entry in raw.items()}


def record(course: Course, assignment: str, outcomes: list[Any]) -> None:
    """Remember these outcomes (``autograde.Outcome``), keeping other students' entries."""
    accounts = load(course, assignment)
    for outcome in outcomes:
        accounts[outcome.student] = Account(outcome.status, outcome.reason,
                                            tuple(outcome.problems))
    path = _path(course, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_suffix(".json.new")
    try:
        fresh.write_text(json.dumps({student: {"status": a.status, "reason": a.reason,
                                               "problems": list(a.problems)}
                                     for student, a in sorted(accounts.items())}, indent=1))
        os.replace(fresh, path)
    except OSError:
        fresh.unlink(missing_ok=True)  # the last complete file stays
        raise


def complete_csv(course: Course, assignment: str, path: Path, graded: set[str]) -> None:
    """Add a status column to nbgrader's grades CSV, and a row without a score for every
    student who submitted but has no grade, so no submission is silently missing.

    ``graded`` are the students the gradebook holds a submission of ``assignment`` for. nbgrader
    writes 0.0 for every other student it knows (from another assignment, say); a student who
    handed in but could not be graded gets an empty score instead, never a 0 that reads as a
    grade, and one who handed in nothing keeps nbgrader's 0 as "not submitted".
    """
    accounts = load(course, assignment)
    submitted = set(course.students_submitted(assignment))
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = list(rows[0].keys()) if rows else ["assignment", "student_id", "score",
                                                   "max_score"]
    seen = set()
    for row in rows:
        if row.get("assignment") != assignment:
            continue
        student = row["student_id"]
        seen.add(student)
        account = accounts.get(student)
        if student in graded:
            row[STATUS_COLUMN] = account.describe() if account else "graded"
            if account and not account.has_grade:
                row[STATUS_COLUMN] += " (the score is from an earlier grading)"
        elif student in submitted:
            row.update({column: "" for column in _SCORE_COLUMNS if column in row})
            row[STATUS_COLUMN] = (account or _NEVER_GRADED).describe()
        else:
            row[STATUS_COLUMN] = "not submitted"
    for student in sorted(submitted - seen):
        # a folder refused as a student id may hold terminal escapes: shown, never replayed
        rows.append({"assignment": assignment, "student_id": terminal_text(student),
                     STATUS_COLUMN: accounts.get(student, _NEVER_GRADED).describe()})
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, [*columns, STATUS_COLUMN], restval="")
        writer.writeheader()
        writer.writerows(rows)


def without_grade(course: Course, assignment: str, graded: set[str]) -> dict[str, str]:
    """Students who submitted but have no grade (or a stale one), with the reason."""
    accounts = load(course, assignment)
    missing = {}
    for student in course.students_submitted(assignment):
        account = accounts.get(student)
        if student not in graded:
            missing[student] = account.describe() if account else "not graded yet"
        elif account and not account.has_grade:
            missing[student] = account.describe() + " (an earlier grade is kept)"
    return missing
