"""`calcrl report`: how did the class do, and which mistakes did it make?

Reads scores from the gradebook and the verdict records from the autograded notebooks; writes
a self-contained HTML report (charts embedded as PNG) and returns a short text summary.
"""
from __future__ import annotations

import base64
import html
import io
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..verdict import CORRECT, INTERNAL_ERROR, NOT_ANSWERED
from . import accounts
from .course import Course
from .descriptions import describe
from .grades import StudentGrades, class_grades, pending_warning
from .standing import class_standings
from .verdict_records import Record, class_records

#: Outcomes that are not the student's mistakes, each shown apart with what it means.
NOTEBOOK_UNREADABLE = "notebook_unreadable"
APART = {CORRECT: "correct", NOT_ANSWERED: "not answered",
         NOTEBOOK_UNREADABLE: "notebook missing or unreadable",
         INTERNAL_ERROR: "the checker itself failed: regrade by hand"}


@dataclass
class PartSummary:
    notebook: str
    cell: str          # the test cell's grade_id
    part: str          # the answer it grades
    students: int      # every graded student: one denominator for every part
    codes: Counter = field(default_factory=Counter)
    who: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def share(self, code: str) -> float:
        return self.codes[code] / self.students if self.students else 0.0

    def mistakes(self) -> list[tuple[str, float]]:
        return [(code, self.share(code)) for code, _ in self.codes.most_common()
                if code not in APART]

    def apart(self) -> list[tuple[str, int]]:
        """Correct, not answered, unreadable, checker failures: (what it means, how many)."""
        return [(label, self.codes[code]) for code, label in APART.items() if self.codes[code]]


@dataclass
class ClassSummary:
    assignment: str
    grades: dict[str, StudentGrades]
    parts: list[PartSummary]
    names: dict[str, str] = field(default_factory=dict)   # student id -> "First Last"
    #: students who submitted without a current grade -> why (failed, never graded)
    without_grade: dict[str, str] = field(default_factory=dict)
    #: the earlier grades of students whose latest grading failed: kept and shown as such,
    #: never counted as current (``grades`` holds only current ones)
    earlier: dict[str, StudentGrades] = field(default_factory=dict)

    def notebook_fractions(self) -> dict[str, list[float]]:
        """Per notebook, each student's share of its *graded* points (TA-pending left out)."""
        fractions: dict[str, list[float]] = defaultdict(list)
        for grades in self.grades.values():
            for notebook in sorted(grades.notebooks):
                fraction = grades.notebook_fraction(notebook)
                if fraction is not None:
                    fractions[notebook].append(fraction)
        return dict(sorted(fractions.items()))

    def pending(self) -> dict[str, list[str]]:
        """notebook -> students whose written answers there still await a TA."""
        waiting: dict[str, list[str]] = defaultdict(list)
        for grades in sorted(self.grades.values(), key=lambda g: g.student):
            for notebook in grades.pending:
                waiting[notebook].append(grades.student)
        return dict(sorted(waiting.items()))


class ReportError(RuntimeError):
    """nbgrader could not export the grades."""


def build_report(course: Course, assignment: str) -> tuple[ClassSummary, Path, Path]:
    """Export the grades CSV (nbgrader's export) and write the HTML report next to it."""
    from .course import nbgrader_command

    folder = course.root / "reports" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    csv = folder / "grades.csv"
    exported = nbgrader_command(course, "export", "--to", str(csv))
    if exported.returncode != 0:
        raise ReportError(exported.output[-4000:])
    summary = summarize(course, assignment)
    accounts.complete_csv(course, assignment, csv, {*summary.grades, *summary.earlier})
    return summary, csv, write_html(summary, folder / "report.html")


def summarize(course: Course, assignment: str) -> ClassSummary:
    grades = class_grades(course, assignment)
    without = accounts.without_grade(course, assignment, set(grades))
    current = {student: g for student, g in grades.items() if student not in without}
    earlier = {student: g for student, g in grades.items() if student in without}
    records = [r for r in class_records(course, assignment) if r.student in current]
    names = {s.student: s.name for s in class_standings(course, assignment).values()}
    return ClassSummary(assignment, current, _parts(records, sorted(current)), names, without,
                        earlier)


def _parts(records: list[Record], students: list[str]) -> list[PartSummary]:
    grouped: dict[tuple[str, str], PartSummary] = {}
    for record in records:
        key = (record.notebook, record.cell)
        summary = grouped.setdefault(key, PartSummary(record.notebook, record.cell,
                                                      record.part, len(students)))
        if record.part != record.cell:
            summary.part = record.part
        summary.codes[record.code] += 1
        summary.who[record.code].append(record.student)
    for summary in grouped.values():
        seen = {s for names in summary.who.values() for s in names}
        for student in students:
            if student not in seen:
                summary.codes[NOTEBOOK_UNREADABLE] += 1
                summary.who[NOTEBOOK_UNREADABLE].append(student)
        summary.students = max(len(students), sum(summary.codes.values()))
    return [grouped[key] for key in sorted(grouped)]


def text_summary(summary: ClassSummary, top: int = 8) -> str:
    """A few lines for the terminal: class size, scores, the most common mistakes."""
    scores = [g.score for g in summary.grades.values()]
    if not scores:
        return f"No graded submissions for '{summary.assignment}' yet." + "".join(
            f"\n  {student}: {why}" for student, why in sorted(summary.without_grade.items()))
    best = max(g.max_score for g in summary.grades.values())
    mean = statistics.mean(scores)
    lines = [f"{summary.assignment}: {len(scores)} students graded; mean {mean:.1f}"
             f", median {statistics.median(scores):.1f} of {best:g} points."]
    waiting = pending_warning(summary.grades)
    if waiting:
        lines.append(f"Not final: {waiting}")
    common = sorted(((share, part.notebook, part.part, code) for part in summary.parts
                     for code, share in part.mistakes()), key=lambda row: -row[0])[:top]
    if common:
        lines.append("Most common mistakes:")
        lines.extend(f"  {notebook} · {part}: {describe(code)} ({code}) {share:.0%}"
                     for share, notebook, part, code in common)
    if summary.without_grade:
        lines.append(f"{len(summary.without_grade)} submission(s) without a current grade "
                     "(not counted above):")
        lines.extend(f"  {student}: {why}"
                     for student, why in sorted(summary.without_grade.items()))
    failures = sum(part.codes[INTERNAL_ERROR] for part in summary.parts)
    if failures:
        lines.append(f"{failures} check(s) failed inside the checker, not in a student's answer: "
                     "regrade those by hand (listed in the report).")
    return "\n".join(lines)


def write_html(summary: ClassSummary, path: Path) -> Path:
    """Write the self-contained HTML report (no network needed to view it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_page(summary), encoding="utf-8")
    return path


def _feedback(summary: ClassSummary, student: str, page: str = "index", anchor: str = "") -> str:
    """Link from reports/<assignment>/report.html to a student's feedback page."""
    target = f"../../feedback/{student}/{summary.assignment}/{page}.html"
    return target + (f"#{anchor}" if anchor else "")


def _students(summary: ClassSummary, students: list[str], page: str = "index",
              anchor: str = "") -> str:
    return ", ".join(f"<a href=\"{html.escape(_feedback(summary, s, page, anchor))}\">"
                     f"{html.escape(summary.names.get(s, s))}</a>" for s in sorted(students))


def _part_section(summary: ClassSummary, part: PartSummary) -> str:
    esc = html.escape
    items = "".join(
        f"<li>{esc(describe(code))} <code>{esc(code)}</code>: {part.codes[code]} of "
        f"{part.students} ({share:.0%})<br><small>"
        f"{_students(summary, part.who[code], part.notebook, part.cell)}</small></li>"
        for code, share in part.mistakes())
    apart = "; ".join(f"{label}: {count} of {part.students}" for label, count in part.apart())
    return (f"<h3 id=\"{esc(part.cell)}\">{esc(part.notebook)} · {esc(part.part)} "
            f"<small>({esc(part.cell)})</small></h3>"
            f"<p>{esc(apart) or 'no answers recorded'}</p>"
            + (f"<ul>{items}</ul>" if items else "<p>No mistakes recorded.</p>"))


def _student_rows(summary: ClassSummary) -> tuple[str, str]:
    esc = html.escape
    notebooks = sorted({n for g in summary.grades.values() for n in g.notebooks})
    head = ("<tr><th>student</th><th class=n>total</th>"
            + "".join(f"<th class=n>{esc(n.split('_')[0])}</th>" for n in notebooks)
            + "<th>notes</th></tr>")
    rows = []
    everyone = [*summary.grades.values(), *summary.earlier.values()]
    for grades in sorted(everyone, key=lambda g: g.student):
        cells = []
        for notebook in notebooks:
            score, top = grades.notebooks.get(notebook, (0.0, 0.0))
            mark = "*" if notebook in grades.pending else ""
            link = esc(_feedback(summary, grades.student, notebook))
            cells.append(f"<td class=n><a href=\"{link}\">{score:g}{mark}</a></td>")
        name = summary.names.get(grades.student, grades.student)
        rows.append(f"<tr><td><a href=\"{esc(_feedback(summary, grades.student))}\">"
                    f"{esc(name)}</a></td><td class=n>{grades.score:g} / {grades.max_score:g}</td>"
                    + "".join(cells) + f"<td>{esc(_note(summary, grades))}</td></tr>")
    return head, "".join(rows)


def _note(summary: ClassSummary, grades: StudentGrades) -> str:
    """The last column of a student's row: why a grade is not current, or what awaits a TA."""
    if grades.student in summary.earlier:
        return (f"not current, from an earlier grading; the latest: "
                f"{summary.without_grade[grades.student]}")
    return f"{grades.pending_points:g} points awaiting TA" if grades.pending_points else ""


def _page(summary: ClassSummary) -> str:
    esc = html.escape
    head, rows = _student_rows(summary)
    sections = "".join(_part_section(summary, part) for part in summary.parts)
    waiting = summary.pending()
    pending = "".join(f"<li>{esc(notebook)}: {len(students)} of {len(summary.grades)} "
                      f"({_students(summary, students, notebook)})</li>"
                      for notebook, students in waiting.items())
    pending_block = (f"<h2>Written answers awaiting TA grading</h2><p>These count as 0 in the "
                     f"totals and grades.csv until graded, and are left out of the per-question "
                     f"scores below.</p><ul>{pending}</ul>" if pending else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{esc(summary.assignment)}: class report</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 64rem; margin: 2rem auto; color: #222;
        padding: 0 1rem; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: .2rem .5rem; }}
td.n, th.n {{ text-align: right; }} img {{ max-width: 100%; }}
pre {{ background: #f6f6f6; padding: 1rem; white-space: pre-wrap; }}
li {{ margin: .3rem 0; }} code {{ color: #666; font-size: .85em; }}
a {{ color: #1a5fb4; }}
</style></head><body>
<h1>{esc(summary.assignment)}: class report</h1>
<pre>{esc(text_summary(summary))}</pre>
{pending_block}
<h2>Totals</h2>
<img alt="histogram of totals" src="data:image/png;base64,{_totals_chart(summary)}">
<h2>Score distribution per question</h2>
<img alt="score distribution per question" src="data:image/png;base64,{_score_chart(summary)}">
<h2>Diagnoses per question</h2>
<p>Every count is out of all {len(summary.grades)} graded students. Each diagnosis lists the
students who made it, linked to the part in their feedback.</p>
<img alt="diagnosis frequency per question" src="data:image/png;base64,{_diagnosis_chart(summary)}">
{sections}
<h2 id="students">Students</h2>
<p>Scores per question link to the student's feedback page; * marks a question with written
answers awaiting a TA. A student whose latest grading failed keeps the earlier grade in this
table, marked as not current, and is left out of every count and chart above.</p>
<table>{head}
{rows}</table>
</body></html>
"""


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode()


def _score_chart(summary: ClassSummary) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fractions = summary.notebook_fractions()
    figure, axes = plt.subplots(figsize=(10, 4))
    if fractions:
        axes.boxplot(list(fractions.values()), showmeans=True)
        axes.set_xticks(range(1, len(fractions) + 1),
                        [name.split("_")[0] for name in fractions], rotation=0)
    axes.set_ylabel("fraction of graded points")
    axes.set_ylim(-0.05, 1.05)
    axes.set_title("Scores per question (box: quartiles, triangle: mean)")
    try:
        return _png(figure)
    finally:
        plt.close(figure)


def _diagnosis_chart(summary: ClassSummary) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, shares = [], []
    for part in summary.parts:
        for code, share in part.mistakes():
            labels.append(f"{part.notebook.split('_')[0]} {part.part}: {describe(code)}")
            shares.append(share)
    order = sorted(range(len(shares)), key=lambda i: shares[i])[-25:]
    figure, axes = plt.subplots(figsize=(10, max(2.5, 0.3 * len(order) + 1)))
    axes.barh([labels[i] for i in order], [100 * shares[i] for i in order], color="#c0504d")
    axes.set_xlabel("% of graded students")
    axes.set_xlim(0, 100)
    axes.set_title("How often each diagnosis occurred")
    try:
        return _png(figure)
    finally:
        plt.close(figure)


def _totals_chart(summary: ClassSummary) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    totals = [g.score for g in summary.grades.values()]
    top = max((g.max_score for g in summary.grades.values()), default=100.0)
    figure, axes = plt.subplots(figsize=(10, 3))
    axes.hist(totals, bins=20, range=(0, top), color="#4a7ebb", edgecolor="white")
    axes.set_xlabel(f"total points (of {top:g}; written answers awaiting a TA count 0)")
    axes.set_ylabel("students")
    axes.set_title("Totals")
    try:
        return _png(figure)
    finally:
        plt.close(figure)
