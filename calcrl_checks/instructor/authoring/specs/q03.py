"""q03 · partial derivatives and the gradient of w1^2 + w1 w2 + w2^2."""
from __future__ import annotations

import numpy as np
import sympy as sp

from calcrl_checks import Hint, Vector, check, check_against_autograd, check_partial

from calcrl_checks.instructor.authoring.specs import Mistake, Part, Question, Stated, ValueAt

w1, w2 = sp.symbols("w1 w2")
F = w1 ** 2 + w1 * w2 + w2 ** 2
DOMAIN = {"w1": (-3, 3), "w2": (-3, 3)}
AT_1_2 = {w1: 1, w2: 2}
# Both variables differentiated at once: the total derivative in each entry.
BOTH = sp.diff(F, w1) + sp.diff(F, w2)

QUESTION = Question("q03", "q03_partial_derivatives.ipynb", (
    Part("df_dw1", 1, check_partial, formative=True, of=F, wrt=w1, domain=DOMAIN,
         mistakes=[Mistake("df_dw1 = 3 * w1 + 3 * w2", "other_variable_differentiated")]),
    Part("df_dw2", 1, check_partial, formative=True, of=F, wrt=w2, domain=DOMAIN),
    Part("grad_f", 3, check_against_autograd, F, wrt="w", formative=Stated(),  # f is shown
         domain={"w": Vector(2, -3, 3, names=("w1", "w2"))},
         hints=[Hint("Both of your components differentiate every variable at once. In a "
                     "partial derivative the other variable is held fixed.",
                     match=[BOTH, BOTH],
                     code="other_variable_differentiated")],
         mistakes=[Mistake("def grad_f(w):\n    return np.array([w[0] + 2 * w[1], "
                           "2 * w[0] + w[1]])", "swapped_components",
                           also_fails=("q03-grad-at-1-2-test",))]),
    Part("grad_at_1_2", 1, check,
         np.array([float(sp.diff(F, w).subs(AT_1_2)) for w in (w1, w2)]),
         formative=ValueAt(F, AT_1_2, (w1, w2)),
         hints=[Hint("Each component should hold the other variable fixed; yours look like "
                     "both variables were differentiated at once.",
                     match=np.full(2, float(BOTH.subs(AT_1_2))),
                     code="other_variable_differentiated")],
         mistakes=[Mistake("grad_at_1_2 = np.array([5.0, 4.0])", "swapped_components")]),
))
