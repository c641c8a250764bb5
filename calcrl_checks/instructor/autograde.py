"""`calcrl autograde`: one nbgrader autograde per student, several at once, nothing lost.

Each student is graded by its own `nbgrader autograde --student` process, from a staged copy
of the submission without unreadable notebooks (nbgrader scores those 0 and grades the rest).
A failed or timed-out student leaves no partial output behind; a busy gradebook is retried;
a re-run grades only submissions that changed since their last complete grading.
"""
from __future__ import annotations

import fnmatch
import os
import re
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .course import Course, nbgrader_command, remove_tree
from .progress import Progress
from .submissions import inspect, is_up_to_date, mark_graded, stage

#: Default time limit for grading one student's whole submission, in seconds.
STUDENT_SECONDS = 900
#: Attempts when the gradebook reports it is busy (SQLite "database is locked").
BUSY_RETRIES = 4
_STUDENT_FAILED = "There was an error processing assignment"
_BUSY = re.compile(r"database is locked|database table is locked|could not obtain lock", re.I)


@dataclass
class Outcome:
    """What happened to one student's submission."""

    student: str
    status: str                      # "graded", "up to date" or "failed"
    reason: str = ""
    seconds: float = 0.0
    #: Notebooks that could not be read (scored 0): these make the run exit non-zero.
    problems: list[str] = field(default_factory=list)
    #: Things the instructor should know that did not stop grading (a cell hit its time limit).
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status == "failed" or bool(self.problems)


def autograde_class(course: Course, assignment: str, jobs: int | None = None,
                    student_glob: str = "*", force: bool = False,
                    student_seconds: float = STUDENT_SECONDS, show_progress: bool = True
                    ) -> list[Outcome]:
    """Grade every matching submission of ``assignment``; one :class:`Outcome` per student.

    Raises :class:`~calcrl_checks.engine.SandboxUnavailable` before any grading when this
    machine cannot run the sandbox.
    """
    from ..engine.bubblewrap import preflight

    students = [s for s in course.students_submitted(assignment)
                if fnmatch.fnmatchcase(s, student_glob)]
    if not students:
        return []
    preflight()
    jobs = max(1, jobs or os.cpu_count() or 1)
    progress = Progress(len(students), "students") if show_progress else None
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="calcrl-staging-") as staging, \
            ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_grade_student, course, assignment, student, Path(staging),
                               force, student_seconds) for student in students]
        for future in as_completed(futures):
            outcome = future.result()
            outcomes.append(outcome)
            if progress:
                progress.advance(f"{outcome.student}: {outcome.status}")
    return sorted(outcomes, key=lambda o: o.student)


def _grade_student(course: Course, assignment: str, student: str, staging: Path, force: bool,
                   seconds: float) -> Outcome:
    started = time.monotonic()
    submission = inspect(student, course.folder("submitted", student, assignment))
    graded = course.folder("autograded", student, assignment)
    problems = [f"{name} is {why}; it was scored 0"
                for name, why in sorted(submission.unreadable.items())]
    if not force and is_up_to_date(submission, graded):
        return Outcome(student, "up to date", problems=problems)
    if len(submission.unreadable) == len(submission.notebooks):
        remove_tree(graded)  # never leave a student half graded
        return Outcome(student, "failed", "no readable notebook: " + "; ".join(problems))
    stage(submission, staging)
    for attempt in range(BUSY_RETRIES + 1):
        finished = nbgrader_command(course, "autograde", assignment, "--student", student,
                                    "--force",
                                    f"--CourseDirectory.submitted_directory={staging}",
                                    seconds=seconds)
        if finished.timed_out or not _BUSY.search(finished.output) or attempt == BUSY_RETRIES:
            break
        time.sleep(0.5 * 2 ** attempt)
    elapsed = time.monotonic() - started
    if finished.timed_out:
        remove_tree(graded)
        return Outcome(student, "failed", f"grading took longer than {seconds:g} s and was "
                                          "stopped", elapsed)
    if finished.returncode != 0 or _STUDENT_FAILED in finished.output:
        remove_tree(graded)
        return Outcome(student, "failed", _error_in(finished.output) or
                       f"nbgrader exited with status {finished.returncode}", elapsed)
    mark_graded(submission, graded)
    notes = [f"{count} cell(s) ran past the per-cell time limit and were interrupted (scored 0)"
             for count in [finished.output.count("ran past the per-cell time limit")] if count]
    return Outcome(student, "graded", "", elapsed, problems, notes)


def _error_in(log: str) -> str:
    """The most telling error line of a failed nbgrader run."""
    lines = [line.strip() for line in log.splitlines()]
    for line in reversed(lines):
        if re.match(r"^[A-Za-z_.]*(Error|Exception)\b.*:", line):
            return line[:300]
    for line in lines:
        if "| ERROR]" in line and "Please see" not in line and _STUDENT_FAILED not in line:
            return line.split("]", 1)[-1].strip()[:300]
    return ""
