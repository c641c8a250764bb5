"""Reading answer text (plain math or LaTeX) as sympy expressions, without eval.

Stages, one file each: ``latex`` (LaTeX to plain text), ``normalize`` (one spelling per symbol),
``tokens`` (tokens, implicit products, refused constructs), ``grammar`` (tree with size limits).
"""
from __future__ import annotations

from collections.abc import Iterable

import sympy as sp

from calcrl_checks.outcome.errors import ParseError
from calcrl_checks.expressions.parsing.grammar import Grammar
from calcrl_checks.expressions.parsing.latex import latex_to_text, looks_like_latex
from calcrl_checks.expressions.parsing.normalize import MAX_TEXT_LENGTH, normalize
from calcrl_checks.expressions.parsing.tokens import tokenize

__all__ = ["parse", "ParseError"]


def parse(text: str, symbols: Iterable[str | sp.Symbol] = ("x",)) -> sp.Expr:
    """Read ``text`` as a sympy expression in the given symbols, or raise :class:`ParseError`.

    Accepts Python-style math (``^`` for powers, implicit products such as ``2x e^x``, ``e`` and
    ``pi``) and LaTeX (``\\frac``, ``e^{x}``, ``\\ln``, ``\\sqrt``). Nothing is evaluated as code.

    >>> parse("e^x/(1+e^x)", symbols=["x"])
    exp(x)/(exp(x) + 1)
    >>> parse(r"\\frac{1}{2} x^{2}", symbols=["x"])
    x**2/2
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() reads text, not {type(text).__name__}")
    table = {name: sp.Symbol(name) for name in _names(symbols)}
    plain = text
    if looks_like_latex(text):
        if len(text) > MAX_TEXT_LENGTH:
            normalize(text)  # raises the length error with the student's own text
        plain = latex_to_text(text)
    normal, origin = normalize(plain)
    shown = text if plain is text else plain
    if plain is not text:
        origin = list(range(len(normal)))
        shown = normal
    tokens = tokenize(normal, origin, frozenset(table), shown)
    return Grammar(tokens, table, shown).parse()


def _names(symbols: Iterable[str | sp.Symbol]) -> list[str]:
    names = [s if isinstance(s, str) else s.name for s in symbols]
    for name in names:
        if not name.isidentifier():
            raise ValueError(f"symbol names must be identifiers, got {name!r}")
    return names
