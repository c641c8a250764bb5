"""The verdicts each graded check left in the autograded notebooks (the class's answer notes)."""
from __future__ import annotations

from dataclasses import dataclass

import nbformat

from calcrl_checks.cells.form import VisibleCheckFailed
from calcrl_checks.cells.notebook import VerdictRecord
from calcrl_checks.instructor.grading.course import Course


@dataclass(frozen=True)
class Record:
    student: str
    notebook: str      # e.g. "q10_chain_rule_power"
    cell: str          # the test cell's grade_id
    part: str          # the answer name the check graded
    code: str          # verdict code, or "not_answered" / "error" when no verdict was reached
    score: float       # fraction of the cell's points earned (0..1)
    answer: str = ""   # the graded answer as text ("" when the record holds none)


def class_records(course: Course, assignment: str) -> list[Record]:
    """One record per graded test cell per autograded student notebook."""
    records: list[Record] = []
    base = course.root / "autograded"
    for path in sorted(base.glob(f"*/{assignment}/*.ipynb")):
        student = path.parent.parent.name
        try:
            notebook = nbformat.read(path, as_version=4)
        except Exception:
            continue
        for cell in notebook.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
                continue
            records.append(_record(student, path.stem, meta["grade_id"], cell.get("outputs", [])))
    return records


def _record(student: str, notebook: str, cell: str, outputs: list) -> Record:
    for output in outputs:
        verdict = VerdictRecord.from_output(output)
        if verdict is not None:
            return Record(student, notebook, cell, verdict.part, verdict.code,
                          1.0 if verdict.passed else float(verdict.score), verdict.answer or "")
    errors = [o for o in outputs if o.get("output_type") == "error"]
    if errors and errors[0].get("ename") in ("AssertionError", VisibleCheckFailed.__name__):
        return Record(student, notebook, cell, cell, "visible_check_failed", 0.0)
    if errors:
        return Record(student, notebook, cell, cell, "error", 0.0)
    return Record(student, notebook, cell, cell, "no_verdict", 0.0)
