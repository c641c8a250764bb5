"""The HTML pages calcrl writes itself: the student's feedback index and the class report.

Both show what a student controls (ids, names, notebook names, the headline of a lost point,
which a student's kernel can write, the reason a notebook could not be read), so both are
Jinja2 templates (``calcrl_checks/templates/pages``) rendered with autoescape on by default:
every value is escaped unless a template says otherwise, and none says so for anything a
student wrote, so student text can never become markup however it is spelled. Addresses are
built by :func:`url`, which percent-encodes each path segment, so a student id or notebook
name cannot leave its segment or its attribute either.

Each page's ``<head>`` also carries :data:`~calcrl_checks.display.safe_html.PAGE_POLICY` as its
Content-Security-Policy, as defence in depth: should markup ever slip through, no script
runs and nothing is fetched; the inline style and the charts carried as ``data:`` images
still show.
"""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from calcrl_checks.display.safe_html import PAGE_POLICY


def url(*segments: str, fragment: str = "") -> str:
    """A relative address from path segments, each percent-encoded whole (``/`` too).

    >>> url("..", "feedback", "a/b", "q01 x.html", fragment="q01-test")
    '../feedback/a%2Fb/q01%20x.html#q01-test'
    """
    path = "/".join(quote(segment, safe="") for segment in segments)
    return path + (f"#{quote(fragment, safe='')}" if fragment else "")


def number(value: float, spec: str = "g") -> str:
    """``value`` formatted by a format spec: ``3.0`` -> ``3``, ``0.25|number(".0%")`` -> 25%."""
    return format(value, spec)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The templates' environment: autoescaped, and an unknown name is an error, not ""."""
    env = Environment(loader=PackageLoader("calcrl_checks", "templates/pages"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(url=url, policy=PAGE_POLICY)
    env.filters["number"] = number
    return env


def render(template_name: str, **context: object) -> str:
    """The page ``template_name`` (under ``templates/pages``) rendered with ``context``."""
    return environment().get_template(template_name).render(**context)
