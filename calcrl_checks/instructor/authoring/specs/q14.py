"""q14 · the gradient of the squared TD error, and the Huber loss that caps it."""
from __future__ import annotations

import sympy as sp

from calcrl_checks import Choice, Hint, check

from calcrl_checks.instructor.authoring.specs import (Mistake, Part, Question, ShownDerivative,
                                                       Stated, Written)

delta, kappa = sp.symbols("delta kappa")
r, gamma, v, v_next = sp.symbols("r gamma v v_next")
#: What the question states: the loss 1/2 delta^2, differentiated with respect to V(s) = v,
#: where delta = r + gamma V(s') - V(s). Its chain rule is Part 1's answer.
SQUARED_LOSS = ShownDerivative(delta ** 2 / 2, v, {delta: r + gamma * v_next - v})
DOMAIN = {"delta": (-4.0, 4.0), "kappa": Choice((0.5, 1.0, 2.0))}
SMALL = sp.Abs(delta) <= kappa
# The question's two cases in one formula: with m = min(|delta|, kappa) it is m^2/2 for small
# errors and kappa (|delta| - kappa/2) for large ones. Written so because a visible check reads
# it back with the answer reader, which takes no comparisons.
CAPPED = sp.Min(sp.Abs(delta), kappa)
HUBER = CAPPED ** 2 / 2 + kappa * (sp.Abs(delta) - CAPPED)
# d/dV(s) of the loss: delta = r + gamma V(s') - V(s) enters with a minus sign.
HUBER_GRAD = sp.Piecewise((-delta, SMALL), (-kappa * sp.sign(delta), True))

QUESTION = Question("q14", "q14_squared_td_error.ipynb", (
    Part("squared_loss_grad", 1, check, -delta, domain={"delta": (-3.0, 3.0)}, vectorized=True,
         formative=SQUARED_LOSS,
         what="gradient", cell="q14-squared-grad-test", answer_cell="q14-squared-grad",
         hints=[Hint("That is the derivative with respect to delta itself. The question asks "
                     "for the derivative with respect to V(s): apply the chain rule through "
                     "delta = r + gamma V(s') - V(s).", match=delta, code="sign_flip")],
         mistakes=[Mistake("def squared_loss_grad(delta):\n    return np.asarray(delta)",
                           "sign_flip")]),
    Part("huber_loss", 1, check, HUBER, domain=DOMAIN, what="Huber loss",
         formative=Stated(),  # the question states both cases
         hints=[Hint("Your loss jumps at |delta| = kappa: the linear piece starts at a different "
                     "height than the quadratic piece ends. Check the constant in the linear "
                     "piece so that the two pieces meet.",
                     match=sp.Piecewise((delta ** 2 / 2, SMALL), (kappa * sp.Abs(delta), True)),
                     code="huber_discontinuous"),
                Hint("The pieces are the wrong way round: the quadratic piece belongs to small "
                     "errors and the linear piece to large ones.",
                     match=sp.Piecewise((kappa * (sp.Abs(delta) - kappa / 2), SMALL),
                                        (delta ** 2 / 2, True)), code="pieces_swapped")],
         mistakes=[Mistake("def huber_loss(delta, kappa):\n"
                           "    return np.where(np.abs(delta) <= kappa, 0.5 * delta**2, "
                           "kappa * np.abs(delta))", "huber_discontinuous")]),
    Part("huber_grad", 1, check, HUBER_GRAD, domain=DOMAIN, what="gradient",
         formative=ShownDerivative(HUBER, v, {delta: r + gamma * v_next - v}),
         hints=[Hint("The sign is flipped: that is the slope with respect to delta. V(s) enters "
                     "delta with a minus sign, and the chain rule keeps it.",
                     match=sp.Piecewise((delta, SMALL), (kappa * sp.sign(delta), True)),
                     code="sign_flip"),
                Hint("Your gradient keeps growing with the error. Beyond kappa the Huber loss is "
                     "linear, so its slope stops growing there: that is the whole point of it.",
                     match=-delta, code="not_clipped")],
         mistakes=[Mistake("def huber_grad(delta, kappa):\n"
                           "    return np.clip(delta, -kappa, kappa)", "sign_flip")]),
), written=(Written("q14-explain", 3),))
