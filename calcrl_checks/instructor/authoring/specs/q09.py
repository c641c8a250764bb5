"""q09 · semi-gradient TD(0) for a linear value function, and a chain it must learn."""
from __future__ import annotations

import sympy as sp

from calcrl_checks import Hint, Vector, check, check_update_rule
from calcrl_checks.checks.scenarios import ChainMRP, check_td_learns

from calcrl_checks.instructor.authoring.specs import (Mistake, Part, Question, ShownGradient,
                                                       Stated)

W = sp.symbols("w0 w1 w2")
P = sp.symbols("p0 p1 p2")       # phi(s)
Q = sp.symbols("q0 q1 q2")       # phi(s')
r, gamma, alpha = sp.symbols("r gamma alpha")
V_S = sum(w * p for w, p in zip(W, P))
V_NEXT = sum(w * q for w, q in zip(W, Q))
DELTA = r + gamma * V_NEXT - V_S
DELTA_NO_GAMMA = r + V_NEXT - V_S
DOMAIN = {"w": Vector(3, names=("w0", "w1", "w2")),
          "phi_s": Vector(3, -1.0, 1.0, names=("p0", "p1", "p2")),
          "r": (-1.0, 1.0),
          "phi_next": Vector(3, -1.0, 1.0, names=("q0", "q1", "q2")),
          "gamma": (0.5, 0.99)}

FULL_GRADIENT = ("It looks like you differentiated through the target as well, which adds a "
                 "term in phi(s'). Semi-gradient TD treats r + gamma V(s') as a fixed number: "
                 "only V(s) = w . phi(s) is differentiated.")
GAMMA_DROPPED = ("It looks like the discount was left out: the next state's value enters the "
                 "target only after multiplying it by gamma.")
# A demo student's wrong answer here makes every later part fail as well.
_AFTER_SEMI_GRADIENT = ("q09-td-update-test", "q09-learns-test")


def _semi_gradient(delta: sp.Expr, features: list[sp.Expr] | None = None) -> list[sp.Expr]:
    """-delta * (features, default phi(s)): the semi-gradient, or a slip of it."""
    return [-delta * f for f in (features or P)]


def _update(step: list[sp.Expr]) -> list[sp.Expr]:
    """w - alpha * step: the update a (semi-)gradient step gives."""
    return [w - alpha * s for w, s in zip(W, step)]


FULL = [p - gamma * q for p, q in zip(P, Q)]

# What the set-up states: L = delta^2 / 2 with the target r + gamma V(s') held constant.
target = sp.Symbol("target")
LOSS, HELD = (target - V_S) ** 2 / 2, {target: r + gamma * V_NEXT}
LOSS_NAME = "(target - w . phi(s))^2 / 2"

QUESTION = Question("q09", "q09_td_semi_gradient.ipynb", (
    Part("td_error", 2, check, DELTA, domain=DOMAIN, what="TD error",
         formative=Stated(),  # the set-up shows delta = r + gamma V(s') - V(s), V = w . phi
         hints=[Hint(GAMMA_DROPPED, match=DELTA_NO_GAMMA, code="gamma_dropped")],
         mistakes=[Mistake("def td_error(w, phi_s, r, phi_next, gamma):\n"
                           "    return r + np.dot(w, phi_next) - np.dot(w, phi_s)",
                           "gamma_dropped",
                           also_fails=("q09-semi-gradient-test", *_AFTER_SEMI_GRADIENT))]),
    Part("semi_gradient", 2, check, _semi_gradient(DELTA), domain=DOMAIN, what="semi-gradient",
         formative=ShownGradient(W, LOSS, HELD, named=LOSS_NAME),
         hints=[Hint(FULL_GRADIENT, match=_semi_gradient(DELTA, FULL), code="full_gradient"),
                Hint(GAMMA_DROPPED, match=_semi_gradient(DELTA_NO_GAMMA),
                     code="gamma_dropped"),
                Hint("The sign is flipped. Differentiate delta itself with respect to w: "
                     "V(s) enters delta with a minus sign, and the chain rule keeps it.",
                     match=_semi_gradient(-DELTA), code="sign_flip")],
         mistakes=[Mistake("def semi_gradient(w, phi_s, r, phi_next, gamma):\n"
                           "    return -td_error(w, phi_s, r, phi_next, gamma) * "
                           "(phi_s - gamma * phi_next)", "full_gradient",
                           also_fails=_AFTER_SEMI_GRADIENT)]),
    Part("td_update", 2, check_update_rule, _update(_semi_gradient(DELTA)),
         domain={**DOMAIN, "alpha": (0.01, 0.5)}, param="w",
         formative=ShownGradient(W, LOSS, HELD, step=alpha, named=LOSS_NAME),
         hints=[Hint(FULL_GRADIENT, match=_update(_semi_gradient(DELTA, FULL)),
                     code="full_gradient"),
                Hint(GAMMA_DROPPED, match=_update(_semi_gradient(DELTA_NO_GAMMA)),
                     code="gamma_dropped"),
                Hint("Your step moves w along the gradient of the loss, which makes the TD "
                     "error grow. A loss is minimised by stepping against its gradient.",
                     match=_update(_semi_gradient(-DELTA)), code="sign_flip")],
         mistakes=[Mistake("def td_update(w, phi_s, r, phi_next, gamma, alpha):\n"
                           "    return w + alpha * semi_gradient(w, phi_s, r, phi_next, gamma)",
                           "sign_flip", also_fails=("q09-learns-test",))]),
    Part("learns", 2, check_td_learns, formative=True, answer="td_update",
         mrp=ChainMRP(states=5, p_right=0.5, rewards=(0.0, 0.0, 0.0, 0.0, 1.0), gamma=0.8),
         steps=3000, tolerance=0.15, label="chain MRP learns"),
))
