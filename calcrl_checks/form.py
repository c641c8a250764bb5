"""Published name: released notebooks run ``from calcrl_checks import form`` (and may spell it
``import calcrl_checks.form``), so its public names stay importable here. The visible checks
live in :mod:`calcrl_checks.cells.form`.

>>> from calcrl_checks import form
>>> form.expression("2x", ["x"], "df")
df reads as 2*x: an expression in x. Its value is graded after you submit.
"""
from calcrl_checks.cells.form import VisibleCheckFailed, array, expression, function, number

__all__ = ["VisibleCheckFailed", "array", "expression", "function", "number"]
