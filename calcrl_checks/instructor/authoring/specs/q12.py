"""q12 · the partial derivatives of 3x^2 y + x y^3, and their values at (1, 2)."""
from __future__ import annotations

import sympy as sp

from calcrl_checks import Hint, check, check_partial

from calcrl_checks.instructor.authoring.specs import Mistake, Part, Question, ValueAt

x, y = sp.symbols("x y")
F = 3 * x ** 2 * y + x * y ** 3
AT = {x: 1, y: 2}
# The power of y in x y^3 lowered by two instead of one: the lesson's own slip (it prints 9).
LOWERED_TWICE = 3 * x ** 2 + 3 * x * y
VALUES = tuple(int(sp.diff(F, v).subs(AT)) for v in (x, y))
_VALUES_AFTER = ("q12-values-at-1-2-test",)

QUESTION = Question("q12", "q12_partials_two_vars.ipynb", (
    Part("df_dx", 2, check_partial, formative=True, of=F, wrt=x,
         mistakes=[Mistake("df_dx = 3 * x**2 + 3 * x * y**2", "wrong_variable",
                           also_fails=_VALUES_AFTER)]),
    Part("df_dy", 2, check_partial, formative=True, of=F, wrt=y,
         hints=[Hint("Look at the term x y^3: the power rule lowers the exponent of y by "
                     "exactly one, and here it went down by two.", match=LOWERED_TWICE,
                     code="exponent_lowered_twice")],
         mistakes=[Mistake("df_dy = 6 * x * y + y**3 + 3 * x**2 + 3 * x * y**2",
                           "other_variable_differentiated", also_fails=_VALUES_AFTER)]),
    Part("values_at_1_2", 1, check, VALUES, scores={"swapped_components": 0.5},
         formative=ValueAt(F, AT, (x, y)),
         hints=[Hint("Your second value matches a partial in y where the power of y in x y^3 "
                     "went down by two. The power rule lowers the exponent by exactly one.",
                     match=(VALUES[0], int(LOWERED_TWICE.subs(AT))),
                     code="exponent_lowered_twice")],
         mistakes=[Mistake(f"values_at_1_2 = {VALUES[::-1]}", "swapped_components",
                           credit=0.5)]),
))
