"""The whitelist: every function and constant an answer may name, and the names it may not.

Functions come from :mod:`calcrl_checks.expressions.functions` (one table for every stage).
RL helpers
(sigmoid, softplus, relu, clip) are defined by their formulas there, so an answer that uses them
is compared like any other expression.
"""
from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

import sympy as sp

from calcrl_checks.expressions.functions import ROWS_BY_NAME

#: name -> (builder, smallest and largest number of arguments), from the one function table.
FUNCTIONS: dict[str, tuple[Callable[..., sp.Expr], int, int]] = {
    name: (row.build, *row.arity) for name, row in ROWS_BY_NAME.items()}

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
    glued = name.replace("_", "").lower()
    by_case = [c for c in candidates if c.lower() in (name.lower(), glued)]
    if by_case:
        return by_case[0]
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return close[0] if close else None
