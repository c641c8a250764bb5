"""Published name: released notebooks run ``from calcrl_checks import formative``, so its
public names stay importable here. The formative checks live in
:mod:`calcrl_checks.cells.formative`.

>>> from calcrl_checks import formative
>>> formative.derivative("3x^2", "x^3", "x", "df")
df reads as 3*x**2: an expression in x.
df: correct, it is the derivative of x**3 (checked at 40 points).
"""
from calcrl_checks.cells.formative import (RECOMPUTED, SCENARIOS, STATED_CHECKS,
                                           TENSOR_CHECKS, FormativeCheckFailed, composes,
                                           derivative, derived, derivative_function,
                                           gradient_function, graded_after_submission,
                                           outer_derivative, scenario, stated, tensor,
                                           value)

__all__ = ["RECOMPUTED", "SCENARIOS", "STATED_CHECKS", "TENSOR_CHECKS", "FormativeCheckFailed",
           "composes", "derivative", "derived", "derivative_function", "gradient_function",
           "graded_after_submission", "outer_derivative", "scenario", "stated", "tensor",
           "value"]
