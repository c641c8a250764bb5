"""The feedback index and the class report show what a student controls as text, never markup.

A student's id, name and notebook names, and the headline of a lost point (which the student's
kernel can write), each carry markup here; the pages are rendered straight from hand-built
standings and summaries (no nbgrader run), parsed, and searched for anything live.
"""
from __future__ import annotations

import doctest
import html
import re
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest

from calcrl_checks.instructor.results import pages
from calcrl_checks.instructor.results.feedback_index import index_page
from calcrl_checks.instructor.results.grades import StudentGrades
from calcrl_checks.instructor.results.report import ClassSummary, PartSummary, write_html
from calcrl_checks.instructor.results.standing import NotebookStanding, Part, Standing
from calcrl_checks.display.safe_html import PAGE_POLICY

pytestmark = pytest.mark.unit

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(2)>"
MATH = r"$\text{<img src=x onerror=alert(3)>}$"
BREAKOUT = '"><svg onload=alert(4)>'


class Tags(HTMLParser):
    """Every element the browser would build from a page: (tag, attributes)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))

    def tags(self) -> set[str]:
        return {tag for tag, _ in self.found}

    def attribute(self, name: str) -> list[str]:
        return [attrs[name] or "" for _, attrs in self.found if name in attrs]


def _inert(page: str, allowed: set[str]) -> None:
    """No element beyond the page's own, no handler, no script, no foreign image."""
    elements = Tags(page)
    assert elements.tags() <= allowed, elements.tags() - allowed
    assert not [name for _, attrs in elements.found for name in attrs
                if name.startswith("on")]
    for live in ("<script", "<img src=x", "<svg"):
        assert live not in page.lower()
    assert all(src.startswith("data:image/png;base64,") for src in elements.attribute("src"))


def _text(page: str) -> str:
    """What a reader sees: the tags taken out, the entities read."""
    return html.unescape(re.sub(r"<[^>]*>", "", page))


def _policy(page: str) -> list[str]:
    return [attrs.get("content") or "" for tag, attrs in Tags(page).found
            if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"]


def _hostile_standing() -> Standing:
    lost = Part("q01 a&b", f"a {SCRIPT}", 2.0, 0.0, code="wrong", headline=MATH)
    written = Part("q01-explain", "written answer", 4.0, 3.0, written=True,
                   headline=f"see {IMAGE}")
    return Standing(f"s{SCRIPT}", f"Eve {IMAGE}", "calculus", [
        NotebookStanding(f"q01_{BREAKOUT}", 3.0, 6.0, [lost, written]),
        NotebookStanding(f"q02_{SCRIPT}", 0.0, 3.0, [], unreadable=f"bad JSON {BREAKOUT}"),
    ])


def test_the_environment_escapes_every_value():
    assert pages.environment().from_string("{{ value }}").render(value="<b>") == "&lt;b&gt;"
    assert pages.render("feedback_index.html.j2", found=Standing("s", "<b>", "a")) \
        .count("&lt;b&gt;") == 2


def test_url_quotes_each_segment_and_the_fragment():
    assert pages.url("..", "feedback", "a/b", 'q"><x.html', fragment="p q#") == \
        "../feedback/a%2Fb/q%22%3E%3Cx.html#p%20q%23"
    assert doctest.testmod(pages).failed == 0


def test_the_index_shows_hostile_names_and_headlines_as_text():
    page = index_page(_hostile_standing())
    _inert(page, {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "b", "ul",
                  "li", "a", "table", "tr", "th", "td"})
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=alert(3)&gt;" in page
    assert "<math" not in page  # a headline is never read as LaTeX
    text = _text(page)
    for shown in (f"feedback for Eve {IMAGE}", f"(−2): {MATH}", f"q01_{BREAKOUT}",
                  f"could not be graded: bad JSON {BREAKOUT}", f"a {SCRIPT}"):
        assert shown in text, shown
    assert MATH in text.split("Every question and part")[1]  # the part's row, too
    link = "q01_%22%3E%3Csvg%20onload%3Dalert%284%29%3E.html"
    assert set(Tags(page).attribute("href")) == {
        link, f"{link}#q01%20a%26b", f"{link}#q01-explain"}
    assert _policy(page) == [PAGE_POLICY]
    assert "written answer</a></td><td class=\"n\">3 / 4" in page


def _hostile_summary() -> ClassSummary:
    eve, mal = f"eve{SCRIPT}", "mal/../x"
    notebook = f"q01_{BREAKOUT}"
    grades = {eve: StudentGrades(eve, 3.0, 6.0, {notebook: (3.0, 6.0)}, pending={notebook: 2.0})}
    earlier = {mal: StudentGrades(mal, 1.0, 6.0, {notebook: (1.0, 6.0)})}
    part = PartSummary(notebook, "q01-a-test", f"a {IMAGE}", 1,
                       Counter({"wrong_sign": 1}), defaultdict(list, {"wrong_sign": [eve]}))
    return ClassSummary("calculus", grades, [part], {eve: f"Eve {MATH}"},
                        {mal: f"failed: {SCRIPT}"}, earlier)


def test_the_report_shows_hostile_ids_names_and_notes_as_text(tmp_path: Path):
    page = write_html(_hostile_summary(), tmp_path / "report.html").read_text()
    _inert(page, {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "pre",
                  "ul", "li", "a", "small", "code", "br", "img", "table", "tr", "th", "td"})
    assert len(Tags(page).attribute("src")) == 3  # the three charts still show
    text = _text(page)
    for shown in (f"Eve {MATH}", f"q01_{BREAKOUT} · a {IMAGE}", f"failed: {SCRIPT}",
                  "wrong_sign: 1 of 1 (100%)", "mal/../x"):
        assert shown in text, shown
    eve = "../../feedback/eve%3Cscript%3Ealert%281%29%3C%2Fscript%3E/calculus"
    mal = "../../feedback/mal%2F..%2Fx/calculus"
    link = "q01_%22%3E%3Csvg%20onload%3Dalert%284%29%3E.html"
    assert set(Tags(page).attribute("href")) == {
        f"{eve}/index.html", f"{eve}/{link}", f"{eve}/{link}#q01-a-test",
        f"{mal}/index.html", f"{mal}/{link}"}
    assert _policy(page) == [PAGE_POLICY]
    assert 'id="q01-a-test"' in page and '<h2 id="students">' in page


MATHML = {"math", "mrow", "mi", "mn", "mo", "msup", "msub", "mfrac", "msqrt"}


def test_the_reteach_list_shows_hostile_answers_and_section_titles_as_text(tmp_path: Path):
    import dataclasses

    from calcrl_checks.instructor.results.reteach import ReteachItem

    notebook = f"q01_{BREAKOUT}"
    item = ReteachItem("missing_inner_derivative", "the chain rule's inner derivative is "
                       "missing", 2, 4.0, (notebook, "q02_plain"),
                       (SCRIPT, IMAGE, MATH, "3(2x+1)^2"))
    summary = dataclasses.replace(_hostile_summary(), reteach=[item],
                                  sections={notebook: f"Chain rule {IMAGE} $f(x) = x^2$"})
    page = write_html(summary, tmp_path / "report.html").read_text()
    _inert(page, {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "pre",
                  "ul", "li", "a", "small", "code", "br", "img", "table", "tr", "th", "td"}
           | MATHML)
    table = page.split('id="reteach"')[1].split("<h2>")[0]
    text = _text(table)
    for shown in (SCRIPT, IMAGE, MATH, f"Chain rule {IMAGE}", "q02_plain"):
        assert shown in text, shown
    assert table.count("<math") == 2       # the answer 3(2x+1)^2 and the title's formula
    assert table.count('<img alt="bar chart of the misconceptions') == 1


def _index(*notebooks: NotebookStanding) -> str:
    return _text(index_page(Standing("s1", "Ada", "calculus", list(notebooks))))


def test_the_index_praises_only_a_complete_assignment_with_nothing_lost():
    full = NotebookStanding("q01_a", 2.0, 2.0, [Part("q01-a", "a", 2.0, 2.0)])
    assert "Well done" in _index(full)
    unreadable = NotebookStanding("q02_b", 0.0, 3.0, [], unreadable="not JSON")
    assert "Well done" not in _index(full, unreadable)
    assert "No points lost" not in _index(full, unreadable)
    missing = NotebookStanding("q02_b", 0.0, 3.0, [], submitted=False)
    assert "Well done" not in _index(full, missing)
    pending = NotebookStanding("q03_c", 0.0, 4.0, [Part("q03-x", "written answer", 4.0, 0.0,
                                                         pending=True, written=True)])
    shown = _index(full, pending)
    assert "No points lost in the parts graded so far." in shown and "Well done" not in shown

