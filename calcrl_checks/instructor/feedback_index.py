"""One page a student opens first: ``feedback/<student>/<assignment>/index.html``.

It shows the total, each question's and part's score, the headline of every lost point (linked
to the part on the notebook's own feedback page), the points still waiting for a TA, and any
notebook that could not be read, with the reason. Self-contained: no scripts, no network.

nbgrader calls :func:`index_after_feedback` after it writes a student's feedback (configured
as ``GenerateFeedback.post_convert_hook``), so the formgrader's *Generate Feedback* button and
``calcrl feedback`` both write it.
"""
from __future__ import annotations

import html
import os
from pathlib import Path

from ..mathtext import html_math
from .course import Course
from .standing import NotebookStanding, Part, Standing, standing

INDEX = "index.html"

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
.total { font-size: 1.3rem; margin: .4rem 0 1rem; }
.pending { color: #8a5a00; }
.unreadable { color: #a12; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 1.2rem; }
td, th { border-bottom: 1px solid #ddd; padding: .3rem .5rem; vertical-align: top;
         text-align: left; }
td.n, th.n { text-align: right; white-space: nowrap; }
tr.question td { font-weight: 600; background: #f4f6f8; }
td.why { overflow-wrap: anywhere; }
li { margin: .25rem 0; overflow-wrap: anywhere; }
a { color: #1a5fb4; }
"""


def index_after_feedback(assignment: str, student: str, notebooks: list[str],
                         **_: object) -> None:
    """nbgrader's ``post_convert_hook`` for GenerateFeedback: write the student's index.

    nbgrader passes the id pattern it was asked for (``*`` for everyone) as ``student``; the
    notebooks it converted (``autograded/<student>/<assignment>/*.ipynb``) name the student.
    """
    if notebooks:
        first = Path(notebooks[0]).resolve()
        root, student = first.parents[3], first.parents[1].name
    else:
        root = Path(os.getcwd())
    write_index(Course(root), assignment, student)


def write_index(course: Course, assignment: str, student: str) -> Path | None:
    """Write the student's index page; None when the gradebook has no graded submission."""
    found = standing(course, assignment, student)
    if found is None:
        return None
    folder = course.root / "feedback" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / INDEX
    path.write_text(index_page(found), encoding="utf-8")
    return path


def index_page(found: Standing) -> str:
    """The index page's HTML."""
    esc = html.escape
    pending = found.pending_points
    total = f"{found.score:g} / {found.max_score:g} points" + (" so far" if pending else "")
    waiting = (f"<p class=\"pending\">{pending:g} points for written answers are waiting for "
               "a TA: they are not in your total until a TA has graded them.</p>"
               if pending else "")
    lost = found.lost_parts
    lost_items = "".join(
        f"<li><a href=\"{esc(notebook.name)}.html#{esc(part.grade_id)}\">"
        f"{esc(_short(notebook.name))} · {esc(part.label)}</a> "
        f"(−{part.lost:g}): {html_math(part.headline)}</li>"
        for notebook, part in lost)
    lost_block = (f"<h2>Where points were lost</h2><ul>{lost_items}</ul>" if lost
                  else "<p>No points lost in the graded parts. Well done.</p>")
    unreadable = [n for n in found.notebooks if n.unreadable or not n.submitted]
    unreadable_block = "".join(
        f"<p class=\"unreadable\"><b>{esc(n.name)}</b> could not be graded: "
        f"{esc(n.unreadable or 'it was not in your submission')}. It scores 0; ask your "
        "instructor if you think this is wrong.</p>" for n in unreadable)
    rows = "".join(_question_rows(n) for n in found.notebooks)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{esc(found.assignment)}: feedback for {esc(found.name)}</title>
<style>{_STYLE}</style></head><body>
<h1>{esc(found.assignment)}: feedback for {esc(found.name)}</h1>
<p class="total">Total: <b>{total}</b></p>
{waiting}{unreadable_block}{lost_block}
<h2>Every question and part</h2>
<table>
<tr><th>question · part</th><th class="n">score</th><th>what to look at</th></tr>
{rows}
</table>
<p>Each question links to its own page with your answers and the checks' messages.</p>
</body></html>
"""


def _question_rows(notebook: NotebookStanding) -> str:
    esc = html.escape
    link = (f"<a href=\"{esc(notebook.name)}.html\">{esc(notebook.name)}</a>"
            if notebook.submitted and not notebook.unreadable else esc(notebook.name))
    note = ("could not be read" if notebook.unreadable else
            "not submitted" if not notebook.submitted else
            f"{notebook.pending_points:g} points await a TA" if notebook.pending_points else "")
    head = (f"<tr class=\"question\"><td>{link}</td><td class=\"n\">"
            f"{notebook.score:g} / {notebook.max_score:g}</td><td>{esc(note)}</td></tr>")
    if notebook.unreadable:
        return head
    return head + "".join(_part_row(notebook, part) for part in notebook.parts)


def _part_row(notebook: NotebookStanding, part: Part) -> str:
    esc = html.escape
    score = "awaiting TA" if part.pending else f"{part.score:g} / {part.points:g}"
    why = ("a TA will grade this written answer" if part.pending else
           html_math(part.headline) if part.lost else "")
    return (f"<tr><td>&nbsp;&nbsp;<a href=\"{esc(notebook.name)}.html#{esc(part.grade_id)}\">"
            f"{esc(part.label)}</a></td><td class=\"n\">{score}</td>"
            f"<td class=\"why\">{why}</td></tr>")


def _short(notebook: str) -> str:
    return notebook.split("_")[0]
