"""The package's exceptions: one root, :class:`CalcrlError`, and the ones that travel inside a
check and become verdicts where the check ends (``api.compare``, ``outcome/guard.py``).

>>> from calcrl_checks import CalcrlError, ParseError, parse
>>> try:
...     parse("2*/x")
... except CalcrlError as error:
...     print(type(error).__name__, isinstance(error, ParseError))
ParseError True
"""
from __future__ import annotations


class CalcrlError(Exception):
    """The root of every error calcrl raises on purpose: ``except CalcrlError`` catches them.

    Two stand outside it because they must get past ``except Exception`` in the code they
    stop: :class:`BudgetExceeded` (student code must not swallow a timeout) and
    ``engine.bubblewrap.SandboxUnavailable`` (a ``SystemExit``, which nbgrader lets through).
    """


class ParseError(CalcrlError, ValueError):
    """Text that could not be read as mathematics.

    ``position`` is the 0-based column in the text the student wrote (or None when the whole
    text is at fault); ``code`` is the verdict code the failure maps to.
    """

    code = "parse_error"

    def __init__(self, message: str, text: str = "", position: int | None = None):
        super().__init__(message)
        self.message = message
        self.text = text
        self.position = position

    def pointer(self) -> str:
        """The text with a caret under the offending position, for messages."""
        if self.position is None or not self.text or "\n" in self.text or len(self.text) > 120:
            return ""
        return f"    {self.text}\n    {' ' * self.position}^"

    def __str__(self) -> str:
        pointer = self.pointer()
        return f"{self.message}\n{pointer}" if pointer else self.message


class UnsafeInput(ParseError):
    """Text that uses a construct answers may not use, or that exceeds a size limit."""

    code = "unsafe_input"


class BudgetExceeded(BaseException):
    """A time budget ran out.

    A BaseException so that student code's ``except Exception`` cannot swallow it.
    """

    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.seconds = seconds


class Refused(CalcrlError):
    """An answer refused before comparison, as data: its verdict ``code`` and the ``message``
    a student reads, and the ``type_name`` of the value when that is all that is known of it.

    The one carrier of a refusal: raised inside the stages, held by a reading that could not
    read an answer, and what crosses the sandbox boundary when the sending side refused a
    value (``crossing/wire.py`` encodes it from this type and decodes it into this type).
    """

    def __init__(self, code: str, message: str, type_name: str = "object"):
        super().__init__(message)
        self.code = code
        self.message = message
        self.type_name = type_name if type_name.isidentifier() else "object"


class AuthorError(CalcrlError, ValueError):
    """A question author's mistake (an expected answer the checks cannot use, a domain where it
    is undefined): raised while authoring; under grading it becomes ``internal_error``."""
