"""Grading one student as a function: (assignment bundle, submission) -> graded notebooks + records.

This is what a worker runs, on this machine or on a Dask worker elsewhere. It needs nothing
of the course folder: :class:`Bundle` carries the course config, the assignment's definition
(a small SQLite gradebook, ``records.assignment_template``) and its data files;
:class:`Submission` carries one student's files. The worker builds a private course in a
temporary folder, runs nbgrader's own Autograde converter on it in-process (so the grading
engine and its sandbox are used exactly as by ``nbgrader autograde``), and returns the
autograded folder's files and what autograding wrote to the private gradebook
(:class:`Graded`). The coordinator alone writes the course's gradebook and folders.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from calcrl_checks.display.names import PRIVATE_COURSE_STUDENT
from calcrl_checks.instructor.grading.leftovers import scratch_prefix
from calcrl_checks.instructor.grading.records import Records, seed_manual_scores, student_records

@dataclass(frozen=True)
class Bundle:
    """Everything about an assignment a worker needs, as plain data."""

    assignment: str
    course_id: str
    config: str                          # the course's nbgrader_config.py
    template: bytes                      # the assignment's definition, as an SQLite gradebook
    source_files: dict[str, bytes]       # data files of source/<assignment> (not notebooks)
    release_files: dict[str, bytes]      # data files of release/<assignment>

    @property
    def key(self) -> str:
        """Identifies the bundle's content, so workers keep one copy per assignment."""
        digest = hashlib.sha256()
        for part in (self.assignment, self.course_id, self.config):
            digest.update(part.encode())
        digest.update(self.template)
        for files in (self.source_files, self.release_files):
            for name in sorted(files):
                digest.update(name.encode())
                digest.update(files[name])
        return digest.hexdigest()


@dataclass(frozen=True)
class Submission:
    student: str
    files: dict[str, bytes]                              # readable files only
    manual_scores: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class Graded:
    """What grading one student gave."""

    student: str
    ok: bool
    reason: str = ""
    files: dict[str, bytes] = field(default_factory=dict)   # the autograded folder
    records: Records | None = None
    log: str = ""
    seconds: float = 0.0
    #: seconds spent inside the notebooks' cells and hidden tests (the rest is overhead)
    cell_seconds: float = 0.0
    notebooks: int = 0
    #: the most memory the grading process, and its sandbox, have used so far (MiB)
    grader_peak_mb: float = 0.0
    sandbox_peak_mb: float = 0.0
    #: the grader could not grade anyone here (no sandbox on this machine): another may
    no_sandbox: bool = False
    #: what the coordinator should know that did not stop grading (shown in the summary)
    notes: list[str] = field(default_factory=list)
    #: the Dask worker that graded it ("" on the local pool)
    worker: str = ""


def grade(bundle: Bundle, submission: Submission) -> Graded:
    """Grade one student's submission in a private course; never raises for a student's fault."""
    # a Dask worker unpickling this module loads no engine yet
    from calcrl_checks.engine import runner

    started = time.monotonic()
    runner.NOTEBOOK_TIMES.clear()
    with tempfile.TemporaryDirectory(prefix=scratch_prefix(), dir=_scratch_folder()) as scratch:
        root = Path(scratch)
        db_url = _private_course(root, bundle, submission)
        log, error = _autograde(root, bundle, db_url)
        result = Graded(submission.student, ok=error is None, reason=error or "", log=log)
        graded = root / "autograded" / PRIVATE_COURSE_STUDENT / bundle.assignment
        if result.ok and graded.is_dir():
            result.files = {path.relative_to(graded).as_posix(): path.read_bytes()
                            for path in sorted(graded.rglob("*")) if path.is_file()}
            result.records = student_records(db_url, bundle.course_id, bundle.assignment,
                                             PRIVATE_COURSE_STUDENT)
        elif result.ok:
            result.ok, result.reason = False, "nbgrader wrote no graded notebook"
    result.seconds = time.monotonic() - started
    result.cell_seconds = sum(seconds for seconds in runner.NOTEBOOK_TIMES)
    result.notebooks = len(runner.NOTEBOOK_TIMES)
    result.grader_peak_mb, result.sandbox_peak_mb = _peak_memory()
    return result


def _peak_memory() -> tuple[float, float]:
    """Peak memory of this process and of its sandbox (when a cgroup measures it), MiB."""
    import resource

    from calcrl_checks.engine import host  # as in grade()

    grader = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sandbox = host.shared_sandbox_if_started()
    group = sandbox.cgroup if sandbox is not None else None
    return grader, (group.peak_bytes() / 2**20 if group is not None else 0.0)


def _scratch_folder() -> str | None:
    """Memory-backed /dev/shm when there is room: the private gradebook commits once per
    graded cell, and a disk makes each commit wait for a sync."""
    try:
        room = os.statvfs("/dev/shm")
    except OSError:
        return None
    return "/dev/shm" if room.f_bavail * room.f_frsize > 512 * 2**20 else None


def _private_course(root: Path, bundle: Bundle, submission: Submission) -> str:
    """Lay out a course folder holding only this assignment and this student."""
    (root / "nbgrader_config.py").write_text(bundle.config)
    for kind, files in (("source", bundle.source_files), ("release", bundle.release_files),
                        (f"submitted/{PRIVATE_COURSE_STUDENT}", submission.files)):
        folder = root / kind / bundle.assignment
        folder.mkdir(parents=True, exist_ok=True)
        for relative, content in files.items():
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    (root / "gradebook.db").write_bytes(bundle.template)
    db_url = f"sqlite:///{root / 'gradebook.db'}"
    seed_manual_scores(db_url, bundle.course_id, bundle.assignment, PRIVATE_COURSE_STUDENT,
                       submission.manual_scores)
    return db_url


def _autograde(root: Path, bundle: Bundle, db_url: str) -> tuple[str, str | None]:
    """nbgrader's Autograde on the private course, in this process: (log, error or None)."""
    from nbgrader.converters import Autograde
    from nbgrader.converters.base import NbGraderException
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = db_url
    config.CourseDirectory.course_id = bundle.course_id
    config.CourseDirectory.assignment_id = bundle.assignment
    config.CourseDirectory.student_id = PRIVATE_COURSE_STUDENT
    converter = Autograde(coursedir=CourseDirectory(config=config), config=config)
    converter.force = True
    converter.create_student = True
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    converter.log.addHandler(handler)
    try:
        converter.start()
        error = None
    except NbGraderException as failure:
        error = _failure_reason(buffer.getvalue()) or str(failure)
    except Exception as failure:  # nbgrader or the engine failed on this student
        error = f"{type(failure).__name__}: {failure}"
    finally:
        converter.log.removeHandler(handler)
    return buffer.getvalue(), error


def _failure_reason(log: str) -> str:
    """The most telling line of a failed grading's log."""
    lines = [line.strip() for line in log.splitlines()]
    for line in reversed(lines):
        if line and line[0].isalpha() and ("Error" in line.split(":")[0]
                                           or "Exception" in line.split(":")[0]):
            return line[:300]
    for line in lines:
        if line.startswith("[ERROR]") and "Please see" not in line and \
                "error processing assignment" not in line:
            return line.removeprefix("[ERROR]").strip()[:300]
    return ""
