"""One page a student opens first: ``feedback/<student>/<assignment>/index.html``.

It shows the total, each question's and part's score, the headline of every lost point (linked
to the part on the notebook's own feedback page), the points still waiting for a TA, and any
notebook that could not be read, with the reason. Self-contained: no scripts, no network;
rendered by :mod:`.pages` (autoescaped, under a Content-Security-Policy): a headline can be
anything a student's kernel printed, so it is shown as plain text.

nbgrader calls :func:`index_after_feedback` after it writes a student's feedback (configured
as ``GenerateFeedback.post_convert_hook``), so the formgrader's *Generate Feedback* button and
``calcrl feedback`` both write it.
"""
from __future__ import annotations

import os
from pathlib import Path

from calcrl_checks.instructor.grading.course import Course
from calcrl_checks.instructor.results.pages import render
from calcrl_checks.instructor.results.standing import Standing, standing

INDEX = "index.html"


def index_after_feedback(assignment: str, student: str, notebooks: list[str],
                         **_: object) -> None:
    """nbgrader's ``post_convert_hook`` for GenerateFeedback: write the student's index.

    nbgrader passes the id pattern it was asked for (``*`` for everyone) as ``student``; the
    notebooks it converted (``autograded/<student>/<assignment>/*.ipynb``) name the student.
    """
    if notebooks:
        first = Path(notebooks[0]).resolve()
        root, student = first.parents[3], first.parents[1].name
    else:
        root = Path(os.getcwd())
    write_index(Course(root), assignment, student)


def write_index(course: Course, assignment: str, student: str) -> Path | None:
    """Write the student's index page; None when the gradebook has no graded submission."""
    found = standing(course, assignment, student)
    if found is None:
        return None
    folder = course.root / "feedback" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / INDEX
    path.write_text(index_page(found), encoding="utf-8")
    return path


def index_page(found: Standing) -> str:
    """The index page's HTML (``templates/pages/feedback_index.html.j2``, autoescaped)."""
    return render("feedback_index.html.j2", found=found)
