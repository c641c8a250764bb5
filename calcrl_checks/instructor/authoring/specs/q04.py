"""q04 · gradient descent lowers a loss, gradient ascent raises a return."""
from __future__ import annotations

import sympy as sp
import torch  # noqa: F401  (loaded with the spec, outside the check's time budget)

from calcrl_checks import Hint, Vector, check_update_rule
from calcrl_checks.checks.scenarios import check_bandit_learns

from calcrl_checks.instructor.authoring.specs import (Mistake, Part, Question, ShownGradient,
                                                       Stated)

THETA = sp.symbols("theta0 theta1 theta2")
G = sp.symbols("g0 g1 g2")
alpha = sp.Symbol("alpha")
DESCENT = [t - alpha * g for t, g in zip(THETA, G)]
ASCENT = [t + alpha * g for t, g in zip(THETA, G)]


def _domain(gradient: str) -> dict[str, object]:
    return {"theta": Vector(3, names=("theta0", "theta1", "theta2")),
            gradient: Vector(3, names=("g0", "g1", "g2")), "alpha": (0.01, 0.5)}


QUESTION = Question("q04", "q04_gradient_ascent.ipynb", (
    Part("descent_step", 2, check_update_rule, DESCENT, domain=_domain("grad_L"),
         param="theta", types=("numpy", "torch"), cell="q04-descent-test",
         answer_cell="q04-descent", formative=Stated(),  # the intro shows the descent rule
         mistakes=[Mistake("def descent_step(theta, grad_L, alpha):\n"
                           "    theta -= alpha * grad_L\n    return theta", "inputs_mutated")]),
    Part("ascent_step", 2, check_update_rule, ASCENT, domain=_domain("grad_J"),
         param="theta", types=("numpy", "torch"), cell="q04-ascent-test",
         answer_cell="q04-ascent",
         # The question asks for a step that makes J larger along the gradient it hands over:
         # the visible check knows the direction without the cell writing the formula.
         formative=ShownGradient(THETA, given=G, step=alpha, ascent=True,
                                 named="grad_J"),
         hints=[Hint("Your step walks against the gradient of J, which is what descent does "
                     "to a loss. Here J is a return we want to make larger: which way along "
                     "the gradient does J grow?", match=DESCENT, code="sign_flip")],
         mistakes=[Mistake("def ascent_step(theta, grad_J, alpha):\n"
                           "    return theta - alpha * grad_J", "sign_flip",
                           also_fails=("q04-bandit-test",))]),
    Part("bandit", 2, check_bandit_learns, formative=True, answer="ascent_step",
         rewards=(1.0, 0.25), alpha=1.0, steps=50, label="bandit learns"),
))
