"""Where one student stands on an assignment: every notebook and part, what was lost and why,
what still waits for a TA, and which notebooks could not be read.

One source for the feedback index, the CLI summary and the class report, read from the
gradebook (scores, pending manual grades, student names), the autograded notebooks (each
check's verdict) and the submitted files (why a notebook could not be read).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from calcrl_checks.cells.notebook import VerdictRecord
from calcrl_checks.outcome.codes import NOT_ANSWERED
from calcrl_checks.instructor.grading.course import Course
from calcrl_checks.instructor.results.grades import submissions


@dataclass
class Part:
    """One graded cell of a notebook, as the student sees it."""

    grade_id: str
    label: str                 # the answer it grades, or "written answer"
    points: float
    score: float               # 0 while pending
    pending: bool = False      # a written answer no TA has graded yet
    written: bool = False      # graded by a TA
    code: str = ""             # the check's verdict code, when there is one
    headline: str = ""         # why points were lost (first line of the check's message)

    @property
    def lost(self) -> float:
        return 0.0 if self.pending else max(self.points - self.score, 0.0)


@dataclass
class NotebookStanding:
    name: str                  # e.g. "q10_chain_rule_power"
    score: float
    max_score: float
    parts: list[Part] = field(default_factory=list)
    unreadable: str = ""       # why the submitted file could not be read
    submitted: bool = True

    @property
    def pending_points(self) -> float:
        return sum(p.points for p in self.parts if p.pending)


@dataclass
class Standing:
    student: str
    name: str                  # "First Last" when the gradebook has it, else the id
    assignment: str
    notebooks: list[NotebookStanding] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(n.score for n in self.notebooks)

    @property
    def max_score(self) -> float:
        return sum(n.max_score for n in self.notebooks)

    @property
    def pending_points(self) -> float:
        return sum(n.pending_points for n in self.notebooks)

    @property
    def all_graded(self) -> bool:
        """Every notebook was handed in and read (none scores 0 for want of a file)."""
        return all(n.submitted and not n.unreadable for n in self.notebooks)

    @property
    def lost_parts(self) -> list[tuple[NotebookStanding, Part]]:
        return [(n, p) for n in self.notebooks if not n.unreadable
                for p in n.parts if p.lost > 0]


def standing(course: Course, assignment: str, student: str) -> Standing | None:
    """The student's standing, or None when the gradebook holds no graded submission."""
    return class_standings(course, assignment, [student]).get(student)


def class_standings(course: Course, assignment: str,
                    students: list[str] | None = None) -> dict[str, Standing]:
    """Every graded student's standing (or only ``students``), by student id."""
    found: dict[str, Standing] = {}
    with submissions(course, assignment) as graded:
        for submission in graded:
            student = submission.student
            if students is not None and student.id not in students:
                continue
            name = " ".join(n for n in (student.first_name, student.last_name) if n)
            result = Standing(student.id, name or student.id, assignment)
            for notebook in sorted(submission.notebooks, key=lambda n: n.name):
                result.notebooks.append(_notebook(course, assignment, student.id, notebook))
            found[student.id] = result
    return found


def _notebook(course: Course, assignment: str, student: str, notebook) -> NotebookStanding:
    graded = course.folder("autograded", student, assignment) / f"{notebook.name}.ipynb"
    verdicts, errors, order = _verdicts(graded)
    result = NotebookStanding(notebook.name, float(notebook.score), float(notebook.max_score))
    source = course.folder("submitted", student, assignment) / f"{notebook.name}.ipynb"
    result.submitted = source.exists()
    result.unreadable = unreadable_reason(source) if source.exists() else ""
    for grade in sorted(notebook.grades, key=lambda g: (order.get(g.name, len(order)), g.name)):
        if not grade.max_score:
            continue  # a rubric or a 0-point task: nothing for the student to earn
        written = grade.cell_type == "markdown"
        verdict = verdicts.get(grade.name)
        pending = bool(grade.needs_manual_grade) and grade.manual_score is None
        part = Part(grade.name, "written answer" if written else
                    verdict.part if verdict else grade.name, float(grade.max_score),
                    float(grade.score or 0.0), pending, written,
                    verdict.code if verdict else "")
        if part.lost > 0:
            part.headline = _headline(verdict, errors.get(grade.name, ""), written)
        result.parts.append(part)
    return result


def _headline(verdict: VerdictRecord | None, error: str, written: bool) -> str:
    if written:
        return "see the TA's comment in the notebook's page"
    if verdict is not None and verdict.code == NOT_ANSWERED:
        return "not answered"
    lines = ((verdict.message if verdict else "") or error).strip().splitlines()
    if not lines:
        return "the check did not pass"
    hint = next((line for line in lines[1:] if line.startswith("Hint:")), "")
    return f"{lines[0]} {hint}".strip()


def _verdicts(path: Path) -> tuple[dict[str, VerdictRecord], dict[str, str], dict[str, int]]:
    """From an autograded notebook: grade_id -> the first failing (else the first) verdict
    record, grade_id -> error text, grade_id -> position in the notebook."""
    verdicts: dict[str, VerdictRecord] = {}
    errors: dict[str, str] = {}
    order: dict[str, int] = {}
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception:  # missing or unreadable: no verdicts to show
        return verdicts, errors, order
    for cell in notebook.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id:
            order.setdefault(grade_id, len(order))
        if not grade_id or cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            record = VerdictRecord.from_output(output)
            if record is not None and (grade_id not in verdicts or
                                       (verdicts[grade_id].passed and not record.passed)):
                verdicts[grade_id] = record
            if output.get("output_type") == "error" and grade_id not in errors:
                errors[grade_id] = f"{output.get('evalue') or output.get('ename', '')}"
    return verdicts, errors, order


def unreadable_reason(path: Path) -> str:
    """Why a submitted notebook file cannot be graded, or "" when it reads fine.

    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "q.ipynb"
    >>> _ = bad.write_text("{ not json")
    >>> unreadable_reason(bad)
    'the file is not valid JSON (line 1, column 3), so it could not be opened as a notebook'
    """
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return f"the file could not be read ({type(error).__name__})"
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        return (f"the file is not valid JSON (line {error.lineno}, column {error.colno}), so "
                "it could not be opened as a notebook")
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return "the file is JSON but not a Jupyter notebook (it has no list of cells)"
    return ""
