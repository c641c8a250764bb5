"""`calcrl feedback`: nbgrader's feedback pages for every graded student."""
from __future__ import annotations

from pathlib import Path

from calcrl_checks.instructor.grading.course import Course, nbgrader_command
from calcrl_checks.outcome.errors import CalcrlError


class FeedbackError(CalcrlError, RuntimeError):
    """nbgrader could not generate the feedback."""


def generate_feedback(course: Course, assignment: str) -> list[Path]:
    """Run ``nbgrader generate_feedback`` for everyone; return the pages written."""
    finished = nbgrader_command(course, "generate_feedback", assignment, "--force")
    if finished.returncode != 0:
        raise FeedbackError(finished.output[-4000:])
    return sorted((course.root / "feedback").glob(f"*/{assignment}/*.html"))
