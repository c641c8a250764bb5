"""Stage 1 of reading text: one spelling for every symbol a student may type.

Unicode minus signs, multiplication dots, superscript digits and Greek letters become plain
Python-style math; ``^`` becomes ``**``; ``|x|`` becomes ``abs(x)`` (a bar opens after an
operator or at the start, and closes after an operand). Every output character remembers the
input column it came from, so later stages can point at what the student wrote.
"""
from __future__ import annotations

import unicodedata

from calcrl_checks.outcome.errors import ParseError, UnsafeInput

#: Longest text read at all; longer answers are refused before any other work.
MAX_TEXT_LENGTH = 2000

_LOOKALIKES = {
    "\u2212": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-",
    "\ufe63": "-", "\uff0d": "-",
    "\u00d7": "*", "\u00b7": "*", "\u22c5": "*", "\u2219": "*", "\u2217": "*", "\u2022": "*",
    "\u00f7": "/", "\u2215": "/", "\u2044": "/",
    "\u03c0": "pi", "\u03b8": "theta", "\u03b1": "alpha", "\u03b3": "gamma", "\u03b4": "delta",
    "\u03b5": "eps", "\u03c3": "sigma", "\u03bb": "lambda_", "\u03bc": "mu", "\u03c6": "phi",
    "\u221a": "sqrt", "\u212f": "e", "\u2147": "e",
    "^": "**", "\u2009": " ", "\u00a0": " ", "\u202f": " ",
}
_SUPERSCRIPTS = dict(zip("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b\u207a",
                         "0123456789-+"))
_SUBSCRIPTS = dict(zip("\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089",
                       "0123456789"))


def normalize(text: str) -> tuple[str, list[int]]:
    """Return the plain spelling of ``text`` and, per output character, its input column.

    >>> normalize("2x\u00b2 \u2212 1")[0]
    '2x**(2) - 1'
    """
    if len(text) > MAX_TEXT_LENGTH:
        raise UnsafeInput(f"your answer is {len(text)} characters long; the limit is "
                          f"{MAX_TEXT_LENGTH}. Simplify it and try again.", text)
    out: list[str] = []
    origin: list[int] = []

    def emit(piece: str, column: int) -> None:
        out.append(piece)
        origin.extend([column] * len(piece))

    column = 0
    open_bars: list[int] = []
    while column < len(text):
        char = text[column]
        if char == "|":
            before = "".join(out).rstrip()[-1:]
            if open_bars and (before.isalnum() or before in ")._"):
                open_bars.pop()
                emit(")", column)
            else:
                open_bars.append(column)
                emit(" abs(", column)
            column += 1
            continue
        if char in _SUPERSCRIPTS:
            start = column
            digits = ""
            while column < len(text) and text[column] in _SUPERSCRIPTS:
                digits += _SUPERSCRIPTS[text[column]]
                column += 1
            emit(f"**({digits})", start)
            continue
        if char in _SUBSCRIPTS:
            emit(_SUBSCRIPTS[char], column)
        elif char in _LOOKALIKES:
            emit(_LOOKALIKES[char], column)
        elif char in "\t\r\n":
            emit(" ", column)
        elif ord(char) > 127:
            plain = unicodedata.normalize("NFKC", char)
            emit(plain if plain.isascii() else char, column)
        else:
            emit(char, column)
        column += 1
    if open_bars:
        raise ParseError(f"the '|' at column {open_bars[-1] + 1} is never closed", text,
                         open_bars[-1])
    return "".join(out), origin
