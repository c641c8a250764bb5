"""Item statistics per part (`calcrl report`'s items.csv): the figures equal a direct
computation, and a part whose expected answer is wrong is flagged, read from a real nbgrader
gradebook (SQLite, written through nbgrader's own API)."""
from __future__ import annotations

import csv

import numpy as np
import pytest

from gradebooks import ASSIGNMENT, NBGRADER_WARNS, ability_class
from calcrl_checks.instructor.results.items import (FEWEST_FOR_FLAGS, class_items,
                                                    part_statistics, write_items_csv)

pytestmark = pytest.mark.course



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


@NBGRADER_WARNS
def test_a_part_with_a_wrong_expected_answer_is_flagged(tmp_path):
    course, records = ability_class(tmp_path, 12)
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


@NBGRADER_WARNS
def test_too_few_students_flag_nothing(tmp_path):
    course, records = ability_class(tmp_path, FEWEST_FOR_FLAGS - 1)
    items = class_items(course, ASSIGNMENT, {r.student for r in records}, records)
    assert items and not any(item.flag for item in items)


@NBGRADER_WARNS
def test_items_csv_holds_every_part_and_no_partial_file(tmp_path):
    course, records = ability_class(tmp_path, 8)
    items = class_items(course, ASSIGNMENT, {r.student for r in records}, records)
    path = write_items_csv(items, tmp_path / "items.csv")
    rows = list(csv.DictReader(path.open()))
    assert [row["cell"] for row in rows] == [item.cell for item in items]
    assert float(rows[0]["facility"]) == pytest.approx(items[0].facility, abs=1e-4)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []
