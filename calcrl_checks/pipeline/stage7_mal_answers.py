"""Mal-answers: the derivatives a student gets by making one catalogued mistake.

Given the function being differentiated, each generator returns candidate wrong derivatives with
the code of the mistake. A wrong answer that matches one is named precisely ("you dropped the
inner derivative") instead of "wrong".
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

import sympy as sp

from calcrl_checks.outcome import codes

MalAnswer = tuple[str, sp.Expr]


def mal_answers(f: sp.Expr, x: sp.Symbol) -> list[MalAnswer]:
    """Distinct wrong derivatives of ``f`` with respect to ``x``, each with its mistake code."""
    right = sp.diff(f, x)
    seen: list[sp.Expr] = [right]
    found: list[MalAnswer] = []
    for code, generate in _GENERATORS:
        for candidate in generate(f, x):
            if candidate is None or any(_same(candidate, s) for s in seen):
                continue
            seen.append(candidate)
            found.append((code, candidate))
    return found


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    return bool(sp.expand(a - b) == 0)  # sympy is untyped: its == is structural, a bool


# -- chain rule ----------------------------------------------------------------------------------
def _without_inner(f: sp.Expr, x: sp.Symbol, level: int | None) -> sp.Expr:
    """Differentiate, dropping the inner derivative of compositions at nesting ``level``.

    Level 0 is the outermost composition of each term; ``None`` drops it at every level.
    """
    def d(node: sp.Expr, depth: int) -> sp.Expr:
        if not node.has(x):
            return sp.Integer(0)
        if node == x:
            return sp.Integer(1)
        if node.is_Add:
            return sp.Add(*[d(term, depth) for term in node.args])
        if node.is_Mul:
            factors = node.args
            return sp.Add(*[d(factors[i], depth) * sp.Mul(*factors[:i], *factors[i + 1:])
                            for i in range(len(factors))])

        def chain(argument: sp.Expr) -> sp.Expr:
            if argument == x or level is None or level == depth:
                return sp.Integer(1)
            return d(argument, depth + 1)

        if node.is_Pow:
            base, exponent = node.args
            if not exponent.has(x):
                return exponent * base ** (exponent - 1) * chain(base)
            if not base.has(x):
                return node * sp.log(base) * chain(exponent)
            return sp.diff(node, x)
        if len(node.args) == 1:
            argument = node.args[0]
            u = sp.Dummy("u")
            return sp.diff(node.func(u), u).subs(u, argument) * chain(argument)
        return sp.diff(node, x)
    return d(f, 0)


def _composition_depth(f: sp.Expr) -> int:
    if f.is_Atom:
        return 0
    own = 1 if (f.is_Pow or (f.is_Function and len(f.args) == 1)) else 0
    return own + max(_composition_depth(a) for a in f.args)


def _missing_inner(f: sp.Expr, x: sp.Symbol) -> Iterator[sp.Expr]:
    yield _without_inner(f, x, None)
    for level in range(min(_composition_depth(f), 4)):
        yield _without_inner(f, x, level)


# -- product rule --------------------------------------------------------------------------------
def _product_mistakes(f: sp.Expr, x: sp.Symbol) -> Iterator[sp.Expr]:
    terms = f.args if f.is_Add else (f,)
    for index, term in enumerate(terms):
        if not term.is_Mul:
            continue
        varying = [factor for factor in term.args if factor.has(x)]
        if len(varying) < 2:
            continue
        constant = sp.Mul(*[factor for factor in term.args if not factor.has(x)])
        u, v = varying[0], sp.Mul(*varying[1:])
        rest = sp.diff(sp.Add(*terms[:index], *terms[index + 1:]), x)
        for wrong in (sp.diff(u, x) * v, u * sp.diff(v, x), sp.diff(u, x) * sp.diff(v, x)):
            yield rest + constant * wrong


# -- power rule ----------------------------------------------------------------------------------
def _exponent_kept(f: sp.Expr, x: sp.Symbol) -> Iterator[sp.Expr]:
    """n x^n instead of n x^(n-1), for every power of x in a sum."""
    def d(term: sp.Expr) -> sp.Expr:
        coefficient, rest = term.as_independent(x, as_Add=False)
        if rest == x:
            return coefficient * x
        if rest.is_Pow and rest.base == x and not rest.exp.has(x):
            return coefficient * rest.exp * rest
        return sp.diff(term, x)
    terms = f.args if f.is_Add else (f,)
    yield sp.Add(*[d(t) for t in terms])


def _constant_kept(f: sp.Expr, x: sp.Symbol) -> Iterator[sp.Expr]:
    """Constant terms carried into the derivative instead of vanishing."""
    constant, varying = f.as_independent(x, as_Add=True)
    if constant != 0:
        yield sp.diff(varying, x) + constant


_GENERATORS: list[tuple[str, Callable[[sp.Expr, sp.Symbol], Iterator[sp.Expr]]]] = [
    (codes.MISSING_INNER_DERIVATIVE, _missing_inner),
    (codes.PRODUCT_RULE, _product_mistakes),
    (codes.EXPONENT_NOT_LOWERED, _exponent_kept),
    (codes.CONSTANT_DIFFERENTIATED, _constant_kept),
]


def partial_mistakes(f: sp.Expr, x: sp.Symbol) -> list[MalAnswer]:
    """Partial-derivative mistakes: another variable differentiated too, or instead."""
    others = sorted((s for s in f.free_symbols if s != x), key=lambda s: s.name)
    if not others:
        return []
    right = sp.diff(f, x)
    found: list[MalAnswer] = []
    total = right + sp.Add(*[sp.diff(f, s) for s in others])
    if not _same(total, right):
        found.append((codes.OTHER_VARIABLE_DIFFERENTIATED, total))
    for other in others:
        candidate = sp.diff(f, other)
        if not _same(candidate, right):
            found.append((codes.WRONG_VARIABLE, candidate))
    return found
