"""Near misses are named: the verdict code says which mistake, the message never the answer."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from calcrl_checks import Hint, check_derivative, check_gradient, check_partial, compare
from verdicts import assert_hides, verdict_of

pytestmark = pytest.mark.unit

x, y, w1, w2 = sp.symbols("x y w1 w2")
SIN_X2 = sp.sin(x**2)
D_SIN_X2 = sp.diff(SIN_X2, x)                       # 2*x*cos(x**2)


def diagnosed(answer, expected, code, **options):
    """The verdict, after checking its code, that it fails and that it hides ``expected``."""
    verdict = compare(answer, expected, **options)
    assert verdict.code == code, verdict.message
    assert verdict.passed is False and verdict.score == 0.0
    assert_hides(verdict, expected)
    return verdict


@pytest.mark.parametrize("answer, expected, domain", [
    ("-2x cos(x^2)", D_SIN_X2, None),
    (-D_SIN_X2, D_SIN_X2, None),
    ("-x^2 e^x", x**2 * sp.exp(x), None),
    (np.array([-1.0, 2.0]), np.array([1.0, -2.0]), None),
])
def test_sign_flip(answer, expected, domain):
    verdict = diagnosed(answer, expected, "sign_flip", domain=domain)
    assert "-1 ×" in verdict.message


@pytest.mark.parametrize("answer, expected, factor", [
    ("4x cos(x^2)", D_SIN_X2, "2 ×"),
    ("x cos(x^2)", D_SIN_X2, "1/2 ×"),
    ("3x cos(x^2)", D_SIN_X2, "a constant factor of about 1.5 ×"),
    ("2^x", sp.diff(2**x, x), "1/ln 2 ×"),               # forgot the ln 2
    ("2^x ln(2)^2", sp.diff(2**x, x), "ln 2 ×"),
    ("1/x", sp.diff(sp.log(x, 2), x), "ln 2 ×"),         # log base 2 read as ln
])
def test_constant_factor_names_the_factor(answer, expected, factor):
    verdict = diagnosed(answer, expected, "constant_factor", domain={"x": (0.2, 3)})
    assert f"your answer is {factor} the expected value" in verdict.message


def test_tiny_values_are_not_all_equal():
    verdict = diagnosed(2e-12 * x, 1e-12 * x, "constant_factor")
    assert "2 ×" in verdict.message
    assert compare(1e-12 * x, 1e-12 * x).code == "correct"


def test_additive_constant():
    verdict = diagnosed("2x cos(x^2) + 3", D_SIN_X2, "additive_constant")
    assert "same non-zero constant" in verdict.message


@pytest.mark.parametrize("answer, expected", [
    ([2 * x, 3 * x**2], [3 * x**2, 2 * x]),
    (["3x^2", "2x"], [2 * x, 3 * x**2]),
    (np.array([2.0, 1.0]), np.array([1.0, 2.0])),
    (np.array([[2.0, 1.0], [4.0, 3.0]]), np.array([[1.0, 2.0], [3.0, 4.0]])),
    ((3.0, 2.0, 1.0), [1.0, 2.0, 3.0]),
])
def test_swapped_components(answer, expected):
    verdict = compare(answer, expected)
    assert verdict.code == "swapped_components", verdict.message
    assert not verdict.passed


def test_swapped_partials_through_check_gradient():
    f = w1**2 + 3 * w1 * w2 + w2**3
    verdict = verdict_of(check_gradient, ["3w1 + 3w2^2", "2w1 + 3w2"], of=f, wrt=[w1, w2])
    assert verdict.code == "swapped_components"
    assert_hides(verdict, sp.diff(f, w1), sp.diff(f, w2))


def test_not_finite_for_a_sigmoid_that_overflows():
    def sigmoid(v):
        return np.exp(v) / (1 + np.exp(v))

    verdict = compare(sigmoid, 1 / (1 + sp.exp(-x)), {"x": (-1000, 1000)})
    assert verdict.code == "not_finite"
    assert "NaN" in verdict.message and "overflows" in verdict.message


MAL = [
    # (answer, f, mistake code)
    ("cos(x^2)", SIN_X2, "missing_inner_derivative"),
    ("3(2x+1)^2", (2 * x + 1) ** 3, "missing_inner_derivative"),
    ("1/(1+e^x)", sp.log(1 + sp.exp(x)), "missing_inner_derivative"),
    ("1/(2 sqrt(1+x^2))", sp.sqrt(1 + x**2), "missing_inner_derivative"),
    ("2x e^x", x**2 * sp.exp(x), "product_rule"),
    ("x^2 e^x", x**2 * sp.exp(x), "product_rule"),
    ("3x^3 + 2x", x**3 + 2 * x - 5, "exponent_not_lowered"),
    ("3x^2 + 2 - 5", x**3 + 2 * x - 5, "constant_differentiated"),
]


@pytest.mark.parametrize("answer, f, code", MAL)
def test_catalogued_derivative_mistakes(answer, f, code):
    verdict = verdict_of(check_derivative, answer, of=f, wrt=x)
    assert verdict.code == code, verdict.message
    assert not verdict.passed and verdict.score == 0.0
    assert "equals what you get by" in verdict.message
    assert_hides(verdict, sp.diff(f, x))


def test_product_of_derivatives_is_a_product_rule_mistake():
    # (uv)' written as u'v' for u = x^2, v = e^x
    verdict = verdict_of(check_derivative, 2 * x * sp.exp(x), of=x**2 * sp.exp(x), wrt=x)
    assert verdict.code == "product_rule"


def test_a_catalogued_mistake_only_matches_when_it_is_that_mistake():
    verdict = verdict_of(check_derivative, "cos(x^2) + 1", of=SIN_X2, wrt=x)
    assert verdict.code == "wrong"


F_XY = 3 * x**2 * y + x * y**3


@pytest.mark.parametrize("answer, wrt, code", [
    ("6xy + y^3 + 3x^2 + 3xy^2", x, "other_variable_differentiated"),
    ("3x^2 + 3xy^2", x, "wrong_variable"),
    ("6xy + y^3", y, "wrong_variable"),
])
def test_partial_derivative_mistakes(answer, wrt, code):
    verdict = verdict_of(check_partial, answer, of=F_XY, wrt=wrt)
    assert verdict.code == code, verdict.message
    assert_hides(verdict, sp.diff(F_XY, wrt))


def test_author_hint_gives_its_code_message_and_score():
    chain = (2 * x + 1) ** 3
    hint = Hint("Multiply by the inner derivative, 2.", match=3 * (2 * x + 1) ** 2,
                code="forgot_factor_2", score=0.5)
    verdict = compare("3(2x+1)^2", sp.diff(chain, x), hints=[hint])
    assert (verdict.passed, verdict.code, verdict.score) == (False, "forgot_factor_2", 0.5)
    assert "Hint: Multiply by the inner derivative, 2." in verdict.message
    assert_hides(verdict, sp.diff(chain, x))


def test_author_hint_as_a_tuple_and_as_a_condition():
    tupled = compare("4x cos(x^2)", D_SIN_X2,
                     hints=[("4*x*cos(x**2)", "Doubled.", 0.25, "doubled")])
    assert (tupled.code, tupled.score) == ("doubled", 0.25)

    def too_big(answer, expected, points):
        return "your values are larger in size everywhere" if np.all(
            np.abs(answer) >= np.abs(expected)) else False

    conditioned = compare("4x cos(x^2)", D_SIN_X2,
                          hints=[Hint("Check the size.", when=too_big, code="too_big")])
    assert conditioned.code == "too_big"
    assert "Evidence: your values are larger in size everywhere." in conditioned.message
    assert compare("x cos(x^2)", D_SIN_X2,
                   hints=[Hint("Check the size.", when=too_big, code="too_big")]).code \
        == "constant_factor"


def test_author_hint_that_does_not_match_leaves_the_generic_diagnosis():
    hint = Hint("Not this.", match=sp.cos(x), code="cosine")
    assert compare("-2x cos(x^2)", D_SIN_X2, hints=[hint]).code == "sign_flip"


def test_a_hint_needs_exactly_one_trigger():
    with pytest.raises(ValueError):
        Hint("neither")
    with pytest.raises(ValueError):
        Hint("both", match=x, when=lambda a, e, p: True)


@pytest.mark.parametrize("answer, code", [
    ("4x cos(x^2)", "constant_factor"),
    ("-2x cos(x^2)", "sign_flip"),
])
def test_partial_credit_per_code(answer, code):
    verdict = compare(answer, D_SIN_X2, scores={"constant_factor": 0.5})
    assert verdict.code == code
    assert verdict.score == (0.5 if code == "constant_factor" else 0.0)


def test_first_differing_input_and_the_students_value_are_reported():
    verdict = compare("x cos(x^2)", D_SIN_X2)
    assert "It differs at 40 of 40 test points; first at x = " in verdict.message
    assert "where your answer gives" in verdict.message
    assert "rtol=" in verdict.message and "seed" in verdict.message
    assert "I read your answer as: x*cos(x**2)" in verdict.message


@pytest.mark.parametrize("answer", [
    "cos(x^2)", "4x cos(x^2)", "-2x cos(x^2)", "2x cos(x^2) + 3", "2x sin(x^2)", "x^2",
])
def test_wrong_verdicts_never_show_the_expected_expression(answer):
    verdict = compare(answer, D_SIN_X2, of=SIN_X2, wrt=x)
    assert not verdict.passed
    assert_hides(verdict, D_SIN_X2)


@pytest.mark.parametrize("answer, expected, line, hidden", [
    ([x, "3x^2", "sin(x)"], [x, 2 * x**2, sp.sin(x)],
     "Entries that differ: [1] (1 of 3; the others match at every test point).", 2 * x**2),
    (np.array([[1.0, 5.0], [6.0, 4.0]]), np.array([[1.0, 2.5], [3.5, 4.0]]),
     "Entries that differ: [0, 1], [1, 0] (2 of 4; the others match).", 2.5),
    (np.arange(9.0) + 0.25, np.arange(9.0) + np.array([0.75] * 7 + [0.25] * 2),
     "Entries that differ: [0], [1], [2], [3], [4], [5], ... (7 of 9; the others match).", 0.75),
    (np.array([2.0, 3.0]), np.array([1.5, 1.75]), "Every entry differs (2 of 2).", 1.75),
])
def test_an_array_answer_says_which_entries_differ_and_how_many(answer, expected, line, hidden):
    verdict = compare(answer, expected)
    assert line in verdict.message.splitlines(), verdict.message
    assert_hides(verdict, hidden)


@pytest.mark.parametrize("answer, expected", [
    ("3x^2", 2 * x**2),
    (2.5, 2.0),
    ("x cos(x^2)", D_SIN_X2),
])
def test_a_single_number_or_expression_has_no_entries_line(answer, expected):
    verdict = compare(answer, expected)
    assert not verdict.passed
    assert "ntr" not in verdict.message, verdict.message
