"""The hidden part of a test cell, run in the trusted grader with the student's answers.

A test cell's source alternates visible code (run with the student's code, in the sandbox)
and ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` regions. A hidden region never
goes to the sandbox: it runs here, in a fresh namespace holding only the answers it names.
Those names are the region's free variables (read, never assigned, not builtins), fetched from
the notebook as plain data; a builtin such as ``sum`` is never looked up in the student's
namespace, so a student cannot replace what the hidden test calls.

>>> cell = "a = 1\\n### BEGIN HIDDEN TESTS\\nassert a\\n### END HIDDEN TESTS\\n"
>>> [s.hidden for s in segments(cell)]
[False, True]
>>> answer_names("import numpy as np\\ngrade(check, df, np.zeros(2), points=1, part='df')")
['check', 'df', 'grade']
"""
from __future__ import annotations

import builtins
import contextlib
import io
import re
import symtable
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from calcrl_checks.cells.notebook import Graded, recording
from calcrl_checks.outcome.verdict import CheckFailed

BEGIN = "BEGIN HIDDEN TESTS"
END = "END HIDDEN TESTS"
_REGION = re.compile(rf"^[ \t]*###[ \t]*{BEGIN}[ \t]*\n(.*?)^[ \t]*###[ \t]*{END}[ \t]*(\n|$)",
                     re.M | re.S)


@dataclass(frozen=True)
class Segment:
    hidden: bool
    code: str


def segments(source: str) -> list[Segment]:
    """The cell's code in order: visible parts and hidden regions (empty parts left out)."""
    parts: list[Segment] = []
    position = 0
    for match in _REGION.finditer(source):
        parts.append(Segment(False, source[position:match.start()]))
        parts.append(Segment(True, match.group(1)))
        position = match.end()
    parts.append(Segment(False, source[position:]))
    return [part for part in parts if part.code.strip()]


def answer_names(code: str) -> list[str]:
    """Names the code reads but never binds, builtins excluded (the answers it needs)."""
    table = symtable.symtable(code, "<hidden tests>", "exec")
    bound = {s.get_name() for s in table.get_symbols()
             if s.is_assigned() or s.is_imported() or s.is_parameter()}
    read: set[str] = set()

    def visit(scope: symtable.SymbolTable, top: bool) -> None:
        for symbol in scope.get_symbols():
            name = symbol.get_name()
            if symbol.is_referenced() and (top or symbol.is_global()):
                read.add(name)
        for child in scope.get_children():
            visit(child, False)

    visit(table, True)
    return sorted(name for name in read - bound if not hasattr(builtins, name))


def bound_names(code: str) -> set[str]:
    """Names a cell binds at its top level (assigned, defined, imported); none if it does not
    compile.

    >>> sorted(bound_names("import numpy as np\\ndef f(x):\\n    return x\\ny = f(2)"))
    ['f', 'np', 'y']
    """
    try:
        table = symtable.symtable(code, "<cell>", "exec")
    except SyntaxError:
        return set()
    return {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}


@dataclass
class HiddenRun:
    """What a hidden region did: its verdicts, its own output, and the error that ended it."""

    graded: list[Graded] = field(default_factory=list)
    printed: str = ""
    error: tuple[str, str] | None = None    # (exception name, message)
    missing: str | None = None              # an answer the notebook does not define


def run_hidden(code: str, fetch: Callable[[str], Any]) -> HiddenRun:
    """Run a hidden region here; ``fetch(name)`` gives an answer or raises ``LookupError``."""
    result = HiddenRun()
    namespace: dict[str, Any] = {"__builtins__": builtins, "__name__": "__hidden_tests__"}
    try:
        compiled = compile(code, "<hidden tests>", "exec")
        names = answer_names(code)
    except SyntaxError as error:
        result.error = ("SyntaxError", f"the hidden tests do not compile: {error}")
        return result
    for name in names:
        try:
            namespace[name] = fetch(name)
        except LookupError:
            result.missing = result.missing or name
    printed = io.StringIO()
    with recording() as graded, contextlib.redirect_stdout(printed):
        try:
            exec(compiled, namespace)  # instructor code from the gradebook, never student text
        except CheckFailed as failure:
            if not graded:
                result.error = ("CheckFailed", str(failure))
        except NameError as error:
            result.error = ("NameError", str(error))
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # the grader must survive whatever a check raises
            result.error = (type(error).__name__, str(error) or type(error).__name__)
    result.graded = list(graded)
    result.printed = printed.getvalue()
    return result
