"""q06 · the product rule on x^2 e^x."""
from __future__ import annotations

import sympy as sp

from calcrl_checks import check, check_derivative

from calcrl_checks.instructor.authoring.specs import Mistake, Part, Question, ValueAt

x = sp.Symbol("x")
F = x ** 2 * sp.exp(x)

QUESTION = Question("q06", "q06_product_rule.ipynb", (
    # u'v' equals u'v here, since (e^x)' = e^x: one mistake, two ways to make it.
    Part("df", 3, check_derivative, formative=True, of=F, wrt=x,
         mistakes=[Mistake("df = 2 * x * sp.exp(x)", "product_rule"),
                   Mistake("df = x**2 * sp.exp(x)", "product_rule")]),
    Part("df_at_0", 1, check, int(sp.diff(F, x).subs(x, 0)), estimate=True,
         formative=ValueAt(F, {x: 0}, (x,))),
))
