"""Every side of a comparison is a :class:`Side`, and evaluating one changes nothing: what a
function answer's calls showed (a float32 result, an input changed in place) comes back in
the :class:`Evaluation`, not kept on the side."""
from __future__ import annotations

import copy

import numpy as np
import pytest
import sympy as sp

from calcrl_checks.pipeline.stage1_adapt import Answer
from calcrl_checks.pipeline.stage4_evaluate import (ConstantSide, Evaluation, ExpressionSide,
                                                    FunctionSide)

pytestmark = pytest.mark.unit

x = sp.Symbol("x")
POINTS = [{"x": 0.5}, {"x": -1.25}]


def _scaled(v):
    v *= 2  # in place: the caller's array changes
    return np.float32(v.sum())


@pytest.mark.parametrize("side", [
    ExpressionSide([x**2, sp.sin(x)], vector=True), ConstantSide(np.array(2.0)),
    FunctionSide(Answer("function", _scaled), ["v"], vectorized=False)])
def test_evaluating_a_side_leaves_it_as_it_was(side):
    points = [{"v": np.array([1.0, 2.0])}] if isinstance(side, FunctionSide) else POINTS
    before = copy.deepcopy(side)
    first = side.evaluate(copy.deepcopy(points))
    again = side.evaluate(copy.deepcopy(points))
    assert isinstance(first, Evaluation) and np.array_equal(first.values, again.values)
    assert (first.precision, first.mutated) == (again.precision, again.mutated)
    assert repr(side) == repr(before)


def test_a_function_sides_evaluation_names_what_its_calls_changed_and_its_precision():
    side = FunctionSide(Answer("function", _scaled), ["v"], vectorized=False)
    evaluated = side.evaluate([{"v": np.array([1.0, 2.0])}])
    assert evaluated.mutated == {"v"} and evaluated.precision == "float32"
    assert side.precision == "float64"   # the side itself learnt nothing


def test_an_expression_sides_evaluation_changed_nothing():
    evaluated = ExpressionSide([x**2], vector=False).evaluate(POINTS)
    assert evaluated.mutated == frozenset() and evaluated.precision == "exact"
    assert np.allclose(evaluated.values, [0.25, 1.5625])
