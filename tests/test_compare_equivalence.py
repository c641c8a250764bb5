"""Correct answers written in other forms pass: comparison is by meaning, not by spelling."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from calcrl_checks import check, compare

pytestmark = pytest.mark.unit

x, y = sp.symbols("x y")
t0, t1 = sp.symbols("theta0 theta1")
SIGMOID = 1 / (1 + sp.exp(-x))
RELU = sp.Max(0, x)
CLIP = sp.Min(sp.Max(x, -1), 1)
WIDE = {"x": (-1000, 1000)}
POSITIVE = {"x": (0.1, 3)}

# (answer, expected, domain); domain None means each symbol in [-3, 3].
CORPUS = {
    # sigmoid and softplus, also where exp overflows a float (expressions are not floats)
    "sigmoid as tanh": ("tanh(x/2)/2 + 1/2", SIGMOID, None),
    "sigmoid as sympy tanh": (sp.tanh(x / 2) / 2 + sp.Rational(1, 2), SIGMOID, None),
    "sigmoid e^x form, wide": ("exp(x)/(1+exp(x))", SIGMOID, WIDE),
    "sigmoid LaTeX, wide": (r"\frac{e^{x}}{1+e^{x}}", SIGMOID, WIDE),
    "sigmoid helper": ("sigmoid(x)", sp.exp(x) / (1 + sp.exp(x)), None),
    "sigmoid derivative": ("sigmoid(x)(1 - sigmoid(x))", sp.diff(SIGMOID, x), {"x": (-30, 30)}),
    "softplus rewritten": ("x + log(1 + e^-x)", sp.log(1 + sp.exp(x)), {"x": (-30, 30)}),
    "softplus derivative": ("1/(1+e^-x)", sp.diff(sp.log(1 + sp.exp(x)), x), None),
    # logarithm and exponential rules
    "log of a square": ("2 log(abs(x))", sp.log(x**2), None),
    "log of a product": ("log(x) + log(y)", sp.log(x * y), {"x": (0.1, 3), "y": (0.1, 3)}),
    "log base 2": ("ln(x)/ln(2)", sp.log(x, 2), POSITIVE),
    "exp of a log": ("e^(2 ln x)", x**2, POSITIVE),
    "odd root of negatives": ("x^(1/3)", sp.sign(x) * sp.Abs(x) ** sp.Rational(1, 3), None),
    # trigonometric and hyperbolic identities
    "double angle": ("sin(2x)", 2 * sp.sin(x) * sp.cos(x), None),
    "pythagoras": ("1 - cos(x)^2", sp.sin(x) ** 2, None),
    "tanh derivative": ("sech(x)^2", 1 - sp.tanh(x) ** 2, None),
    "arctan identity": ("atan(x) + atan(1/x)", sp.pi / 2 * sp.sign(x), None),
    # kinks: Heaviside, sign, Piecewise, Min/Max, Abs, relu and clip
    "relu derivative as Heaviside": ("Heaviside(x)", sp.diff(RELU, x), None),
    "Heaviside as sign": ("(sign(x) + 1)/2", sp.Heaviside(x), None),
    "Heaviside as Piecewise": (sp.Piecewise((1, x > 0), (0, True)), sp.Heaviside(x), None),
    "relu as abs": ("(x + abs(x))/2", RELU, None),
    "relu helper": ("relu(x)", sp.Piecewise((x, x > 0), (0, True)), None),
    "relu squared": ("max(x, 0)^2", sp.Piecewise((x**2, x > 0), (0, True)), None),
    "relu squared derivative": ("2x Heaviside(x)", sp.diff(RELU**2, x), None),
    "abs as sign": ("x sign(x)", sp.Abs(x), None),
    "abs as root": ("sqrt(x^2)", sp.Abs(x), None),
    "sign as ratio": ("abs(x)/x", sp.sign(x), None),
    "clip helper": ("clip(x, -1, 1)", CLIP, None),
    "clip as min of max": ("min(max(x, -1), 1)", sp.Piecewise((-1, x < -1), (1, x > 1), (x, True)),
                           None),
    "clip as two ramps": ("max(x, -1) - max(x - 1, 0)", CLIP, None),
    # heavy cancellation: exact expanded forms evaluated at 60 digits
    "expanded (x+1)^30": (str(sp.expand((x + 1) ** 30)), (x + 1) ** 30, None),
    "expanded difference": (sp.expand((x + 1) ** 30 - (x - 1) ** 30),
                            (x + 1) ** 30 - (x - 1) ** 30, {"x": (-1.5, 1.5)}),
    "expanded near a root": (sp.sstr(sp.expand((x - sp.Rational("1.0001")) ** 12)),
                             (x - sp.Rational("1.0001")) ** 12, {"x": (0.9, 1.1)}),
    # several variables
    "partial in two variables": ("6xy + y^3", sp.diff(3 * x**2 * y + x * y**3, x), None),
    "vector of partials": (["2x + y", "x + 2y"], [2 * x + y, x + 2 * y], None),
    "vector mixing kinds": ([2 * x + y, "x + 2y"], [2 * x + y, x + 2 * y], None),
}


@pytest.mark.parametrize("answer, expected, domain", CORPUS.values(), ids=CORPUS.keys())
def test_correct_answers_in_other_forms_pass(answer, expected, domain):
    verdict = compare(answer, expected, domain)
    assert (verdict.passed, verdict.code, verdict.score) == (True, "correct", 1.0), verdict.message
    assert verdict.message.startswith("Correct:")


def test_expanded_form_near_a_root_defeats_float64_but_not_the_checker():
    # The corpus entry above is only meaningful if float64 evaluation cancels catastrophically.
    c = sp.Rational("1.0001")
    points = np.linspace(0.9, 1.1, 9)
    expanded = sp.lambdify(x, sp.expand((x - c) ** 12), "numpy")(points)
    factored = sp.lambdify(x, (x - c) ** 12, "numpy")(points)
    assert not np.allclose(expanded, factored, rtol=1e-3, atol=0)


SOFTMAX = {"theta0": sp.exp(t0) / (sp.exp(t0) + sp.exp(t1)),
           "theta1": sp.exp(t1) / (sp.exp(t0) + sp.exp(t1))}
DERIVED = {"pi0": SOFTMAX["theta0"], "pi1": SOFTMAX["theta1"]}
THETAS = {"theta0": (-2, 2), "theta1": (-2, 2)}


@pytest.mark.parametrize("answer, wrt", [
    ("1 - pi0", t0),
    ("pi1", t0),
    ("-pi1", t1),
    ("pi0 - 1", t1),
    (r"1 - \pi_0", t0),
    ("exp(theta1)/(exp(theta0) + exp(theta1))", t0),
])
def test_answers_in_derived_quantities_pass(answer, wrt):
    expected = sp.diff(sp.log(SOFTMAX["theta0"]), wrt)
    verdict = compare(answer, expected, THETAS, derived=DERIVED)
    assert verdict.code == "correct", verdict.message


def test_a_wrong_answer_in_derived_quantities_still_fails():
    expected = sp.diff(sp.log(SOFTMAX["theta0"]), t0)
    verdict = compare("pi0", expected, THETAS, derived=DERIVED)
    assert not verdict.passed and verdict.code == "wrong"


@pytest.mark.parametrize("answer", ["x/sqrt(u)", sp.Symbol("x") / sp.sqrt(sp.Symbol("u"))])
def test_helper_symbols_left_in_the_answer_are_named(answer):
    expected = sp.diff(sp.sqrt(1 + x**2), x)
    verdict = compare(answer, expected, unsubstituted={"u": 1 + x**2})
    assert (verdict.passed, verdict.code, verdict.score) == (False, "unsubstituted", 0.0)
    assert "u is written out in terms of x" in verdict.message


def test_partial_credit_for_an_unsubstituted_answer():
    verdict = compare("x/sqrt(u)", sp.diff(sp.sqrt(1 + x**2), x),
                      unsubstituted={"u": 1 + x**2}, scores={"unsubstituted": 0.5})
    assert (verdict.passed, verdict.score) == (False, 0.5)


@pytest.mark.parametrize("assumption", [{"real": True}, {"positive": True}, {"nonzero": True}])
def test_symbols_with_assumptions_match_plain_symbols(assumption):
    xa = sp.Symbol("x", **assumption)
    for answer, expected in [(sp.exp(xa) * xa, sp.exp(x) * x), (xa**2 + 1, x**2 + 1),
                             (sp.log(xa), sp.log(x))]:
        verdict = compare(answer, expected, POSITIVE)
        assert verdict.code == "correct", verdict.message


def test_assumption_simplified_answers_are_checked_on_the_questions_domain():
    # sqrt(x^2) is x for a positive x: right on a positive domain, wrong where x < 0.
    xp = sp.Symbol("x", positive=True)
    assert compare(sp.sqrt(xp**2), sp.Abs(x), POSITIVE).code == "correct"
    assert compare(sp.sqrt(xp**2), sp.Abs(x), {"x": (-3, 3)}).passed is False


def test_the_proof_is_only_a_label():
    proved = compare("2x cos(x^2)", sp.diff(sp.sin(x**2), x))
    assert proved.passed and proved.proved and "proved equal symbolically" in proved.message
    unproved = compare("(sign(x) + 1)/2", sp.Heaviside(x), prove=False)
    assert unproved.passed and not unproved.proved


@pytest.mark.parametrize("answer, expected", [
    (3, 3), (3.0, sp.Integer(3)), (np.float64(0.5), sp.Rational(1, 2)),
    (sp.Rational(1, 3), 1 / 3), ("pi/2", np.pi / 2), ("e^2", float(np.exp(2))),
    ([1, 2.5], (1.0, 2.5)), (np.array([[1, 2], [3, 4]]), [[1.0, 2.0], [3.0, 4.0]]),
])
def test_values_without_symbols(answer, expected):
    assert compare(answer, expected).code == "correct"


def test_check_returns_the_passing_verdict():
    verdict = check("x^2 e^x + 2x e^x", sp.diff(x**2 * sp.exp(x), x))
    assert verdict.passed and verdict.code == "correct"


def test_the_same_submission_gets_the_same_message():
    first = compare("2x cos(x)", sp.diff(sp.sin(x**2), x))
    again = compare("2x cos(x)", sp.diff(sp.sin(x**2), x))
    assert first == again
    other = compare("2x cos(x)", sp.diff(sp.sin(x**2), x), question="q00", part="d_sin_x2")
    assert other.details["seed"] != first.details["seed"]
    assert other == compare("2x cos(x)", sp.diff(sp.sin(x**2), x), question="q00", part="d_sin_x2")


def test_at_least_thirty_points_are_compared():
    verdict = compare("2x", 2 * x)
    assert verdict.details["points"] >= 30
    assert "at all 40 test points" in verdict.message
