"""Gradebook contents as plain data: an assignment's definition, and one student's grades.

Grading a student happens in a worker that has no access to the course's gradebook (it may run
on another machine). The coordinator hands it the assignment's definition as a small SQLite
file (:func:`assignment_template`) and the student's manual scores so far (:func:`manual_scores`);
the worker grades against that private copy with nbgrader's own pipeline and sends back what
autograding wrote (:func:`student_records`); the coordinator, the only writer of the real
gradebook (SQLite or PostgreSQL), applies it (:func:`apply_records`).
"""
from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any

from calcrl_checks.instructor.grading.manual_grades import not_ta_work

#: What one student's autograding wrote, per notebook: ``{"timestamp": ..., "notebooks":
#: {name: {"penalty": x, "grades": {cell: [auto_score, needs_manual_grade]},
#: "comments": {cell: auto_comment}}}}``
Records = dict[str, Any]


def assignment_template(db_url: str, course_id: str, assignment: str) -> bytes:
    """The assignment's definition (notebooks, cells, sources, points, due date) alone, as
    the bytes of a fresh SQLite gradebook."""
    from nbgrader.api import Gradebook

    with tempfile.TemporaryDirectory(prefix="calcrl-template-") as scratch:
        path = Path(scratch) / "gradebook.db"
        with Gradebook(db_url, course_id) as real:
            _stamp_schema_version(path, real)
            with Gradebook(f"sqlite:///{path}", course_id) as copy:
                source = real.find_assignment(assignment)
                copy.update_or_create_assignment(source.name, duedate=source.duedate)
                for notebook in source.notebooks:
                    copy.update_or_create_notebook(notebook.name, source.name)
                    where = (notebook.name, source.name)
                    for cell in notebook.source_cells:
                        copy.update_or_create_source_cell(
                            cell.name, *where, cell_type=cell.cell_type, locked=cell.locked,
                            source=cell.source, checksum=cell.checksum)
                    for cell in notebook.grade_cells:
                        copy.update_or_create_grade_cell(
                            cell.name, *where, max_score=cell.max_score, cell_type=cell.cell_type)
                    for cell in notebook.solution_cells:
                        copy.update_or_create_solution_cell(cell.name, *where)
                    for cell in notebook.task_cells:
                        copy.update_or_create_task_cell(
                            cell.name, *where, max_score=cell.max_score, cell_type=cell.cell_type)
        return path.read_bytes()


def _stamp_schema_version(path: Path, real: Any) -> None:
    """Start the copy with the real gradebook's schema version: nbgrader would otherwise ask
    a fresh ``alembic`` process for it (about 1 s of CPU for one line of text)."""
    import sqlite3

    from sqlalchemy import text

    try:
        version = real.db.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # no version table (a hand-made gradebook): let nbgrader find it
        real.db.rollback()
        return
    if version:
        with contextlib.closing(sqlite3.connect(path)) as database, database:
            database.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
            database.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (version,))


def manual_scores(db_url: str, course_id: str, assignment: str, student: str
                  ) -> dict[str, dict[str, float]]:
    """``notebook -> cell -> manual score`` the student already has (a TA's work)."""
    from nbgrader.api import Gradebook, MissingEntry

    scores: dict[str, dict[str, float]] = {}
    with Gradebook(db_url, course_id) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return scores
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if grade.manual_score is not None:
                    scores.setdefault(notebook.name, {})[grade.name] = float(grade.manual_score)
    return scores


def seed_manual_scores(db_url: str, course_id: str, assignment: str, student: str,
                       scores: dict[str, dict[str, float]]) -> None:
    """Put a student's manual scores into a private gradebook before it is graded, so that
    nbgrader marks those cells for review exactly as it would in the real one."""
    from nbgrader.api import Gradebook

    if not scores:
        return
    with Gradebook(db_url, course_id) as gradebook, not_ta_work(gradebook):
        gradebook.update_or_create_student(student)
        gradebook.update_or_create_submission(assignment, student)
        for notebook, cells in scores.items():
            for cell, score in cells.items():
                gradebook.find_grade(cell, notebook, assignment, student).manual_score = score
        gradebook.db.commit()


def student_records(db_url: str, course_id: str, assignment: str, student: str) -> Records:
    """What autograding wrote for ``student`` in a gradebook, as plain data."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        notebooks = {}
        for notebook in submission.notebooks:
            notebooks[notebook.name] = {
                "penalty": notebook.late_submission_penalty,
                "grades": {g.name: [g.auto_score, bool(g.needs_manual_grade)]
                           for g in notebook.grades},
                "comments": {c.name: c.auto_comment for c in notebook.comments},
            }
        timestamp = submission.timestamp.isoformat() if submission.timestamp else None
        return {"timestamp": timestamp, "notebooks": notebooks}


def apply_records(db_url: str, course_id: str, assignment: str, student: str,
                  records: Records) -> None:
    """Write a student's autograding into the course's gradebook, in one transaction.

    Only what autograding owns changes (auto scores, review flags, auto comments, late
    penalties, the submission time); a TA's manual scores and comments are left as they are.
    """
    import warnings

    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id) as gradebook, warnings.catch_warnings():
        # nbgrader's own submission code trips SQLAlchemy autoflush warnings: not ours to show
        warnings.simplefilter("ignore")
        gradebook.update_or_create_student(student)
        timestamp = records.get("timestamp")
        submission = (gradebook.update_or_create_submission(assignment, student,
                                                            timestamp=timestamp)
                      if timestamp else gradebook.update_or_create_submission(assignment,
                                                                              student))
        by_name = {notebook.name: notebook for notebook in submission.notebooks}
        for name, written in records.get("notebooks", {}).items():
            notebook = by_name[name]
            notebook.late_submission_penalty = written.get("penalty")
            grades = {grade.name: grade for grade in notebook.grades}
            for cell, (auto_score, needs_review) in written.get("grades", {}).items():
                grades[cell].auto_score = auto_score
                grades[cell].needs_manual_grade = needs_review
            comments = {comment.name: comment for comment in notebook.comments}
            for cell, text in written.get("comments", {}).items():
                comments[cell].auto_comment = text
        gradebook.db.commit()
