"""q10 · the chain rule on a power of a linear function, f(x) = (2x + 1)^3.

Change the question here: ``INNER`` and ``POWER`` give f, and every expected value, hint,
solution and catalogued mistake below follows from them. (The notebook's own text, its set-up
cell and its chart title state f as well: edit those to match.)
"""
from __future__ import annotations

import sympy as sp

from calcrl_checks import Hint, check, check_derivative

from calcrl_checks.instructor.authoring.specs import Mistake, Part, Question, ValueAt

x = sp.Symbol("x")
INNER = 2 * x + 1
POWER = 3
F = INNER ** POWER
DF = sp.factor(sp.diff(F, x))
SLOPE_AT_0 = int(DF.subs(x, 0))
# The chain rule's classic slip: the outer derivative without the inner factor du/dx.
OUTER_ONLY = POWER * INNER ** (POWER - 1)
INNER_FACTOR = sp.diff(INNER, x)
OUTER_ONLY_AT_0 = int(OUTER_ONLY.subs(x, 0))

QUESTION = Question("q10", "q10_chain_rule_power.ipynb", (
    Part("df", 3, check_derivative, formative=True, of=F, wrt=x, solution=f"df = {sp.sstr(DF)}",
         mistakes=[Mistake(f'df = "{sp.sstr(OUTER_ONLY)}"', "missing_inner_derivative")]),
    Part("df_at_0", 1, check, SLOPE_AT_0, estimate=True, formative=ValueAt(F, {x: 0}, (x,)),
         solution=f"df_at_0 = {SLOPE_AT_0}",
         hints=[Hint(f"{OUTER_ONLY_AT_0} is the slope without the inner factor {INNER_FACTOR}: "
                     f"the chain rule multiplies by du/dx = {INNER_FACTOR}.",
                     match=OUTER_ONLY_AT_0, score=0.0, code="missing_inner_derivative")],
         mistakes=[Mistake(f"df_at_0 = {OUTER_ONLY_AT_0}", "missing_inner_derivative")]),
))
