"""The allow-list every page renders student HTML through (``calcrl_checks.display.safe_html``)."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from calcrl_checks.display.mathtext import markdown_math
from calcrl_checks.display.safe_html import clean_html, markdown2html

pytestmark = pytest.mark.unit


class _Tags(HTMLParser):
    """Every live tag and attribute in a piece of HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _markdown(source: str, cell: dict | None = None) -> str:
    """``source`` through the markdown filter as nbconvert's templates call it, for ``cell``."""
    from jinja2 import Environment

    env = Environment()
    env.filters["markdown2html"] = markdown2html
    return env.from_string("{{ source | markdown2html }}").render(source=source, cell=cell or {})


def _live(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


ATTACKS = [
    '<img src=x onerror="alert(1)">',
    '<svg onload="alert(1)"><circle r=5></svg>',
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="&#100;ata:text/html,x">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<details open ontoggle="alert(1)">x</details>',
    '<object data="javascript:alert(1)"></object>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)"><mi>x</mi></math>',
    '<div style="position:fixed;top:0">cover</div>',
    "<style>body { display: none }</style>",
    '<span class="btn btn-success full-credit">Full credit</span>',
    '<h2 id="q07-explain">shadows the score box</h2>',
    '<img src="https://tracker.example/pixel.png">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_no_attack_leaves_a_handler_a_script_address_or_a_style(attack):
    import html

    for tag, attrs in _live(clean_html(attack)) + _live(_markdown(attack)):
        assert tag not in ("script", "svg", "iframe", "object", "form", "meta", "style",
                           "base", "link", "button"), tag
        for name, value in attrs.items():
            assert not name.startswith("on") and name not in ("style", "id"), (tag, name)
            address = html.unescape(value or "").replace("\t", "").strip().lower()
            assert not address.startswith(("javascript:", "data:text", "http")), (tag, value)
            if name == "class":
                assert "full-credit" not in (value or "") and "btn" not in (value or "")


def test_what_a_student_tried_shows_as_text():
    assert clean_html("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_markdown_tables_images_links_code_and_the_lessons_math_stay():
    text = ("| a | b |\n|---|---|\n| 1 | 2 |\n\n**bold** [docs](https://example.org) "
            "![plot](data:image/png;base64,iVBORw0KGgo=) `code`\n")
    html = _markdown(text)
    tags = {tag for tag, _ in _live(html)}
    assert {"table", "td", "strong", "a", "img", "code"} <= tags
    assert 'href="https://example.org"' in html and 'src="data:image/png;base64,' in html
    math = markdown_math("The rule: $\\frac{dy}{dx}$")
    lesson = {"source": math, "metadata": {"nbgrader": {"grade_id": "q02-rule", "locked": True}}}
    assert "<mfrac>" in _markdown(math, lesson)


def test_mathml_is_live_only_in_the_courses_text():
    """A student's <math> is escaped like any markup (unclosed, it would swallow the page)."""
    attack = "<math><mtext><img src=x>the rest of the answer"
    answer = {"source": attack, "metadata": {"nbgrader": {
        "grade_id": "q14-explain", "solution": True, "comment": markdown_math("ok: $x^2$")}}}
    assert "<math" not in _markdown(attack, answer) and "&lt;math&gt;" in _markdown(attack, answer)
    assert "<msup>" in _markdown(answer["metadata"]["nbgrader"]["comment"], answer)
    added = {"source": attack, "metadata": {"nbgrader": {"locked": True}}}  # no grade_id
    assert "<math" not in _markdown(attack, added)
    assert "<math" not in clean_html(attack)


def test_highlighted_code_keeps_its_colours():
    html = '<div class="highlight hl-ipython3"><pre><span class="kn">import</span></pre></div>'
    assert clean_html(html) == html
