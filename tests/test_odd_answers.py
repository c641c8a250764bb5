"""No answer, however odd, makes a hidden test of any notebook crash or give ``internal_error``:
every kind of odd value, handed to every hidden test (about 40 s; not part of make test-fast)."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
import torch

import notebooks

pytestmark = pytest.mark.engine

x = sp.Symbol("x")

# Odd answers of every kind, handed to every hidden test of every notebook.
ODD = [None, True, 0, -1, 10**300, float("nan"), float("inf"), 1e308, -0.0, 1j, Fraction(1, 3),
       "", " ", "x", "sin(", "|x", "sin x/2", "1/0", "2^2^2^2^2^2", "9" * 70, "__import__('os')",
       "diff(x, x)", "\\frac{1}{", [], [1], [[1, 2]], (1, "x"), np.array([]),
       np.zeros((3, 3)), np.array(np.nan), np.array(["a"]), np.float16(1e4), torch.zeros(5),
       torch.tensor([1.0, 2.0], requires_grad=True), sp.oo, sp.zoo, sp.nan, sp.I,
       sp.Symbol("nope"), sp.Matrix([[1, 2], [3, 4]]), sp.Integral(x, x), {"a": 1},
       lambda *a: None, lambda *a: 1 / 0, lambda *a: np.array(["x"]), lambda *a: [np.nan] * 3,
       lambda *a: a, lambda *a: torch.ones(2, 2), lambda *a: sp.Symbol("x"),
       lambda *a: np.ones(10**4), len, object()]


@pytest.mark.parametrize("cell", notebooks.test_cells(), ids=lambda c: c.grade_id)
def test_no_odd_answer_makes_a_hidden_test_crash(cell):
    for value in ODD:
        result = notebooks.run(cell, **{name: value for name in cell.names})
        assert result.error is None or result.error[0] == "CheckFailed", (value, result.error)
        codes = [g.verdict.code for g in result.graded]
        assert codes and "internal_error" not in codes, (repr(value)[:60], codes,
                                                          [g.verdict.details for g in
                                                           result.graded])
