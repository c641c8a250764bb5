"""q08 · the power rule on x^3 + 2x - 5."""
from __future__ import annotations

import sympy as sp

from calcrl_checks import Hint, check, check_derivative

from calcrl_checks.instructor.authoring.specs import Mistake, Part, Question, ValueAt

x = sp.Symbol("x")
F = x ** 3 + 2 * x - 5
X0 = 2
# The slope at x0 of each slip: exponents kept instead of lowered, the constant surviving.
KEPT = int((x * sp.diff(F, x)).subs(x, X0))
SURVIVING = int((sp.diff(F, x) + F.subs(x, 0)).subs(x, X0))

QUESTION = Question("q08", "q08_power_rule.ipynb", (
    Part("df", 3, check_derivative, formative=True, of=F, wrt=x,
         scores={"constant_differentiated": 1 / 3},
         mistakes=[Mistake("df = 3 * x**2 + 2 - 5", "constant_differentiated", credit=1 / 3,
                           also_fails=("q08-df-at-2-test",)),
                   Mistake("df = 3 * x**3 + 2 * x", "exponent_not_lowered",
                           also_fails=("q08-df-at-2-test",))]),
    Part("df_at_2", 1, check, int(sp.diff(F, x).subs(x, X0)), estimate=True,
         formative=ValueAt(F, {x: X0}, (x,)),
         hints=[Hint("This is the slope you get when the exponents are kept instead of "
                     "lowered: d/dx x^n = n x^(n-1).", match=KEPT, code="exponent_not_lowered"),
                Hint("This is the slope you get when the constant -5 survives "
                     "differentiation; the derivative of a constant term is 0.", match=SURVIVING,
                     code="constant_differentiated")]),
))
