"""q00 · core derivative rules: power, exp, log, softplus, sin(x^2), the gradient of w^T A w."""
from __future__ import annotations

import sympy as sp

from calcrl_checks import Matrix, Vector, check_derivative, check_gradient

from calcrl_checks.instructor.authoring.specs import (Mistake, Part, Question,
                                                       ShownGradient)

x, n = sp.Symbol("x"), sp.Symbol("n")
ENTRIES = ("a00", "a01", "a02", "a10", "a11", "a12", "a20", "a21", "a22")
A = sp.Matrix(3, 3, sp.symbols(ENTRIES))
W = sp.Matrix(sp.symbols("w0 w1 w2"))

QUESTION = Question("q00", "q00_core_rules.ipynb", (
    Part("d_power", 1, check_derivative, formative=True, of=x ** n, wrt=x,
         domain={"x": (0.2, 3), "n": (-3, 3)},
         mistakes=[Mistake("d_power = n * x**n", "exponent_not_lowered")]),
    Part("d_exp", 1, check_derivative, formative=True, of=sp.exp(x), wrt=x, domain={"x": (-3, 3)}),
    Part("d_log", 1, check_derivative, formative=True, of=sp.log(x), wrt=x, domain={"x": (0.2, 3)}),
    Part("d_softplus", 2, check_derivative, formative=True, of=sp.log(1 + sp.exp(x)), wrt=x,
         domain={"x": (-3, 3)},
         mistakes=[Mistake("d_softplus = 1 / (1 + sp.exp(x))", "missing_inner_derivative")]),
    Part("d_sin_x2", 2, check_derivative, formative=True, of=sp.sin(x ** 2), wrt=x,
         domain={"x": (-3, 3)},
         mistakes=[Mistake("d_sin_x2 = sp.cos(x**2)", "missing_inner_derivative")]),
    Part("grad_quadratic", 3, check_gradient, of=(W.T * A * W)[0], wrt=list(W),
         formative=ShownGradient(tuple(W), (W.T * A * W)[0], named="w^T A w"),  # f is shown
         domain={"A": Matrix((3, 3), symmetric=True, names=ENTRIES),
                 "w": Vector(3, names=("w0", "w1", "w2"))},
         mistakes=[Mistake("def grad_quadratic(A, w):\n    return A @ w", "constant_factor")]),
))
