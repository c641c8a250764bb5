"""q07 · the log-derivative trick: the gradient of log softmax, and the identity it satisfies."""
from __future__ import annotations

import sympy as sp
import torch  # noqa: F401  (loaded with the spec, outside the check's time budget)

from calcrl_checks import Choice, Hint, Vector, check_against_autograd
from calcrl_checks.checks.consistency import check_derived
from calcrl_checks.checks.rl import log_derivative_gap

from calcrl_checks.instructor.authoring.specs import (Mistake, Part, Question, Recomputed,
                                                       Stated, Written)

# A demo student's wrong grad_log_softmax makes every later part fail as well.
_LATER = ("q07-grad-4-actions-test", "q07-identity-gap-test")


def _grad_log_softmax(actions: int, a: int, mistakes: tuple[Mistake, ...] = ()) -> Part:
    """The part that checks grad_log_softmax with ``actions`` actions at action ``a``."""
    names = tuple(f"theta{i}" for i in range(actions))
    theta = sp.symbols(list(names))
    normaliser = sum(sp.exp(t) for t in theta)
    pi = [sp.exp(t) / normaliser for t in theta]
    onehot = [int(i == a) for i in range(actions)]
    return Part(
        "grad_log_softmax", 2, check_against_autograd, theta[a] - sp.log(normaliser),
        wrt="theta", domain={"theta": Vector(actions, -3, 3, names=names), "a": Choice((a,))},
        formative=Stated(),  # the question shows log pi(a) = theta_a - log sum_j exp(theta_j)
        key=f"grad_log_softmax_{actions}_actions", cell=f"q07-grad-{actions}-actions-test",
        answer_cell="q07-grad-log-softmax", label=f"grad_log_softmax ({actions} actions)",
        mistakes=mistakes, hints=[
            Hint("Check the sign of the normaliser term: log pi(a) subtracts "
                 "log(sum_j exp(theta_j)), so whatever its derivative is enters with a minus.",
                 match=[e + p for e, p in zip(onehot, pi)], code="normaliser_sign"),
            Hint("It looks like the one-hot term is missing: the first term of log pi(a) is "
                 "theta_a, and its derivative is 1 in entry a and 0 elsewhere.",
                 match=[-p for p in pi], code="missing_one_hot"),
            Hint("Your gradient is the negative of the right one: log pi(a) is theta_a minus "
                 "the log-normaliser, not the other way round.",
                 match=[p - e for e, p in zip(onehot, pi)], code="sign_flip")])


QUESTION = Question("q07", "q07_log_derivative_trick.ipynb", (
    _grad_log_softmax(2, 1, mistakes=(
        Mistake("def grad_log_softmax(theta, a):\n"
                "    grad = softmax(np.asarray(theta, dtype=float)).copy()\n"
                "    grad[a] += 1.0\n    return grad", "normaliser_sign", also_fails=_LATER),
        Mistake("def grad_log_softmax(theta, a):\n"
                "    return -softmax(np.asarray(theta, dtype=float))", "missing_one_hot",
                also_fails=_LATER))),
    _grad_log_softmax(4, 2),
    # The gap must be tiny, and what the student's grad_log_softmax gives: typed 0.0 next to
    # a wrong function is not the gap computed with it.
    Part("identity_gap", 1, check_derived, 0.0, atol=1e-8, uses={"source": "grad_log_softmax"},
         recompute=log_derivative_gap, source_name="grad_log_softmax", what="identity_gap",
         formative=Recomputed("log_derivative_gap", stated=True)),  # an identity's gap is 0
), written=(Written("q07-explain", 4),))
