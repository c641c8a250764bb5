"""What students, TAs and instructors see, in a real browser (Debian's Chromium, headless).

A student answers a release notebook in JupyterLab and reads the formative check; a TA grades
a written answer in the formgrader with the rubric in view and generates feedback; the
feedback index, a feedback page and the class report render with typeset math. Screenshots
go to tests/artifacts/ (not committed): look at them.
"""
from __future__ import annotations

import json
import re
import shutil
import time

import pytest

from calcrl_checks.outcome.codes import describe

import browsing
import course

pytestmark = pytest.mark.system

ARTIFACTS = browsing.ARTIFACTS


@pytest.fixture(scope="module")
def browser():
    with browsing.chromium() as launched:
        yield launched


def _wait_for_text(locator, text: str, seconds: float = 90) -> str:
    """The locator's text once it holds ``text`` (JupyterLab may render off-screen cells
    lazily, so "visible" is not the test)."""
    deadline = time.monotonic() + seconds
    while True:
        shown = locator.inner_text() if locator.count() else ""
        if text in shown:
            return shown
        assert time.monotonic() < deadline, f"{text!r} never appeared; last: {shown[-800:]!r}"
        time.sleep(0.5)


def _accept_dialogs(page) -> None:
    """Accept a JupyterLab dialog that may open on a slow machine (a kernel choice, say),
    keeping a screenshot of it."""
    dialog = page.locator(".jp-Dialog")
    if dialog.count():
        page.screenshot(path=ARTIFACTS / "student_dialog.png")
        dialog.locator(".jp-mod-accept").first.click()
        dialog.wait_for(state="detached", timeout=30_000)


def _answer(page, cells, index: int, code: str) -> None:
    """Replace answer cell ``index``'s code, then run it and the test cell below it."""
    _accept_dialogs(page)
    editor = cells.nth(index).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(code)
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")


def test_a_student_sees_the_formative_message_before_submitting(browser, tmp_path):
    folder = tmp_path / "student"
    folder.mkdir()
    shutil.copy(course.REPO / "release" / course.ASSIGNMENT / "q08_power_rule.ipynb", folder)
    with browsing.jupyter_lab(folder) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{url}/lab/tree/q08_power_rule.ipynb")
        cells = page.locator(".jp-Notebook .jp-Cell")
        cells.nth(9).wait_for(timeout=90_000)
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
            timeout=90_000)
        _accept_dialogs(page)
        cells.nth(1).locator(".cm-content").click()
        page.keyboard.press("Shift+Enter")  # define x and f
        test_output = cells.nth(4).locator(".jp-OutputArea")
        _answer(page, cells, 3, 'df = "3x^2 + 2x"')
        shown = _wait_for_text(test_output, "Not yet")
        assert "FormativeCheckFailed" in shown
        cells.nth(4).scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / "student_wrong_answer.png")
        _answer(page, cells, 3, 'df = "3x^2 + 2"')
        assert "Not yet" not in _wait_for_text(test_output, "df: correct")
        cells.nth(4).scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / "student_right_answer.png")
        page.close()


def _mathml_is_typeset(element) -> bool:
    """A fraction in ``element`` (a Playwright locator) is laid out as one (numerator above
    denominator)."""
    return element.evaluate(
        """(element) => {
            const frac = element.querySelector('mfrac');
            if (!frac || frac.children.length < 2) return false;
            const [top, bottom] = [...frac.children].map(c => c.getBoundingClientRect());
            return top.bottom <= bottom.top + 1 && top.height > 0;
        }""")


def test_feedback_index_pages_and_report_render_with_typeset_math(browser, graded_class):
    root = graded_class.root
    page = browser.new_page(viewport={"width": 1100, "height": 1000})
    feedback = root / "feedback" / "mistakes02" / course.ASSIGNMENT
    page.goto((feedback / "index.html").as_uri())
    assert "61 / 100 points so far" in page.inner_text("body")
    assert "$" not in page.inner_text("body")
    page.screenshot(path=ARTIFACTS / "feedback_index.png", full_page=True)
    page.get_by_role("link", name="q02_chain_rule").click()
    heading = page.locator("h2", has_text="Part 5")
    heading.scroll_into_view_if_needed()
    assert _mathml_is_typeset(heading)
    assert "$" not in heading.inner_text()
    page.screenshot(path=ARTIFACTS / "feedback_q02_heading.png")
    page.goto((root / "reports" / course.ASSIGNMENT / "report.html").as_uri())
    text = page.inner_text("body")
    assert describe("full_gradient") in text and "$" not in text
    assert page.evaluate("[...document.images].every(i => i.naturalWidth > 0)")
    page.screenshot(path=ARTIFACTS / "report.png")
    page.locator("h3#q09-semi-gradient-test").scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "report_diagnoses.png")
    reteach = page.locator("h2#reteach")
    reteach.scroll_into_view_if_needed()
    table = page.locator("h2#reteach ~ table").first
    assert "missing_inner_derivative" in table.inner_text()
    assert table.locator("math").count() > 0 and _mathml_is_typeset(table)
    page.screenshot(path=ARTIFACTS / "report_reteach.png")
    page.close()


def test_feedback_pages_for_pending_did_not_run_and_unreadable_read_as_they_should(
        browser, graded_class):
    """What a student sees where a score is not final, an answer cell stopped, or a notebook
    could not be read: words for each, no score standing for points a TA has not given, and
    no praise."""
    feedback = graded_class.root / "feedback"
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto((feedback / "mistakes02" / course.ASSIGNMENT /
               "q07_log_derivative_trick.html").as_uri())
    written = page.locator("a[name='q07-explain'] + div.panel-heading")
    assert "awaiting a TA (4.0 points)" in written.inner_text()
    assert "Score" not in written.inner_text()
    assert "so far" in page.locator("h4").first.inner_text()
    written.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "feedback_pending.png")
    page.goto((feedback / "syntax" / course.ASSIGNMENT / "q10_chain_rule_power.html").as_uri())
    stopped = page.get_by_text("Did not run: your answer cell stopped with a SyntaxError")
    assert stopped.count() == 1 and "Traceback" not in page.inner_text("body")
    stopped.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "feedback_did_not_run.png")
    page.goto((feedback / "syntax" / course.ASSIGNMENT / "index.html").as_uri())
    assert "Did not run" in page.inner_text("body") and "Well done" not in page.inner_text("body")
    page.goto((feedback / "corrupt" / course.ASSIGNMENT / "index.html").as_uri())
    text = page.inner_text("body")
    assert "q10_chain_rule_power could not be graded: the file is not valid JSON" in text
    assert "Well done" not in text and "No points lost" not in text
    page.screenshot(path=ARTIFACTS / "feedback_unreadable.png", full_page=True)
    page.close()


def test_a_ta_grades_a_written_answer_with_the_rubric_in_view(browser, graded_class, tmp_path):
    from playwright.sync_api import expect

    root = tmp_path / "ta-course"
    shutil.copytree(graded_class.root, root, symlinks=True)
    from nbgrader.api import Gradebook

    db = f"sqlite:///{root / 'gradebook.db'}"
    with Gradebook(db, "calcrl") as gradebook:
        notebook = gradebook.find_submission_notebook("q07_log_derivative_trick",
                                                      course.ASSIGNMENT, "mistakes02")
        submission = notebook.id
    with browsing.jupyter_lab(root) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        outside = []
        page.on("request", lambda request: outside.append(request.url)
                if not request.url.startswith((url, "data:", "about:blank")) else None)
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{url}/formgrader/submissions/{submission}/")
        score = page.locator("input#q07-explain")
        score.wait_for(timeout=90_000)
        # MathJax comes from this server (formgrade.js sets MathJax.loaded once it has run),
        # nothing from a CDN (MathJax probes its web font with about:blank, which is no
        # network), and the page's own scripts run without an error.
        page.wait_for_function("window.MathJax && MathJax.loaded === true", timeout=90_000)
        assert outside == [] and errors == [], (outside, errors)
        # The formgrader's MathJax typesets the notebook's math from the page's text.
        page.wait_for_function("document.querySelectorAll('#notebook .MathJax').length > 0",
                               timeout=90_000)
        rubric = page.get_by_text("Rubric for the written answer below")
        assert rubric.count() == 1 and page.locator("input#q07-explain-rubric").count() == 0
        assert rubric.bounding_box()["y"] < score.bounding_box()["y"]
        assert "BEGIN MARK SCHEME" not in page.inner_text("body")
        assert not re.search(r"\[[\w.]+: [a-z_]+\]", page.inner_text("body"))  # no tags
        # Once MathJax has run, formgrade.js scrolls to the first score box in a 500 ms
        # animation, which overrode our scroll (and gave a blank screenshot): let it end first.
        page.wait_for_function("!window.jQuery('body, html').is(':animated')")
        rubric.scroll_into_view_if_needed()
        expect(rubric).to_be_in_viewport()
        page.screenshot(path=ARTIFACTS / "formgrader_rubric.png")
        page.wait_for_load_state("networkidle")  # the grades are loaded and the boxes live
        deadline = time.monotonic() + 90
        while _manual_score(db) != 3:
            assert time.monotonic() < deadline, "the formgrader did not save the score"
            score.fill("3")
            score.press("Tab")  # the formgrader saves on change
            time.sleep(5)
        # The formgrader read nbgrader_config.py: the TA's score is also in the course's journal.
        journal = [json.loads(line) for line in
                   (root / ".calcrl-manual" / "grades.jsonl").read_text().splitlines()]
        assert {"student": "mistakes02", "cell": "q07-explain", "field": "manual_score",
                "value": 3.0}.items() <= journal[-1].items(), journal
        xsrf = next((c["value"] for c in page.context.cookies() if c["name"] == "_xsrf"), "")
        generated = page.request.post(
            f"{url}/formgrader/api/assignment/{course.ASSIGNMENT}/mistakes02/generate_feedback",
            headers={"X-XSRFToken": xsrf}, timeout=300_000)
        assert generated.ok and json.loads(generated.text())["success"], generated.text()[:2000]
        page.close()
    index = (root / "feedback" / "mistakes02" / course.ASSIGNMENT / "index.html").read_text()
    assert "written answer</a></td><td class=\"n\">3 / 4" in index
    page = (root / "feedback" / "mistakes02" / course.ASSIGNMENT /
            "q07_log_derivative_trick.html").read_text()
    assert "A TA has not graded this answer yet" not in page and "Rubric" not in page


def _manual_score(db: str) -> float | None:
    from nbgrader.api import Gradebook

    with Gradebook(db, "calcrl") as gradebook:
        return gradebook.find_grade("q07-explain", "q07_log_derivative_trick",
                                    course.ASSIGNMENT, "mistakes02").manual_score
