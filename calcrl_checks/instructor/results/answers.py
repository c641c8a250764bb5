"""`reports/<assignment>/answers.csv`: every student's answer to every graded part, with its
verdict code and score, one row each, for an instructor's own analysis.

The rows are the gradebook's graded cells of the students with a current grade (written parts
included, with no answer text: a TA grades those), so the report's item table can be recomputed
from this file alone: a score waiting for a TA is left empty, never 0. The answer text and code
come from the verdict records the trusted grader wrote (:mod:`.verdict_records`).

Every field is written to be inert in a spreadsheet: control characters shown as escapes, and
a field that would start a formula (``= + - @``, other than a plain number) starts with ``'``.
``pseudonymize`` replaces each student id by a pseudonym drawn afresh for each file, and the
rows follow the pseudonyms, so neither the names nor their order leave with the file.
"""
from __future__ import annotations

import csv
import io
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from calcrl_checks.display.names import terminal_text
from calcrl_checks.instructor.grading.course import Course
from calcrl_checks.instructor.results.grades import submissions
from calcrl_checks.instructor.results.verdict_records import Record

COLUMNS = ("student", "notebook", "part", "cell", "points", "score", "code", "answer")
#: What a spreadsheet reads as the start of a formula.
_FORMULA_START = ("=", "+", "-", "@")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True)
class AnswerRow:
    """One student's graded part: ``score`` is None while a TA has not graded it; ``code``
    and ``answer`` are empty where no verdict record holds them (written parts, a notebook
    the grader could not read)."""

    student: str
    notebook: str
    part: str
    cell: str
    points: float
    score: float | None
    code: str
    answer: str


def class_answers(course: Course, assignment: str, students: set[str],
                  records: Iterable[Record]) -> list[AnswerRow]:
    """The rows of ``answers.csv`` for ``students`` (those with a current grade)."""
    found = {(r.student, r.notebook, r.cell): r for r in records}
    rows = []
    with submissions(course, assignment) as graded:
        for submission in graded:
            student = submission.student.id
            if student not in students:
                continue
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    points = float(grade.max_score or 0)
                    if points <= 0:
                        continue
                    waiting = grade.needs_manual_grade and grade.manual_score is None
                    record = found.get((student, notebook.name, grade.name))
                    rows.append(AnswerRow(
                        student, notebook.name, record.part if record else grade.name,
                        grade.name, points, None if waiting else float(grade.score or 0),
                        record.code if record else "", record.answer if record else ""))
    return sorted(rows, key=lambda r: (r.student, r.notebook, r.cell))


def write_answers_csv(rows: list[AnswerRow], path: Path, pseudonymize: bool = False) -> Path:
    """Write ``answers.csv`` whole or not at all (a temporary file renamed into place)."""
    if pseudonymize:
        rows = _pseudonymized(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_safe(field) for field in (
            row.student, row.notebook, row.part, row.cell, f"{row.points:g}",
            "" if row.score is None else f"{row.score:g}", row.code, row.answer)])
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(temporary, path)
    return path


def spreadsheet_safe(text: str) -> str:
    """``text`` as a CSV field no spreadsheet runs: control characters (newlines too) shown as
    escapes, and a formula start (other than a plain number) quoted with ``'``.

    >>> spreadsheet_safe("=HYPERLINK(1)"), spreadsheet_safe("-0.5"), spreadsheet_safe("-x")
    ("'=HYPERLINK(1)", '-0.5', "'-x")
    >>> spreadsheet_safe("a\\nb\\x1b[2J")
    'a\\\\nb\\\\x1b[2J'
    """
    text = terminal_text(text).replace("\n", "\\n").replace("\t", "\\t")
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _pseudonymized(rows: list[AnswerRow]) -> list[AnswerRow]:
    """The rows with each student id replaced by ``student-NNN``, numbered in a fresh random
    order, and sorted by pseudonym."""
    students = sorted({row.student for row in rows})
    secrets.SystemRandom().shuffle(students)
    width = max(3, len(str(len(students))))
    pseudonym = {student: f"student-{number:0{width}d}"
                 for number, student in enumerate(students, 1)}
    renamed = [AnswerRow(pseudonym[r.student], r.notebook, r.part, r.cell, r.points, r.score,
                         r.code, r.answer) for r in rows]
    return sorted(renamed, key=lambda r: (r.student, r.notebook, r.cell))
