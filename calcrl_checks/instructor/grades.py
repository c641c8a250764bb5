"""Scores from the gradebook, per student and per notebook."""
from __future__ import annotations

from dataclasses import dataclass, field

from .course import Course


@dataclass
class StudentGrades:
    student: str
    score: float
    max_score: float
    #: notebook name -> (score, max score)
    notebooks: dict[str, tuple[float, float]] = field(default_factory=dict)
    needs_manual_grade: bool = False


def class_grades(course: Course, assignment: str) -> dict[str, StudentGrades]:
    """Every graded student's total and per-notebook scores for ``assignment``."""
    from nbgrader.api import MissingEntry

    found: dict[str, StudentGrades] = {}
    with course.gradebook() as gradebook:
        try:
            submissions = gradebook.find_assignment(assignment).submissions
        except MissingEntry:
            return {}
        for submission in submissions:
            grades = StudentGrades(submission.student.id, float(submission.score),
                                   float(submission.max_score),
                                   needs_manual_grade=bool(submission.needs_manual_grade))
            for notebook in submission.notebooks:
                grades.notebooks[notebook.name] = (float(notebook.score),
                                                   float(notebook.max_score))
            found[grades.student] = grades
    return found
