"""The safe text and LaTeX reader: what it accepts, what it refuses, where, and how fast."""
from __future__ import annotations

import time

import pytest
import sympy as sp

from calcrl_checks import ParseError, compare, parse
from calcrl_checks.outcome.errors import UnsafeInput

pytestmark = pytest.mark.unit

x, y, w1, theta0 = sp.symbols("x y w1 theta0")
SYMBOLS = ["x", "y", "w1", "theta0"]


@pytest.mark.parametrize("text, expected", [
    ("x^2", x**2),
    ("2x e^x", 2 * x * sp.exp(x)),
    ("x^2 e^x + 2x e^x", x**2 * sp.exp(x) + 2 * x * sp.exp(x)),
    ("e", sp.E),
    ("pi x", sp.pi * x),
    ("e^-x", sp.exp(-x)),
    ("-x^2", -(x**2)),
    ("2^x^2", 2 ** (x**2)),                      # powers associate to the right
    ("\u22122x + 1", -2 * x + 1),                # unicode minus
    ("x\u00b2 + x\u00b3", x**2 + x**3),          # superscripts
    ("3 \u00d7 x", 3 * x),                       # multiplication sign
    ("3 \u00b7 x", 3 * x),                       # middle dot
    ("\u03b8\u2080 + 1", theta0 + 1),            # theta with a subscript zero
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("2(x+1)", 2 * (x + 1)),
    ("sin x", sp.sin(x)),
    ("ln x", sp.log(x)),
    ("log(x)", sp.log(x)),
    ("log(x, 2)", sp.log(x) / sp.log(2)),
    ("xy", x * y),
    ("1/2x", x / 2),
    ("sigmoid(x)", 1 / (1 + sp.exp(-x))),
    ("relu(x)", sp.Max(0, x)),
    ("clip(x, 0, 1)", sp.Min(sp.Max(x, 0), 1)),
    ("abs(w1)", sp.Abs(w1)),
])
def test_text_is_read_as_mathematics(text, expected):
    assert parse(text, symbols=SYMBOLS) == expected


@pytest.mark.parametrize("text, expected", [
    (r"\frac{e^{x}}{1+e^{x}}", sp.exp(x) / (1 + sp.exp(x))),
    (r"e^{x}", sp.exp(x)),
    (r"\ln(x)", sp.log(x)),
    (r"\log(x)", sp.log(x)),                     # \log is the natural logarithm
    (r"\log_2(x)", sp.log(x) / sp.log(2)),
    (r"\sqrt{1+x^{2}}", sp.sqrt(1 + x**2)),
    (r"\sqrt[3]{x}", x ** sp.Rational(1, 3)),
    (r"\theta_0^2 + \theta_{0}", theta0**2 + theta0),
    (r"\cos(x^{2}) \cdot 2x", 2 * x * sp.cos(x**2)),
    (r"\left(x+1\right)^{2}", (x + 1) ** 2),
    (r"\dfrac{1}{2} x^{2}", x**2 / 2),
    (r"$x \times y$", x * y),
    (r"\sigma(x)", 1 / (1 + sp.exp(-x))),
])
def test_latex_is_read_as_mathematics(text, expected):
    assert parse(text, symbols=SYMBOLS) == expected


# (text, exception class, 0-based column, words the message must contain)
REFUSED = [
    ("diff(x^2, x)", UnsafeInput, 0, "diff"),
    ("2 + diff(x^2, x)", UnsafeInput, 4, "diff"),
    ("Derivative(x^2, x)", UnsafeInput, 0, "Derivative"),
    ("integrate(x, x)", UnsafeInput, 0, "integrate"),
    ("x.real", UnsafeInput, 1, "attribute access"),
    ("x\u00b2 + x.real", UnsafeInput, 6, "attribute access"),   # column in the student's text
    ("lambda: x", UnsafeInput, 0, "lambda"),
    ("x[0]", UnsafeInput, 1, "subscripts"),
    ("'a'", UnsafeInput, 0, "strings"),
    ("x + \"a\"", UnsafeInput, 4, "strings"),
    ("__import__('os')", UnsafeInput, 0, "__import__"),
    ("exec('1')", UnsafeInput, 0, "exec"),
    ("x = 2", ParseError, 2, "="),
    ("(x + 1", ParseError, 0, "never closed"),
    ("x +", ParseError, 3, "ends too early"),
    ("x/0", ParseError, 1, "division by zero"),
    ("sin x/2", ParseError, 0, "two ways"),
    ("|x", ParseError, 0, "never closed"),
    (r"\frac{1}{\foo}", ParseError, 9, r"\foo"),
]


@pytest.mark.parametrize("text, error, column, words", REFUSED)
def test_refused_constructs_name_the_construct_and_its_column(text, error, column, words):
    with pytest.raises(error) as caught:
        parse(text, symbols=SYMBOLS)
    assert type(caught.value) is error
    assert caught.value.position == column
    assert words in caught.value.message


def test_refusals_point_at_the_column_with_a_caret():
    with pytest.raises(UnsafeInput) as caught:
        parse("2 + diff(x^2, x)", symbols=SYMBOLS)
    assert str(caught.value).splitlines()[-2:] == ["    2 + diff(x^2, x)", "        ^"]


def test_empty_text_is_a_parse_error_without_a_position():
    with pytest.raises(ParseError) as caught:
        parse("   ", symbols=SYMBOLS)
    assert type(caught.value) is ParseError and "empty" in caught.value.message


@pytest.mark.parametrize("text, symbols, suggestion", [
    ("Sin(x)", ["x"], "sin"),
    ("W1 + 1", ["w1"], "w1"),
    ("expx", ["x"], "exp"),
    ("W_1", ["w1"], "w1"),
])
def test_unknown_names_get_a_suggestion(text, symbols, suggestion):
    with pytest.raises(ParseError) as caught:
        parse(text, symbols=symbols)
    assert type(caught.value) is ParseError
    assert caught.value.position == 0
    assert f"did you mean '{suggestion}'?" in caught.value.message


def test_unknown_name_without_a_near_match_lists_the_symbols():
    with pytest.raises(ParseError) as caught:
        parse("q + x", symbols=["x", "y"])
    assert "this question's symbols: x, y" in caught.value.message


def test_calculus_verbs_are_refused_even_when_declared_as_symbols():
    with pytest.raises(UnsafeInput):
        parse("diff", symbols=["diff"])


def test_parse_reads_only_text():
    with pytest.raises(TypeError):
        parse(x**2, symbols=["x"])


def test_sympy_printed_E_reads_as_eulers_number():
    assert parse("E**x", ["x"]) == sp.exp(x)


def test_a_declared_symbol_named_E_stays_a_symbol():
    assert parse("E*x", ["x", "E"]) == sp.Symbol("E") * x


@pytest.mark.parametrize("text", [r"\ln|x|", r"\ln\left|x\right|", r"\ln\lvert x \rvert"])
def test_latex_absolute_value_bars(text):
    assert parse(text, ["x"]) == sp.log(sp.Abs(x))


@pytest.mark.parametrize("text", ["2.5.3", "x.5", "(x+1).5"])
def test_numbers_with_a_stray_decimal_point_are_refused(text):
    with pytest.raises(ParseError, match="decimal point"):
        parse(text, ["x"])


# -- size caps: refused before sympy builds anything ----------------------------------------------
CAPPED = [
    ("x" * 2001, None, "2001 characters"),
    ("x+" * 1000 + "x", None, "characters"),
    (r"\frac{1}{2}" + "x" * 2000, None, "characters"),
    ("(" * 41 + "x" + ")" * 41, 40, "nested"),
    ("-" * 50 + "x", 40, "nested"),
    ("sin(" * 41 + "x" + ")" * 41, 160, "nested"),
    ("x" + "^x" * 900, 81, "nested"),
    ("1" * 61, 0, "61 digits"),
    ("9^9^9", 1, "digits"),
    ("10^10^10", 2, "digits"),
    ("2^(2^(2^(2^5)))", 4, "digits"),
    ("(1/3)^(-1000)", 5, "digits"),
    ("1e999999", 0, "out of range"),
    ("x^(10^7)", 1, "larger than a million"),
]


@pytest.mark.parametrize("text, column, words", CAPPED)
def test_oversized_input_is_refused_fast(text, column, words):
    started = time.monotonic()
    with pytest.raises(UnsafeInput) as caught:
        parse(text, symbols=["x"])
    # Only a hang detector: these are refused in microseconds.
    assert time.monotonic() - started < 2
    assert caught.value.position == column
    assert words in caught.value.message


@pytest.mark.parametrize("text, expected", [
    ("1" * 60, sp.Integer("1" * 60)),                  # the digit limit itself
    ("(" * 40 + "x" + ")" * 40, x),                    # the nesting limit itself
    ("2^1000", sp.Integer(2) ** 1000),                 # about 302 digits, under the cap
    ("1e300 x", sp.Integer(10) ** 300 * x),
])
def test_inputs_at_the_limits_are_read(text, expected):
    assert parse(text, symbols=["x"]) == expected


def test_a_refused_answer_becomes_an_unsafe_input_verdict():
    verdict = compare("9^9^9", 2 * x)
    assert (verdict.passed, verdict.code, verdict.score) == (False, "unsafe_input", 0.0)
    assert "limit is 400" in verdict.message


def test_an_unreadable_answer_becomes_a_parse_error_verdict():
    verdict = compare("Sin(x)", sp.cos(x))
    assert verdict.code == "parse_error"
    assert "did you mean 'sin'?" in verdict.message
