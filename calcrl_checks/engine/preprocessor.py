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
from nbgrader.utils import is_grade, is_solution
from traitlets import Float, Integer

from . import outputs
from .bubblewrap import UNSANDBOXED_VARIABLE, check_course_hidden, unsandboxed_requested
from .files import submission_files
from .hidden import run_hidden, segments
from .host import Limits, shared_sandbox
from .runner import NotebookRunner


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
    files_mib = Integer(100, help="Size of the submission copied into the sandbox, in MiB.").tag(
        config=True)

    def limits(self) -> Limits:
        return Limits(memory_mb=self.memory_mb, processes=self.processes,
                      cpu_seconds=self.cpu_seconds, cell_seconds=self.timeout,
                      notebook_seconds=self.notebook_timeout, output_kib=self.output_kib,
                      files_mib=self.files_mib)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]
                   ) -> tuple[NotebookNode, dict[str, Any]]:
        if unsandboxed_requested():
            self.log.warning("[calcrl] %s=1: grading WITHOUT a sandbox. Student code can read "
                             "the course folder and change grades on this run.",
                             UNSANDBOXED_VARIABLE)
        sandbox = shared_sandbox()
        info = resources.get("nbgrader", {})
        label = f"{info.get('student', '?')}/{info.get('notebook', '?')}"
        files = self._files(info, resources.get("metadata", {}).get("path"))
        with NotebookRunner(sandbox, self.limits(), files, label, self.log) as runner:
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                if not cell.source.strip():
                    cell.outputs, cell.execution_count = [], None
                elif is_grade(cell) and not is_solution(cell):
                    self._test_cell(cell, runner, label)
                else:
                    cell.outputs, cell.execution_count, _ = runner.run(cell.source)
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

    def _test_cell(self, cell: NotebookNode, runner: NotebookRunner, label: str) -> None:
        points = float(cell.metadata.nbgrader.get("points", 0))
        parts = segments(cell.source)
        if not any(part.hidden for part in parts):
            self.log.warning("[calcrl] %s: test cell %s has no hidden tests: its points depend "
                             "only on code that runs next to the student's", label,
                             cell.metadata.nbgrader.get("grade_id"))
        cell_outputs: list[NotebookNode] = []
        graded = []
        count = None
        failed = False
        for part in parts:
            if not part.hidden:
                shown, ran, _ = runner.run(part.code, test_cell=True)
                count = ran if ran is not None else count
                cell_outputs += shown
                failed = any(o.output_type == "error" for o in shown)
            else:
                started = time.monotonic()
                hidden = run_hidden(part.code, runner.fetch)
                runner.busy_seconds += time.monotonic() - started
                graded += hidden.graded
                if hidden.printed:
                    cell_outputs.append(outputs.stream(hidden.printed))
                cell_outputs += outputs.verdicts(hidden.graded)
                if hidden.error:
                    cell_outputs.append(outputs.error(*hidden.error))
                    failed = True
            if failed:
                break
        if not failed:
            cell_outputs += outputs.score(graded, points, count)
        cell.outputs = cell_outputs
        cell.execution_count = count


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
