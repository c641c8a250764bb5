"""Item statistics per graded part: which part is too easy, too hard, or does not separate
students who know the lesson from those who do not.

For each part (a graded cell of the gradebook, autograded or written), over the students
graded on it: its **facility** (the mean fraction of its points earned), the standard
deviation of that fraction, and its **discrimination**: the correlation between the part's
score and the *rest* of the student's total (the total without this part), the corrected
item-rest correlation Moodle's quiz statistics report. A part whose discrimination is negative
or low, or that nearly everyone gets right or wrong, is flagged as worth a look, with the
reason. Points still waiting for a TA are left out of that part's figures.

>>> scores = np.array([[1.0, 2.0], [0.0, 0.0], [1.0, 1.0]])
>>> stats = part_statistics(scores, np.array([1.0, 2.0]))
>>> stats[0].round(3).tolist(), stats[1].round(3).tolist()
([0.667, 0.5], [0.471, 0.408])
"""
from __future__ import annotations

import csv
import io
import math
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from calcrl_checks.outcome.codes import DID_NOT_RUN, INTERNAL_ERROR, NOT_ANSWERED
from calcrl_checks.instructor.grading.course import Course
from calcrl_checks.instructor.results.grades import submissions
from calcrl_checks.instructor.results.verdict_records import Record

#: Below this corrected item-rest correlation a part hardly tells strong students from weak.
LOW_DISCRIMINATION = 0.2
#: Facility above this: nearly everyone earned the points; below ``HARD``: nearly no one.
EASY, HARD = 0.95, 0.10
#: Fewer graded students than this and no part is flagged: the figures mean little yet.
FEWEST_FOR_FLAGS = 5

COLUMNS = ("notebook", "part", "cell", "points", "students_graded", "facility", "sd",
           "discrimination", "not_answered", "checker_failures", "flag")


@dataclass(frozen=True)
class Item:
    """One part's statistics (shares are fractions of the students graded on it)."""

    notebook: str
    cell: str
    part: str
    points: float
    students: int
    facility: float | None
    sd: float | None
    discrimination: float | None
    not_answered: float
    checker_failures: float
    flag: str

    def row(self) -> list[str]:
        """The part as a row of ``items.csv`` (empty where a figure is undefined)."""
        def number(value: float | None) -> str:
            return "" if value is None else f"{value:.4f}"

        return [self.notebook, self.part, self.cell, f"{self.points:g}", str(self.students),
                number(self.facility), number(self.sd), number(self.discrimination),
                number(self.not_answered), number(self.checker_failures), self.flag]


def part_statistics(scores: np.ndarray, points: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Facility, standard deviation and corrected item-rest discrimination of each column of
    ``scores`` (students x parts, in points; NaN where a student has no score for a part),
    ``points`` being each part's maximum. Discrimination is NaN where either the part or the
    rest of the total does not vary.
    """
    parts = scores.shape[1]
    facility, sd, discrimination = (np.full(parts, np.nan) for _ in range(3))
    totals = np.nansum(scores, axis=1)
    for part in range(parts):
        graded = ~np.isnan(scores[:, part])
        if not graded.any():
            continue
        item, rest = scores[graded, part], totals[graded] - scores[graded, part]
        facility[part] = (item / points[part]).mean()
        sd[part] = (item / points[part]).std()
        if len(item) > 1 and item.std() > 0 and rest.std() > 0:
            discrimination[part] = float(np.corrcoef(item, rest)[0, 1])
    return facility, sd, discrimination


def flag(facility: float | None, discrimination: float | None, students: int) -> str:
    """Why a part is worth a look, or "" when nothing stands out.

    >>> print(flag(0.5, -0.3, 30))
    negative discrimination (-0.30): students who did well elsewhere did worse here; check the
    expected answer
    >>> flag(0.98, 0.4, 30), flag(0.5, 0.4, 30), flag(0.5, -0.3, 3)
    ('nearly everyone earns it (facility 0.98)', '', '')
    """
    if students < FEWEST_FOR_FLAGS or facility is None:
        return ""
    if discrimination is not None and discrimination < 0:
        return (f"negative discrimination ({discrimination:.2f}): students who did well "
                "elsewhere did worse here; check the expected answer")
    if facility > EASY:
        return f"nearly everyone earns it (facility {facility:.2f})"
    if facility < HARD:
        return f"nearly no one earns it (facility {facility:.2f}); check the expected answer"
    if discrimination is not None and discrimination < LOW_DISCRIMINATION:
        return (f"low discrimination ({discrimination:.2f}): it hardly separates strong "
                "from weak students")
    return ""


def class_items(course: Course, assignment: str, students: set[str],
                records: list[Record]) -> list[Item]:
    """The item table of ``assignment`` over ``students`` (those with a current grade), from
    the gradebook's scores per graded cell and the verdict records' codes."""
    scores: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    points: dict[tuple[str, str], float] = {}
    with submissions(course, assignment) as graded:
        for submission in graded:
            if submission.student.id not in students:
                continue
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    key = (notebook.name, grade.name)
                    points[key] = float(grade.max_score or 0)
                    if grade.needs_manual_grade and grade.manual_score is None:
                        continue
                    scores[key][submission.student.id] = float(grade.score or 0)
    keys = sorted(k for k, top in points.items() if top > 0)
    if not keys:
        return []
    everyone = sorted(students)
    table = np.array([[scores[key].get(s, np.nan) for key in keys] for s in everyone])
    facility, sd, discrimination = part_statistics(table, np.array([points[k] for k in keys]))
    codes: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    parts: dict[tuple[str, str], str] = {}
    for record in records:
        codes[(record.notebook, record.cell)][record.student] = record.code
        if record.part != record.cell:
            parts[(record.notebook, record.cell)] = record.part
    items = []
    for column, key in enumerate(keys):
        graded_here = len(scores[key])
        found = codes.get(key, {})
        blank = sum(code in (NOT_ANSWERED, DID_NOT_RUN) for code in found.values())
        failed = sum(code == INTERNAL_ERROR for code in found.values())
        easy, spread, separates = (_defined(a[column]) for a in (facility, sd, discrimination))
        share = 1 / graded_here if graded_here else 0.0
        items.append(Item(key[0], key[1], parts.get(key, key[1]), points[key], graded_here,
                          easy, spread, separates, blank * share, failed * share,
                          flag(easy, separates, graded_here)))
    return items


def _defined(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def write_items_csv(items: list[Item], path: Path) -> Path:
    """Write ``items.csv`` whole or not at all (a temporary file renamed into place)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(item.row() for item in items)
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(temporary, path)
    return path
