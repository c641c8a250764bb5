"""calcrl_checks: grade calculus-for-RL answers by meaning and name the mistake.

>>> from calcrl_checks import compare
>>> compare("2x e^x + x^2 e^x", "x**2*exp(x)*(1 + 2/x)", domain={"x": (0.5, 3)}).code
'correct'

Importing this package is cheap: sympy, numpy and torch load on first use.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calcrl_checks.outcome.codes import CODES
from calcrl_checks.outcome.errors import AuthorError, CalcrlError, ParseError
from calcrl_checks.outcome.verdict import CheckFailed, Verdict

__all__ = ["compare", "check", "Options", "parse", "Verdict", "CheckFailed", "ParseError", "CODES",
           "CalcrlError", "AuthorError", "Hint",
           "check_derivative", "check_partial", "check_gradient", "check_update_rule",
           "check_against_autograd", "Interval", "Vector", "Matrix", "Simplex", "Choice"]

_LAZY = {
    "compare": "api", "check": "api", "Options": "pipeline.stage0_options",
    "parse": "expressions.parsing", "Hint": "pipeline.stage0_hints",
    "check_derivative": "checks.calculus", "check_partial": "checks.calculus",
    "check_gradient": "checks.calculus",
    "check_update_rule": "checks.rl", "check_against_autograd": "checks.rl",
    "Interval": "pipeline.stage0_domains", "Vector": "pipeline.stage0_domains",
    "Matrix": "pipeline.stage0_domains", "Simplex": "pipeline.stage0_domains",
    "Choice": "pipeline.stage0_domains",
}

if TYPE_CHECKING:
    from calcrl_checks.api import check, compare
    from calcrl_checks.checks.calculus import check_derivative, check_gradient, check_partial
    from calcrl_checks.pipeline.stage0_hints import Hint
    from calcrl_checks.pipeline.stage0_options import Options
    from calcrl_checks.expressions.parsing import parse
    from calcrl_checks.checks.rl import check_against_autograd, check_update_rule
    from calcrl_checks.pipeline.stage0_domains import Choice, Interval, Matrix, Simplex, Vector


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'calcrl_checks' has no attribute {name!r}")
