"""`calcrl export`: grades in the form an LMS imports (Canvas's gradebook CSV, or a plain CSV
with chosen column names for Moodle and others).

Canvas's importer reads a header row whose first columns identify the student (``Student,
ID, SIS User ID, SIS Login ID, Section``) and whose further columns are assignments, then an
optional ``Points Possible`` row, then one row per student; an empty cell changes nothing.
Given the course's own Canvas export (``--canvas-export``), each graded student is matched to
its row, by nbgrader id or e-mail against SIS Login ID, then SIS User ID, then Canvas ID, and
the assignment column Canvas already has is reused, so the import creates no new assignment.
A student is never guessed: ambiguous and unmatched students are reported and left out. A
score that is not final (points still waiting for a TA, a grading that failed) is left blank,
never 0. The file is written whole or not at all; the same grades give the same bytes.

>>> rows = [CanvasRow("Ana Diaz", "101", "S1", "ana", "A"),
...         CanvasRow("Ben Li", "102", "S2", "ben@uni.edu", "A")]
>>> matched, ambiguous, unmatched = match({"ana": "", "bli": "ben@uni.edu", "cy": ""}, rows)
>>> {student: row.canvas_id for student, row in matched.items()}, ambiguous, unmatched
({'ana': '101', 'bli': '102'}, {}, ['cy'])
"""
from __future__ import annotations

import csv
import io
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from calcrl_checks.instructor.grading.course import Course
from calcrl_checks.instructor.results.grades import StudentGrades
from calcrl_checks.instructor.results.report import ClassSummary, summarize
from calcrl_checks.outcome.errors import CalcrlError

#: The columns that identify a student in Canvas's gradebook CSV, in its order.
IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "Points Possible"
#: The largest Canvas export read (a gradebook of some ten thousand students).
MAX_EXPORT_BYTES = 20_000_000


class ExportError(CalcrlError, ValueError):
    """The grades cannot be exported as asked (the message says why); nothing was written."""


@dataclass(frozen=True)
class CanvasRow:
    """A student as Canvas's gradebook export lists them."""

    student: str
    canvas_id: str
    sis_user_id: str
    sis_login_id: str
    section: str


@dataclass
class Export:
    """What an export wrote and whom it could not place."""

    path: Path
    columns: list[str]
    written: int = 0
    #: nbgrader id -> the Canvas rows it matches equally well
    ambiguous: dict[str, list[CanvasRow]] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    #: nbgrader id -> why their score was left blank
    blank: dict[str, str] = field(default_factory=dict)


def read_canvas_export(path: Path) -> tuple[list[str], list[CanvasRow]]:
    """The header and the student rows of a Canvas gradebook export."""
    try:
        if path.stat().st_size > MAX_EXPORT_BYTES:
            raise ExportError(f"{path} is larger than {MAX_EXPORT_BYTES // 1_000_000} MB; "
                              "that is not a Canvas gradebook export")
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ExportError(f"{path} does not exist; download it from Canvas: Grades, "
                          "Export, Export Entire Gradebook") from None
    except UnicodeDecodeError:
        raise ExportError(f"{path} is not UTF-8 text, so not a Canvas gradebook "
                          "export") from None
    table = list(csv.reader(io.StringIO(text)))
    header = [name.strip() for name in table[0]] if table else []
    missing = [name for name in IDENTITY if name not in header]
    if missing:
        raise ExportError(f"{path} is not a Canvas gradebook export: its first row has no "
                          f"{', '.join(missing)} column")
    where = {name: header.index(name) for name in IDENTITY}
    rows, seen = [], set()
    for line in table[1:]:
        if not line or not any(cell.strip() for cell in line):
            continue
        cells = [*line, *[""] * (len(header) - len(line))]
        name = cells[where["Student"]].strip()
        # Canvas's own rows under the header: the points and the posting policy.
        if name == POINTS_POSSIBLE or (cells[where["Student"]].startswith("    ")
                                       and not cells[where["ID"]].strip()):
            continue
        row = CanvasRow(name, *(cells[where[column]].strip() for column in IDENTITY[1:]))
        if row.canvas_id and row.canvas_id in seen:
            raise ExportError(f"{path} lists Canvas ID {row.canvas_id} twice; export the "
                              "gradebook from Canvas again")
        seen.add(row.canvas_id)
        rows.append(row)
    return header, rows


def match(students: dict[str, str], rows: list[CanvasRow]
          ) -> tuple[dict[str, CanvasRow], dict[str, list[CanvasRow]], list[str]]:
    """Each nbgrader student (id -> e-mail, "" when unknown) to their Canvas row: by SIS Login
    ID, then SIS User ID, then Canvas ID, each compared with the id and with the e-mail
    (case-insensitively). The first of these that finds anyone decides; two rows found there,
    or one row found for two students, is ambiguous. Returns (matched, ambiguous, unmatched).
    """
    found: dict[str, list[CanvasRow]] = {}
    for student, email in students.items():
        keys = {key.casefold() for key in (student, email) if key}
        for column in ("sis_login_id", "sis_user_id", "canvas_id"):
            hits = [row for row in rows if getattr(row, column).casefold() in keys]
            if hits:
                found[student] = hits
                break
    claimed: dict[CanvasRow, list[str]] = defaultdict(list)
    for student, hits in found.items():
        if len(hits) == 1:
            claimed[hits[0]].append(student)
    matched = {s: hits[0] for s, hits in found.items()
               if len(hits) == 1 and len(claimed[hits[0]]) == 1}
    ambiguous = {s: hits for s, hits in found.items() if s not in matched}
    unmatched = sorted(s for s in students if s not in found)
    return dict(sorted(matched.items())), dict(sorted(ambiguous.items())), unmatched


def assignment_column(header: list[str], title: str) -> str:
    """The column Canvas already has for ``title`` (``calculus`` or ``calculus (4521)``), or
    ``title`` itself, which Canvas imports as a new assignment.

    >>> assignment_column(["Student", "calculus (4521)"], "calculus")
    'calculus (4521)'
    """
    pattern = re.compile(rf"{re.escape(title)}( \(\d+\))?")
    return next((name for name in header if pattern.fullmatch(name)), title)


def write_whole(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` whole or not at all (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return path


def _score(value: float) -> str:
    return format(round(value, 4), "g")


def export_canvas(course: Course, assignment: str, out: Path,
                  canvas_export: Path | None = None, per_notebook: bool = False) -> Export:
    """Write ``out``, a Canvas gradebook import of ``assignment``'s current grades."""
    header, rows = read_canvas_export(canvas_export) if canvas_export else ([], [])
    summary = summarize(course, assignment)
    everyone = sorted({*summary.grades, *summary.without_grade})
    if not everyone:
        raise ExportError(f"no graded submissions of '{assignment}' yet; run `calcrl "
                          f"autograde {assignment}` first")
    emails = _emails(course)
    notebooks = sorted({n for g in summary.grades.values() for n in g.notebooks})
    titles = [f"{assignment} {n}" for n in notebooks] if per_notebook else [assignment]
    columns = [assignment_column(header, title) for title in titles]
    if canvas_export:
        placed, ambiguous, unmatched = match({s: emails.get(s, "") for s in everyone}, rows)
    else:
        placed = {s: CanvasRow(summary.names.get(s) or s, "", "", s, "") for s in everyone}
        ambiguous, unmatched = {}, []
    result = Export(out, columns, ambiguous=ambiguous, unmatched=unmatched)
    tops = [max((g.notebooks.get(n, (0.0, 0.0))[1] for g in summary.grades.values()),
                default=0.0) for n in notebooks]
    top = max((g.max_score for g in summary.grades.values()), default=0.0)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*IDENTITY, *columns])
    writer.writerow([POINTS_POSSIBLE, "", "", "", "",
                     *(map(_score, tops) if per_notebook else [_score(top)])])
    for student, row in sorted(placed.items(), key=lambda item: (item[1].student, item[0])):
        grades = _final(summary, student, result)
        if grades is None:
            scores = [""] * len(columns)
        elif per_notebook:
            scores = [_score(grades.notebooks[n][0]) if n in grades.notebooks else ""
                      for n in notebooks]
        else:
            scores = [_score(grades.score)]
        writer.writerow([row.student, row.canvas_id, row.sis_user_id, row.sis_login_id,
                         row.section, *scores])
        result.written += 1
    write_whole(out, buffer.getvalue())
    return result


def export_plain(course: Course, assignment: str, out: Path, id_column: str,
                 score_column: str) -> Export:
    """Write ``out``: one row per graded student, their nbgrader id and total under the
    given column names (Moodle's grade import maps them), blank where not final."""
    if not id_column.strip() or not score_column.strip() or id_column == score_column:
        raise ExportError("--id-column and --score-column need two different, non-empty names")
    summary = summarize(course, assignment)
    everyone = sorted({*summary.grades, *summary.without_grade})
    if not everyone:
        raise ExportError(f"no graded submissions of '{assignment}' yet; run `calcrl "
                          f"autograde {assignment}` first")
    result = Export(out, [score_column])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([id_column, score_column])
    for student in everyone:
        grades = _final(summary, student, result)
        writer.writerow([student, "" if grades is None else _score(grades.score)])
        result.written += 1
    write_whole(out, buffer.getvalue())
    return result


def _final(summary: ClassSummary, student: str, result: Export) -> StudentGrades | None:
    """The student's grades when they are final; else None, with why noted in ``result``."""
    grades = summary.grades.get(student)
    if student in summary.without_grade or grades is None:
        result.blank[student] = summary.without_grade.get(student, "not graded")
        return None
    if grades.pending_points:
        result.blank[student] = f"{grades.pending_points:g} points still wait for a TA"
        return None
    return grades


def _emails(course: Course) -> dict[str, str]:
    with course.gradebook() as gradebook:
        return {student.id: student.email or "" for student in gradebook.students}
