"""``GradeInSandbox``: nbgrader's Execute step, replaced by the trusted grading engine.

In ``nbgrader_config.py`` it takes Execute's place in ``Autograde.autograde_preprocessors``,
so ``nbgrader autograde``, the formgrader's autograde button and ``calcrl autograde`` all use
it. For each notebook: the student's own files go into a fresh sandboxed process; every code
cell runs there, test cells only up to their hidden region; each hidden region runs here, in
the grader, on answers fetched as plain data; the test cell's outputs, and so its score, are
written here from the trusted verdicts.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import compute_checksum, is_grade, is_solution
from traitlets import Float, Integer

from calcrl_checks.outcome import messages
from calcrl_checks.cells.notebook import Graded
from calcrl_checks.display.names import PRIVATE_COURSE_STUDENT, is_safe_student_id, unsafe_id_reason
from calcrl_checks.outcome.codes import DID_NOT_RUN, NOT_ANSWERED
from calcrl_checks.outcome.verdict import Verdict
from calcrl_checks.engine import outputs
from calcrl_checks.engine.bubblewrap import (UNSANDBOXED_VARIABLE, check_course_hidden,
    unsandboxed_requested)
from calcrl_checks.engine.files import submission_files
from calcrl_checks.engine.hidden import answer_names, bound_names, run_hidden, segments
from calcrl_checks.engine.host import Limits, shared_sandbox
from calcrl_checks.engine.runner import NotebookRunner
from calcrl_checks.engine.stopped_cells import StoppedCells


class GradeInSandbox(NbGraderPreprocessor):
    """Run a submission with its student code sandboxed and its hidden tests trusted."""

    timeout = Float(30.0, help="Seconds each cell may run before it is stopped.").tag(config=True)
    notebook_timeout = Float(600.0, help="Seconds one notebook may run in all.").tag(config=True)
    memory_mb = Integer(2048, help="Memory a notebook's processes may use, in MiB.").tag(
        config=True)
    processes = Integer(64, help="Processes and threads a notebook may run at once.").tag(
        config=True)
    cpu_seconds = Integer(600, help="CPU seconds each process of a notebook may use.").tag(
        config=True)
    output_kib = Integer(1024, help="Output each cell may store, in KiB.").tag(config=True)
    notebook_output_kib = Integer(8192, help="Output one notebook may store, in KiB.").tag(
        config=True)
    files_mib = Integer(100, help="Size of the submission copied into the sandbox, in MiB.").tag(
        config=True)

    def limits(self) -> Limits:
        return Limits(memory_mb=self.memory_mb, processes=self.processes,
                      cpu_seconds=self.cpu_seconds, cell_seconds=self.timeout,
                      notebook_seconds=self.notebook_timeout, output_kib=self.output_kib,
                      notebook_output_kib=self.notebook_output_kib, files_mib=self.files_mib)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]
                   ) -> tuple[NotebookNode, dict[str, Any]]:
        if unsandboxed_requested():
            self.log.warning("[calcrl] %s=1: grading WITHOUT a sandbox. Student code can read "
                             "the course folder and change grades on this run.",
                             UNSANDBOXED_VARIABLE)
        info = resources.get("nbgrader", {})
        student = str(info.get("student", ""))
        if student not in ("", PRIVATE_COURSE_STUDENT) and not is_safe_student_id(student):
            raise ValueError(unsafe_id_reason(student))  # `nbgrader autograde` run by hand
        sandbox = shared_sandbox()
        label = f"{info.get('student', '?')}/{info.get('notebook', '?')}"
        files = self._files(info, resources.get("metadata", {}).get("path"))
        with NotebookRunner(sandbox, self.limits(), files, label, self.log) as runner:
            stubs, stopped = Stubs(), StoppedCells()
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                test = is_grade(cell) and not is_solution(cell)
                if not cell.source.strip():
                    cell.outputs, cell.execution_count = [], None
                elif test:
                    self._test_cell(cell, runner, label, stubs.unanswered(cell), stopped)
                    stopped.test_cell_ran()
                else:
                    stub = stubs.see(cell)
                    cell.outputs, cell.execution_count, run = runner.run(cell.source)
                    if not stub:  # a stub stops by design: that is "not answered"
                        stopped.ran(cell.source, cell.outputs, run.status if run else "skipped")
        return nb, resources

    def _files(self, info: dict[str, Any], graded_folder: str | None) -> dict[str, bytes]:
        """The student's submitted files (and the release's data files) for the sandbox."""
        from nbgrader.coursedir import CourseDirectory

        course = CourseDirectory(config=self.config)
        student, assignment = info.get("student"), info.get("assignment")
        if not student or not assignment:
            return {}
        course.root = str(_course_root(course, student, assignment, graded_folder))
        if not unsandboxed_requested():
            check_course_hidden(Path(course.root))
        submitted = Path(course.format_path(course.submitted_directory, student, assignment))
        release = Path(course.format_path(course.release_directory, ".", assignment))
        return submission_files(submitted, release, self.files_mib * (1 << 20))

    def _test_cell(self, cell: NotebookNode, runner: NotebookRunner, label: str,
                   unanswered: bool, stopped: StoppedCells) -> None:
        """Run a test cell: its visible parts in the sandbox, its hidden regions here.

        The cell's outputs end with what nbgrader reads as its score: an error (a visible
        check or a hidden region that failed), or the trusted verdicts' score. A formative
        check's failure (``calcrl_checks.cells.formative``) is not a score: the hidden tests decide.
        An answer still holding its stub is ``not_answered``, its hidden tests not run; an
        answer left undefined because its cell stopped with an error is ``did_not_run``.
        """
        points = float(cell.metadata.nbgrader.get("points", 0))
        parts = segments(cell.source)
        if not any(part.hidden for part in parts):
            self.log.warning("[calcrl] %s: test cell %s has no hidden tests: its points depend "
                             "only on code that runs next to the student's", label,
                             cell.metadata.nbgrader.get("grade_id"))
        shown: list[NotebookNode] = []
        graded: list[Graded] = []
        count = None
        for part in parts:
            if part.hidden and unanswered:
                break
            if part.hidden:
                self._hidden(part.code, runner, points, shown, graded, stopped)
            else:
                visible, ran, _ = runner.run(part.code, test_cell=True)
                count = ran if ran is not None else count
                shown += [o for o in visible if not _formative(o)]
            if not unanswered and any(o.output_type == "error" for o in shown):
                break
        names = [name for part in parts if part.hidden for name in answer_names(part.code)]
        if unanswered:
            graded = [_not_answered(", ".join(names) or "answer", points, None)]
            shown = [o for o in shown if o.output_type != "error"] + outputs.verdicts(graded)
        elif not graded and any(o.output_type == "error" for o in shown):
            missing = next((name for name in names if not runner.defines(name)), None)
            if missing:  # the visible check failed on it first (a NameError)
                graded = [_undefined(missing, points, stopped)]
                shown += outputs.verdicts(graded)
        if not any(o.output_type == "error" for o in shown):
            shown += outputs.score(graded, points, count)
        cell.outputs = shown
        cell.execution_count = count

    @staticmethod
    def _hidden(code: str, runner: NotebookRunner, points: float, shown: list[NotebookNode],
                graded: list[Graded], stopped: StoppedCells) -> None:
        """Run one hidden region here; add its outputs and verdicts."""
        started = time.monotonic()
        hidden = run_hidden(code, runner.fetch)
        runner.busy_seconds += time.monotonic() - started
        if hidden.missing and not hidden.graded:
            hidden.graded, hidden.error = [_undefined(hidden.missing, points, stopped)], None
        graded += hidden.graded
        if hidden.printed:
            shown.append(outputs.stream(hidden.printed))
        shown += outputs.verdicts(hidden.graded)
        if hidden.error:
            shown.append(outputs.error(*hidden.error))


def _formative(output: NotebookNode) -> bool:
    """A formative visible check's failure: shown to students before they submit, never a
    score. The hidden tests after it decide (a student who raises it on purpose only gets
    their answer graded by them)."""
    return output.get("output_type") == "error" and output.get("ename") == "FormativeCheckFailed"


class Stubs:
    """Which answers are still the release's stubs, decided where the stub is seen.

    An answer cell whose checksum is the release's is a stub (nbgrader's own test for an
    unanswered cell). A test cell is unanswered when every answer cell since the previous test
    cell is a stub, or when its hidden tests read a name last bound by a stub (a function whose
    body is still ``raise NotImplementedError()``).
    """

    def __init__(self) -> None:
        self.since_last_test: list[bool] = []
        self.bound_by_stub: dict[str, bool] = {}

    def see(self, cell: NotebookNode) -> bool:
        """Note a code cell about to run; whether it is an answer cell's stub."""
        stub = bool(is_solution(cell) and
                    cell.metadata.nbgrader.get("checksum") == compute_checksum(cell))
        if is_solution(cell):
            self.since_last_test.append(stub)
        self.bound_by_stub.update(dict.fromkeys(bound_names(cell.source), stub))
        return stub

    def unanswered(self, test_cell: NotebookNode) -> bool:
        names = {name for part in segments(test_cell.source) if part.hidden
                 for name in answer_names(part.code)}
        answers, self.since_last_test = self.since_last_test, []
        return (bool(answers) and all(answers)) or \
            any(self.bound_by_stub.get(name) for name in names)


def _not_answered(part: str, points: float, name: str | None) -> Graded:
    """The verdict for an answer not given: ``name`` is undefined, or (None) the stub stays."""
    return Graded(Verdict(False, 0.0, NOT_ANSWERED, messages.not_answered(name)), part, points)


def _undefined(name: str, points: float, stopped: StoppedCells) -> Graded:
    """The verdict for an answer name not defined: its cell stopped first, or it was never
    written."""
    how = stopped.why_undefined(name)
    if how is None:
        return _not_answered(name, points, name)
    return Graded(Verdict(False, 0.0, DID_NOT_RUN, messages.did_not_run(name, how)), name,
                  points)


def _course_root(course: Any, student: str, assignment: str, graded_folder: str | None) -> Path:
    """The course folder: where nbgrader writes this notebook, minus the autograded part of
    that path (the formgrader may run elsewhere than the course folder)."""
    configured = Path(course.root)
    if not graded_folder:
        return configured
    expected = Path(course.format_path(course.autograded_directory, student, assignment))
    suffix = expected.relative_to(configured).parts if expected.is_relative_to(configured) else ()
    here = Path(graded_folder).resolve()
    if suffix and here.parts[-len(suffix):] == suffix:
        return Path(*here.parts[:-len(suffix)])
    return configured
