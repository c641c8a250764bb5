"""RL checks: update rules, gradients against torch autograd, and per-regime judgement.

The expected objective is always given by the caller (in a hidden test) as a sympy
expression; this module only knows how to compare against it.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp

from calcrl_checks.outcome import codes, messages
from calcrl_checks.pipeline.stage1_adapt import adapt_output
from calcrl_checks.api import compare
from calcrl_checks.pipeline.stage0_domains import normalize_domain
from calcrl_checks.outcome.errors import AuthorError, Refused
from calcrl_checks.expressions.evaluate import holds
from calcrl_checks.outcome.guard import guarded
from calcrl_checks.pipeline.stage0_hints import Hint
from calcrl_checks.pipeline.stage3_sample import check_seed
from calcrl_checks.pipeline.stage4_evaluate import call_student
from calcrl_checks.expressions.torch_eval import autograd_reference
from calcrl_checks.outcome.verdict import Verdict


@guarded
def check_update_rule(answer: Any, expected: Any, domain: Mapping[str, Any], param: str,
                      types: Sequence[str] = ("numpy",), **options: Any) -> Verdict:
    """Check a parameter update ``f(param, ...) -> new param``.

    Mistakes are diagnosed on the step (new - old), so ascent written as descent is a
    ``sign_flip``; changing the input in place is ``inputs_mutated``. With
    ``types=("numpy", "torch")`` the function is also called with tensors and must return one.

    >>> import sympy as sp
    >>> from calcrl_checks import Vector
    >>> t0, t1, g0, g1, a = sp.symbols("t0 t1 g0 g1 a")
    >>> step = lambda theta, g, alpha: theta + alpha * g
    >>> check_update_rule(step, [t0 + a * g0, t1 + a * g1], param="theta",
    ...     domain={"theta": Vector(2, names=("t0", "t1")), "g": Vector(2, names=("g0", "g1")),
    ...             "a": (0.01, 0.5)}).passed
    True
    """
    options.setdefault("what", "update")
    if "torch" in types:
        import torch  # noqa: F401  (imported here, outside the check's time budget)
    result: Verdict | None = None
    for kind in types:
        result = compare(answer, expected, domain, increment_of=param, forbid_mutation=True,
                         call_with=kind, **options)
        if not result.passed:
            return result
    assert result is not None, "types must name at least one of 'numpy', 'torch'"
    return result


@guarded
def check_against_autograd(answer: Any, objective: sp.Expr, wrt: str,
                           domain: Mapping[str, Any], **options: Any) -> Verdict:
    """Check a gradient function against torch autograd of ``objective`` w.r.t. argument ``wrt``.

    Arguments are passed in ``domain`` order; vector arguments name their entries
    (``Vector(2, names=("w1", "w2"))``) so the objective can use them.

    >>> import sympy as sp
    >>> from calcrl_checks import Vector
    >>> w1, w2 = sp.symbols("w1 w2")
    >>> grad = lambda w: np.array([2 * w[0] + w[1], w[0] + 2 * w[1]])
    >>> check_against_autograd(grad, w1**2 + w1*w2 + w2**2, wrt="w",
    ...                        domain={"w": Vector(2, names=("w1", "w2"))}).passed
    True
    """
    specs = normalize_domain(domain)
    if wrt not in specs:
        raise AuthorError(f"wrt={wrt!r} is not one of the domain's arguments {list(specs)}")
    entries = {name: tuple(getattr(spec, "names", ())) for name, spec in specs.items()}
    import torch  # noqa: F401  (imported here, outside the check's time budget)

    reference = autograd_reference(sp.sympify(objective), list(specs), wrt, entries)
    options.setdefault("what", "gradient")
    options["seed"] = check_seed(options.get("seed"), options.get("question"),
                                 options.get("part"), sp.srepr(sp.sympify(objective)), wrt,
                                 sorted(specs))
    return compare(answer, reference, domain, **options)


def gradient_where_flat(regimes: Mapping[str, sp.Basic], score: float | None = None) -> Hint:
    """A hint that fires when the answer is non-zero where the expected gradient is zero.

    The message names the regime, as in "your gradient is non-zero where the objective is
    clipped (r > 1 + eps, A > 0)".
    """

    def when(answer: np.ndarray, expected: np.ndarray, points: list[dict[str, Any]]) -> str:
        flat = np.abs(expected) < 1e-12
        moving = np.abs(answer) > 1e-9
        for name, condition in regimes.items():
            inside = np.array([holds(condition, p) for p in points])
            offending = inside & flat & moving
            if offending.any():
                return (f"your gradient is non-zero where the objective is flat: {name} "
                        f"({int(offending.sum())} of {int(inside.sum())} such points)")
        return ""

    return Hint("Where the clipped term is the minimum it does not depend on r, so the "
                "gradient there is 0.", when=when, score=score, code=codes.GRADIENT_WHERE_CLIPPED)


def log_derivative_gap(grad_log_softmax: Any, sizes: Sequence[int] = (3, 4),
                       seed: int = 7) -> float:
    """The largest gap in grad pi(a) = pi(a) grad log pi(a), with grad log pi from the student's
    ``grad_log_softmax(theta, a)`` and grad pi(a) = pi(a) (e_a - pi) exactly, over seeded
    preference vectors of each size and every action. Raises ``Refused`` when the function
    raises or returns no vector of the right size.

    >>> def right(theta, a):
    ...     z = np.exp(theta - theta.max()); g = -z / z.sum(); g[a] += 1; return g
    >>> log_derivative_gap(right) < 1e-12
    True
    """

    rng = np.random.default_rng(seed)
    gap = 0.0
    for size in sizes:
        theta = rng.uniform(-2.0, 2.0, size=size)
        pi = np.exp(theta - theta.max())
        pi /= pi.sum()
        for action in range(size):
            returned = call_student(grad_log_softmax, (theta.copy(), action),
                                    f" for theta of size {size}, a = {action}")
            values = np.asarray(adapt_output(returned).value, dtype=float)
            if values.shape != (size,):
                raise Refused(codes.WRONG_SHAPE,
                              messages.refusal("softmax_gradient_shape",
                                               size=size, shape=values.shape))
            exact = pi[action] * (np.eye(size)[action] - pi)
            gap = max(gap, float(np.max(np.abs(exact - pi[action] * values))))
    return gap
