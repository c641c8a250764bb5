"""calcrl_checks: grade calculus-for-RL answers by meaning and name the mistake.

>>> from calcrl_checks import compare
>>> compare("2x e^x + x^2 e^x", "x**2*exp(x)*(1 + 2/x)", domain={"x": (0.5, 3)}).code
'correct'

Importing this package is cheap: sympy, numpy and torch load on first use.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .codes import CODES
from .errors import ParseError
from .verdict import CheckFailed, Verdict

__all__ = ["compare", "check", "Options", "parse", "Verdict", "CheckFailed", "ParseError", "CODES",
           "Hint",
           "check_derivative", "check_partial", "check_gradient", "check_update_rule",
           "check_against_autograd", "Interval", "Vector", "Matrix", "Simplex", "Choice"]

_LAZY = {
    "compare": "api", "check": "api", "Options": "options", "parse": "parsing", "Hint": "hints",
    "check_derivative": "calculus", "check_partial": "calculus", "check_gradient": "calculus",
    "check_update_rule": "rl", "check_against_autograd": "rl",
    "Interval": "domains", "Vector": "domains", "Matrix": "domains", "Simplex": "domains",
    "Choice": "domains",
}

if TYPE_CHECKING:
    from .api import check, compare
    from .calculus import check_derivative, check_gradient, check_partial
    from .hints import Hint
    from .options import Options
    from .parsing import parse
    from .rl import check_against_autograd, check_update_rule
    from .domains import Choice, Interval, Matrix, Simplex, Vector


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'calcrl_checks' has no attribute {name!r}")
