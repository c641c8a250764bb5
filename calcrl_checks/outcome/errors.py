"""Exceptions that travel inside a check and become verdicts in one place (``outcome.py``)."""
from __future__ import annotations


class ParseError(ValueError):
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


class Refused(Exception):
    """An answer refused before comparison; carries the verdict code and the student message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class AuthorError(ValueError):
    """A question author's mistake (an expected answer the checks cannot use, a domain where it
    is undefined): raised while authoring; under grading it becomes ``internal_error``."""
