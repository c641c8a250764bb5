"""answers.csv (`calcrl report`): every graded part of every current student, read from a real
nbgrader gradebook (SQLite, written through nbgrader's own API); the report's item table is
recomputable from it with pandas, pseudonyms hide who and in what order, and no field starts
a spreadsheet formula or carries a control character."""
from __future__ import annotations

import csv
import dataclasses

import numpy as np
import pandas as pd
import pytest

from gradebooks import ASSIGNMENT, NBGRADER_WARNS, ability_class
from calcrl_checks.instructor.results.answers import class_answers, write_answers_csv
from calcrl_checks.instructor.results.items import class_items

pytestmark = pytest.mark.course

#: What the hostile student of the class typed, one answer per part.
HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "@SUM(A1)",
           "-2*x\x1b]0;owned\x07", "x\nstudent,s99"]


def _with_answers(records):
    """The fixture's records, each holding an answer text; s01 hands in the hostile ones."""
    hostile = iter(HOSTILE)
    return [dataclasses.replace(r, answer=next(hostile) if r.student == "s01"
                                else f"{3 * int(r.student[1:]) + 1}*x") for r in records]


def _class(tmp_path, students=12, pending=frozenset({"s03", "s07"})):
    course, records = ability_class(tmp_path, students, pending=pending)
    records = _with_answers(records)
    everyone = {r.student for r in records}
    return course, records, everyone


@NBGRADER_WARNS
def test_the_item_table_is_recomputable_from_answers_csv_with_pandas(tmp_path):
    course, records, everyone = _class(tmp_path)
    rows = class_answers(course, ASSIGNMENT, everyone, records)
    path = write_answers_csv(rows, tmp_path / "answers.csv")
    frame = pd.read_csv(path, dtype={"answer": str, "code": str}, keep_default_na=False,
                        na_values={"score": [""]})
    assert len(frame) == len(everyone) * 5
    frame["fraction"] = frame["score"] / frame["points"]
    totals = frame.groupby("student")["score"].sum()
    for item in class_items(course, ASSIGNMENT, everyone, records):
        part = frame[frame["cell"] == item.cell].dropna(subset=["score"]).set_index("student")
        assert len(part) == item.students
        assert part["fraction"].mean() == pytest.approx(item.facility, abs=1e-12)
        assert part["fraction"].std(ddof=0) == pytest.approx(item.sd, abs=1e-12)
        rest = totals.loc[part.index] - part["score"]
        if item.discrimination is None:
            assert part["score"].nunique() == 1 or rest.nunique() == 1
        else:
            assert np.corrcoef(part["score"], rest)[0, 1] == \
                pytest.approx(item.discrimination, abs=1e-12)


@NBGRADER_WARNS
def test_a_part_waiting_for_a_ta_has_an_empty_score_never_zero(tmp_path):
    course, records, everyone = _class(tmp_path)
    path = write_answers_csv(class_answers(course, ASSIGNMENT, everyone, records),
                             tmp_path / "answers.csv")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    waiting = {(r["student"], r["cell"]) for r in rows if r["score"] == ""}
    assert waiting == {("s03", "q01-d"), ("s07", "q01-d")}
    assert all(float(r["score"]) >= 0 for r in rows if r["score"] != "")


@NBGRADER_WARNS
def test_each_row_holds_its_own_answer_code_and_score(tmp_path):
    course, records, everyone = _class(tmp_path, pending=frozenset())
    path = write_answers_csv(class_answers(course, ASSIGNMENT, everyone, records),
                             tmp_path / "answers.csv")
    rows = {(r["student"], r["cell"]): r for r in csv.DictReader(path.open(encoding="utf-8"))}
    for record in records:
        row = rows[(record.student, record.cell)]
        assert row["code"] == record.code and row["part"] == record.part
        assert float(row["score"]) == pytest.approx(record.score * float(row["points"]))
        if record.student != "s01":
            assert row["answer"] == record.answer


@NBGRADER_WARNS
def test_no_field_starts_a_formula_or_carries_a_control_character(tmp_path):
    course, records, everyone = _class(tmp_path)
    path = write_answers_csv(class_answers(course, ASSIGNMENT, everyone, records),
                             tmp_path / "answers.csv")
    text = path.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x07" not in text
    assert len(text.splitlines()) == 1 + len(everyone) * 5   # no answer broke a line
    hostile = [r for r in csv.DictReader(path.open(encoding="utf-8")) if r["student"] == "s01"]
    assert sorted(r["answer"][0] for r in hostile) == ["'", "'", "'", "'", "x"]
    assert {r["answer"] for r in hostile} >= {"'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(A1)",
                                                "x\\nstudent,s99"}
    for row in csv.reader(path.open(encoding="utf-8")):
        assert all(not field.startswith(("=", "+", "@")) for field in row), row


@NBGRADER_WARNS
def test_pseudonyms_replace_every_id_and_keep_every_row(tmp_path):
    course, records, everyone = _class(tmp_path)
    rows = class_answers(course, ASSIGNMENT, everyone, records)
    plain = list(csv.DictReader(write_answers_csv(rows, tmp_path / "plain.csv").open()))
    orders = []
    for attempt in range(4):
        hidden = list(csv.DictReader(write_answers_csv(
            rows, tmp_path / f"hidden{attempt}.csv", pseudonymize=True).open()))
        text = (tmp_path / f"hidden{attempt}.csv").read_text()
        assert not any(student in text for student in everyone)   # answers name no one
        key = ("notebook", "cell", "answer", "code", "score")
        assert sorted(tuple(r[k] for k in key) for r in hidden) == \
            sorted(tuple(r[k] for k in key) for r in plain)
        # One pseudonym per student: the same answers travel together.
        by_pseudonym = {}
        for row in hidden:
            by_pseudonym.setdefault(row["student"], set()).add(row["answer"])
        by_student = {}
        for row in plain:
            by_student.setdefault(row["student"], set()).add(row["answer"])
        assert sorted(map(sorted, by_pseudonym.values())) == \
            sorted(map(sorted, by_student.values()))
        orders.append([sorted(by_pseudonym[p])[0] for p in sorted(by_pseudonym)])
    # 12 students: four files in the same order would happen about once in 10^26 runs.
    assert len({tuple(order) for order in orders}) > 1
