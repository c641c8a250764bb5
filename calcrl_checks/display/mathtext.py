"""Math that reads right offline: ``$...$`` and ``$$...$$`` become MathML, which browsers
render natively, so no page of the course needs MathJax or a network.

Used by the feedback pages (markdown, outputs, TA comments), the feedback index and the class
report. Text the converter cannot read is left as it was.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable

_CODE_SPAN = re.compile(r"(```.*?```|`[^`]*`)", re.S)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$(?!\$)", re.S)
_MATH = re.compile(rf"{_DISPLAY.pattern}|{_INLINE.pattern}", re.S)


def latex_to_mathml(tex: str, display: bool = False) -> str | None:
    """MathML for one LaTeX formula, or None when the converter cannot read it.

    >>> latex_to_mathml(r"\\frac{1}{2}").startswith("<math")
    True
    """
    from latex2mathml.converter import convert

    try:
        return convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # the converter raises many kinds of errors on text it cannot read
        return None


def markdown_math(text: str) -> str:
    """Markdown with its formulas as MathML; code spans and fenced code are left alone.

    A heading that holds a formula becomes an HTML heading: nbconvert rebuilds markdown
    headings through an XML parser that renames MathML tags (``ns0:math``), which browsers
    then show as bare text ("x = 1/2" read "x=12").

    >>> "<math" in markdown_math("## Part 1: $x = \\\\tfrac12$") and "$" not in markdown_math("$x$")
    True
    """
    out: list[str] = []
    fenced = False
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        heading = None if fenced else _HEADING.match(line)
        if heading and _MATH.search(heading.group(2)):
            out.append(_html_heading(len(heading.group(1)), heading.group(2)))
        else:
            out.append(line)
    pieces = _CODE_SPAN.split("".join(out))
    return "".join(piece if piece.startswith("`") else _formulas(piece, str) for piece in pieces)


def heading_html(text: str) -> str:
    """A heading's text as HTML: code spans as <code>, formulas as MathML, emphasis marks
    dropped, the rest escaped.

    >>> heading_html("Why minimise the *squared* `TD` error?")
    'Why minimise the squared <code>TD</code> error?'
    """
    return "".join(f"<code>{html.escape(piece[1:-1])}</code>" if piece.startswith("`")
                   else html_math(_EMPHASIS.sub(r"\1", piece))
                   for piece in _CODE_SPAN.split(text.strip()))


_EMPHASIS = re.compile(r"(?<![\\\w$])[*_]{1,2}([^*_$]+?)[*_]{1,2}(?![\w$])")


def _html_heading(level: int, text: str) -> str:
    """A markdown heading as HTML: code spans as <code>, formulas as MathML, the rest escaped."""
    inner = heading_html(text)
    slug = re.sub(r"[^\w-]+", "-", _MATH.sub("", text)).strip("-")
    return f'<h{level} id="{html.escape(slug)}">{inner}</h{level}>\n\n'


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def html_math(text: str) -> str:
    """Plain text (a check's message, a TA comment) as HTML: escaped, formulas as MathML.

    >>> html_math("a < b and $x^2$")[:18]
    'a &lt; b and <math'
    """
    return _formulas(text, html.escape)


def _formulas(text: str, outside: Callable[[str], str]) -> str:
    """Formulas in ``text`` as MathML; everything else through ``outside``."""
    out, last = [], 0
    for match in _MATH.finditer(text):
        display = match.group(1) is not None
        tex = match.group(1) if display else match.group(2)
        rendered = latex_to_mathml(tex, display)
        out.append(outside(text[last:match.start()]))
        out.append(rendered if rendered is not None else outside(match.group(0)))
        last = match.end()
    out.append(outside(text[last:]))
    return "".join(out)
