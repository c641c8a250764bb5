"""`calcrl autograde`: grade a class with warm graders, here or on Dask; one writer, nothing lost.

The coordinator (this module) reads the course: the assignment's definition from the
gradebook, each student's submission. Students are graded by warm grading processes
(``pools.py``: a local pool by default, Dask workers with ``--scheduler``), each a function
from (assignment bundle, submission) to (graded notebooks, grade records) (``one_student.py``).
Only the coordinator writes: the gradebook (SQLite or PostgreSQL) and each student's
autograded folder, replaced only once that student's new grading is complete. A re-run grades
only submissions that changed since their last complete grading.
"""
from __future__ import annotations

import errno
import fnmatch
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from calcrl_checks.engine.files import LinkInSubmission, data_files, submission_files
from calcrl_checks.display.names import is_safe_student_id, unsafe_id_reason
from calcrl_checks.instructor.grading import accounts
from calcrl_checks.instructor.grading.backups import BackupError, backup_gradebook
from calcrl_checks.instructor.grading.course import Course, remove_tree, sqlite_path
from calcrl_checks.instructor.grading.one_student import Bundle, Graded, Submission
from calcrl_checks.instructor.grading.interrupts import Interrupted, protected, stoppable
from calcrl_checks.instructor.grading.leftovers import clean_scratch, restore_graded_folders
from calcrl_checks.instructor.grading.manual_grades import (JOURNAL, journaled_scores,
    restore_manual_grades)
from calcrl_checks.instructor.grading.preflight import (GRADEBOOK_WAIT, AutogradeError,
    check_free_space, check_gradebook, check_known, check_release, check_students, folder_bytes,
    stale_notebooks)
from calcrl_checks.instructor.grading.progress import Progress
from calcrl_checks.instructor.grading.records import (apply_records, assignment_template,
    manual_scores)
from calcrl_checks.instructor.grading.startup import check_metadata_schema_once
from calcrl_checks.instructor.grading.submissions import (STAMP, HandedIn, repair_metadata,
    inspect, is_up_to_date)
from calcrl_checks.outcome.errors import CalcrlError

#: Default time limit for grading one student's whole submission, in seconds.
STUDENT_SECONDS = 900
_BUSY = re.compile(r"database is locked|database table is locked|could not obtain lock|"
                   r"deadlock detected|could not serialize", re.I)
_FULL = re.compile(r"disk is full|no space left|quota", re.I)
_TIMED_OUT_CELL = "ran past the per-cell time limit"
#: The grader's log line for a cell whose notebook process ended (memory, CPU time, exit).
#: Its label is student/notebook; the summary names the student already.
_STOPPED_CELL = re.compile(r"\[calcrl\] [^\n/]*/(?P<notebook>[^\n]+?): cell (?P<cell>\d+) "
                           r"stopped its notebook process: (?P<why>[^\n]+)")


__all__ = ["AutogradeError", "Outcome", "RunIncomplete", "RunInterrupted", "autograde_class",
           "build_bundle", "replace_folder"]


class RunIncomplete(CalcrlError):
    """Every student was graded as ``outcomes`` says, but what the run keeps afterwards could
    not be written (``reason`` says what, and the fix)."""

    def __init__(self, outcomes: list[Outcome], reason: str):
        super().__init__(reason)
        self.outcomes = outcomes
        self.reason = reason


class RunInterrupted(CalcrlError):
    """Ctrl-C or SIGTERM stopped the run; ``outcomes`` says what was and was not graded."""

    def __init__(self, outcomes: list[Outcome]):
        super().__init__("interrupted")
        self.outcomes = outcomes


@dataclass
class Pending:
    """A student about to be graded: what goes to the grader, and what stays here."""

    job: Submission
    problems: list[str]          # unreadable notebooks, reported with the outcome
    handed_in: HandedIn          # the submission as inspected (for the stamp)
    notes: list[str] = field(default_factory=list)  # what was repaired to read it


#: Statuses of a submission that has no grade from this run (typed, as ``accounts.HAS_GRADE``).
_WITHOUT_GRADE: tuple[accounts.Status, ...] = ("failed", "not graded")


@dataclass
class Outcome:
    """What happened to one student's submission."""

    student: str
    status: accounts.Status
    reason: str = ""
    seconds: float = 0.0
    #: Notebooks that could not be read (scored 0): these make the run exit non-zero.
    problems: list[str] = field(default_factory=list)
    #: Things the instructor should know that did not stop grading (a cell hit its time limit).
    notes: list[str] = field(default_factory=list)
    #: How the grading went, for benchmarks (``calcrl autograde --timings``).
    timing: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.status in _WITHOUT_GRADE or bool(self.problems)


def autograde_class(course: Course, assignment: str, jobs: int | None = None,
                    student_glob: str = "*", force: bool = False,
                    student_seconds: float = STUDENT_SECONDS, show_progress: bool = True,
                    scheduler: str | None = None) -> list[Outcome]:
    """Grade every matching submission of ``assignment``; one :class:`Outcome` per student.

    Raises :class:`~calcrl_checks.engine.SandboxUnavailable` (local grading) or
    :class:`AutogradeError` before any grading when grading cannot start, and
    :class:`RunInterrupted` when Ctrl-C or SIGTERM stops it (with what was graded so far).
    """
    # the engine loads only when grading starts
    from calcrl_checks.engine.bubblewrap import preflight

    check_metadata_schema_once()
    submitted = course.students_submitted(assignment)
    if not submitted:
        check_known(course, assignment)
        return []
    students = [s for s in submitted if fnmatch.fnmatchcase(s, student_glob)]
    check_gradebook(course, assignment)
    settings = course.settings()
    check_release(course, assignment, _gradebook(_assignments_in_gradebook, settings.db_url,
                                                 settings.course_id))
    stale = _gradebook(stale_notebooks, course, assignment)
    if stale:
        raise AutogradeError(
            f"source/{assignment} changed since its release was generated ({', '.join(stale)}): "
            f"grading would use the old tests. Run `nbgrader generate_assignment {assignment} "
            "--force` (and hand the new release out), then grade.")
    check_students(student_glob, submitted, students, assignment)
    if scheduler is None:
        preflight()
    _backup_before_writing(course)
    clean_scratch()
    restore_graded_folders(course.root / "autograded")
    bundle = build_bundle(course, assignment)
    graded_before = _gradebook(_students_in_gradebook, settings.db_url, settings.course_id,
                               assignment)
    outcomes: list[Outcome] = []
    todo: dict[str, Pending] = {}
    for student in students:
        if not is_safe_student_id(student):
            outcomes.append(Outcome(student, "failed", unsafe_id_reason(student)))
            continue
        handed_in = inspect(student, course.folder("submitted", student, assignment))
        problems = [f"{name} is {why}; it was scored 0"
                    for name, why in sorted(handed_in.unreadable.items())]
        graded = course.folder("autograded", student, assignment)
        if not force and student in graded_before and is_up_to_date(handed_in, graded):
            outcomes.append(Outcome(student, "up to date", problems=problems))
            continue
        if len(handed_in.unreadable) == len(handed_in.notebooks):
            outcomes.append(Outcome(student, "failed",
                                    "no readable notebook: " + "; ".join(problems)))
            continue
        try:
            notes: list[str] = []
            job = _job(handed_in, settings, assignment, notes)
        except LinkInSubmission as refusal:
            outcomes.append(Outcome(student, "failed", str(refusal)))
            continue
        todo[student] = Pending(job, problems, handed_in, notes)
    if todo:
        check_free_space(course.root / "autograded", sum(
            _expected_bytes(course, assignment, student) for student in todo),
            f"grading {len(todo)} student(s)")
        try:
            outcomes += _grade(course, assignment, bundle, todo, jobs, scheduler,
                               student_seconds, show_progress)
        except RunInterrupted as stop:
            stop.outcomes = sorted(outcomes + stop.outcomes, key=lambda o: o.student)
            _finish(course, assignment, stop.outcomes)
            raise
    outcomes.sort(key=lambda o: o.student)
    _finish(course, assignment, outcomes)
    return outcomes


def _finish(course: Course, assignment: str, outcomes: list[Outcome]) -> None:
    """After grading: TA grades put back, every outcome kept. Either may fail on a full disk
    (grades already written stay): :class:`RunIncomplete` then says what and how to finish."""
    settings = course.settings()
    try:
        restored = _gradebook(restore_manual_grades, settings.db_url, settings.course_id,
                              course.root, assignment)
    except Exception as error:  # SQLAlchemy wraps driver errors in many types
        raise RunIncomplete(outcomes, "the TA grades the gradebook lacks could not be put back "
                            f"from {JOURNAL} ({str(error).splitlines()[0][:200]}); free space "
                            "for the gradebook and run the same command again") from None
    for outcome in outcomes:
        if restored.get(outcome.student):
            outcome.notes.append(f"{restored[outcome.student]} TA grade(s) and comment(s) "
                                 f"restored from {JOURNAL}")
    try:
        accounts.record(course, assignment, outcomes)
    except OSError as error:
        raise RunIncomplete(outcomes, "each student's outcome could not be saved: " +
                            cannot_write(error, accounts.folder(course))) from None


#: Room kept per student beyond the notebooks: the stamp, the folder entries, nbgrader's logs.
_SLACK_PER_STUDENT = 256 * 1024


def _expected_bytes(course: Course, assignment: str, student: str) -> int:
    """What a student's new graded folder will take, written beside the old one: as much as
    their last one, and at least twice what they handed in (outputs are added)."""
    return max(folder_bytes(course.folder("autograded", student, assignment)),
               2 * folder_bytes(course.folder("submitted", student, assignment))) + \
        _SLACK_PER_STUDENT


def _backup_before_writing(course: Course) -> None:
    """A copy of an SQLite gradebook as it was before this run (``backups.py``)."""
    if sqlite_path(course.settings().db_url) is None:
        return  # a server database: backed up by its own tools
    try:
        backup_gradebook(course, automatic=True)
    except BackupError as error:
        raise AutogradeError(f"Grading did not start: {error}") from None


def build_bundle(course: Course, assignment: str) -> Bundle:
    """The assignment as plain data for graders (config, definition, data files)."""
    from nbgrader.api import MissingEntry

    settings = course.settings()
    try:
        template = _gradebook(assignment_template, settings.db_url, settings.course_id,
                              assignment)
    except MissingEntry:
        raise AutogradeError(
            f"The gradebook has no assignment '{assignment}': generate it first with "
            f"`nbgrader generate_assignment {assignment}` (or `make release`), then grade "
            "again.") from None
    return Bundle(assignment, settings.course_id,
                  (course.root / "nbgrader_config.py").read_text(), template,
                  data_files(course.root / "source" / assignment),
                  data_files(course.root / "release" / assignment))


def _job(handed_in: HandedIn, settings, assignment: str, notes: list[str]) -> Submission:
    """The submission as plain data: its readable files (a linked one raises
    ``LinkInSubmission``) and the manual scores a TA already gave. What had to be changed for
    nbgrader to read it is added to ``notes``."""
    files = {name: content for name, content in submission_files(handed_in.folder).items()
             if name not in handed_in.unreadable}
    for name, content in files.items():
        if name.endswith(".ipynb"):
            files[name], dropped = repair_metadata(name, content)
            notes.extend(dropped)
    scores = _gradebook(manual_scores, settings.db_url, settings.course_id, assignment,
                        handed_in.student)
    # A TA score the gradebook lost still marks its cell for review, as it would have.
    for notebook, cells in journaled_scores(Path(settings.root), settings.course_id,
                                            assignment, handed_in.student).items():
        for cell, score in cells.items():
            scores.setdefault(notebook, {}).setdefault(cell, score)
    return Submission(handed_in.student, files, scores)


def _grade(course: Course, assignment: str, bundle: Bundle, todo: dict[str, Pending],
           jobs: int | None, scheduler: str | None, seconds: float, show_progress: bool
           ) -> list[Outcome]:
    # Dask loads only when a class is graded
    from calcrl_checks.instructor.grading.pools import DaskPool, LocalPool

    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    outcomes: list[Outcome] = []
    with stoppable():
        try:
            pool = DaskPool(scheduler) if scheduler else LocalPool(workers)
        except Interrupted:
            raise RunInterrupted(_not_graded(todo)) from None
        progress = Progress(len(todo), "students") if show_progress else None
        results = pool.run(bundle, [pending.job for pending in todo.values()], seconds)
        try:
            for result in results:
                with protected():
                    outcome = _record(course, assignment, result, todo.pop(result.student))
                outcomes.append(outcome)
                if progress:
                    progress.advance(f"{outcome.student}: {outcome.status}")
        except Interrupted:
            pool.close(now=True)
            results.close()
            raise RunInterrupted(outcomes + _not_graded(todo)) from None
        finally:
            pool.close()
    return outcomes


def _not_graded(todo: dict[str, Pending]) -> list[Outcome]:
    return [Outcome(student, "not graded", "the run was interrupted before this student was "
                    "graded; earlier grades are kept") for student in todo]


def _record(course: Course, assignment: str, result: Graded, pending: Pending) -> Outcome:
    """Write one student's grading: their graded folder staged (with its stamp), the gradebook,
    then the folder swapped in."""
    problems = pending.problems
    timing = {"seconds": result.seconds, "cell_seconds": result.cell_seconds,
              "notebooks": result.notebooks, "grader_peak_mb": result.grader_peak_mb,
              "sandbox_peak_mb": result.sandbox_peak_mb}
    if not result.ok or result.records is None:
        return Outcome(result.student, "failed", result.reason or "grading failed",
                       result.seconds, problems, timing=timing)
    graded = course.folder("autograded", result.student, assignment)
    # The new folder is written in full beside the old one first: a full disk stops here, with
    # nothing in the gradebook or autograded/ changed. Then the gradebook, then two renames.
    files = {**result.files, STAMP: pending.handed_in.fingerprint().encode() + b"\n"}
    try:
        fresh = stage_folder(graded, files)
    except OSError as error:
        return Outcome(result.student, "failed", cannot_write(error, graded.parent.parent),
                       result.seconds, problems, timing=timing)
    settings = course.settings()
    try:
        _gradebook(apply_records, settings.db_url, settings.course_id, assignment,
                   result.student, result.records)
    except Exception as error:  # SQLAlchemy wraps driver errors in many types
        remove_tree(fresh)
        reason = str(error).splitlines()[0][:200]
        if _FULL.search(reason):
            reason += f"; free space for {sqlite_path(settings.db_url) or 'the gradebook'}"
        return Outcome(result.student, "failed", f"the gradebook refused the grades: {reason}"
                       " (the earlier grades are kept)", result.seconds, problems)
    swap_in(graded, fresh)
    count = result.log.count(_TIMED_OUT_CELL)
    notes = pending.notes + result.notes
    notes += [f"{count} cell(s) ran past the per-cell time limit and were interrupted "
              "(scored 0)"] if count else []
    notes += [f"{stop['notebook']}: cell {stop['cell']} stopped its notebook process "
              f"({stop['why']}); the cells after it ran in a fresh one"
              for stop in _STOPPED_CELL.finditer(result.log)]
    return Outcome(result.student, "graded", "", result.seconds, problems, notes, timing)


def replace_folder(target: Path, files: dict[str, bytes]) -> None:
    """Put ``files`` in ``target``, replacing what was there only once all are written."""
    swap_in(target, stage_folder(target, files))


def stage_folder(target: Path, files: dict[str, bytes]) -> Path:
    """Write ``files`` into a staging folder beside ``target``; its path. A failed write
    (a full disk, say) removes what was staged and raises the ``OSError``."""
    fresh = target.with_name(f".{target.name}.calcrl-new")
    remove_tree(fresh)
    try:
        fresh.mkdir(parents=True)
        for relative, content in files.items():
            path = fresh / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            path.chmod(0o444)
    except OSError:
        remove_tree(fresh)
        raise
    return fresh


def swap_in(target: Path, fresh: Path) -> None:
    """Replace ``target`` by the staged folder ``fresh``: renames only, no space needed."""
    old = target.with_name(f".{target.name}.calcrl-old")
    remove_tree(old)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    remove_tree(old)


def cannot_write(error: OSError, folder: Path) -> str:
    """The reason a write into ``folder`` failed, with the fix, for the summary."""
    why = error.strerror or str(error)
    fix = ("free space there" if error.errno in (errno.ENOSPC, errno.EDQUOT) else
           "make it writable" if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM) else
           "check that folder")
    return (f"could not write into {folder} ({why}); the earlier grading is kept: {fix}, then "
            "run the same command again")


def _gradebook(call, *args):
    """``call(*args)``, waiting (up to ``GRADEBOOK_WAIT`` seconds) while another program holds
    the gradebook locked."""
    deadline = time.monotonic() + GRADEBOOK_WAIT
    pause = 0.2
    while True:
        try:
            return call(*args)
        except Exception as error:  # SQLAlchemy wraps the driver's "busy" in many types
            if not _BUSY.search(str(error)) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 5.0)


def _assignments_in_gradebook(db_url: str, course_id: str) -> set[str]:
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id) as gradebook:
        return {assignment.name for assignment in gradebook.assignments}


def _students_in_gradebook(db_url: str, course_id: str, assignment: str) -> set[str]:
    """Students whose submission of ``assignment`` the gradebook holds."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url, course_id) as gradebook:
        try:
            return {s.student.id for s in gradebook.find_assignment(assignment).submissions}
        except MissingEntry:
            return set()
