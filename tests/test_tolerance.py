"""Tolerance per point, typed decimals and estimates: near misses fail with their diagnosis,
equivalent and honestly rounded answers pass."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from calcrl_checks import Hint, compare
from calcrl_checks.pipeline.stage5_compare import MIN_TYPED_DIGITS, choose, typed_digits

pytestmark = pytest.mark.unit

x, y = sp.symbols("x y")
POLY13 = sum((k + 1) * x**k for k in range(14))

# (answer, expected, domain, the diagnosis): differences that large values elsewhere once hid
NEAR_MISSES = [
    (sp.exp(-10 * x) + 1, sp.exp(-10 * x), {"x": (-3, 3)}, "additive_constant"),
    (sp.exp(-10 * x) + sp.Rational(1, 1000), sp.exp(-10 * x), {"x": (-3, 3)},
     "additive_constant"),
    (x + sp.Float(1e-7), x, {"x": (-3, 3)}, "additive_constant"),
    (sp.sin(x) + sp.Float(1e-7), sp.sin(x), {"x": (-3, 3)}, "additive_constant"),
    (POLY13 + 1, POLY13, {"x": (-3, 3)}, "additive_constant"),
    ((1 + sp.Rational(1, 10**8)) * sp.exp(x), sp.exp(x), {"x": (-3, 3)}, "wrong"),
    (sp.exp(20 * x) + x, sp.exp(20 * x), {"x": (-3, 3)}, "wrong"),
    (0, sp.Rational(1, 10**20) * x, {"x": (1, 3)}, "wrong"),
    (2 * sp.Rational(1, 10**20) * x, sp.Rational(1, 10**20) * x, {"x": (1, 3)},
     "constant_factor"),
    ([sp.exp(-10 * x) + 1, y], [sp.exp(-10 * x), y], {"x": (-3, 3), "y": (-1, 1)}, "wrong"),
    ("3.14 x", sp.pi * x, {"x": (-3, 3)}, "wrong"),
    ("3.1416 x", sp.pi * x, {"x": (-3, 3)}, "wrong"),
    ("2.718^x", sp.exp(x), {"x": (-3, 3)}, "wrong"),
    (3.14, sp.pi, None, "wrong"),
]


@pytest.mark.parametrize("answer, expected, domain, code", NEAR_MISSES,
                         ids=[str(a)[:30] for a, *_ in NEAR_MISSES])
def test_a_near_miss_fails_with_its_diagnosis(answer, expected, domain, code):
    verdict = compare(answer, expected, domain=domain)
    assert not verdict.passed and verdict.code == code, verdict.message


@pytest.mark.parametrize("answer, expected", [
    ("3.14 x", sp.pi * x), ("3.1416 x", sp.pi * x), (3.14, sp.pi), ("0.33333", sp.Rational(1, 3)),
])
def test_too_few_typed_digits_are_called_rounded(answer, expected):
    verdict = compare(answer, expected, domain={"x": (-3, 3)} if "x" in str(answer) else None)
    assert "rounded" in verdict.message and f"{MIN_TYPED_DIGITS} correct" in verdict.message


# answers that are right, written with decimals, floats or heavy cancellation
EQUIVALENT = [
    ("3.141592654 x", sp.pi * x),
    ("3.141592654", sp.pi),
    ("3.14159 x", sp.pi * x),
    ("2.718282^x", sp.exp(x)),
    ("0.5 x^2 + 0.25", x**2 / 2 + sp.Rational(1, 4)),
    ("0.333333333333 x", x / 3),
    (sp.Float(0.5) * x**2, x**2 / 2),
    (2.0 * x * sp.exp(x) + x**2 * sp.exp(x), sp.diff(x**2 * sp.exp(x), x)),
    (sp.expand((x + 1) ** 12), (x + 1) ** 12),
    (sp.exp(-10 * x) * (1 + sp.exp(10 * x)) - 1, sp.exp(-10 * x)),
    (sp.N(sp.pi, 12) * x, sp.pi * x),
    (math.pi, sp.pi),
    (1 / 3, sp.Rational(1, 3)),
]


@pytest.mark.parametrize("answer, expected", EQUIVALENT, ids=[str(a)[:30] for a, _ in EQUIVALENT])
def test_an_equivalent_or_well_rounded_answer_passes(answer, expected):
    verdict = compare(answer, expected, domain={"x": (-3, 3)})
    assert verdict.passed, verdict.message


def test_the_rule_for_typed_decimals_is_stated_in_the_message():
    verdict = compare("3.14159 x", sp.pi * x, domain={"x": (-3, 3)})
    assert verdict.passed and verdict.details["rtol"] == 1e-5
    verdict = compare("3.14159 x + 1", sp.pi * x, domain={"x": (-3, 3)})
    assert "rtol=1e-05 (your 6-digit decimals)" in verdict.message


@pytest.mark.parametrize("text, digits", [
    ("2x", None), ("0.5x", 1), ("3.14159*x + 0.25", 2), ("1.50", 3), ("x^2.0", 2),
    ("1e-3 x", None), ("2.5e-3 x", 2), (".125", 3),
])
def test_typed_digits_counts_the_shortest_decimal(text, digits):
    assert typed_digits(text) == digits


# estimates, where a question accepts them
h = 1e-5
CENTRAL_AT_0 = ((h**2 * math.exp(h)) - (h**2 * math.exp(-h))) / (2 * h)   # slope of x^2 e^x at 0
ONE_SIDED = (math.sqrt(1 + (0.5 + 1e-2) ** 2) - math.sqrt(1.25)) / 1e-2


@pytest.mark.parametrize("answer, expected, passes", [
    (CENTRAL_AT_0, 0, True),
    (1e-10, 0, True),
    (-4e-7, 0, True),
    (1e-3, 0, False),
    ((math.sqrt(1 + 0.50001**2) - math.sqrt(1 + 0.49999**2)) / 2e-5, 1 / sp.sqrt(5), True),
    (ONE_SIDED, 1 / sp.sqrt(5), False),
    (14.0000001, 14, True),
    (14.01, 14, False),
])
def test_estimates_are_accepted_where_the_question_accepts_them(answer, expected, passes):
    assert compare(answer, expected, estimate=True).passed is passes
    if answer != 0 and expected == 0:
        assert not compare(answer, expected).passed, "without estimate=True, 0 means 0"


def test_a_known_mistake_typed_rounded_keeps_its_hint():
    value = -(math.log(0.2) + 1)
    hints = [Hint("missing the +1", match=-math.log(0.2), code="missing_plus_one")]
    for typed in (1.609, 1.6094, 1.61):
        verdict = compare(typed, value, rtol=2e-4, hints=hints)
        assert verdict.code == "missing_plus_one", (typed, verdict.message)
    assert compare(1.5, value, rtol=2e-4, hints=hints).code != "missing_plus_one"


def test_the_floor_follows_a_typical_value_not_the_largest():
    expected = np.array([1e-9, 1.0, 1e9])
    exact, floats = choose("exact", expected), choose("float64", expected)
    assert exact.atol == pytest.approx(1e-12)
    assert floats.atol == pytest.approx(1.0)      # floats err in proportion to their largest


def test_a_rounded_constant_is_called_rounded_not_a_factor_of_one():
    verdict = compare("0.33333 x", x / 3)   # 5 digits: too few to count as exact (tolerance.py)
    assert verdict.code == "wrong" and "rounded" in verdict.message


@pytest.mark.parametrize("expected", [1.2, 37.5, 0.0061])
def test_the_tolerance_in_a_message_does_not_reveal_the_expected_size(expected):
    verdict = compare(expected * 1.5 + 1, expected)
    assert not verdict.passed
    assert f"{expected:g}" not in verdict.message
    assert f"{expected * 1e-9:.2g}" not in verdict.message


def test_expected_values_beyond_float_range_are_skipped_not_compared_as_infinite():
    verdict = compare("2 exp(1000 x)", sp.exp(1000 * x), domain={"x": (-1, 2)})
    assert verdict.code == "wrong"
