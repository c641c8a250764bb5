"""q13 · PPO's clipped surrogate objective and its gradient in the ratio r."""
from __future__ import annotations

import sympy as sp
import torch  # noqa: F401  (loaded with the spec, outside the check's time budget)

from calcrl_checks import Choice, Hint, check, check_against_autograd
from calcrl_checks.checks.rl import gradient_where_flat

from calcrl_checks.instructor.authoring.specs import Mistake, Part, Question, Stated, ValueAt

r, A, eps = sp.symbols("r A eps")
CLIP = sp.Min(sp.Max(r, 1 - eps), 1 + eps)
DOMAIN = {"r": (0.3, 1.8), "A": Choice((-2.0, -0.5, 0.7, 1.5)), "eps": Choice((0.1, 0.2, 0.3))}
# Where the clipped term is the minimum, J does not depend on r.
FLAT = {"clipped with A > 0 (r > 1 + eps)": sp.And(A > 0, r > 1 + eps),
        "clipped with A < 0 (r < 1 - eps)": sp.And(A < 0, r < 1 - eps)}
REGIMES = {**FLAT,
           "inside the clip range (1 - eps < r < 1 + eps)": sp.And(r > 1 - eps, r < 1 + eps),
           "A > 0 with r < 1 - eps": sp.And(A > 0, r < 1 - eps),
           "A < 0 with r > 1 + eps": sp.And(A < 0, r > 1 + eps)}
J = sp.Min(r * A, CLIP * A)
# The same objective written case by case, so that sampling also covers the unclipped range
# (a Min whose arguments agree on a whole interval would be skipped there).
J_CASES = sp.Piecewise(((1 + eps) * A, sp.And(A > 0, r > 1 + eps)),
                       ((1 - eps) * A, sp.And(A < 0, r < 1 - eps)), (r * A, True))
CLIP_WITHOUT_MIN = ("It looks like you kept only the clipped term. PPO takes the minimum of the "
                    "clipped and the unclipped term; that minimum matters when the ratio has "
                    "moved in the direction that hurts (A > 0 with small r, A < 0 with large r).")
# Part 2's numbers: r = 1.3, eps = 0.2, A = 1.
AT = {r: sp.Rational(13, 10), eps: sp.Rational(1, 5), A: 1}

QUESTION = Question("q13", "q13_ppo_clip.ipynb", (
    Part("ppo_objective", 3, check, J_CASES, domain=DOMAIN, regimes=REGIMES, vectorized=True,
         formative=Stated(J),  # the question states PPO's objective
         what="objective", cell="q13-objective-test", answer_cell="q13-objective",
         hints=[Hint("It looks like you took the larger of the two terms. PPO is pessimistic: "
                     "it keeps the smaller one, so the policy never gets credit for moving too "
                     "far.", match=sp.Max(r * A, CLIP * A), code="max_instead_of_min"),
                Hint(CLIP_WITHOUT_MIN, match=CLIP * A, code="clip_without_min")],
         mistakes=[Mistake("def ppo_objective(r, A, eps):\n"
                           "    return np.maximum(r * A, np.clip(r, 1 - eps, 1 + eps) * A)",
                           "max_instead_of_min"),
                   Mistake("def ppo_objective(r, A, eps):\n"
                           "    return np.clip(r, 1 - eps, 1 + eps) * A", "clip_without_min")]),
    Part("clipped_value", 1, check, float(J.subs(AT)), formative=ValueAt(J, AT),
         hints=[Hint("1.3 is the unclipped term r A. The objective keeps the smaller of the "
                     "two terms, and here the clip is active.", match=float((r * A).subs(AT)),
                     code="max_instead_of_min"),
                Hint("0.8 is the lower end of the clip interval, but r = 1.3 lies above the "
                     "interval.", match=float((1 - eps).subs(AT)), code="wrong_clip_end"),
                Hint("That is the slope of J at r = 1.3, not its value.", match=0.0,
                     code="gradient_not_value")],
         mistakes=[Mistake("clipped_value = 1.3", "max_instead_of_min")]),
    Part("dJ_dr", 4, check_against_autograd, J, wrt="r", domain=DOMAIN, regimes=REGIMES,
         formative=Stated(),
         vectorized=True, cell="q13-gradient-test", answer_cell="q13-gradient",
         hints=[gradient_where_flat(FLAT),
                Hint(CLIP_WITHOUT_MIN,
                     match=sp.Piecewise((A, sp.And(r > 1 - eps, r < 1 + eps)), (0, True)),
                     code="clip_without_min")],
         mistakes=[Mistake("def dJ_dr(r, A, eps):\n    return A * np.ones_like(r)",
                           "gradient_where_clipped")]),
))
