"""Real nbgrader gradebooks (SQLite, written through nbgrader's own API) with chosen scores,
for tests of what is computed from a graded class."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from calcrl_checks.instructor.grading.course import Course
from calcrl_checks.instructor.results.verdict_records import Record

ASSIGNMENT = "calculus"
#: nbgrader's own add_submission warns about its session while it builds the gradebook.
NBGRADER_WARNS = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")


def ability_class(root: Path, students: int, pending: frozenset[str] = frozenset(),
                  emails: dict[str, str] | None = None) -> tuple[Course, list[Record]]:
    """A gradebook of ``students`` (s00, s01, ...) of rising ability on five parts, where
    ``q01-broken``'s expected answer is wrong: the students who know the lesson lose its points
    and the weakest (whose mistake it happens to equal) earn them. ``pending`` students still
    wait for a TA on ``q01-d``; ``emails`` gives students an e-mail address."""
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    from nbgrader.api import Gradebook

    parts = {"q01-a": 1.0, "q01-b": 2.0, "q01-c": 2.0, "q01-d": 3.0, "q01-broken": 2.0}
    records = []
    gradebook = Gradebook(f"sqlite:///{root / 'gradebook.db'}")
    try:
        gradebook.add_assignment(ASSIGNMENT)
        gradebook.add_notebook("q01", ASSIGNMENT)
        for cell, top in parts.items():
            gradebook.add_grade_cell(cell, "q01", ASSIGNMENT, max_score=top, cell_type="code")
        for number in range(students):
            student, ability = f"s{number:02d}", number / (students - 1)
            gradebook.add_student(student, email=(emails or {}).get(student))
            gradebook.add_submission(ASSIGNMENT, student)
            for index, (cell, top) in enumerate(parts.items()):
                knows = ability > (index + 1) / (len(parts) + 1) or number == students - 1
                earned = top * (not knows if cell == "q01-broken" else knows)
                grade = gradebook.find_grade(cell, "q01", ASSIGNMENT, student)
                grade.auto_score, grade.needs_manual_grade = earned, False
                if student in pending and cell == "q01-d":   # a written part not yet graded
                    grade.auto_score, grade.needs_manual_grade = None, True
                code = "correct" if earned else ("not_answered" if number == 0 else "wrong")
                records.append(Record(student, "q01", cell, cell.removeprefix("q01-"), code,
                                      earned / top))
        gradebook.db.commit()
    finally:
        gradebook.close()
    return Course(root), records


