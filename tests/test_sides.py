"""Every side of a comparison is a :class:`Side`, and evaluating one changes it only as the
protocol says: a function side learns ``precision`` and ``mutated`` from its calls, no other
side changes at all."""
from __future__ import annotations

import copy

import numpy as np
import pytest
import sympy as sp

from calcrl_checks.pipeline.stage1_adapt import Answer
from calcrl_checks.pipeline.stage4_evaluate import ConstantSide, ExpressionSide, FunctionSide

pytestmark = pytest.mark.unit

x = sp.Symbol("x")
POINTS = [{"x": 0.5}, {"x": -1.25}]


def test_expression_and_constant_sides_are_unchanged_by_evaluating_them():
    for side in (ExpressionSide([x**2, sp.sin(x)], vector=True), ConstantSide(np.array(2.0))):
        before = copy.deepcopy(side)
        first = side.values(POINTS)
        assert np.array_equal(side.values(POINTS), first)
        assert repr(side) == repr(before) and side.mutated == frozenset()


def test_a_function_side_names_what_its_calls_changed_and_loosens_its_precision():
    def scaled(v):
        v *= 2  # in place: the caller's array changes
        return np.float32(v.sum())

    side = FunctionSide(Answer("function", scaled), ["v"], vectorized=False)
    assert side.mutated == set() and side.precision == "float64"
    side.values([{"v": np.array([1.0, 2.0])}])
    assert side.mutated == {"v"} and side.precision == "float32"
