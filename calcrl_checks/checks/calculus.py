"""Checks for derivatives and gradients of a known function, with its mistakes generated.

Each returns its :class:`~calcrl_checks.Verdict`, passing or not (``outcome/guard.py``).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy as sp

from calcrl_checks.api import compare
from calcrl_checks.outcome import codes, messages
from calcrl_checks.outcome.errors import Refused
from calcrl_checks.pipeline.stage1_adapt import adapt_output
from calcrl_checks.pipeline.stage4_evaluate import call_student
from calcrl_checks.outcome.guard import guarded
from calcrl_checks.outcome.verdict import Verdict


def _symbol(wrt: Any) -> sp.Symbol:
    return sp.Symbol(wrt) if isinstance(wrt, str) else wrt


@guarded
def check_derivative(answer: Any, of: sp.Expr, wrt: Any, **options: Any) -> Verdict:
    """Check ``answer`` as d(of)/d(wrt); mistakes of the chain, product and power rules are named.

    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> check_derivative("6(2x+1)^2", of=(2 * x + 1) ** 3, wrt=x).passed
    True
    """
    variable = _symbol(wrt)
    options.setdefault("what", "derivative")
    return compare(answer, sp.diff(of, variable), of=of, wrt=variable, **options)


@guarded
def check_partial(answer: Any, of: sp.Expr, wrt: Any, **options: Any) -> Verdict:
    """Check a partial derivative; differentiating the other variables too is named.

    >>> import sympy as sp
    >>> w1, w2 = sp.symbols("w1 w2")
    >>> check_partial("2 w1 + w2", of=w1**2 + w1*w2 + w2**2, wrt=w1).passed
    True
    """
    options.setdefault("what", f"partial derivative with respect to {_symbol(wrt)}")
    return check_derivative(answer, of, wrt, **options)


@guarded
def check_gradient(answer: Any, of: sp.Expr, wrt: Sequence[Any], **options: Any) -> Verdict:
    """Check a gradient given as a sequence of partials (expressions or text), in ``wrt`` order.

    Swapped components are named. For gradients given as numpy functions use
    :func:`calcrl_checks.check_against_autograd`.

    >>> import sympy as sp
    >>> w1, w2 = sp.symbols("w1 w2")
    >>> check_gradient(["2w1 + w2", "w1 + 2w2"], of=w1**2 + w1*w2 + w2**2, wrt=[w1, w2]).passed
    True
    """
    variables = [_symbol(w) for w in wrt]
    options.setdefault("what", "gradient")
    return compare(answer, [sp.diff(of, v) for v in variables], **options)


#: q01's grid for the gap: np.linspace(-3, 3, 50), as the question writes it.
Q01_GRID = np.linspace(-3, 3, 50)


def softplus_slope_gap(sigmoid: Any, xs: Sequence[float] | np.ndarray = Q01_GRID) -> float:
    """The largest gap between ``np.gradient`` of softplus on the grid ``xs`` and the
    student's ``sigmoid`` there (q01): what the student's own function gives, for
    :func:`calcrl_checks.checks.consistency.check_derived`. Raises ``Refused`` when the
    function raises or returns no value per point.

    >>> round(softplus_slope_gap(lambda x: 1 / (1 + np.exp(-x))), 6)
    0.002871
    """
    grid = np.asarray(xs, dtype=float)
    slope = np.gradient(np.log1p(np.exp(grid)), grid)
    returned = call_student(sigmoid, (grid.copy(),), f" on {grid.size} points in "
                                                     f"[{grid[0]:g}, {grid[-1]:g}]")
    values = np.asarray(adapt_output(returned).value, dtype=float)
    if values.shape != grid.shape:
        raise Refused(codes.WRONG_SHAPE, messages.refusal("function_values_shape",
                                                           size=grid.size, shape=values.shape))
    return float(np.max(np.abs(slope - values)))
