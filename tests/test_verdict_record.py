"""The verdict record: written by one encoder, read by one decoder everywhere.

A record is what the class report, a student's standing and the feedback pages believe about a
graded cell, so the decoder refuses anything that is not exactly a record: a wrong type, a
missing or extra field, or no dict at all is read as no record (never as "passed"). The
readers then agree on the same outputs.
"""
from __future__ import annotations

import copy

import nbformat
import pytest

from calcrl_checks.cells.notebook import (VERDICT_MIME, Graded, VerdictRecord, is_reserved_mime,
                                          verdict_output)
from calcrl_checks.instructor.grading.course import Course
from calcrl_checks.instructor.results.standing import _verdicts
from calcrl_checks.instructor.results.verdict_records import class_records
from calcrl_checks.outcome.codes import INTERNAL_ERROR
from calcrl_checks.outcome.verdict import Verdict
from calcrl_checks.preprocessors import _tidy_outputs

pytestmark = pytest.mark.unit

PARTIAL = VerdictRecord(False, 0.5, "missing_inner_derivative", False,
                        "Not quite: the inner derivative is missing.", "df", 2.0)
PASSED = VerdictRecord(True, 1.0, "correct", True, "Correct.", "df", 2)


def _output(record: object) -> dict:
    return {"output_type": "display_data", "metadata": {},
            "data": {VERDICT_MIME: record, "text/plain": "[df]"}}


def _with(**changes: object) -> dict:
    return {**PARTIAL.encode(), **changes}


def _without(field: str) -> dict:
    record = PARTIAL.encode()
    del record[field]
    return record


@pytest.mark.parametrize("record", [PARTIAL, PASSED, VerdictRecord(
    False, 0, INTERNAL_ERROR, False, "The checker failed.", "df", 1.0,
    {"internal_error": "KeyError: 'x'"}), VerdictRecord(
    False, 0.5, "sign_flip", False, "Check the sign.", "df", 2.0, answer="-2*x")])
def test_a_record_round_trips_through_its_output_and_a_notebook_file(record, tmp_path):
    output = {"output_type": "display_data", "metadata": {}, "data": record.to_output()}
    assert VerdictRecord.from_output(output) == record
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[
        nbformat.from_dict(output)])])
    nbformat.write(notebook, tmp_path / "q.ipynb")
    again = nbformat.read(tmp_path / "q.ipynb", as_version=4).cells[0].outputs[0]
    assert VerdictRecord.from_output(again) == record


def test_grade_writes_the_record_it_always_wrote_in_the_same_order():
    verdict = Verdict(False, 0.5, "sign_flip", "Check the sign.", proved=False)
    bundle = verdict_output(Graded(verdict, "df", 2.0))
    assert list(bundle[VERDICT_MIME]) == ["passed", "score", "code", "proved", "message",
                                          "part", "points"]
    assert bundle == {VERDICT_MIME: {"passed": False, "score": 0.5, "code": "sign_flip",
                                     "proved": False, "message": "Check the sign.",
                                     "part": "df", "points": 2.0},
                      "text/plain": "[df: sign_flip]"}


def test_grade_records_the_text_of_the_answer_it_graded():
    import sympy as sp

    from calcrl_checks import check
    from calcrl_checks.cells.notebook import grade, recording

    x = sp.Symbol("x")
    with recording() as graded:
        grade(check, "3(2x+1)^2", 3 * (2 * x + 1) ** 2, points=3, part="df")
        grade(check, 3 * (2 * x + 1) ** 2, 3 * (2 * x + 1) ** 2, points=3, part="df")
    assert [g.answer for g in graded] == ["3(2x+1)^2", "3*(2*x + 1)**2"]
    record = VerdictRecord.from_output({"data": verdict_output(graded[0])})
    assert record is not None and record.answer == "3(2x+1)^2"


def test_a_checkers_failure_records_its_details_and_no_other_verdict_does():
    failed = Verdict(False, 0.0, INTERNAL_ERROR, "The checker failed.", details={"e": 1})
    assert VerdictRecord.from_output({"data": verdict_output(Graded(failed, "df", 1))}) \
        .details == {"e": "1"}
    wrong = Verdict(False, 0.0, "wrong", "No.", details={"e": 1})
    assert VerdictRecord.from_output({"data": verdict_output(Graded(wrong, "df", 1))}) \
        .details is None


@pytest.mark.parametrize("record", [
    _with(score="1"), _with(score=True), _with(score=None), _with(score=float("nan")),
    _with(score=float("inf")), _with(passed=1), _with(passed="true"), _with(proved=None),
    _with(code=7), _with(code=None), _with(message=["x"]), _with(part=3), _with(points="2"),
    _with(details="KeyError"), _with(details={"e": 1}), _with(answer=3), _with(answer=["x"]),
    _without("passed"), _without("score"), _without("code"), _without("part"),
    _without("points"), _without("message"), _without("proved"),
    _with(extra="junk"), _with(passed_by_ta=True),
    {}, [], "correct", 1, None, [("passed", True)],
], ids=lambda record: repr(record)[:60])
def test_a_malformed_record_is_no_record(record):
    assert VerdictRecord.decode(record) is None
    assert VerdictRecord.from_output(_output(record)) is None


@pytest.mark.parametrize("output", [None, "text", [], {}, {"data": None}, {"data": "calcrl"},
                                    {"data": [VERDICT_MIME]}, {"data": {"text/plain": "ok"}}])
def test_an_output_without_a_record_has_none(output):
    assert VerdictRecord.from_output(output) is None


def test_decoding_copies_the_details_it_was_given():
    encoded = {**PARTIAL.encode(), "details": {"e": "x"}}
    record = VerdictRecord.decode(encoded)
    encoded["details"]["e"] = "changed"
    assert record is not None and record.details == {"e": "x"}


def test_only_the_graders_mime_types_are_reserved():
    assert is_reserved_mime(VERDICT_MIME)
    assert is_reserved_mime("application/vnd.calcrl.other+json")
    assert not any(map(is_reserved_mime, ["text/plain", "text/html", "image/png"]))


# -- the readers agree ----------------------------------------------------------------------
def _graded_notebook(tmp_path, outputs: list[dict]) -> Course:
    """A course whose one student's one autograded notebook has one test cell with ``outputs``."""
    cell = nbformat.v4.new_code_cell(outputs=[nbformat.from_dict(o) for o in outputs])
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "q-df-test",
                                 "points": 2}
    folder = tmp_path / "autograded" / "alice" / "hw"
    folder.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), folder / "q.ipynb")
    return Course(tmp_path)


def _readings(tmp_path, outputs: list[dict]) -> tuple:
    course = _graded_notebook(tmp_path, copy.deepcopy(outputs))
    (report,) = class_records(course, "hw")
    verdicts, _, _ = _verdicts(tmp_path / "autograded" / "alice" / "hw" / "q.ipynb")
    feedback = [o.text for o in _tidy_outputs([nbformat.from_dict(o) for o in outputs])]
    return report, verdicts.get("q-df-test"), feedback


def test_the_readers_read_one_record_alike(tmp_path):
    report, standing, feedback = _readings(tmp_path, [_output(PARTIAL.encode())])
    assert (report.part, report.code, report.score) == ("df", PARTIAL.code, 0.5)
    assert standing == PARTIAL
    assert feedback == [f"Partial credit: 1 of 2 points.\n{PARTIAL.message}\n"]


def test_the_readers_read_a_passing_record_as_full_marks(tmp_path):
    report, standing, feedback = _readings(tmp_path, [_output(PASSED.encode())])
    assert (report.code, report.score) == ("correct", 1.0)
    assert standing == PASSED
    assert feedback == ["df: correct.\n"]


@pytest.mark.parametrize("forged", [
    {"passed": True}, {"passed": "yes", "code": "correct"}, _with(passed=1),
    {**PASSED.encode(), "score": "1"}, {**PASSED.encode(), "note": "trust me"}, {}, "correct",
], ids=repr)
def test_no_reader_believes_a_forged_record(tmp_path, forged):
    error = {"output_type": "error", "ename": "CheckFailed", "evalue": "wrong", "traceback": []}
    report, standing, feedback = _readings(tmp_path, [_output(forged), error])
    assert (report.code, report.score) == ("error", 0.0)
    assert standing is None
    assert feedback == ["CheckFailed: wrong\n"]
