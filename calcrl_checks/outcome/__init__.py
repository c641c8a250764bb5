"""How a check ends: the :class:`~calcrl_checks.outcome.verdict.Verdict` (``verdict.py``), the
registry of its codes (``codes.py``), every sentence a student reads (``messages.py``), the
exceptions that travel inside a check (``errors.py``), the budgets that bound each expensive
step (``budget.py``) and the guard that turns whatever goes wrong into a verdict (``guard.py``).

May import: itself only. Every other room may import it.
"""
