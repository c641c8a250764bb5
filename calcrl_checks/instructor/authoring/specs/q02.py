"""q02 · the chain rule one link at a time on y = sqrt(1 + x^2)."""
from __future__ import annotations

import numpy as np
import sympy as sp

from calcrl_checks import Hint, check, check_derivative

from calcrl_checks.instructor.authoring.specs import (Composed, Mistake, OuterLink, Part,
                                                       Question, ValueAt)

x, U = sp.Symbol("x"), sp.Symbol("u")   # u: the inner function's name, as the notebook has it
INNER = 1 + x ** 2
Y = sp.sqrt(INNER)
X0 = sp.Rational(1, 2)
# One-sided finite differences at x = 0.5 too rough for the 1e-4 tolerance.
STEPS = np.array([1e-2, 1e-3, -1e-2, -1e-3])
ROUGH = (np.sqrt(1 + (0.5 + STEPS) ** 2) - np.sqrt(1.25)) / STEPS
STEP_HINT = ("A finite difference with this step is too rough for the 1e-4 tolerance: take "
             "a smaller h, or the central difference.")

QUESTION = Question("q02", "q02_chain_rule.ipynb", (
    Part("u", 1, check, INNER, domain={"x": (-3, 3)},
         formative=Composed(sp.sqrt(U), U, Y), hints=[
        Hint("That is the whole function y. The inner function is what the square root "
             "is applied to.", match=Y, code="outer_not_inner"),
        Hint("Your expression is off by a constant: look again at everything under "
             "the square root.", match=x ** 2, code="additive_constant")]),
    Part("dy_du", 1, check, 1 / (2 * sp.sqrt(INNER)), domain={"x": (0.1, 3)},
         unsubstituted={"u": INNER}, scores={"unsubstituted": 0.5},
         formative=OuterLink(sp.sqrt(U), U, "u"), hints=[
             Hint("You substituted x where u belongs: the outer derivative is evaluated at "
                  "u = g(x), the whole inner function.", match=1 / (2 * sp.sqrt(x)),
                  code="wrong_substitution"),
             Hint("That is the complete derivative dy/dx. Here only the outer link is "
                  "asked for: differentiate sqrt(u) with respect to u.",
                  match=x / Y, code="gave_dy_dx")],
         mistakes=[Mistake('dy_du = "1/(2 sqrt(u))"', "unsubstituted", credit=0.5)]),
    Part("du_dx", 1, check_derivative, formative=True, of=INNER, wrt=x, domain={"x": (-3, 3)}),
    Part("dy_dx", 3, check_derivative, formative=True, of=Y, wrt=x, domain={"x": (-3, 3)},
         unsubstituted={"u": INNER}, scores={"unsubstituted": 0.5},
         mistakes=[Mistake("dy_dx = 1 / (2 * sp.sqrt(1 + x**2))",
                           "missing_inner_derivative")]),
    Part("slope_at_half", 1, check, 1 / sp.sqrt(5), rtol=1e-4, estimate=True,
         formative=ValueAt(Y, {x: X0}, (x,)), hints=[
        Hint("That is the height y at x = 0.5, not its slope.",
             match=sp.sqrt(1 + X0 ** 2), code="value_not_slope"),
        Hint("Check the constant factor that the derivative of u^(1/2) brings with it.",
             match=2 * X0 / sp.sqrt(1 + X0 ** 2), code="constant_factor"),
        Hint("You evaluated dy/du at u = 0.5, but dy/du must be taken at u = g(0.5).",
             match=1 / (2 * sp.sqrt(X0)), code="wrong_substitution"),
        Hint("That is only the inner link du/dx at x = 0.5; multiply by the outer one.",
             match=2 * X0, code="inner_only"),
        *(Hint(STEP_HINT, match=float(rough), code="step_too_large") for rough in ROUGH)]),
))
