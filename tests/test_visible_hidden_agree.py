"""Every kind a student may hand in is accepted wherever a number, a vector or an expression is
asked, and visible checks accept exactly what the hidden checks accept: whatever the visible
check lets through reaches the hidden check (through the wire, as under the grading engine)."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
import torch

from calcrl_checks import compare
from calcrl_checks.cells import form
from calcrl_checks.crossing.wire import decode_value, encode_value

pytestmark = pytest.mark.unit

x = sp.Symbol("x")
REFUSALS = {"wrong_type", "wrong_shape", "unsafe_input", "parse_error", "unknown_symbol",
            "unreadable"}


def _visible(check, *args) -> bool:
    try:
        check(*args)
    except AssertionError:
        return False
    return True


def _hidden(value, expected, **options):
    """The hidden check as the engine runs it: on the value rebuilt from plain data."""
    return compare(decode_value(encode_value(value)), expected, **options)


# Numbers: 1/sqrt(5) written every way a student might (q02's slope_at_half).
SLOPE = 1 / sp.sqrt(5)
NUMBERS = [
    float(SLOPE), np.float64(SLOPE), np.array(float(SLOPE)), sp.sqrt(5) / 5, 1 / sp.sqrt(5),
    sp.Float(float(SLOPE)), "1/sqrt(5)", r"\frac{1}{\sqrt{5}}", "sqrt(5)/5",
    torch.tensor(float(SLOPE), dtype=torch.float64), np.float32(SLOPE),
]
WHOLE = [6, 6.0, np.int64(6), np.int32(6), np.float32(6), np.float16(6), np.array(6),
         np.array(6.0), Fraction(6), Fraction(12, 2), sp.Integer(6), sp.Float(6), sp.Rational(6),
         "6", "12/2", torch.tensor(6.0), torch.tensor(6), sp.sqrt(36)]
FRACTIONS = [Fraction(6, 5), sp.Rational(6, 5), 1.2, np.float64(1.2), "6/5", "1.2",
             np.array(1.2)]


@pytest.mark.parametrize("value", NUMBERS, ids=repr)
def test_every_kind_of_number_passes_both_checks(value):
    assert _visible(form.number, value, "slope_at_half")
    assert _hidden(value, SLOPE, rtol=1e-4).passed


@pytest.mark.parametrize("value", WHOLE, ids=repr)
def test_every_kind_of_whole_number_passes_both_checks(value):
    assert _visible(form.number, value, "df_at_0")
    assert _hidden(value, 6).passed


@pytest.mark.parametrize("value", FRACTIONS, ids=repr)
def test_fractions_pass_both_checks(value):
    assert _visible(form.number, value, "clipped_value")
    assert _hidden(value, 1.2).passed
    assert _hidden(value, sp.Rational(6, 5)).passed


PAIRS = [(20, 15), [20, 15], np.array([20, 15]), np.array([20.0, 15.0]),
         (sp.Integer(20), sp.Integer(15)), (Fraction(20), 15.0), torch.tensor([20.0, 15.0]),
         sp.Matrix([20, 15]), sp.Matrix([[20, 15]]), ("20", "15"), (np.float64(20), np.int32(15)),
         (sp.Float(20), "15"), np.array([sp.Integer(20), sp.Integer(15)], dtype=object)]


@pytest.mark.parametrize("value", PAIRS, ids=repr)
def test_every_kind_of_pair_passes_both_checks(value):
    assert _visible(form.array, value, (2,), "values_at_1_2")
    assert _hidden(value, (20, 15)).passed


EXPRESSIONS = [2 * x * sp.cos(x**2), "2x cos(x^2)", "2 x cos x^2", r"2x\cos\left(x^{2}\right)",
               sp.Float(2.0) * x * sp.cos(x**2), "2*x*cos(x**2)"]


@pytest.mark.parametrize("value", EXPRESSIONS, ids=repr)
def test_every_kind_of_expression_passes_both_checks(value):
    assert _visible(form.expression, value, ["x"], "d_sin_x2")
    assert _hidden(value, sp.diff(sp.sin(x**2), x), domain={"x": (-3, 3)}).passed


# A wide corpus: anything the visible check lets through is not refused by the hidden one.
CORPUS = [*NUMBERS, *WHOLE, *FRACTIONS, *PAIRS, *EXPRESSIONS, None, True, np.bool_(True), [6],
          [[6]], "x", "6x", "", "sin(", {"a": 1}, {6}, b"6", complex(6, 1), 6 + 0j, np.nan,
          float("inf"), sp.oo, sp.zoo, sp.I, sp.Symbol("y"), (6,), np.zeros((2, 2)),
          torch.zeros(2), sp.Matrix([[1, 2], [3, 4]]), object(), len, lambda v: v, range(2),
          "6; import os", "__import__('os')", np.array(["6"]), np.datetime64("2020-01-01")]


@pytest.mark.parametrize("value", CORPUS, ids=lambda v: repr(v)[:40])
def test_what_the_visible_number_check_lets_through_reaches_the_hidden_check(value):
    if _visible(form.number, value, "answer"):
        verdict = _hidden(value, 6)
        assert verdict.code not in REFUSALS, verdict.message


@pytest.mark.parametrize("value", CORPUS, ids=lambda v: repr(v)[:40])
def test_what_the_visible_array_check_lets_through_reaches_the_hidden_check(value):
    if _visible(form.array, value, (2,), "answer"):
        verdict = _hidden(value, (20, 15))
        assert verdict.code not in REFUSALS, verdict.message


@pytest.mark.parametrize("value", CORPUS, ids=lambda v: repr(v)[:40])
def test_what_the_visible_expression_check_lets_through_reaches_the_hidden_check(value):
    if _visible(form.expression, value, ["x"], "answer"):
        verdict = _hidden(value, sp.sin(x), domain={"x": (-3, 3)})
        assert verdict.code not in REFUSALS, verdict.message


def test_a_callable_object_is_refused_by_both_checks_alike():
    class Doubler:
        def __call__(self, v):
            return 2 * v

    assert not _visible(form.function, Doubler(), [1.0])
    assert compare(Doubler(), 2 * x).code == "wrong_type"


def test_the_visible_function_check_calls_on_copies_and_names_a_changed_input(capsys):
    def doubles_in_place(theta, g, alpha):
        theta *= 2
        return theta

    theta = np.array([1.0, 2.0])
    assert _visible(form.function, doubles_in_place, [theta, np.zeros(2), 0.1], (2,))
    assert theta.tolist() == [1.0, 2.0]
    assert "changed its argument 1 in place" in capsys.readouterr().out


def test_a_formative_check_names_the_mistake_and_passes_the_right_answer(capsys):
    from calcrl_checks.cells import formative

    with pytest.raises(formative.FormativeCheckFailed, match="inner derivative"):
        formative.derivative("3(2x+1)^2", "(2x+1)^3", "x", "df")
    formative.derivative("6(2x+1)^2", "(2x+1)^3", "x", "df")
    assert "df: correct" in capsys.readouterr().out


def test_visible_function_checks_leave_no_value_nbgrader_could_read_as_a_score():
    assert form.function(lambda v: 2 * v, [np.ones(3)], (3,), "double") is None


def _formative_cells():
    """(test cell, its visible code) for each test cell whose visible check is formative."""
    import json
    import re

    from calcrl_checks.engine.hidden import segments
    from notebooks import SOURCE, test_cells

    visible = {}
    for path in sorted(SOURCE.glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            code = "".join(s.code for s in segments("".join(cell["source"])) if not s.hidden)
            # saying a value is graded after submission judges nothing, so it is no check
            if re.search(r"formative\.(?!graded_after_submission)\w+\(", code):
                visible[grade_id] = code
    return [(cell, visible[cell.grade_id]) for cell in test_cells() if cell.grade_id in visible]


FORMATIVE = _formative_cells()


def test_the_readme_tells_students_which_answers_get_a_formative_check():
    from notebooks import SOURCE

    where = sorted({cell.notebook[:3] for cell, _ in FORMATIVE})
    said = f"{len(FORMATIVE)} answers in {', '.join(where[:-1])} and {where[-1]}"
    readme = " ".join((SOURCE.parents[1] / "README.md").read_text().split())
    assert said in readme


@pytest.mark.parametrize("cell, visible", FORMATIVE, ids=[c.grade_id for c, _ in FORMATIVE])
def test_a_formative_check_passes_exactly_what_the_hidden_tests_give_full_points(cell, visible):
    """The solution, each catalogued mistake and a few other wrong answers: the visible check
    fails a student exactly when the hidden tests would not give the cell's points (the
    solution's functions call each other through the notebook's namespace, so a catalogued
    mistake is tried where it replaces this answer itself; one written in another answer
    cell, such as q05's second backward pass, is replayed in that cell's place)."""
    import re

    from calcrl_checks.cells.formative import FormativeCheckFailed
    from calcrl_checks.instructor.authoring.specs import question
    from notebooks import run, solutions, solved_with

    question_id, key = re.search(r'grade_part\("(\w+)", "([\w.]+)"', cell.hidden).groups()
    part = next(p for p in question(question_id).parts if p.key == key)
    solved = solutions(cell.notebook)
    right = solved[part.answer]
    # label -> the notebook's namespace as that student leaves it
    candidates = {"solution": solved}
    for other in question(question_id).parts:
        for mistake in other.mistakes:
            if other is part or cell.grade_id in mistake.also_fails:
                if mistake.answer_cell:
                    namespace = solved_with(cell.notebook, mistake.answer_cell, mistake.source)
                else:
                    namespace = dict(solved)
                    exec(mistake.source, namespace)  # instructor code from the spec
                if namespace[part.answer] is not right:
                    candidates[mistake.code] = namespace
    if callable(right):
        candidates["does nothing"] = {**solved, part.answer: lambda first, *rest: first}
    elif not isinstance(right, str):
        numbers = np.asarray(right) if isinstance(right, (tuple, list)) else right
        candidates |= {label: {**solved, part.answer: value} for label, value in
                       (("doubled", 2 * numbers), ("plus one", numbers + 1),
                        ("negated", -numbers))}
    results = {}
    for label, namespace in candidates.items():
        try:
            exec(visible, dict(namespace))  # instructor code from source/
            shown = True
        except FormativeCheckFailed:
            shown = False
        graded = run(cell, **{name: namespace[name] for name in part.answers}).graded
        results[label] = (shown, len(graded) == 1 and graded[0].verdict.passed)
    assert results.pop("solution") == (True, True)
    assert results and all(shown == full for shown, full in results.values()), results
