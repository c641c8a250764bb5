"""Notation students really type, both ways: each form reads as what it means, and forms with two
plausible readings are refused with both shown. The verdict always says how the text was read."""
from __future__ import annotations

import pytest
import sympy as sp

from calcrl_checks import ParseError, compare, parse

pytestmark = pytest.mark.unit

x, y, n, w1, w2, theta0 = sp.symbols("x y n w1 w2 theta0")
SYMBOLS = ["x", "y", "n", "w1", "w2", "theta0"]

# (what a student typed, what it means)
READS_AS = [
    # functions without parentheses: the argument is the product that follows the name
    ("sin 2x", sp.sin(2 * x)),
    ("2 sin 2x", 2 * sp.sin(2 * x)),
    ("cos 2x", sp.cos(2 * x)),
    ("ln 2x", sp.log(2 * x)),
    ("arccos 3n", sp.acos(3 * n)),
    ("2 sin 2x cos x", 2 * sp.sin(2 * x) * sp.cos(x)),
    ("x sin x", x * sp.sin(x)),
    ("sin x cos x", sp.sin(x) * sp.cos(x)),
    ("sin x / cos x", sp.sin(x) / sp.cos(x)),
    ("cos x^2", sp.cos(x**2)),
    ("2x cos x^2", 2 * x * sp.cos(x**2)),
    ("sin 2 pi x", sp.sin(2 * sp.pi * x)),
    ("sin xy", sp.sin(x * y)),
    ("sin 2(x+1)", sp.sin(2 * (x + 1))),
    ("e^sin x", sp.exp(sp.sin(x))),
    ("sin x + 1", sp.sin(x) + 1),
    ("tanh 3x", sp.tanh(3 * x)),
    # powers of a function written on its name, and the inverse
    ("sin^2(x)", sp.sin(x) ** 2),
    ("sin^2 x", sp.sin(x) ** 2),
    ("cos^2 x", sp.cos(x) ** 2),
    ("sin**2(x)", sp.sin(x) ** 2),
    ("sin\u00b2x", sp.sin(x) ** 2),
    ("sin^2 2x", sp.sin(2 * x) ** 2),
    ("sec^2 x", sp.sec(x) ** 2),
    ("tanh^2(x)", sp.tanh(x) ** 2),
    ("ln^2 x", sp.log(x) ** 2),
    ("sin^(-1)(x)", sp.asin(x)),
    ("sin^-1 x", sp.asin(x)),
    ("tan^{-1}(x)", sp.atan(x)),
    ("cosh^-1 x", sp.acosh(x)),
    (r"\sin^{-1}(x)", sp.asin(x)),
    (r"\sin^2 x", sp.sin(x) ** 2),
    (r"\cos^{2}x", sp.cos(x) ** 2),
    # absolute values
    ("|x|", sp.Abs(x)),
    ("|x| + 1", sp.Abs(x) + 1),
    ("2|x|", 2 * sp.Abs(x)),
    ("|x|^2", sp.Abs(x) ** 2),
    ("|x - |y||", sp.Abs(x - sp.Abs(y))),
    ("|x||y|", sp.Abs(x) * sp.Abs(y)),
    ("ln|x|", sp.log(sp.Abs(x))),
    (r"\left|x\right|", sp.Abs(x)),
    # logarithms with a base
    ("log_2(x)", sp.log(x) / sp.log(2)),
    ("log_2 x", sp.log(x) / sp.log(2)),
    ("log_10(x)", sp.log(x) / sp.log(10)),
    ("log_e(x)", sp.log(x)),
    ("log_{2}(x)", sp.log(x) / sp.log(2)),
    ("log_{3}(x)", sp.log(x) / sp.log(3)),
    (r"\log_2 x", sp.log(x) / sp.log(2)),
    (r"\log_{10}(x)", sp.log(x) / sp.log(10)),
    ("log(x, 2)", sp.log(x) / sp.log(2)),
    # more names for the same functions
    ("sgn(x)", sp.sign(x)),
    (r"\operatorname{sgn}(x)", sp.sign(x)),
    ("cosec(x)", sp.csc(x)),
    ("cosec x", sp.csc(x)),
    ("csc x", sp.csc(x)),
    ("cot(x)", sp.cot(x)),
    ("arcsec(x)", sp.asec(x)),
    ("arccot(x)", sp.acot(x)),
    ("arccosec(x)", sp.acsc(x)),
    ("sech(x)", sp.sech(x)),
    ("cosech(x)", sp.csch(x)),
    ("arsinh(x)", sp.asinh(x)),
    ("arctanh(x)", sp.atanh(x)),
    (r"\csc x", sp.csc(x)),
    (r"\operatorname{arcsec} x", sp.asec(x)),
    # subscripts, braced or not
    ("2w_1", 2 * w1),
    ("w_1 + 2w_2", w1 + 2 * w2),
    ("theta_0", theta0),
    (r"2w_1 + \frac{1}{2}", 2 * w1 + sp.Rational(1, 2)),
    (r"w_{1}", w1),
    (r"2x\cos x^2", 2 * x * sp.cos(x**2)),
    (r"2x \cos(x^2)", 2 * x * sp.cos(x**2)),
]


@pytest.mark.parametrize("text, meaning", READS_AS, ids=[t for t, _ in READS_AS])
def test_common_notation_reads_as_what_it_means(text, meaning):
    assert parse(text, SYMBOLS) == meaning


# (text, the readings the refusal must show)
TWO_READINGS = [
    ("sin x/2", ["sin(x)/2", "sin(x/2)"]),
    ("ln x/x", ["ln(x)/x", "ln(x/x)"]),
    ("sin x e^x", ["sin(x*exp(x))", "sin(x)*exp(x)"]),
    ("cos x y^2", ["cos(x*y^2)", "cos(x)*y^2"]),
    ("sin^2 x/2", ["sin^2(x)/2", "sin^2(x/2)"]),
]


@pytest.mark.parametrize("text, readings", TWO_READINGS, ids=[t for t, _ in TWO_READINGS])
def test_text_with_two_plausible_readings_is_refused_with_both(text, readings):
    with pytest.raises(ParseError) as caught:
        parse(text, SYMBOLS)
    assert "two ways" in caught.value.message
    for reading in readings:
        assert reading in caught.value.message


@pytest.mark.parametrize("text, words", [
    ("|x", "never closed"),
    ("x + |", "never closed"),
    ("ln^-1 x", "inverse"),
    ("log_x(y)", "needs a base"),
    ("sin", "parentheses"),
])
def test_malformed_notation_says_what_is_missing(text, words):
    with pytest.raises(ParseError) as caught:
        parse(text, SYMBOLS)
    assert words in caught.value.message


# Correct answers written in these notations pass, and the verdict shows how they were read.
CORRECT = [
    ("2 sin 2x", sp.diff(sp.sin(x) ** 2, x) * 2, "2*sin(2*x)"),
    ("2x cos x^2", sp.diff(sp.sin(x**2), x), "2*x*cos(x**2)"),
    ("2 sin x cos x", sp.diff(sp.sin(x) ** 2, x), "2*sin(x)*cos(x)"),
    ("-sin^2 x + cos^2 x", sp.diff(sp.sin(x) * sp.cos(x), x), "-sin(x)**2 + cos(x)**2"),
    ("1/(x ln 2)", sp.diff(sp.log(x, 2), x), "1/(x*log(2))"),
    ("log_2(x)", sp.log(x) / sp.log(2), "log(x)/log(2)"),
    ("sgn(x)", x / sp.Abs(x), "sign(x)"),
    ("-cosec x cot x", sp.diff(sp.csc(x), x), "-cot(x)*csc(x)"),
]


@pytest.mark.parametrize("text, expected, reading", CORRECT, ids=[t for t, _, _ in CORRECT])
def test_correct_answers_in_common_notation_pass_and_say_how_they_were_read(text, expected,
                                                                             reading):
    verdict = compare(text, expected, domain={"x": (0.3, 3)})
    assert verdict.code == "correct", verdict.message
    assert f"I read your answer as: {reading}" in verdict.message


def test_a_wrong_answer_in_common_notation_shows_how_it_was_read():
    verdict = compare("sin 2x", 2 * sp.sin(2 * x), domain={"x": (0.3, 3)})
    assert verdict.code == "constant_factor"
    assert "I read your answer as: sin(2*x)" in verdict.message


def test_a_refused_reading_reaches_the_student_as_a_parse_error():
    verdict = compare("sin x/2", sp.sin(x) / 2, domain={"x": (0.3, 3)})
    assert verdict.code == "parse_error"
    assert "sin(x)/2" in verdict.message and "sin(x/2)" in verdict.message
