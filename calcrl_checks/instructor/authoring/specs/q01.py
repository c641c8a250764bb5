"""q01 · the derivative of softplus is the sigmoid; a sigmoid that never overflows."""
from __future__ import annotations

import numpy as np
import sympy as sp

from calcrl_checks import Hint, check, check_derivative
from calcrl_checks.checks.calculus import softplus_slope_gap
from calcrl_checks.checks.consistency import check_derived

from calcrl_checks.instructor.authoring.specs import (Mistake, Part, Question, Recomputed,
                                                       ShownDerivative)

x = sp.Symbol("x")
SOFTPLUS = sp.log(1 + sp.exp(x))

# Part 3's grid, exactly as the notebook asks for it, and the gaps its slips give.
XS = np.linspace(-3, 3, 50)
SIGMOID = 1 / (1 + np.exp(-XS))
SLOPE = np.gradient(np.log1p(np.exp(XS)), XS)
GAP = np.abs(SLOPE - SIGMOID)

QUESTION = Question("q01", "q01_softplus_derivative.ipynb", (
    Part("dsoftplus", 2, check_derivative, formative=True, of=SOFTPLUS, wrt=x,
         domain={"x": (-3, 3)},
         mistakes=[Mistake("dsoftplus = 1 / (1 + sp.exp(x))", "missing_inner_derivative")]),
    Part("sigmoid", 3, check, 1 / (1 + sp.exp(-x)), domain={"x": (-1000, 1000)},
         vectorized=True, samples=200, formative=ShownDerivative(SOFTPLUS, x),
         mistakes=[Mistake("def sigmoid(x):\n    return np.exp(x) / (1 + np.exp(x))",
                           "not_finite")]),
    # The gap must be the right one, and what the student's own sigmoid gives: the true gap
    # typed next to a sigmoid that gives another is not a gap they measured.
    Part("max_gradient_gap", 1, check_derived, float(GAP.max()), rtol=1e-4,
         uses={"source": "sigmoid"}, recompute=lambda sigmoid: softplus_slope_gap(sigmoid, XS),
         source_name="sigmoid", what="max_gradient_gap",
         # The grid is the question's (softplus_slope_gap's default); the gap itself is not
         # shown, so the visible check says only whether it is what the student's sigmoid gives.
         formative=Recomputed("softplus_slope_gap"), hints=[
        Hint("The gap is small but not exactly zero: np.gradient only approximates the "
             "slope. Report the number your code computes.", match=0.0,
             code="rounded_to_zero"),
        Hint("This is the largest gap away from the two ends of the grid. Keep np.gradient's "
             "default settings and include every grid point.",
             match=float(GAP[1:-1].max()), code="edges_left_out"),
        Hint("Without the grid xs as second argument, np.gradient assumes a spacing of 1 "
             "between samples.",
             match=float(np.max(np.abs(np.gradient(np.log1p(np.exp(XS))) - SIGMOID))),
             code="missing_spacing"),
        Hint("This is an average gap; the question asks for the largest one.",
             match=float(GAP.mean()), code="mean_not_max"),
        Hint("A gap this large means the curve you compared with is not the slope of "
             "softplus: check the sigmoid you used (the chain rule's inner factor e^x).",
             match=float(np.max(np.abs(SLOPE - 1 / (1 + np.exp(XS))))),
             code="missing_inner_derivative"),
    ]),
))
