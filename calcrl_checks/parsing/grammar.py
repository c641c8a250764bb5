"""Stage 3 of reading text: build a sympy expression from tokens, within size limits.

A small recursive-descent parser (sums, products, unary signs, right-associative powers,
function calls). Limits on nesting depth and on the size of constant powers are enforced
before sympy builds the node that would blow up (``9^9^9`` is refused, not computed).
"""
from __future__ import annotations

import math

import sympy as sp

from ..errors import ParseError, UnsafeInput
from .tokens import Token
from .vocabulary import CONSTANTS, FUNCTIONS, suggest

#: Deepest nesting of parentheses, powers, signs and calls.
MAX_DEPTH = 40
#: Largest constant power built exactly, measured in decimal digits of the result.
MAX_POWER_DIGITS = 400


class Grammar:
    def __init__(self, tokens: list[Token], symbols: dict[str, sp.Symbol], original: str):
        self.tokens = tokens
        self.symbols = symbols
        self.original = original
        self.index = 0
        self.depth = 0

    # -- helpers -----------------------------------------------------------------------------
    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise ParseError("your answer ends too early; is something missing at the end?",
                             self.original, len(self.original))
        self.index += 1
        return token

    def at(self, text: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "op" and token.text == text

    def expect(self, text: str, opened_at: Token) -> None:
        if not self.at(text):
            raise ParseError(f"the '(' at column {opened_at.column + 1} is never closed",
                             self.original, opened_at.column)
        self.index += 1

    def enter(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise UnsafeInput(f"your answer is nested more than {MAX_DEPTH} levels deep "
                              f"(column {token.column + 1}); simplify it", self.original,
                              token.column)

    # -- grammar -----------------------------------------------------------------------------
    def parse(self) -> sp.Expr:
        if not self.tokens:
            raise ParseError("your answer is empty", self.original)
        value = self.sum()
        leftover = self.peek()
        if leftover is not None:
            raise ParseError(f"unexpected '{leftover.text}' at column {leftover.column + 1}",
                             self.original, leftover.column)
        return value

    def sum(self) -> sp.Expr:
        value = self.product()
        while self.at("+") or self.at("-"):
            sign = self.take().text
            right = self.product()
            value = value + right if sign == "+" else value - right
        return value

    def product(self) -> sp.Expr:
        value = self.unary()
        while self.at("*") or self.at("/"):
            operator = self.take()
            right = self.unary()
            if operator.text == "/" and right == 0:
                raise ParseError(f"division by zero at column {operator.column + 1}",
                                 self.original, operator.column)
            value = value * right if operator.text == "*" else value / right
        return value

    def unary(self) -> sp.Expr:
        if self.at("-") or self.at("+"):
            token = self.take()
            self.enter(token)
            operand = self.unary()
            self.depth -= 1
            return -operand if token.text == "-" else operand
        return self.power()

    def power(self) -> sp.Expr:
        base = self.atom()
        if self.at("**"):
            token = self.take()
            self.enter(token)
            exponent = self.unary()
            self.depth -= 1
            return bounded_power(base, exponent, token.column, self.original)
        return base

    def atom(self) -> sp.Expr:
        token = self.take()
        if token.kind == "number":
            return sp.Rational(token.text) if "." in token.text or "e" in token.text.lower() \
                else sp.Integer(token.text)
        if token.kind == "name":
            return self.symbols[token.text] if token.text in self.symbols \
                else CONSTANTS[token.text]
        if token.kind == "function":
            return self.call(token)
        if token.kind == "unknown":
            hint = suggest(token.text, self.symbols)
            known = ", ".join(sorted(self.symbols)) or "none"
            tail = f"; did you mean '{hint}'?" if hint else f" (this question's symbols: {known})"
            raise ParseError(f"unknown name '{token.text}' at column {token.column + 1}{tail}",
                             self.original, token.column)
        if token.text == "(":
            self.enter(token)
            value = self.sum()
            self.expect(")", token)
            self.depth -= 1
            return value
        raise ParseError(f"unexpected '{token.text}' at column {token.column + 1}",
                         self.original, token.column)

    def call(self, name: Token) -> sp.Expr:
        builder, fewest, most = FUNCTIONS[name.text]
        self.enter(name)
        if self.at("("):
            opened = self.take()
            arguments = [] if self.at(")") else [self.sum()]
            while self.at(","):
                self.take()
                arguments.append(self.sum())
            self.expect(")", opened)
        else:
            following = self.peek()
            if following is None or following.kind not in ("number", "name", "function"):
                raise ParseError(f"'{name.text}' at column {name.column + 1} needs its argument "
                                 f"in parentheses, like {name.text}(x)", self.original,
                                 name.column)
            arguments = [self.atom()]
            if self.at("**"):
                raise ParseError(f"write {name.text}(...) with parentheses (column "
                                 f"{name.column + 1}): '{name.text} {following.text}^...' "
                                 "could be read two ways", self.original, name.column)
        self.depth -= 1
        if not fewest <= len(arguments) <= most:
            wanted = str(fewest) if fewest == most else f"{fewest} to {most}"
            raise ParseError(f"'{name.text}' takes {wanted} argument(s), got {len(arguments)} "
                             f"(column {name.column + 1})", self.original, name.column)
        return builder(*arguments)


def bounded_power(base: sp.Expr, exponent: sp.Expr, column: int | None = None,
                  original: str = "") -> sp.Expr:
    """``base ** exponent``, refusing constant powers whose exact value would be huge."""
    where = f" at column {column + 1}" if column is not None else ""
    if base.is_Number and exponent.is_Number:
        magnitude = abs(float(base)) if base.is_finite else math.inf
        if magnitude not in (0.0, 1.0):
            digits = abs(float(exponent)) * abs(math.log10(magnitude)) if magnitude != math.inf \
                else math.inf
            if digits > MAX_POWER_DIGITS:
                raise UnsafeInput(f"the power{where} is a number with about {digits:.3g} digits; "
                                  f"the limit is {MAX_POWER_DIGITS}", original, column)
    elif exponent.is_Number and abs(exponent) > 10**6:
        raise UnsafeInput(f"the exponent{where} is larger than a million; simplify your answer",
                          original, column)
    return sp.Pow(base, exponent)
