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
from typing import Any

from .course import Course

FOLDER = ".calcrl-outcomes"
#: The column ``calcrl report`` adds to nbgrader's grades CSV.
STATUS_COLUMN = "calcrl_status"


@dataclass(frozen=True)
class Account:
    """A student's latest grading outcome."""

    status: str              # "graded", "up to date", "failed", "not graded"
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
        return self.status in ("graded", "up to date")


def _path(course: Course, assignment: str) -> Path:
    return course.root / "autograded" / FOLDER / f"{assignment}.json"


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
    fresh.write_text(json.dumps({student: {"status": a.status, "reason": a.reason,
                                           "problems": list(a.problems)}
                                 for student, a in sorted(accounts.items())}, indent=1))
    os.replace(fresh, path)


def complete_csv(course: Course, assignment: str, path: Path) -> None:
    """Add a status column to nbgrader's grades CSV, and a row without a score for every
    student who submitted but has no grade, so no submission is silently missing."""
    accounts = load(course, assignment)
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = list(rows[0].keys()) if rows else ["assignment", "student_id", "score",
                                                   "max_score"]
    seen = set()
    for row in rows:
        if row.get("assignment") != assignment:
            continue
        seen.add(row["student_id"])
        account = accounts.get(row["student_id"])
        row[STATUS_COLUMN] = account.describe() if account else "graded"
        if account and not account.has_grade:
            row[STATUS_COLUMN] += " (the score is from an earlier grading)"
    for student in course.students_submitted(assignment):
        if student not in seen:
            account = accounts.get(student, Account("not graded", "never autograded"))
            rows.append({"assignment": assignment, "student_id": student,
                         STATUS_COLUMN: account.describe()})
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
