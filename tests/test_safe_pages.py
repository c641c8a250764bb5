"""Nothing a student hands in runs in the browser of a TA, an instructor or a student.

One hostile student hands in q14 and q10 with every carrier of ``page_attacks`` (markdown in
the written answer, each kind of cell output, a test cell's error text, an answer string),
plus two folders whose names are markup or terminal escapes and a file named as markup. The
class is graded, given feedback and a report with the real ``calcrl`` commands, then Debian's
Chromium opens every page a person would: the formgrader (served by a real Jupyter server,
with the TA's cookies) for both notebooks, both feedback pages, the feedback index and the
class report. On each page: no payload ran (no ``window.pwned``, no request naming a
carrier, no file created through the Jupyter API), no live event handler or ``javascript:``
address is left, each carrier that was stored is on the page as text, the honest content
(the chart, typeset math) still shows, and the gradebook is unchanged afterwards.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from calcrl_checks.display.names import is_safe_student_id
from calcrl_checks.display.safe_html import PAGE_POLICY

import browsing
import course
import page_attacks as attacks
from conftest import calcrl

pytestmark = pytest.mark.system

ATTACKER, CLASSMATE = "mallory", "honest"


@dataclass
class Seen:
    """What one page did in the browser."""
    url: str
    html: str = ""
    text: str = ""
    pwned: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    outputs: str = ""
    live_handlers: list[str] = field(default_factory=list)
    script_addresses: list[str] = field(default_factory=list)
    overlays: list[str] = field(default_factory=list)
    charts: int = 0
    drawings: int = 0
    typeset: int = 0


@dataclass
class HostileClass:
    root: Path
    autograde_output: str
    report_output: str
    grades_before: dict
    grades_after: dict = field(default_factory=dict)
    pages: dict[str, Seen] = field(default_factory=dict)


_INSPECT = """() => {
    const marks = [];
    const frames = [window, ...[...document.querySelectorAll('iframe')].map(f => f.contentWindow)];
    for (const w of frames) { try { if (w && w.pwned) marks.push(String(w.pwned)); } catch (e) {} }
    const handlers = [], addresses = [], overlays = [];
    // the formgrader's own navigation has inline handlers; everything a student hands in is
    // inside #notebook (or, on calcrl's own pages, anywhere in the body)
    const content = document.querySelector('#notebook') || document.body;
    for (const el of [content, ...content.querySelectorAll('*')]) {
        for (const attr of el.attributes) {
            if (/^on/i.test(attr.name)) handlers.push(el.tagName + ' ' + attr.name);
            if (/^\\s*javascript:/i.test(attr.value)) addresses.push(el.tagName + ' ' + attr.name);
        }
        if (getComputedStyle(el).position === 'fixed' && /css-overlay/.test(el.textContent))
            overlays.push(el.tagName);
    }
    const charts = [...document.images].filter(
        i => i.src.startsWith('data:image/png') && i.naturalWidth > 100).length;
    const drawings = [...document.querySelectorAll('.output_area img')].filter(
        i => i.src.startsWith('data:image/svg+xml') && i.naturalWidth > 0).length;
    const typeset = document.querySelectorAll('.MathJax, math').length;
    const outputs = [...document.querySelectorAll('.output_area')].map(e => e.innerText);
    return {marks, handlers, addresses, overlays, charts, drawings, typeset,
            outputs: outputs.join(' | ')};
}"""


def _look(page, label: str, seen: Seen, ready: str | None = None) -> Seen:
    """Open ``seen.url`` and record what the page did; its screenshot is named by ``label``."""
    url = seen.url
    page.on("request", lambda request: seen.requests.append(request.url)
            if "pwned" in request.url else None)
    page.goto(url)
    if ready:
        page.wait_for_function(ready, timeout=90_000)
    page.wait_for_timeout(1500)  # an onerror or fetch has long fired by now
    found = page.evaluate(_INSPECT)
    seen.pwned, seen.live_handlers = found["marks"], found["handlers"]
    seen.script_addresses, seen.overlays = found["addresses"], found["overlays"]
    seen.charts, seen.typeset = found["charts"], found["typeset"]
    seen.outputs, seen.drawings = found["outputs"], found["drawings"]
    seen.html, seen.text = page.content(), page.inner_text("body")
    name = label.replace(" ", "_").replace(".ipynb", "")
    page.screenshot(path=browsing.ARTIFACTS / f"safe_{name}.png", full_page=True)
    return seen


def _grades(root: Path) -> dict:
    """Every score and comment in the gradebook, for every student."""
    from nbgrader.api import Comment, Gradebook, Grade

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "calcrl") as gradebook:
        found: dict = {(g.student.id, g.notebook.name, g.name):
                       (g.auto_score, g.manual_score, g.extra_credit)
                       for g in gradebook.db.query(Grade)}
        found.update({(c.student.id, c.notebook.name, c.name): c.manual_comment
                      for c in gradebook.db.query(Comment)})
    return found


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory) -> HostileClass:
    root = course.new_course(tmp_path_factory.mktemp("hostile"))
    for grade_id, code in {**attacks.q14_answers(), **attacks.q10_answers()}.items():
        if grade_id != "q14-explain":  # a typo here would hide every carrier after it
            compile(code, grade_id, "exec")
    course.submit(root, ATTACKER, attacks.Q14, attacks.q14_answers())
    course.submit(root, ATTACKER, attacks.Q10, attacks.q10_answers())
    (root / "submitted" / ATTACKER / course.ASSIGNMENT / attacks.HOSTILE_FILE).write_text("x")
    course.submit(root, CLASSMATE, attacks.Q10, {"q10-df": "df = 6 * (2 * x + 1) ** 2\n",
                                                 "q10-df-at-0": "df_at_0 = 6\n"})
    for hostile in attacks.HOSTILE_IDS:
        course.submit(root, hostile, attacks.Q10, attacks.q10_answers())
    graded = calcrl(root, "autograde", course.ASSIGNMENT)
    assert graded.returncode == 1, graded.stdout + graded.stderr  # the two refused folders
    assert calcrl(root, "feedback", course.ASSIGNMENT).returncode == 0
    report = calcrl(root, "report", course.ASSIGNMENT)
    assert report.returncode == 0, report.stdout + report.stderr
    found = HostileClass(root, graded.stdout + graded.stderr, report.stdout + report.stderr,
                         _grades(root))
    _visit_every_page(found)
    found.grades_after = _grades(root)
    return found


def _visit_every_page(found: HostileClass) -> None:
    from nbgrader.api import Gradebook

    root = found.root
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "calcrl") as gradebook:
        ids = {nb: gradebook.find_submission_notebook(nb.replace(".ipynb", ""),
                                                      course.ASSIGNMENT, ATTACKER).id
               for nb in (attacks.Q14, attacks.Q10)}
    feedback = root / "feedback" / ATTACKER / course.ASSIGNMENT
    with browsing.chromium() as browser, browsing.jupyter_lab(root) as url:
        context = browser.new_context(viewport={"width": 1200, "height": 1000})
        for notebook, submission in ids.items():
            label = f"formgrader {notebook}"
            # formgrade.js sets MathJax.loaded once the page's MathJax has run
            found.pages[label] = _look(
                context.new_page(), label, Seen(f"{url}/formgrader/submissions/{submission}/"),
                "window.MathJax && MathJax.loaded && document.querySelector('#notebook .MathJax')")
        for name in (attacks.Q14, attacks.Q10):
            path = feedback / name.replace(".ipynb", ".html")
            found.pages[f"feedback {name}"] = _look(context.new_page(), f"feedback {name}",
                                                    Seen(path.as_uri()))
        for label, path in (("feedback index", feedback / "index.html"),
                            ("class report",
                             root / "reports" / course.ASSIGNMENT / "report.html")):
            found.pages[label] = _look(context.new_page(), label, Seen(path.as_uri()))
        context.close()


PAGES = ["formgrader q14_squared_td_error.ipynb", "formgrader q10_chain_rule_power.ipynb",
         "feedback q14_squared_td_error.ipynb", "feedback q10_chain_rule_power.ipynb",
         "feedback index", "class report"]


def _pages_showing(carrier: attacks.Carrier) -> list[str]:
    """The pages a carrier is handed to: its notebook's formgrader and feedback pages; an
    error text is also the index's headline for the part it lost."""
    notebook = attacks.Q10 if carrier.kind == "answer" else attacks.Q14
    pages = [f"formgrader {notebook}", f"feedback {notebook}"]
    return pages + ["feedback index"] if carrier.kind == "error" else pages


CASES = [(c, page) for c in attacks.CARRIERS for page in _pages_showing(c)]


@pytest.mark.parametrize("page", PAGES)
def test_no_payload_ran_on_the_page(hostile_class, page):
    seen = hostile_class.pages[page]
    assert seen.pwned == [] and seen.requests == [], (seen.pwned, seen.requests)
    assert seen.script_addresses == [], seen.script_addresses


@pytest.mark.parametrize("page", PAGES)
def test_no_student_markup_is_left_live_on_the_page(hostile_class, page):
    seen = hostile_class.pages[page]
    # nbgrader's formgrader has no inline handlers of its own: every one would be a student's
    assert seen.live_handlers == [] and seen.overlays == [], (seen.live_handlers, seen.overlays)


@pytest.mark.parametrize("carrier, page", CASES,
                         ids=[f"{c.name}-{p.split()[0]}-{p.split()[-1][:3]}" for c, p in CASES])
def test_each_carrier_reached_the_page_as_text_or_left_a_note(hostile_class, carrier, page):
    seen = hostile_class.pages[page]
    if not carrier.stored:  # its source is on the page as code, its output is not
        assert carrier.name not in seen.outputs
        assert "was not kept" in seen.outputs, seen.outputs[-2000:]
    elif carrier.name == "out-svg":  # shown as an image, which cannot run script
        assert seen.drawings == 1 and "<svg" not in seen.html
    elif carrier.kind == "output":
        assert carrier.name in seen.outputs, f"{carrier.name} never reached {page}"
    else:
        assert carrier.name in seen.text, f"{carrier.name} never reached {page}"
    assert carrier.name not in " ".join(seen.pwned + seen.requests)


def test_no_file_was_created_through_the_jupyter_api(hostile_class):
    created = [p for p in hostile_class.root.rglob("pwned*")]
    assert created == []


def test_the_gradebook_is_unchanged_by_looking(hostile_class):
    assert hostile_class.grades_after == hostile_class.grades_before
    assert len(hostile_class.grades_before) > 10


def test_the_honest_content_still_shows(hostile_class):
    pages = hostile_class.pages
    for page in ("formgrader q14_squared_td_error.ipynb", "feedback q14_squared_td_error.ipynb"):
        assert pages[page].charts >= 1, f"the q14 chart is missing on {page}"
        assert "Squaring keeps the gradient smooth" in pages[page].text
    # the formgrader's MathJax typesets the student's formula; feedback typesets the lesson's
    assert pages["formgrader q14_squared_td_error.ipynb"].typeset > 0
    assert pages["feedback q14_squared_td_error.ipynb"].typeset > 0
    assert "points so far" in pages["feedback index"].text or \
        "points" in pages["feedback index"].text
    assert ATTACKER in pages["class report"].text and CLASSMATE in pages["class report"].text


def test_generated_pages_forbid_every_script(hostile_class):
    for page in ("feedback q14_squared_td_error.ipynb", "feedback index", "class report"):
        assert f'content="{PAGE_POLICY}"' in hostile_class.pages[page].html.replace(
            "&#x27;", "'"), page


def test_folders_named_as_markup_or_escapes_are_refused_and_reported_as_text(hostile_class):
    from nbgrader.api import Gradebook

    out = hostile_class.autograde_output
    with Gradebook(f"sqlite:///{hostile_class.root / 'gradebook.db'}", "calcrl") as gradebook:
        ids = {student.id for student in gradebook.students}
    assert ids == {ATTACKER, CLASSMATE}
    assert all(not is_safe_student_id(hostile) for hostile in attacks.HOSTILE_IDS)
    for printed in (out, hostile_class.report_output,
                    (hostile_class.root / "reports" / course.ASSIGNMENT / "grades.csv"
                     ).read_text()):
        assert "\x1b" not in printed and "\x07" not in printed
        assert printed.count("cannot be a student id") >= 2 and "\\x1b]0;pwned" in printed
    # the class report lists the refused folders as text (its live markup is checked above)
    assert attacks.HOSTILE_IDS[0] in hostile_class.pages["class report"].text


def test_a_file_named_as_markup_is_shown_nowhere(hostile_class):
    for page in hostile_class.pages.values():
        assert attacks.HOSTILE_FILE not in page.text


def test_the_harness_sees_a_payload_that_runs(hostile_class):
    """The checks above would catch a live carrier: the same payload, unsanitized, is seen."""
    with browsing.chromium() as browser:
        page = browser.new_page()
        page.set_content(f'<img src=x onerror="{attacks.payload("control")}">')
        page.wait_for_timeout(500)
        found = page.evaluate(_INSPECT)
        assert "control" in " ".join(found["marks"]) and found["handlers"]
        page.close()


@pytest.fixture(scope="module", autouse=True)
def _keep_the_course_for_a_look(request, hostile_class):
    """On failure, leave a copy of the hostile course next to the screenshots."""
    yield
    if request.session.testsfailed:
        target = browsing.ARTIFACTS / "hostile_course"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(hostile_class.root, target, symlinks=True,
                        ignore=shutil.ignore_patterns(".jupyter*"))
