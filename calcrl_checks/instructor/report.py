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
from .grades import StudentGrades, class_grades
from .verdict_records import Record, class_records

#: Outcomes that are not the student's mistakes, each shown apart with what it means.
APART = {CORRECT: "correct", NOT_ANSWERED: "not answered",
         INTERNAL_ERROR: "the checker itself failed: regrade by hand"}


@dataclass
class PartSummary:
    notebook: str
    cell: str          # the test cell's grade_id
    part: str          # the answer it grades
    students: int
    codes: Counter = field(default_factory=Counter)

    def share(self, code: str) -> float:
        return self.codes[code] / self.students if self.students else 0.0

    def mistakes(self) -> list[tuple[str, float]]:
        return [(code, self.share(code)) for code, _ in self.codes.most_common()
                if code not in APART]

    def apart(self) -> list[tuple[str, int]]:
        """Correct, not answered, checker failures: (what it means, how many students)."""
        return [(label, self.codes[code]) for code, label in APART.items() if self.codes[code]]


@dataclass
class ClassSummary:
    assignment: str
    grades: dict[str, StudentGrades]
    parts: list[PartSummary]
    #: students who submitted without a current grade -> why (failed, never graded)
    without_grade: dict[str, str] = field(default_factory=dict)

    def notebook_fractions(self) -> dict[str, list[float]]:
        fractions: dict[str, list[float]] = defaultdict(list)
        for grades in self.grades.values():
            for notebook, (score, top) in sorted(grades.notebooks.items()):
                fractions[notebook].append(score / top if top else 0.0)
        return dict(sorted(fractions.items()))


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
    accounts.complete_csv(course, assignment, csv)
    summary = summarize(course, assignment)
    return summary, csv, write_html(summary, folder / "report.html")


def summarize(course: Course, assignment: str) -> ClassSummary:
    grades = class_grades(course, assignment)
    records = class_records(course, assignment)
    return ClassSummary(assignment, grades, _parts(records),
                        accounts.without_grade(course, assignment, set(grades)))


def _parts(records: list[Record]) -> list[PartSummary]:
    grouped: dict[tuple[str, str], PartSummary] = {}
    for record in records:
        key = (record.notebook, record.cell)
        summary = grouped.setdefault(key, PartSummary(record.notebook, record.cell,
                                                      record.part, 0))
        if record.part != record.cell:
            summary.part = record.part
        summary.students += 1
        summary.codes[record.code] += 1
    return [grouped[key] for key in sorted(grouped)]


def text_summary(summary: ClassSummary, top: int = 8) -> str:
    """A few lines for the terminal: class size, scores, the most common mistakes."""
    scores = [g.score for student, g in summary.grades.items()
              if student not in summary.without_grade]
    if not scores:
        return f"No graded submissions for '{summary.assignment}' yet." + "".join(
            f"\n  {student}: {why}" for student, why in sorted(summary.without_grade.items()))
    best = max(g.max_score for g in summary.grades.values())
    mean = statistics.mean(scores)
    lines = [f"{summary.assignment}: {len(scores)} students graded; mean {mean:.1f}"
             f", median {statistics.median(scores):.1f} of {best:g} points."]
    common = sorted(((share, part.notebook, part.part, code) for part in summary.parts
                     for code, share in part.mistakes()), key=lambda row: -row[0])[:top]
    if common:
        lines.append("Most common mistakes:")
        lines.extend(f"  {notebook} · {part}: {code} {share:.0%}"
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


def _page(summary: ClassSummary) -> str:
    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(g.student)}</td><td class=n>{g.score:g}</td><td class=n>{g.max_score:g}</td>"
        f"<td>{'yes' if g.needs_manual_grade else ''}</td></tr>"
        for g in sorted(summary.grades.values(), key=lambda g: g.student))
    sections = []
    for part in summary.parts:
        items = "".join(f"<li><code>{esc(code)}</code>: {share:.0%} "
                        f"({part.codes[code]} of {part.students})</li>"
                        for code, share in part.mistakes())
        apart = "; ".join(f"{label}: {count} of {part.students}"
                          for label, count in part.apart())
        sections.append(f"<h3 id=\"{esc(part.cell)}\">{esc(part.notebook)} · {esc(part.part)} "
                        f"<small>({esc(part.cell)})</small></h3>"
                        f"<p>{esc(apart) or 'no answers recorded'}</p>"
                        + (f"<ul>{items}</ul>" if items else "<p>No mistakes recorded.</p>"))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{esc(summary.assignment)}: class report</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: .2rem .6rem; }}
td.n {{ text-align: right; }} img {{ max-width: 100%; }}
pre {{ background: #f6f6f6; padding: 1rem; }}
</style></head><body>
<h1>{esc(summary.assignment)}: class report</h1>
<pre>{esc(text_summary(summary))}</pre>
<h2>Score distribution per question</h2>
<img alt="score distribution per question" src="data:image/png;base64,{_score_chart(summary)}">
<h2>Diagnoses per question</h2>
<img alt="diagnosis frequency per question" src="data:image/png;base64,{_diagnosis_chart(summary)}">
{''.join(sections)}
<h2>Students</h2>
<table><tr><th>student</th><th>score</th><th>max</th><th>needs manual grading</th></tr>
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
    axes.set_ylabel("fraction of points")
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
            labels.append(f"{part.notebook.split('_')[0]} {part.part}: {code}")
            shares.append(share)
    order = sorted(range(len(shares)), key=lambda i: shares[i])[-25:]
    figure, axes = plt.subplots(figsize=(10, max(2.5, 0.3 * len(order) + 1)))
    axes.barh([labels[i] for i in order], [100 * shares[i] for i in order], color="#c0504d")
    axes.set_xlabel("% of students who submitted the question")
    axes.set_xlim(0, 100)
    axes.set_title("How often each diagnosis occurred")
    try:
        return _png(figure)
    finally:
        plt.close(figure)
