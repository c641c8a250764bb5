"""The whitelist: every function and constant an answer may name, and the names it may not.

RL helpers (sigmoid, softplus, relu, clip) are defined by their formulas, so an answer that uses
them is compared like any other expression.
"""
from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

import sympy as sp


def _sigmoid(x: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-x))


def _softplus(x: sp.Expr) -> sp.Expr:
    return sp.log(1 + sp.exp(x))


def _relu(x: sp.Expr) -> sp.Expr:
    return sp.Max(0, x)


def _clip(x: sp.Expr, low: sp.Expr, high: sp.Expr) -> sp.Expr:
    return sp.Min(sp.Max(x, low), high)


def _log(x: sp.Expr, base: sp.Expr | None = None) -> sp.Expr:
    return sp.log(x) if base is None else sp.log(x) / sp.log(base)


#: name -> (builder, smallest and largest number of arguments)
FUNCTIONS: dict[str, tuple[Callable[..., sp.Expr], int, int]] = {
    "exp": (sp.exp, 1, 1),
    "log": (_log, 1, 2),
    "ln": (sp.log, 1, 1),
    "log2": (lambda x: sp.log(x) / sp.log(2), 1, 1),
    "log10": (lambda x: sp.log(x) / sp.log(10), 1, 1),
    "sqrt": (sp.sqrt, 1, 1),
    "cbrt": (sp.cbrt, 1, 1),
    "abs": (sp.Abs, 1, 1),
    "Abs": (sp.Abs, 1, 1),
    "sign": (sp.sign, 1, 1),
    "min": (sp.Min, 1, 16),
    "max": (sp.Max, 1, 16),
    "Min": (sp.Min, 1, 16),
    "Max": (sp.Max, 1, 16),
    "heaviside": (sp.Heaviside, 1, 1),
    "Heaviside": (sp.Heaviside, 1, 1),
    "sin": (sp.sin, 1, 1), "cos": (sp.cos, 1, 1), "tan": (sp.tan, 1, 1),
    "sec": (sp.sec, 1, 1), "csc": (sp.csc, 1, 1), "cot": (sp.cot, 1, 1),
    "asin": (sp.asin, 1, 1), "acos": (sp.acos, 1, 1), "atan": (sp.atan, 1, 1),
    "arcsin": (sp.asin, 1, 1), "arccos": (sp.acos, 1, 1), "arctan": (sp.atan, 1, 1),
    "sinh": (sp.sinh, 1, 1), "cosh": (sp.cosh, 1, 1), "tanh": (sp.tanh, 1, 1),
    "sech": (sp.sech, 1, 1), "csch": (sp.csch, 1, 1), "coth": (sp.coth, 1, 1),
    "asinh": (sp.asinh, 1, 1), "acosh": (sp.acosh, 1, 1), "atanh": (sp.atanh, 1, 1),
    "sigmoid": (_sigmoid, 1, 1),
    "sigma": (_sigmoid, 1, 1),
    "softplus": (_softplus, 1, 1),
    "relu": (_relu, 1, 1),
    "clip": (_clip, 3, 3),
}

#: ``E`` is how sympy prints Euler's number, so pasted sympy output reads back (a question
#: that declares a symbol named E keeps its symbol: declared symbols win).
CONSTANTS: dict[str, sp.Expr] = {"e": sp.E, "E": sp.E, "pi": sp.pi}

#: Names refused outright, with the reason a student reads.
FORBIDDEN: dict[str, str] = {
    **{verb: "calculus functions such as diff, Derivative and integrate would do the work for you; "
             "write the result yourself"
       for verb in ("diff", "Derivative", "derivative", "integrate", "Integral", "integral",
                    "limit", "Limit", "series", "solve", "dsolve", "Subs", "subs")},
    **{name: "answers are read as mathematics, not run as Python code"
       for name in ("eval", "exec", "compile", "open", "import", "__import__", "lambda",
                    "getattr", "setattr", "globals", "locals", "vars", "sympify", "simplify",
                    "S", "Symbol", "symbols", "lambdify", "os", "sys", "subprocess", "print",
                    "input", "def", "class", "for", "while", "if", "else", "return", "yield",
                    "with", "del", "not", "and", "or", "is", "in")},
}


def known_names(symbols: Iterable[str]) -> list[str]:
    """Every name an answer may use, given the question's symbols."""
    return sorted(set(symbols) | set(FUNCTIONS) | set(CONSTANTS))


def suggest(name: str, symbols: Iterable[str]) -> str | None:
    """The closest allowed name to an unknown one: 'Sin' -> 'sin', 'W1' -> 'w1'."""
    candidates = known_names(symbols)
    by_case = [c for c in candidates if c.lower() == name.lower()]
    if by_case:
        return by_case[0]
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return close[0] if close else None
