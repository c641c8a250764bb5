"""Why an answer cell stopped before defining its answer, worded on the trusted side.

A test cell whose answer name is undefined is either not answered (the stub is still there)
or did not run: the student's answer cell stopped with an error first. Students and the class
report tell those apart (``did_not_run`` against ``not_answered``), so the grader keeps, for
the answer cells since the last test cell, how each one stopped.

What the sandbox reports about an error is the student's to choose (any exception name, any
message), so only facts the grader can establish itself are put into words: a builtin
exception's name, and for a syntax error the line and Python's own description, from
compiling the cell's source here (compiling runs nothing).
"""
from __future__ import annotations

import builtins
from typing import Any

from calcrl_checks.engine.hidden import bound_names

_SYNTAX_ERRORS = ("SyntaxError", "IndentationError", "TabError")


def how_it_stopped(source: str, outputs: list[Any], status: str = "ok") -> str | None:
    """How a cell with these outputs stopped, as the rest of "your answer cell ...", or None
    if it ran;
    ``status`` is the runner's own account (``"timeout"``, ``"ended"``), which outranks any
    error output the cell printed; ``"skipped"`` is a cell the runner never started.

    >>> how_it_stopped("df = (3*x", [{"output_type": "error", "ename": "SyntaxError"}])
    "stopped with a SyntaxError on line 1 ('(' was never closed)"
    >>> how_it_stopped("df = 1/0", [{"output_type": "error", "ename": "ZeroDivisionError"}])
    'stopped with a ZeroDivisionError'
    >>> how_it_stopped("raise Bad()", [{"output_type": "error", "ename": "<b>Bad</b>"}])
    'stopped with an error'
    >>> how_it_stopped("while True: pass", [], status="timeout")
    'was still running at its time limit and was stopped'
    """
    if status == "timeout":
        return "was still running at its time limit and was stopped"
    if status == "ended":
        return "stopped when its Python process ended (out of memory, or a crash)"
    if status == "skipped":
        return ("was never run (the notebook had used up its time, or its Python process "
                "kept ending)")
    name = next((str(o.get("ename", "")) for o in outputs
                 if isinstance(o, dict) and o.get("output_type") == "error"), None)
    if name is None:
        return None
    if name in _SYNTAX_ERRORS:
        return _syntax_error(name, source)
    known = getattr(builtins, name, None)
    if isinstance(known, type) and issubclass(known, BaseException):
        return f"stopped with {'an' if name[0] in 'AEIOU' else 'a'} {name}"
    return "stopped with an error"


def _syntax_error(name: str, source: str) -> str:
    """The syntax error as Python describes it here; IPython accepts some lines Python does
    not (magics), so a cell that compiles is only said to have had one."""
    article = "an" if name[0] in "AEIOU" else "a"
    try:
        compile(source, "<answer cell>", "exec", dont_inherit=True)
    except SyntaxError as error:
        line = f" on line {error.lineno}" if isinstance(error.lineno, int) else ""
        words = str(error.msg or "")
        said = f" ({words})" if words.isascii() and words.isprintable() and \
            len(words) <= 80 else ""
        return f"stopped with {article} {type(error).__name__}{line}{said}"
    except (ValueError, RecursionError, MemoryError):  # NUL bytes, absurd nesting
        pass
    return f"stopped with {article} {name}"


class StoppedCells:
    """How the answer cells since the last test cell stopped, and for each name bound by a
    cell that stopped, how it did.

    >>> cells = StoppedCells()
    >>> cells.ran("df = (3*x", [{"output_type": "error", "ename": "SyntaxError"}])
    >>> cells.why_undefined("df")
    "stopped with a SyntaxError on line 1 ('(' was never closed)"
    >>> cells.test_cell_ran(); cells.why_undefined("df") is None
    True
    """

    def __init__(self) -> None:
        self._since_last_test: list[str] = []
        self._by_name: dict[str, str] = {}

    def ran(self, source: str, outputs: list[Any], status: str = "ok") -> None:
        """An answer cell ran with these outputs (``status`` as :func:`how_it_stopped`)."""
        stopped = how_it_stopped(source, outputs, status)
        names = bound_names(source)
        if stopped is None:
            for name in names:
                self._by_name.pop(name, None)
            return
        self._since_last_test.append(stopped)
        self._by_name.update(dict.fromkeys(names, stopped))

    def test_cell_ran(self) -> None:
        self._since_last_test = []

    def why_undefined(self, name: str) -> str | None:
        """How the cell that should have defined ``name`` stopped: the cell that binds it,
        else the last answer cell since the previous test cell that stopped; None when no
        cell stopped (the answer was simply never written)."""
        return self._by_name.get(name) or \
            (self._since_last_test[-1] if self._since_last_test else None)
