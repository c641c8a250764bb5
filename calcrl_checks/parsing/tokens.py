"""Stage 2 of reading text: split normalised text into tokens and make implicit products explicit.

``2x e^x`` becomes ``2 * x * e ** x``; ``sin x`` becomes ``sin(x)``. Strings, attribute access,
subscripts and other Python constructs are refused here, with the column they start at.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ParseError, UnsafeInput
from .vocabulary import CONSTANTS, FORBIDDEN, FUNCTIONS

#: Longest integer literal accepted, in digits.
MAX_DIGITS = 60
#: Largest power of ten in scientific notation (1e300 is fine, 1e99999999 is refused).
MAX_EXPONENT = 300

_TOKEN = re.compile(r"""
    (?P<number>(\d+\.?\d*|\.\d+)([eE][+-]?\d+(?![A-Za-z_]))?)
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<op>\*\*|[-+*/(),])
  | (?P<space>\s+)
  | (?P<other>.)
""", re.VERBOSE)

_REFUSED_CHARACTERS = {
    ".": "attribute access (.) is not allowed in an answer",
    "[": "subscripts and lists ([ ]) are not allowed; write one expression",
    "]": "subscripts and lists ([ ]) are not allowed; write one expression",
    "'": "strings (quotes) are not allowed inside an answer",
    '"': "strings (quotes) are not allowed inside an answer",
    ";": "only one expression is allowed (found ';')",
    ":": "':' is not part of a math expression",
    "@": "'@' (matrix product) is not allowed; write the expression out",
    "=": "write only the expression, without '=' (for example '2*x', not 'f = 2*x')",
    "<": "comparisons are not allowed in an answer",
    ">": "comparisons are not allowed in an answer",
    "!": "'!' is not allowed in an answer",
    "%": "'%' is not allowed in an answer",
    "&": "'&' is not allowed in an answer",
    "|": "write abs(...) instead of |...|",
    "~": "'~' is not allowed in an answer",
    "#": "comments (#) are not allowed in an answer",
    "\\": "a backslash is not allowed here",
    "{": "braces are not allowed here",
    "}": "braces are not allowed here",
    "$": "'$' is not allowed here",
}


@dataclass(frozen=True)
class Token:
    kind: str          # "number", "name", "function", "op"
    text: str
    column: int        # column in the student's original text


def tokenize(text: str, origin: list[int], symbols: frozenset[str], original: str) -> list[Token]:
    """Tokens of normalised ``text``, with implicit multiplication made explicit."""
    raw: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        piece = match.group()
        column = origin[match.start()] if match.start() < len(origin) else len(original)
        if kind == "space":
            continue
        if kind == "other":
            reason = _REFUSED_CHARACTERS.get(piece, f"the character {piece!r} is not allowed")
            error = UnsafeInput if piece in ".['\"" else ParseError
            raise error(f"{reason} (column {column + 1})", original, column)
        if kind == "number":
            follows = raw[-1] if raw else None
            if piece.startswith(".") and follows is not None and \
                    (follows.kind in ("number", "name", "unknown") or follows.text == ")") and \
                    text[match.start() - 1:match.start()].strip():
                raise ParseError(f"unexpected '.' at column {column + 1}: a number has at most "
                                 "one decimal point", original, column)
            mantissa, _, power = piece.lower().partition("e")
            digits = len(mantissa.replace(".", ""))
            if power and abs(int(power)) > MAX_EXPONENT:
                raise UnsafeInput(f"the number {piece} at column {column + 1} is out of range "
                                  f"(exponent limit {MAX_EXPONENT})", original, column)
            if digits > MAX_DIGITS:
                raise UnsafeInput(f"a number with {digits} digits is longer than the "
                                  f"{MAX_DIGITS}-digit limit (column {column + 1})",
                                  original, column)
        if kind == "name":
            raw.extend(_read_name(piece, column, symbols, original))
            continue
        raw.append(Token(kind, piece, column))
    return _insert_products(raw)


def _read_name(name: str, column: int, symbols: frozenset[str], original: str) -> list[Token]:
    if name in FORBIDDEN and not (name in symbols and name not in _CALCULUS):
        raise UnsafeInput(f"'{name}' is not allowed (column {column + 1}): {FORBIDDEN[name]}",
                          original, column)
    if name.startswith("_"):
        raise UnsafeInput(f"names starting with '_' are not allowed (column {column + 1})",
                          original, column)
    if name in symbols or name in CONSTANTS:
        return [Token("name", name, column)]
    if name in FUNCTIONS:
        return [Token("function", name, column)]
    pieces = _split_product(name, symbols)
    if pieces:
        tokens, offset = [], column
        for piece in pieces:
            tokens.append(Token("name", piece, offset))
            offset += len(piece)
        return tokens
    return [Token("unknown", name, column)]


_CALCULUS = {name for name, why in FORBIDDEN.items() if why.startswith("calculus")}


def _split_product(name: str, symbols: frozenset[str]) -> list[str] | None:
    """Read an undeclared run of letters as a product of declared names ('xy' -> x*y)."""
    names = sorted(symbols | set(CONSTANTS), key=len, reverse=True)
    pieces: list[str] = []
    rest = name
    while rest:
        for candidate in names:
            if rest.startswith(candidate):
                pieces.append(candidate)
                rest = rest[len(candidate):]
                break
        else:
            return None
    return pieces if len(pieces) > 1 else None


def _ends_operand(token: Token) -> bool:
    return token.kind in ("number", "name", "unknown") or token.text == ")"


def _starts_operand(token: Token) -> bool:
    return token.kind in ("number", "name", "function", "unknown") or token.text == "("


def _insert_products(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    for token in tokens:
        if out and _ends_operand(out[-1]) and _starts_operand(token):
            out.append(Token("op", "*", token.column))
        out.append(token)
    return out
