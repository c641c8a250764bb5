"""`calcrl feedback`: nbgrader's feedback pages for every graded student."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from calcrl_checks.instructor.grading.course import Course, nbgrader_command
from calcrl_checks.outcome.errors import CalcrlError


class FeedbackError(CalcrlError, RuntimeError):
    """The feedback could not be generated; the message says why and what to run."""


@dataclass(frozen=True)
class Feedback:
    """The pages written, and the submitted students left without one (not graded yet)."""

    pages: list[Path]
    not_graded: list[str]


def generate_feedback(course: Course, assignment: str) -> Feedback:
    """Run ``nbgrader generate_feedback`` for every graded student.

    Refuses, with the command to run first, when no submission of ``assignment`` is graded;
    a submitted student not yet graded is named in ``not_graded``, never skipped in silence.
    """
    submitted = course.students_submitted(assignment)
    not_graded = [s for s in submitted
                  if not course.folder("autograded", s, assignment).is_dir()]
    if len(not_graded) == len(submitted):
        what = (f"none of the {len(submitted)} submissions of {assignment} is graded yet"
                if submitted else f"no student has submitted {assignment}")
        raise FeedbackError(f"calcrl feedback: {what}; run `calcrl autograde {assignment}` "
                            "first")
    finished = nbgrader_command(course, "generate_feedback", assignment, "--force")
    if finished.returncode != 0:
        raise FeedbackError(f"calcrl feedback: nbgrader generate_feedback failed; its last "
                            f"lines:\n{finished.output[-4000:]}")
    pages = sorted((course.root / "feedback").glob(f"*/{assignment}/*.html"))
    return Feedback(pages, not_graded)
