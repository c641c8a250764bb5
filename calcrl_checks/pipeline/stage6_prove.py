"""A bounded symbolic attempt to prove an already-passing answer equal.

Only a label: the numeric comparison decides. A symbolic "False" or "don't know" never turns a
numerically equal answer wrong, and running out of time just means "not proved".
"""
from __future__ import annotations

import sympy as sp

from calcrl_checks.outcome.budget import PROOF_SECONDS, time_limit
from calcrl_checks.outcome.errors import BudgetExceeded


def proved_equal(answer: sp.Expr, expected: sp.Expr, seconds: float = PROOF_SECONDS) -> bool:
    """True when sympy shows ``answer - expected`` is zero within ``seconds``."""
    renamed = answer.xreplace({s: sp.Symbol(s.name) for s in answer.free_symbols})
    try:
        with time_limit(seconds):
            difference = renamed - expected
            if difference == 0 or sp.expand(difference) == 0:
                return True
            return bool(sp.simplify(difference) == 0)  # sympy is untyped: == is a bool
    except BudgetExceeded:
        return False
    except Exception:
        return False
