"""Visible checks: help a student get the *form* of an answer right without revealing it.

Each function checks type, shape, symbols or a property, prints one friendly line when the form
is fine, and raises AssertionError with a specific message when it is not.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np


def expression(answer: Any, symbols: Iterable[str], name: str = "your answer") -> None:
    """The answer is an expression (sympy, text or LaTeX) in the given symbols only.

    >>> expression("2x e^x", ["x"], "df")
    df reads as 2*x*exp(x): an expression in x. Run the tests to check its value.
    """
    import sympy as sp

    from .adapt import adapt
    from .errors import ParseError, Refused
    from .parsing import parse

    allowed = list(symbols)
    try:
        kind = adapt(answer)
    except Refused as refusal:
        raise AssertionError(f"{name}: {refusal.message}") from None
    if kind.kind == "text":
        try:
            expr = parse(kind.value, symbols=allowed)
        except ParseError as error:
            raise AssertionError(f"{name} could not be read: {error}") from None
    elif kind.kind in ("expression", "number"):
        expr = sp.sympify(kind.value)
    else:
        raise AssertionError(f"{name} should be an expression (sympy or text), not a "
                             f"{type(answer).__name__}")
    extra = sorted(s.name for s in expr.free_symbols if s.name not in allowed)
    if extra:
        raise AssertionError(f"{name} uses {', '.join(extra)}; use only {', '.join(allowed)}")
    print(f"{name} reads as {sp.sstr(expr)}: an expression in {', '.join(allowed)}. "
          "Run the tests to check its value.")


def number(answer: Any, name: str = "your answer") -> None:
    """The answer is one finite real number."""
    import numbers

    if isinstance(answer, bool) or not isinstance(answer, (numbers.Real, np.floating,
                                                           np.integer)):
        raise AssertionError(f"{name} should be a number, not a {type(answer).__name__}")
    if not np.isfinite(float(answer)):
        raise AssertionError(f"{name} is {answer}; it should be finite")
    print(f"{name} is a finite number.")


def array(answer: Any, shape: Sequence[int], name: str = "your answer") -> None:
    """The answer converts to a finite float array of the given shape."""
    try:
        values = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(f"{name} should be numbers with shape {tuple(shape)}") from None
    if values.shape != tuple(shape):
        raise AssertionError(f"{name} has shape {values.shape}; shape {tuple(shape)} is expected")
    if not np.isfinite(values).all():
        raise AssertionError(f"{name} contains NaN or inf")
    print(f"{name} has shape {values.shape} and finite entries.")


def function(answer: Any, arguments: Sequence[Any], shape: Sequence[int] | None = None,
             name: str = "your function") -> Any:
    """The answer is callable on the sample arguments and returns finite values of ``shape``.

    Warnings and output from the call are silenced, as in the hidden tests.
    """
    from .budget import call_limited, quiet
    from .errors import BudgetExceeded

    if not callable(answer):
        raise AssertionError(f"{name} should be a function, not a {type(answer).__name__}")
    with quiet():
        try:
            result = call_limited(answer, *arguments)
        except BudgetExceeded:
            raise AssertionError(f"{name} did not finish within 2 seconds") from None
        except Exception as error:
            raise AssertionError(f"{name} raised {type(error).__name__}: {error}") from None
    values = _as_float_array(result, name)
    if shape is not None and values.shape != tuple(shape):
        raise AssertionError(f"{name} returned shape {values.shape}; shape {tuple(shape)} is "
                             "expected")
    if not np.isfinite(values).all():
        raise AssertionError(f"{name} returned NaN or inf for a simple input")
    print(f"{name} runs and returns {'a number' if values.ndim == 0 else f'shape {values.shape}'}.")
    return result


def _as_float_array(value: Any, name: str) -> np.ndarray:
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(f"{name} returned a {type(value).__name__}, not numbers") from None
