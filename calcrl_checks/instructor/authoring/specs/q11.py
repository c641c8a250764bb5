"""q11 · the score function d log pi(a=0) / d theta of a two-action softmax policy."""
from __future__ import annotations

from typing import Any

import sympy as sp
import torch  # noqa: F401  (loaded with the spec, outside the check's time budget)

from calcrl_checks import Choice, Hint, Vector, check_against_autograd, check_derivative

from calcrl_checks.instructor.authoring.specs import Mistake, Part, Question, Stated

theta0, theta1, a = sp.symbols("theta0 theta1 a")
Z = sp.exp(theta0) + sp.exp(theta1)
PI0, PI1 = sp.exp(theta0) / Z, sp.exp(theta1) / Z
LOG_PI0 = theta0 - sp.log(Z)
# Answers may be written in the probabilities pi0, pi1, sampled through theta.
SCALAR: dict[str, Any] = {"domain": {"theta0": (-3, 3), "theta1": (-3, 3)},
          "derived": {"pi0": PI0, "pi1": PI1}}
WRONG_ACTION = ("This is the derivative of log pi for the other action, log pi(a=1). The "
                "question asks about log pi(a=0) = theta0 - log(exp(theta0) + exp(theta1)).")
# The one-hot of action a, for a in {0, 1} (a step function rather than cases, so that a
# visible check can write log pi(a) out for the answer reader, which takes no comparisons).
E0 = sp.Heaviside(sp.Rational(1, 2) - a)
E1 = 1 - E0

QUESTION = Question("q11", "q11_softmax_policy_gradient.ipynb", (
    Part("dlogpi0_dtheta0", 2, check_derivative, of=LOG_PI0, wrt=theta0, **SCALAR,
         formative=True, hints=[
        Hint("It looks like the normaliser was forgotten: log(exp(theta0) + exp(theta1)) "
             "also depends on theta0 and contributes its own term.",
             match=sp.Integer(1), code="normaliser_forgotten"),
        Hint(WRONG_ACTION, match=-PI0, code="wrong_action")],
        mistakes=[Mistake("dlogpi0_dtheta0 = 1", "normaliser_forgotten"),
                  Mistake('dlogpi0_dtheta0 = "-pi0"', "wrong_action")]),
    Part("dlogpi0_dtheta1", 2, check_derivative, of=LOG_PI0, wrt=theta1, **SCALAR,
         formative=True, hints=[
        Hint("Check the sign of this component. theta1 enters log pi(a=0) only through "
             "the normaliser, which is subtracted.", match=PI1, code="second_component_sign"),
        Hint("It looks like the normaliser was forgotten: theta0 does not depend on "
             "theta1, but log(exp(theta0) + exp(theta1)) does.",
             match=sp.Integer(0), code="normaliser_forgotten"),
        Hint(WRONG_ACTION, match=PI0, code="wrong_action")],
        mistakes=[Mistake('dlogpi0_dtheta1 = "pi1"', "second_component_sign")]),
    Part("grad_log_pi", 3, check_against_autograd, E0 * theta0 + E1 * theta1 - sp.log(Z),
         wrt="theta", formative=Stated(),  # log pi(a) = theta_a - log(sum_b exp(theta_b))
         domain={"theta": Vector(2, -3, 3, names=("theta0", "theta1")), "a": Choice((0, 1))},
         hints=[
        Hint("The first entry is right but the second has the wrong sign. Every parameter "
             "appears in the normaliser, which is subtracted in log pi(a).",
             match=[E0 - PI0, PI1 - E1], code="second_component_sign", score=1 / 3),
        Hint("It looks like the normaliser was forgotten: your gradient is only the "
             "derivative of theta_a. log(exp(theta0) + exp(theta1)) depends on both "
             "parameters and contributes to both entries.",
             match=[E0, E1], code="normaliser_forgotten"),
        Hint("Your function returns the gradient for the other action: for a = 0 it gives "
             "the gradient of log pi(a=1), and the other way round.",
             match=[E1 - PI0, E0 - PI1], code="wrong_action"),
        Hint("Your function gives the action-0 gradient whatever a is. The first term of "
             "log pi(a) is theta_a, so the result must depend on a.",
             match=[1 - PI0, -PI1], code="ignores_action"),
        Hint("Your gradient is the negative of the right one (with two actions this also "
             "looks like swapped entries). log pi(a) = theta_a minus the log-normaliser: "
             "check which term carries the minus.",
             match=[PI0 - E0, PI1 - E1], code="sign_flip")],
        mistakes=[Mistake("def grad_log_pi(theta, a):\n"
                          "    z = np.exp(theta - np.max(theta))\n    pi = z / z.sum()\n"
                          "    grad = -pi\n    grad[1 - a] += 1.0\n    return grad",
                          "wrong_action")]),
))
