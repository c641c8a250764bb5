"""Stage 0 for LaTeX answers: rewrite LaTeX math into the plain text syntax.

Covers what students type for this course: ``\\frac``, ``\\sqrt``, ``e^{x}``, ``\\ln``, ``\\log``
(natural log), ``\\exp``, trig, ``\\cdot``, Greek letters and subscripts such as ``\\theta_0``.
"""
from __future__ import annotations

import re

from calcrl_checks.outcome.errors import ParseError
from calcrl_checks.expressions.functions import latex_names

_FUNCTIONS = latex_names()

_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "theta", "vartheta", "lambda",
          "mu", "phi", "varphi", "pi", "sigma", "tau", "omega", "eta", "kappa", "rho", "xi"}
_RENAMED = {"varepsilon": "eps", "epsilon": "eps", "vartheta": "theta", "varphi": "phi",
            "lambda": "lambda_"}
_OPERATORS = {"cdot": "*", "times": "*", "div": "/", "ast": "*"}
_SPACING = {",", ";", ":", "!", " ", "quad", "qquad", "left", "right", "big", "Big", "bigl",
            "bigr", "Bigl", "Bigr", "displaystyle", "limits"}
_COMMAND = re.compile(r"\\([A-Za-z]+|.)")
_ENDS_WITH_LOG = re.compile(r"(?<![A-Za-z])log\s*$")


def looks_like_latex(text: str) -> bool:
    """True for text that carries LaTeX markup (a backslash command or braces)."""
    return "\\" in text or "{" in text


def latex_to_text(text: str) -> str:
    """Rewrite LaTeX math into plain text syntax.

    >>> latex_to_text(r"\\frac{e^{x}}{1+e^{x}}")
    '((e^(x))/(1+e^(x)))'
    """
    return _Reader(text.strip().strip("$")).read_until(None)


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.open_bars = False

    def group(self) -> str:
        """One argument: a braced group or a single character/command."""
        self.skip_spaces()
        if self.pos >= len(self.text):
            raise ParseError("a LaTeX command is missing its argument", self.text, self.pos)
        if self.text[self.pos] == "{":
            self.pos += 1
            inner = self.read_until("}")
            return inner
        if self.text[self.pos] == "\\":
            return self.command()
        char = self.text[self.pos]
        self.pos += 1
        return char

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] == " ":
            self.pos += 1

    def read_until(self, closer: str | None) -> str:
        out: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if closer is not None and char == closer:
                self.pos += 1
                return "".join(out)
            if char == "\\":
                out.append(self.command())
            elif char == "{":
                self.pos += 1
                out.append("(" + self.read_until("}") + ")")
            elif char == "}":
                raise ParseError("unmatched '}' in your LaTeX", self.text, self.pos)
            elif char == "|":
                # |x| and \left| x \right| are absolute values; bars alternate open/close.
                self.pos += 1
                out.append(")" if self.open_bars else " abs(")
                self.open_bars = not self.open_bars
            elif char in "^_":
                self.pos += 1
                argument = self.group()
                if char == "_" and _ENDS_WITH_LOG.search("".join(out)):
                    # \log_2 x, log_{10}(x): a logarithm's base, read by the tokenizer.
                    out[-1] = out[-1].rstrip()
                    plain = argument.strip()
                    out.append(f"_{plain} " if plain.isdigit() or plain == "e"
                               else f"_({plain}) ")
                    continue
                if char == "_" and out:
                    # theta_0 names one symbol, theta0: glue the subscript to its base.
                    out[-1] = out[-1].rstrip()
                out.append(f"^({argument})" if char == "^" else argument)
            else:
                out.append(char)
                self.pos += 1
        if closer is not None:
            raise ParseError(f"a '{{' in your LaTeX is never closed with '{closer}'", self.text)
        return "".join(out)

    def command(self) -> str:
        match = _COMMAND.match(self.text, self.pos)
        if match is None:
            raise ParseError("a lone backslash in your LaTeX", self.text, self.pos)
        start = self.pos
        self.pos = match.end()
        name = match.group(1)
        if name in ("frac", "dfrac", "tfrac"):
            top, bottom = self.group(), self.group()
            return f"(({top})/({bottom}))"
        if name == "sqrt":
            self.skip_spaces()
            if self.text.startswith("[", self.pos):
                close = self.text.find("]", self.pos)
                if close < 0:
                    raise ParseError("\\sqrt[ is never closed with ]", self.text, self.pos)
                index = self.text[self.pos + 1:close]
                self.pos = close + 1
                return f"(({self.group()})^(1/({index})))"
            return f"sqrt({self.group()})"
        if name in ("operatorname", "mathrm", "text", "mathit"):
            return " " + self.group() + " "
        if name in _OPERATORS:
            return _OPERATORS[name]
        if name in _SPACING:
            return " "
        if name in ("lvert", "rvert", "vert", "|"):
            self.open_bars = not self.open_bars
            return " abs(" if self.open_bars else ")"
        if name in ("{", "}"):
            return "(" if name == "{" else ")"
        if name in _FUNCTIONS or name in _GREEK:
            return " " + _RENAMED.get(name, name) + " "
        raise ParseError(f"unknown LaTeX command \\{name}", self.text, start)
