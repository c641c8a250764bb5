"""Stage 3 of reading text: build a sympy expression from tokens, within size limits.

A small recursive-descent parser (sums, products, unary signs, right-associative powers,
function calls). Limits on nesting depth and on the size of constant powers are enforced
before sympy builds the node that would blow up (``9^9^9`` is refused, not computed).
"""
from __future__ import annotations

import math

import sympy as sp

from calcrl_checks.outcome.errors import ParseError, UnsafeInput
from calcrl_checks.expressions.functions import ROWS_BY_NAME
from calcrl_checks.expressions.parsing.tokens import Token
from calcrl_checks.expressions.parsing.vocabulary import CONSTANTS, suggest

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
        row = ROWS_BY_NAME[name.text]
        if name.power == "-1" and row.inverse is not None:
            row = ROWS_BY_NAME[row.inverse]          # sin^(-1) x is arcsin x
        elif name.power == "-1":
            raise ParseError(f"'{name.text}^(-1)' at column {name.column + 1} could mean "
                             f"1/{name.text}(...) or the inverse function: write that one",
                             self.original, name.column)
        builder, (fewest, most) = row.build, row.arity
        self.enter(name)
        if self.at("("):
            opened = self.take()
            arguments = [] if self.at(")") else [self.sum()]
            while self.at(","):
                self.take()
                arguments.append(self.sum())
            self.expect(")", opened)
        else:
            arguments = [self.bare_argument(name)]
        self.depth -= 1
        if not fewest <= len(arguments) <= most:
            wanted = str(fewest) if fewest == most else f"{fewest} to {most}"
            raise ParseError(f"'{name.text}' takes {wanted} argument(s), got {len(arguments)} "
                             f"(column {name.column + 1})", self.original, name.column)
        if name.base is not None:
            if len(arguments) != 1:
                raise ParseError(f"'log_{name.base}' takes one argument (column "
                                 f"{name.column + 1})", self.original, name.column)
            arguments.append(sp.E if name.base == "e" else sp.Rational(name.base))
        value = builder(*arguments)
        if name.power not in (None, "-1", "1"):
            value = bounded_power(value, sp.Rational(name.power), name.column, self.original)
        return value

    def bare_argument(self, name: Token) -> sp.Expr:
        """The argument of a function written without parentheses.

        The rule: it is the product written right after the name without an operator sign,
        up to the next +, -, *, /, comma, closing parenthesis or function name. So ``sin 2x``
        is sin(2x), ``2 sin 2x cos x`` is 2 sin(2x) cos(x), and ``cos x^2`` is cos(x^2) (the
        square of cos x is ``cos^2 x``). Where a second reading is as plausible (``sin x/2``,
        ``sin x e^x``), the text is refused with both readings shown.
        """
        following = self.peek()
        if following is None or following.kind not in ("number", "name", "function") \
                and following.text != "(":
            raise ParseError(f"'{name.text}' at column {name.column + 1} needs its argument "
                             f"in parentheses, like {name.text}(x)", self.original, name.column)
        factors: list[sp.Expr] = []
        powered = False
        while True:
            start = self.index
            factors.append(self.power())
            powered = powered or any(t.text == "**" for t in self.tokens[start:self.index])
            token, after = self.peek(), self._token(self.index + 1)
            if not (token is not None and token.implicit and after is not None
                    and after.kind != "function"):
                break
            self.take()
        argument = sp.Mul(*factors)
        varying = [f for f in factors if not f.is_number]
        shown = name.text if name.power is None else f"{name.text}^{name.power}"
        if len(varying) >= 2 and powered:
            first = sp.Mul(*factors[:len(factors) - 1])
            raise ParseError(f"'{shown}' at column {name.column + 1} without parentheses can "
                             f"be read two ways: {shown}({_text(argument)}) or "
                             f"{shown}({_text(first)})*{_text(factors[-1])}. Add parentheses "
                             "to say which", self.original, name.column)
        divisor = self._token(self.index + 1)
        if self.at("/") and divisor is not None and divisor.kind != "function":
            rest = "(...)" if divisor.text == "(" else divisor.text
            raise ParseError(f"'{shown}' at column {name.column + 1} without parentheses can "
                             f"be read two ways: {shown}({_text(argument)})/{rest} or "
                             f"{shown}({_text(argument)}/{rest}). Add parentheses to say which",
                             self.original, name.column)
        return argument

    def _token(self, index: int) -> Token | None:
        return self.tokens[index] if index < len(self.tokens) else None


def _text(expr: sp.Expr) -> str:
    text: str = sp.sstr(expr)  # sympy is untyped: sstr is a str
    return text.replace("**", "^")


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
    if base.is_Number and base.is_negative and exponent.is_Rational and exponent.q % 2 == 1:
        # The real odd root, as a calculus student means it: (-8)^(1/3) is -2 (sympy's
        # principal root would be the complex 1 + 1.73i). Symbolic bases follow the same
        # convention when evaluated (expressions/evaluate.py).
        return sp.Integer(-1) ** exponent.p * sp.Pow(-base, exponent)
    return sp.Pow(base, exponent)
