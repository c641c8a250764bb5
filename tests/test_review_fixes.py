"""Behaviour settled after review: author errors, overflow, rounding, malformed numbers, bars."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from calcrl_checks import ParseError, compare, parse
from calcrl_checks.crossing.wire import decode_value, encode_value

x = sp.Symbol("x")


def test_sympy_printed_E_reads_as_eulers_number():
    assert parse("E**x", ["x"]) == sp.exp(x)


def test_a_declared_symbol_named_E_stays_a_symbol():
    assert parse("E*x", ["x", "E"]) == sp.Symbol("E") * x


@pytest.mark.parametrize("text", ["2.5.3", "x.5", "(x+1).5"])
def test_numbers_with_a_stray_decimal_point_are_refused(text):
    with pytest.raises(ParseError, match="decimal point"):
        parse(text, ["x"])


@pytest.mark.parametrize("text", [r"\ln|x|", r"\ln\left|x\right|", r"\ln\lvert x \rvert"])
def test_latex_absolute_value_bars(text):
    assert parse(text, ["x"]) == sp.log(sp.Abs(x))


def test_expected_values_beyond_float_range_are_skipped_not_compared_as_infinite():
    verdict = compare("2 exp(1000 x)", sp.exp(1000 * x), domain={"x": (-1, 2)})
    assert verdict.code == "wrong"


def test_an_expected_answer_the_checker_cannot_use_is_the_authors_error():
    with pytest.raises(ValueError, match="expected answer"):
        compare("x", sp.gamma(x))
    with pytest.raises(ValueError, match="expected answer"):
        compare("x", "Sin(x)")


def test_a_function_that_calls_exit_is_a_verdict():
    def leaves(value):
        raise SystemExit(0)

    verdict = compare(leaves, sp.sin(x))
    assert verdict.code == "raised" and "exit" in verdict.message


def test_a_rounded_constant_is_called_rounded_not_a_factor_of_one():
    verdict = compare("0.33333 x", x / 3)   # 5 digits: too few to count as exact (tolerance.py)
    assert verdict.code == "wrong" and "rounded" in verdict.message


def test_a_non_vectorised_function_hears_how_to_fix_it():
    import math

    verdict = compare(lambda v: math.exp(v), sp.exp(x), vectorized=True)
    assert verdict.code == "raised" and "np.exp" in verdict.message


def test_real_numbers_round_trip_as_floats():
    assert decode_value(encode_value(2.5)) == 2.5
    assert isinstance(decode_value(encode_value(2.5)), float)
    assert decode_value(encode_value(1 + 2j)) == 1 + 2j


def test_the_decoder_refuses_floats_out_of_range():
    with pytest.raises(ValueError):
        decode_value({"kind": "complex", "real": "1e999999", "imag": "0.0"})


def test_arrays_survive_the_review_changes():
    assert compare(np.array([4.0, 5.0]), [4, 5]).passed


@pytest.mark.parametrize("expected", [1.2, 37.5, 0.0061])
def test_the_tolerance_in_a_message_does_not_reveal_the_expected_size(expected):
    verdict = compare(expected * 1.5 + 1, expected)
    assert not verdict.passed
    assert f"{expected:g}" not in verdict.message
    assert f"{expected * 1e-9:.2g}" not in verdict.message
