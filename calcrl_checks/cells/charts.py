"""What a chart cell draws of a student's expression answer: its values on a grid, or a
one-line reason it cannot be drawn.

A chart cell runs in the student's notebook whatever state the answers are in: not written
yet, not readable as mathematics, undefined at some points. Each of those is a sentence
under the chart, never a traceback through the parser or numpy.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp

from calcrl_checks.expressions.parsing import parse
from calcrl_checks.outcome.errors import CalcrlError


def curve(name: str, namespace: Mapping[str, Any], variables: Sequence[str],
          *grids: Any) -> np.ndarray | None:
    """The answer called ``name`` (text or a sympy expression, looked up in ``namespace``)
    evaluated on ``grids`` (one array per variable), as floats of the grids' shape; or None,
    after printing why it cannot be drawn.

    >>> import numpy as np
    >>> curve("df", {"df": "3x^2"}, ["x"], np.array([1.0, 2.0]))
    array([ 3., 12.])
    >>> curve("df", {}, ["x"], np.array([1.0]))
    df is not answered yet, so the chart shows the course's curve only.
    >>> curve("df", {"df": "3x^"}, ["x"], np.array([1.0]))  # doctest: +ELLIPSIS
    df could not be drawn: ...
    """
    if name not in namespace:
        print(f"{name} is not answered yet, so the chart shows the course's curve only.")
        return None
    answer = namespace[name]
    try:
        expression = parse(answer, list(variables)) if isinstance(answer, str) else \
            sp.sympify(answer, strict=True)
        symbols = [sp.Symbol(v) for v in variables]
        with np.errstate(all="ignore"):
            values = sp.lambdify(symbols, expression, "numpy")(*grids)
            shape = np.broadcast(*grids).shape
            drawn = np.broadcast_to(np.asarray(values, dtype=float), shape).copy()
    except CalcrlError as error:  # the reader's own sentence says what it could not read
        print(f"{name} could not be drawn: {str(error).strip().splitlines()[0]}")
        return None
    except Exception:  # not an expression of these variables (a function, a tuple, ...)
        print(f"{name} could not be drawn: it is not an expression in "
              f"{', '.join(variables)} that gives a number at each point.")
        return None
    if not np.isfinite(drawn).any():
        print(f"{name} could not be drawn: it has no finite value on the chart's range.")
        return None
    return drawn
