"""Scores from the gradebook, per student and per notebook."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from calcrl_checks.instructor.grading.course import Course


@contextlib.contextmanager
def submissions(course: Course, assignment: str) -> Iterator[list[Any]]:
    """The gradebook's submissions of ``assignment`` (none when it does not hold the
    assignment), readable while the block runs: the gradebook stays open until it ends."""
    from nbgrader.api import MissingEntry

    with course.gradebook() as gradebook:
        try:
            found = gradebook.find_assignment(assignment).submissions
        except MissingEntry:
            found = []
        yield found


@dataclass
class StudentGrades:
    student: str
    score: float
    max_score: float
    #: notebook name -> (score, max score)
    notebooks: dict[str, tuple[float, float]] = field(default_factory=dict)
    needs_manual_grade: bool = False
    #: notebook name -> points of written answers no TA has graded yet (counted 0 in score)
    pending: dict[str, float] = field(default_factory=dict)

    @property
    def pending_points(self) -> float:
        return sum(self.pending.values())

    def notebook_fraction(self, notebook: str) -> float | None:
        """Share of the notebook's graded points earned; None while nothing is graded."""
        score, top = self.notebooks[notebook]
        graded = top - self.pending.get(notebook, 0.0)
        return score / graded if graded > 0 else None


def class_grades(course: Course, assignment: str) -> dict[str, StudentGrades]:
    """Every graded student's total and per-notebook scores for ``assignment``."""
    found: dict[str, StudentGrades] = {}
    with submissions(course, assignment) as graded:
        for submission in graded:
            grades = StudentGrades(submission.student.id, float(submission.score),
                                   float(submission.max_score),
                                   needs_manual_grade=bool(submission.needs_manual_grade))
            for notebook in submission.notebooks:
                grades.notebooks[notebook.name] = (float(notebook.score),
                                                   float(notebook.max_score))
                waiting = sum(float(g.max_score or 0) for g in notebook.grades
                              if g.needs_manual_grade and g.manual_score is None)
                if waiting:
                    grades.pending[notebook.name] = waiting
            found[grades.student] = grades
    return found


def pending_warning(grades: dict[str, StudentGrades]) -> str:
    """One sentence naming written answers no TA has graded yet, or "" when there are none."""
    waiting = {g.student: g.pending_points for g in grades.values() if g.pending_points}
    if not waiting:
        return ""
    return (f"{len(waiting)} of {len(grades)} students have written answers awaiting TA "
            f"grading ({sum(waiting.values()):g} points in all); exported grades count them "
            "as 0 until a TA grades them in the formgrader.")
