"""HTML a person's browser may show: everything a student handed in, made inert.

Every page a TA, instructor or student opens (the formgrader, the feedback pages, the feedback
index, the class report) renders student text through :func:`clean_html`, a bleach allow-list
(bleach is the sanitizer nbconvert itself uses for ``HTMLExporter.sanitize_html``): the tags of
markdown, tables, images carried inside the page, MathML (the feedback pages' math from the
lesson's own text) and the code highlighter's classes. Anything else is shown as text, so a TA
sees what a student tried (``<script>`` reads as ``<script>``) and nothing of it runs: no
scripts, no event handlers, no ``style``, no ``id`` (which could shadow the formgrader's own
elements), no links but web, mail and in-page ones, no image that is not carried in the page.

``nbgrader_config.py`` installs :func:`clean_html` and :func:`markdown2html` as nbconvert's
filters of those names, so nbgrader's own formgrade and feedback templates (whose markdown
cells and TA comments skip nbconvert's sanitizing) are cleaned too. :data:`PAGE_POLICY` is the
Content-Security-Policy of the pages calcrl writes: no script at all, nothing from the network.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

import bleach
from jinja2 import pass_context

#: No script of any kind, nothing fetched: styles and images only from the page itself.
PAGE_POLICY = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
               "base-uri 'none'; form-action 'none'")

_MARKDOWN_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p",
    "pre", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
}
_MATHML_TAGS = {
    "math", "mfrac", "mi", "mn", "mo", "mover", "mpadded", "mphantom", "mroot", "mrow", "ms",
    "mspace", "msqrt", "mstyle", "msub", "msubsup", "msup", "mtable", "mtd", "mtext", "mtr",
    "munder", "munderover", "semantics", "annotation",
}
_MATHML_ATTRIBUTES = {
    "columnalign", "columnlines", "columnspacing", "display", "displaystyle", "fence", "form",
    "frame", "linethickness", "lspace", "mathvariant", "maxsize", "minsize", "movablelimits",
    "rowlines", "rowspacing", "rspace", "scriptlevel", "separator", "stretchy", "symmetric",
    "width", "accent", "accentunder", "encoding", "xmlns",
}
_LINK_PROTOCOLS = frozenset({"http", "https", "mailto"})
_IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|svg\+xml);base64,[A-Za-z0-9+/=\s]*\Z")
_TABLE_ATTRIBUTES = {"colspan", "rowspan", "align"}


@lru_cache(maxsize=1)
def _highlight_classes() -> frozenset[str]:
    """The class names Pygments gives highlighted code, plus the wrappers nbconvert adds."""
    from pygments.token import STANDARD_TYPES

    return frozenset(STANDARD_TYPES.values()) | {"highlight", "hl-ipython3", "hl-python"}


def _allowed(tag: str, name: str, value: str) -> bool:
    """bleach's attribute test: True keeps the attribute ``name="value"`` on ``tag``."""
    if tag in _MATHML_TAGS:
        return name in _MATHML_ATTRIBUTES
    if name == "class":
        return tag in ("span", "div", "pre", "code") and bool(value.split()) \
            and set(value.split()) <= _highlight_classes()
    if tag == "a":
        return name == "title" or name == "href" and _is_plain_link(value)
    if tag == "img":
        return name in ("alt", "title", "width", "height") or (
            name == "src" and bool(_IMAGE_DATA.match(value)))
    if tag in ("td", "th"):
        return name in _TABLE_ATTRIBUTES
    return tag in ("ol",) and name == "start" or tag == "abbr" and name == "title"


def _is_plain_link(address: str) -> bool:
    """A web, mail, in-page or relative address. Read as a browser reads it: entities
    decoded, and tabs, newlines and spaces (which browsers drop from a scheme) removed."""
    scheme = re.split(r"[/?#]", re.sub(r"[\x00-\x20]+", "", html.unescape(address)), maxsplit=1)[0]
    return ":" not in scheme or scheme.lower().split(":", 1)[0] in _LINK_PROTOCOLS


@lru_cache(maxsize=2)
def _cleaner(mathml: bool) -> bleach.Cleaner:
    return bleach.Cleaner(tags=_MARKDOWN_TAGS | (_MATHML_TAGS if mathml else set()),
                          attributes=_allowed, protocols=_LINK_PROTOCOLS | {"data"},
                          strip=False, strip_comments=True)


def clean_html(text: Any, mathml: bool = False) -> str:
    """``text`` as HTML with only allow-listed tags and attributes left live; the rest shows
    as text. MathML stays live only with ``mathml=True``, for the course's own text.

    >>> clean_html('<p onclick="x()">2 < 3 <script>alert(1)</script></p>')
    '<p>2 &lt; 3 &lt;script&gt;alert(1)&lt;/script&gt;</p>'
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    cleaned: str = _cleaner(mathml).clean(str(text))  # bleach is untyped: clean() gives a str
    return cleaned


def written_by_the_course(cell: Any) -> bool:
    """A cell whose text is the course's, not the student's: a locked nbgrader cell that is
    no answer. nbgrader's ``OverwriteCells`` put its source back from the gradebook when the
    submission was graded, whatever the student handed in.

    >>> written_by_the_course({"metadata": {"nbgrader": {"grade_id": "q02-intro", "locked": True}}})
    True
    """
    grading = (cell or {}).get("metadata", {}).get("nbgrader", {})
    return bool(grading.get("grade_id")) and bool(grading.get("locked")) \
        and not grading.get("solution")


def _course_text(cell: Any, source: str) -> bool:
    """Whether ``source``, rendered for ``cell``, is the course's: the cell's own text when
    the course wrote the cell, or the TA's comment on an answer (which nbgrader's GetGrades
    set from the gradebook)."""
    grading = (cell or {}).get("metadata", {}).get("nbgrader", {})
    if source == (cell or {}).get("source"):
        return written_by_the_course(cell)
    return bool(grading.get("comment")) and source == grading.get("comment") \
        and bool(grading.get("solution") or grading.get("task"))


@pass_context
def markdown2html(context: Any, source: str) -> str:
    """Markdown as HTML, cleaned by :func:`clean_html` (nbconvert's renderer, with its math
    left as text for the page's MathJax); the course's own text may keep its MathML
    (:class:`~calcrl_checks.preprocessors.RenderMathOffline` wrote it).

    >>> from jinja2 import Environment
    >>> env = Environment()
    >>> env.filters["md"] = markdown2html
    >>> env.from_string("{{ s | md }}").render(s="**hi** <img src=x onerror=alert(1)>")
    '<p><strong>hi</strong> &lt;img src=x onerror=alert(1)&gt;</p>\\n'
    """
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    course = _course_text(context.get("cell"), str(source))
    # A student's raw HTML is escaped by the markdown renderer itself: bleach would keep an
    # unclosed <table> live, and the HTML parser's table rules then moved the rest of the
    # answer out of sight. Markdown's own tables, links, images and code still render.
    renderer = IPythonRenderer(escape=not course, exclude_anchor_links=True)
    html = MarkdownWithMath(renderer=renderer).render(str(source))
    return clean_html(html, mathml=course)
