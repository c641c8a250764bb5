"""Numbers read as a student means them: exact whole numbers, huge and tiny sizes refused or
read in words (never a checker crash), real odd roots, scientific notation."""
from __future__ import annotations

import pytest
import sympy as sp

from calcrl_checks import compare
from calcrl_checks.crossing.wire import MAX_INTEGER_DIGITS

pytestmark = pytest.mark.unit

x = sp.Symbol("x")
BIG = sp.Integer(11234567891235) * 10 ** 187   # 1.1234567891235 * 10^200, exactly


@pytest.mark.parametrize("answer", ["1.1234567891235 * 10^200", r"1.1234567891235 \times 10^{200}",
                                    "1.1234567891235e200", "1.1234567891235*10**200"])
def test_a_large_exact_number_is_read_and_shown_in_scientific_form(answer):
    verdict = compare(answer, BIG)
    assert verdict.code == "correct", verdict.message
    assert "1.1234567891235*10^200" in verdict.message


def test_a_large_integer_in_a_sympy_answer_is_compared_not_a_crash():
    verdict = compare(sp.Integer(10) ** 100, 1)
    assert verdict.code == "wrong" and "Your value: 1e+100" in verdict.message, verdict.message


def test_an_integer_past_the_digit_limit_is_refused_in_words():
    verdict = compare(sp.Integer(10) ** (MAX_INTEGER_DIGITS + 5) * x, x, domain={"x": (1, 2)})
    assert verdict.code == "unsafe_input"
    assert f"more than {MAX_INTEGER_DIGITS} digits" in verdict.message


@pytest.mark.parametrize("answer", ["10^400", "2*10^350", "1e400"])
def test_a_number_beyond_the_compared_range_is_refused_not_clamped(answer):
    verdict = compare(answer, 1)
    assert verdict.code == "unsafe_input", verdict.message
    assert "1.79769e+308" not in verdict.message


@pytest.mark.parametrize("answer, expected, passed", [
    ("10^20 + 1", 10 ** 20, False),
    ("100000000000000000001", 10 ** 20, False),
    ("3.0000000001", 3, False),
    ("3.0", 3, True),
    ("6/2", 3, True),
    (3, 3, True),
    (2.9999999999999996, 3, True),          # a computed float keeps its tolerance
    ("0.333333333333", sp.Rational(1, 3), True),   # a decimal keeps its tolerance
    ("2/6", sp.Rational(1, 3), True),
    ("99999999/10^8", sp.Rational(99999998, 99999999), False),
    ("1/3 + 10^(-30)", sp.Rational(1, 3), False),
])
def test_exact_numbers_are_compared_exactly(answer, expected, passed):
    verdict = compare(answer, expected)
    assert verdict.passed is passed, verdict.message
    if isinstance(answer, str) and not passed:
        assert "exact numbers compared exactly" in verdict.message


@pytest.mark.parametrize("answer, read_as, value", [
    ("(-8)^(1/3)", "-2", -2),
    ("(-8)^(2/3)", "4", 4),
    ("(-8)^(-1/3)", "-1/2", sp.Rational(-1, 2)),
    ("(-5)^(1/3)", "-5**(1/3)", -sp.root(5, 3)),
    ("cbrt(-8)", "-2", -2),
    (r"\sqrt[3]{-8}", "-2", -2),
    ("cbrt(-5)", "-5**(1/3)", -sp.root(5, 3)),
])
def test_odd_roots_of_negative_numbers_are_real(answer, read_as, value):
    verdict = compare(answer, value)
    assert verdict.passed, verdict.message
    assert f"I read your answer as: {read_as}" in verdict.message


def test_a_real_cube_root_is_not_graded_as_its_negative():
    assert compare("(-8)^(1/3)", 2).code == "sign_flip"


@pytest.mark.parametrize("answer", ["x^(1/3)", "cbrt(x)", sp.real_root(x, 3)])
def test_sympy_real_root_is_an_expected_answer_and_an_answer(answer):
    verdict = compare(answer, sp.real_root(x, 3), domain={"x": (-3, 3)})
    assert verdict.passed, verdict.message


def test_real_root_still_tells_a_wrong_root():
    assert not compare("x^(1/5)", sp.real_root(x, 3), domain={"x": (-3, 3)}).passed


@pytest.mark.parametrize("answer", ["2e+3", "2e3", "2E+3", "2.0e+3"])
def test_scientific_notation_is_a_number_not_euler(answer):
    verdict = compare(answer, 2000)
    assert verdict.passed and "I read your answer as: 2000" in verdict.message, verdict.message
