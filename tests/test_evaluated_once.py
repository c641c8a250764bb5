"""Each test point of the expected side is evaluated once: the values that decided the point
is usable are the values compared."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from calcrl_checks import compare
from calcrl_checks.pipeline.stage4_evaluate import ExpressionSide

pytestmark = pytest.mark.unit

x = sp.Symbol("x")


def test_an_expected_expression_is_evaluated_once_per_point(monkeypatch):
    evaluated: list[int] = []
    original = ExpressionSide.evaluate

    def counted(self, points):
        if self.trusted:
            evaluated.append(len(points))
        return original(self, points)

    monkeypatch.setattr(ExpressionSide, "evaluate", counted)
    assert compare("2x cos(x^2)", 2 * x * sp.cos(x ** 2), domain={"x": (-3, 3)}).passed
    assert sum(evaluated) == 40


def test_an_expected_function_is_called_once_and_its_undefined_points_dropped():
    calls: list[int] = []

    def reference(v):
        calls.append(np.size(v))
        return np.where(np.asarray(v) > 0, 1 / np.sqrt(np.abs(v)), np.nan)

    verdict = compare(lambda v: 1 / np.sqrt(np.abs(v)), reference, domain={"x": (-1, 3)})
    assert verdict.passed and calls == [40]
    assert 10 <= verdict.details["points"] < 40
