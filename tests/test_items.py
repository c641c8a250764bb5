"""Item statistics per part (`calcrl report`'s items.csv): the figures equal a direct
computation, and a part whose expected answer is wrong is flagged, read from a real nbgrader
gradebook (SQLite, written through nbgrader's own API)."""
from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from calcrl_checks.instructor.grading.course import Course
from calcrl_checks.instructor.results.items import (FEWEST_FOR_FLAGS, class_items,
                                                    part_statistics, write_items_csv)
from calcrl_checks.instructor.results.verdict_records import Record

pytestmark = pytest.mark.course

ASSIGNMENT = "calculus"
#: nbgrader's own add_submission warns about its session while it builds the gradebook.
_NBGRADER_WARNS = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    dx, dy = x - x.mean(), y - y.mean()
    return float((dx * dy).sum() / np.sqrt((dx ** 2).sum() * (dy ** 2).sum()))


def test_the_statistics_equal_a_direct_computation():
    rng = np.random.default_rng(7)
    points = np.array([1.0, 2.0, 3.0, 4.0])
    scores = np.round(rng.uniform(0, 1, (30, 4)) * points * 2) / 2
    scores[3, 1] = scores[11, 1] = np.nan          # two students still waiting for a TA
    facility, sd, discrimination = part_statistics(scores, points)
    for part in range(4):
        graded = ~np.isnan(scores[:, part])
        item = scores[graded, part]
        rest = np.array([np.nansum(row) for row in scores[graded]]) - item
        assert facility[part] == pytest.approx((item / points[part]).sum() / graded.sum())
        assert sd[part] == pytest.approx(np.sqrt(((item / points[part] - facility[part]) ** 2)
                                                 .mean()))
        assert discrimination[part] == pytest.approx(_pearson(item, rest))


def test_a_part_no_one_varies_on_has_no_discrimination():
    scores = np.array([[1.0, 0.0, 0.0], [1.0, 1.0, 1.0], [1.0, 0.5, 1.0]])
    _, _, discrimination = part_statistics(scores, np.ones(3))
    assert np.isnan(discrimination[0]) and not np.isnan(discrimination[1:]).any()


def _class(root: Path, students: int) -> tuple[Course, list[Record]]:
    """A gradebook of ``students`` of rising ability on five parts, where ``q01-broken``'s
    expected answer is wrong: the students who know the lesson lose its points and the weakest
    (whose mistake it happens to equal) earn them."""
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    from nbgrader.api import Gradebook

    parts = {"q01-a": 1.0, "q01-b": 2.0, "q01-c": 2.0, "q01-d": 3.0, "q01-broken": 2.0}
    records = []
    gradebook = Gradebook(f"sqlite:///{root / 'gradebook.db'}")
    try:
        gradebook.add_assignment(ASSIGNMENT)
        gradebook.add_notebook("q01", ASSIGNMENT)
        for cell, top in parts.items():
            gradebook.add_grade_cell(cell, "q01", ASSIGNMENT, max_score=top, cell_type="code")
        for number in range(students):
            student, ability = f"s{number:02d}", number / (students - 1)
            gradebook.add_student(student)
            gradebook.add_submission(ASSIGNMENT, student)
            for index, (cell, top) in enumerate(parts.items()):
                knows = ability > (index + 1) / (len(parts) + 1) or number == students - 1
                earned = top * (not knows if cell == "q01-broken" else knows)
                grade = gradebook.find_grade(cell, "q01", ASSIGNMENT, student)
                grade.auto_score, grade.needs_manual_grade = earned, False
                code = "correct" if earned else ("not_answered" if number == 0 else "wrong")
                records.append(Record(student, "q01", cell, cell.removeprefix("q01-"), code,
                                      earned / top))
        gradebook.db.commit()
    finally:
        gradebook.close()
    return Course(root), records


@_NBGRADER_WARNS
def test_a_part_with_a_wrong_expected_answer_is_flagged(tmp_path):
    course, records = _class(tmp_path, 12)
    items = {item.cell: item for item in class_items(course, ASSIGNMENT,
                                                     {r.student for r in records}, records)}
    assert set(items) == {"q01-a", "q01-b", "q01-c", "q01-d", "q01-broken"}
    broken = items["q01-broken"]
    assert broken.discrimination is not None and broken.discrimination < 0
    assert broken.flag.startswith("negative discrimination"), broken.flag
    assert broken.part == "broken" and broken.students == 12 and broken.points == 2
    assert broken.not_answered == pytest.approx(0.0)
    assert items["q01-a"].not_answered == pytest.approx(1 / 12)
    assert all(not items[c].flag for c in ("q01-b", "q01-c")), items


@_NBGRADER_WARNS
def test_too_few_students_flag_nothing(tmp_path):
    course, records = _class(tmp_path, FEWEST_FOR_FLAGS - 1)
    items = class_items(course, ASSIGNMENT, {r.student for r in records}, records)
    assert items and not any(item.flag for item in items)


@_NBGRADER_WARNS
def test_items_csv_holds_every_part_and_no_partial_file(tmp_path):
    course, records = _class(tmp_path, 8)
    items = class_items(course, ASSIGNMENT, {r.student for r in records}, records)
    path = write_items_csv(items, tmp_path / "items.csv")
    rows = list(csv.DictReader(path.open()))
    assert [row["cell"] for row in rows] == [item.cell for item in items]
    assert float(rows[0]["facility"]) == pytest.approx(items[0].facility, abs=1e-4)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []
