"""A check run before its answer: one sentence about the answer, not a NameError traceback.

Visible check cells read the answer by name (``form.expression(df, ...)``), so when the answer
cell has not run yet Python stops on the name before any check is called. Importing
:mod:`calcrl_checks.cells.form` (every check cell does) asks IPython to show a ``NameError``
in a cell that uses calcrl's checks as a short sentence naming the answer; a ``NameError``
anywhere else keeps IPython's usual traceback. The error itself is unchanged (still a
``NameError`` output), so the cell fails exactly as before and grading reads it as before.
"""
from __future__ import annotations

import linecache
from types import TracebackType
from typing import Any

#: Text that marks a cell as one of calcrl's check cells.
_CHECK_CELL_MARK = "calcrl_checks"


def explanation(name: str) -> str:
    """What a student reads when a check cell runs before ``name`` is defined.

    >>> explanation("df")[:58]
    'NameError: df is not defined yet. Run the answer cell abov'
    """
    return (f"NameError: {name} is not defined yet. Run the answer cell above first "
            "(Shift+Enter) and check that it runs without an error; then run this check "
            "again.")


def _in_check_cell(shell: Any, tb: TracebackType | None) -> bool:
    """Whether the name was looked up in a check cell's own code: the innermost frame of the
    traceback is a notebook cell (IPython's compiler named its file) that uses calcrl."""
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    filename = tb.tb_frame.f_code.co_filename
    if shell.compile.format_code_name(filename) is None:
        return False
    return _CHECK_CELL_MARK in "".join(linecache.getlines(filename))


def _show(shell: Any, etype: type[BaseException], value: BaseException,
          tb: TracebackType | None, tb_offset: int | None = None) -> list[str]:
    name = getattr(value, "name", None)
    if isinstance(name, str) and name.isidentifier() and _in_check_cell(shell, tb):
        shown = [explanation(name)]
    else:
        shown = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    shell._showtraceback(etype, value, shown)
    return shown


def install() -> None:
    """Have IPython (when this runs in a kernel) explain check cells' ``NameError``s; once
    per kernel, and never over a handler someone else set."""
    try:
        from IPython import get_ipython  # a check may run outside IPython (grading, tests)
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or getattr(shell, "_calcrl_undefined_answers", False) or \
            tuple(getattr(shell, "custom_exceptions", ())):
        return
    shell.set_custom_exc((NameError,), _show)
    shell._calcrl_undefined_answers = True
