"""Stage 2 of reading text: split normalised text into tokens and make implicit products explicit.

``2x e^x`` becomes ``2 * x * e ** x`` (the inserted products are marked ``implicit``, which is
how the grammar finds the argument of ``sin 2x``). A function's power and a logarithm's base are
folded into the function's token: ``sin^2``, ``sin^(-1)``, ``log_2``. ``w_1`` names the declared
symbol ``w1``. Strings, attribute access, subscripts and other Python constructs are refused
here, with the column they start at.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from calcrl_checks.outcome.errors import ParseError, UnsafeInput
from calcrl_checks.expressions.parsing.vocabulary import CONSTANTS, FORBIDDEN, FUNCTIONS

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
    #: An operator the reader inserted (``2x`` -> ``2 * x``), not one the student typed.
    implicit: bool = False
    #: A function's power written on its name (``sin^2 x``: "2"; ``sin^(-1) x``: "-1").
    power: str | None = None
    #: A logarithm's base written as a subscript (``log_2 x``: "2"); "?" until it is read.
    base: str | None = None


def tokenize(text: str, origin: list[int], symbols: frozenset[str], original: str) -> list[Token]:
    """Tokens of normalised ``text``, with implicit multiplication made explicit."""
    raw: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"  # every alternative of _TOKEN is a named group
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
    return _insert_products(_fold_decorations(raw, original))


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
    based = _LOG_BASE.match(name)
    if based:
        rest = name[based.end():]
        tail = _read_name(rest, column + based.end(), symbols, original) if rest else []
        return [Token("function", "log", column, base=based.group(1) or "?"), *tail]
    glued = name.replace("_", "")
    if "_" in name and glued in symbols and not name.startswith("_"):
        return [Token("name", glued, column)]    # w_1 is how w1 is written with a subscript
    pieces = _split_product(name, symbols)
    if pieces:
        tokens, offset = [], column
        for piece in pieces:
            tokens.append(Token("name", piece, offset))
            offset += len(piece)
        return tokens
    return [Token("unknown", name, column)]


_CALCULUS = {name for name, why in FORBIDDEN.items() if why.startswith("calculus")}
#: ``log_2``, ``log_10``, ``log_e``; ``log_`` alone takes its base from a following ``(2)``.
_LOG_BASE = re.compile(r"log_(\d+|e)?")


def _fold_decorations(tokens: list[Token], original: str) -> list[Token]:
    """Fold ``f ** exponent`` (a number, maybe signed or in parentheses) into the function's
    token, and read the ``(base)`` of a ``log_``."""
    out: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token.kind != "function":
            out.append(token)
            continue
        base = token.base
        if base == "?":
            base, index = _signed_number(tokens, index)
            if base is None or base.startswith(("-", "+")):
                raise ParseError(f"'log_' at column {token.column + 1} needs a base, like "
                                 "log_2(x)", original, token.column)
        power = None
        if index < len(tokens) and tokens[index].text == "**" and tokens[index].kind == "op":
            power, after = _signed_number(tokens, index + 1)
            if power is not None:
                index = after
        out.append(Token("function", token.text, token.column, power=power, base=base))
    return out


def _signed_number(tokens: list[Token], index: int) -> tuple[str | None, int]:
    """A number at ``index``: ``2``, ``-1``, ``(2)`` or ``(-1)``; (None, index) if there is none."""
    def at(i: int, kind: str, texts: tuple[str, ...] = ()) -> bool:
        return i < len(tokens) and tokens[i].kind == kind and (not texts or tokens[i].text in texts)

    start, opened = index, at(index, "op", ("(",))
    if opened:
        index += 1
    sign = ""
    if at(index, "op", ("-", "+")):
        sign = "-" if tokens[index].text == "-" else ""
        index += 1
    if not at(index, "number"):
        return None, start
    number = sign + tokens[index].text
    index += 1
    if opened:
        if not at(index, "op", (")",)):
            return None, start
        index += 1
    return number, index


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
            out.append(Token("op", "*", token.column, implicit=True))
        out.append(token)
    return out
