"""q15 · the gradient of the entropy, dH/dpi(a) = -(log pi(a) + 1)."""
from __future__ import annotations

import math

import sympy as sp
import torch  # noqa: F401  (loaded with the spec, outside the check's time budget)

from calcrl_checks import Hint, Simplex, check, check_against_autograd

from calcrl_checks.instructor.authoring.specs import Mistake, Part, Question, Stated, ValueAt

P = sp.symbols("p0 p1 p2")
ENTROPY = -sum(p * sp.log(p) for p in P)
PI = 0.2
MISSING_PLUS_ONE = ("It looks like the product rule stopped after one term: differentiating "
                    "p log p gives a piece from p and a piece from log p, and the second one "
                    "is missing.")
LOG_BASE = ("Your values match a logarithm of another base. Entropy here uses the natural "
            "logarithm: use np.log, not np.log2 or np.log10.")
_VALUE_AFTER = ("q15-value-at-0-2-test",)

QUESTION = Question("q15", "q15_entropy_gradient.ipynb", (
    Part("dH_dpi", 3, check_against_autograd, ENTROPY, wrt="pi", formative=Stated(),  # H shown
         domain={"pi": Simplex(3, names=("p0", "p1", "p2"))}, cell="q15-dh-dpi-test",
         answer_cell="q15-dh-dpi", hints=[
             Hint(MISSING_PLUS_ONE, match=[-sp.log(p) for p in P], code="missing_plus_one"),
             Hint("It looks like the piece from differentiating log p entered with the wrong "
                  "sign. Differentiate p log p on its own first, then apply the minus sign in "
                  "front of the sum to the whole result.",
                  match=[-sp.log(p) + 1 for p in P], code="plus_one_sign"),
             Hint(LOG_BASE, match=[-(sp.log(p, 2) + 1) for p in P], code="log_base",
                  score=1 / 3),
             Hint(LOG_BASE, match=[-(sp.log(p, 10) + 1) for p in P], code="log_base",
                  score=1 / 3),
             Hint("Your gradient has the wrong sign everywhere: H carries a minus sign in front "
                  "of the sum, and it multiplies the whole derivative.",
                  match=[sp.log(p) + 1 for p in P], code="sign_flip")],
         mistakes=[Mistake("def dH_dpi(pi):\n    return -np.log(np.asarray(pi, dtype=float))",
                           "missing_plus_one", also_fails=_VALUE_AFTER),
                   Mistake("def dH_dpi(pi):\n    return np.log(np.asarray(pi, dtype=float)) + 1",
                           "sign_flip", also_fails=_VALUE_AFTER),
                   Mistake("def dH_dpi(pi):\n"
                           "    return -(np.log2(np.asarray(pi, dtype=float)) + 1)", "log_base",
                           credit=1 / 3, also_fails=_VALUE_AFTER)]),
    Part("value_at_0_2", 1, check, -(math.log(PI) + 1), rtol=2e-4,
         formative=ValueAt(ENTROPY, {P[0]: PI}, (P[0],)), hints=[
        Hint("This value is missing the piece of the product rule that comes from "
             "differentiating log p.", match=-math.log(PI), code="missing_plus_one"),
        Hint("In this value the piece from differentiating log p has the wrong sign: "
             "differentiate p log p first, then negate the whole result.",
             match=1 - math.log(PI), code="plus_one_sign"),
        Hint("This value matches a logarithm of another base; use the natural logarithm.",
             match=-(math.log2(PI) + 1), code="log_base"),
        Hint("This value has the wrong sign: the minus in front of the sum multiplies the "
             "whole derivative.", match=math.log(PI) + 1, code="sign_flip")]),
))
