"""`calcrl report`: how did the class do, and which mistakes did it make?

Reads scores from the gradebook and the verdict records from the autograded notebooks; writes
a self-contained HTML report (charts embedded as PNG) and returns a short text summary. The
report names students and their notebooks, so it is rendered by :mod:`.pages`: autoescaped,
under a Content-Security-Policy.
"""
from __future__ import annotations

import base64
import contextlib
import io
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calcrl_checks.outcome.codes import CORRECT, DID_NOT_RUN, INTERNAL_ERROR, NOT_ANSWERED
from calcrl_checks.instructor.grading import accounts
from calcrl_checks.instructor.grading.course import Course, nbgrader_command
from calcrl_checks.instructor.results.answers import AnswerRow, class_answers, write_answers_csv
from calcrl_checks.instructor.results.descriptions import describe
from calcrl_checks.instructor.results.grades import StudentGrades, class_grades, pending_warning
from calcrl_checks.instructor.results.items import (FEWEST_FOR_FLAGS, Item, class_items,
                                                    write_items_csv)
from calcrl_checks.instructor.results.pages import render
from calcrl_checks.instructor.results.reteach import (ReteachItem, lesson_sections, reteach_list,
                                                      section_html, typeset)
from calcrl_checks.instructor.results.standing import class_standings
from calcrl_checks.instructor.results.verdict_records import Record, class_records
from calcrl_checks.outcome.errors import CalcrlError

#: Outcomes that are not the student's mistakes, each shown apart with what it means.
NOTEBOOK_UNREADABLE = "notebook_unreadable"
APART = {CORRECT: "correct", NOT_ANSWERED: "not answered",
         DID_NOT_RUN: "did not run (the answer cell stopped with an error)",
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
    #: item statistics per graded part, over the students with a current grade
    items: list[Item] = field(default_factory=list)
    #: every current student's graded parts with their answers (``answers.csv``)
    answers: list[AnswerRow] = field(default_factory=list)
    #: the misconceptions that cost the class most, across the assignment
    reteach: list[ReteachItem] = field(default_factory=list)
    #: notebook -> its lesson section (the notebook's title)
    sections: dict[str, str] = field(default_factory=dict)

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


class ReportError(CalcrlError, RuntimeError):
    """nbgrader could not export the grades."""


def build_report(course: Course, assignment: str, pseudonymize: bool = False
                 ) -> tuple[ClassSummary, Path, Path]:
    """Export the grades CSV (nbgrader's export) and write the HTML report, the item table
    (``items.csv``) and every graded answer (``answers.csv``, student ids replaced by
    pseudonyms with ``pseudonymize``) next to it."""

    folder = course.root / "reports" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    csv = folder / "grades.csv"
    exported = nbgrader_command(course, "export", "--to", str(csv))
    if exported.returncode != 0:
        raise ReportError(exported.output[-4000:])
    summary = summarize(course, assignment)
    accounts.complete_csv(course, assignment, csv, {*summary.grades, *summary.earlier})
    write_items_csv(summary.items, folder / "items.csv")
    write_answers_csv(summary.answers, folder / "answers.csv", pseudonymize)
    return summary, csv, write_html(summary, folder / "report.html")


def summarize(course: Course, assignment: str) -> ClassSummary:
    grades = class_grades(course, assignment)
    without = accounts.without_grade(course, assignment, set(grades))
    current = {student: g for student, g in grades.items() if student not in without}
    earlier = {student: g for student, g in grades.items() if student in without}
    records = [r for r in class_records(course, assignment) if r.student in current]
    names = {s.student: s.name for s in class_standings(course, assignment).values()}
    answers = class_answers(course, assignment, set(current), records)
    return ClassSummary(assignment, current, _parts(records, sorted(current)), names, without,
                        earlier, class_items(course, assignment, set(current), records),
                        answers, reteach_list(answers),
                        lesson_sections(course.root / "source" / assignment))


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
    if summary.reteach:
        lines.append("Reteach first (students affected x points lost to each misconception):")
        lines.extend(f"  {item.description} ({item.code}): {_students(item.students)}, "
                     f"{item.points_lost:g} points lost, in "
                     f"{', '.join(n.split('_')[0] for n in item.notebooks)}"
                     for item in summary.reteach[:3])
    flagged = [item for item in summary.items if item.flag]
    if flagged:
        lines.append("Parts worth a look (items.csv has every part's statistics):")
        lines.extend(f"  {item.notebook} · {item.part}: {item.flag}" for item in flagged)
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


def _students(count: int) -> str:
    return f"{count} student" + ("" if count == 1 else "s")


def write_html(summary: ClassSummary, path: Path) -> Path:
    """Write the self-contained HTML report (no network needed to view it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_page(summary), encoding="utf-8")
    return path


def _note(summary: ClassSummary, grades: StudentGrades) -> str:
    """The last column of a student's row: why a grade is not current, or what awaits a TA."""
    if grades.student in summary.earlier:
        return (f"not current, from an earlier grading; the latest: "
                f"{summary.without_grade[grades.student]}")
    return f"{grades.pending_points:g} points awaiting TA" if grades.pending_points else ""


def _page(summary: ClassSummary) -> str:
    """The report's HTML (``templates/pages/report.html.j2``, autoescaped)."""
    everyone = [*summary.grades.values(), *summary.earlier.values()]
    rows = [(grades, _note(summary, grades))
            for grades in sorted(everyone, key=lambda g: g.student)]
    charts = {"totals": _totals_chart(summary), "scores": _score_chart(summary),
              "diagnoses": _diagnosis_chart(summary), "parts": _items_chart(summary),
              "reteach": _reteach_chart(summary)}
    return render("report.html.j2", summary=summary, text=text_summary(summary), typeset=typeset,
                  section=section_html,
                  fewest=FEWEST_FOR_FLAGS,
                  waiting=summary.pending(), charts=charts, describe=describe,
                  notebooks=sorted({n for g in summary.grades.values() for n in g.notebooks}),
                  rows=rows)


@contextlib.contextmanager
def _chart(width: float, height: float) -> Iterator[Any]:
    """One chart's axes, drawn off screen; the figure is closed whatever happens."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(width, height))
    try:
        yield axes
    finally:
        plt.close(figure)


def _png(axes: Any) -> str:
    buffer = io.BytesIO()
    axes.figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode()


def _score_chart(summary: ClassSummary) -> str:
    fractions = summary.notebook_fractions()
    with _chart(10, 4) as axes:
        if fractions:
            axes.boxplot(list(fractions.values()), showmeans=True)
            axes.set_xticks(range(1, len(fractions) + 1),
                            [name.split("_")[0] for name in fractions], rotation=0)
        axes.set_ylabel("fraction of graded points")
        axes.set_ylim(-0.05, 1.05)
        axes.set_title("Scores per question (box: quartiles, triangle: mean)")
        return _png(axes)


def _diagnosis_chart(summary: ClassSummary) -> str:
    labels, shares = [], []
    for part in summary.parts:
        for code, share in part.mistakes():
            labels.append(f"{part.notebook.split('_')[0]} {part.part}: {describe(code)}")
            shares.append(share)
    order = sorted(range(len(shares)), key=lambda i: shares[i])[-25:]
    with _chart(10, max(2.5, 0.3 * len(order) + 1)) as axes:
        axes.barh([labels[i] for i in order], [100 * shares[i] for i in order],
                  color="#c0504d")
        axes.set_xlabel("% of graded students")
        axes.set_xlim(0, 100)
        axes.set_title("How often each diagnosis occurred")
        return _png(axes)


def _items_chart(summary: ClassSummary) -> str:
    """Facility against discrimination, one point per part; flagged parts marked and named."""
    shown = [(item, item.facility, item.discrimination) for item in summary.items
             if item.facility is not None and item.discrimination is not None]
    with _chart(10, 4.5) as axes:
        for flagged, colour, label in ((False, "#4a7ebb", "part"),
                                       (True, "#c0504d", "worth a look")):
            group = [(item, x, y) for item, x, y in shown if bool(item.flag) == flagged]
            if group:
                axes.scatter([x for _, x, _ in group], [y for _, _, y in group],
                             color=colour, label=label, s=28)
            for item, x, y in group if flagged else []:
                axes.annotate(f"{item.notebook.split('_')[0]} {item.part}", (x, y), fontsize=8,
                              xytext=(4, 4), textcoords="offset points")
        axes.axhline(0.2, color="#999", lw=0.8, ls="--")
        axes.set_xlim(-0.05, 1.05)
        axes.set_ylim(-1.05, 1.05)
        axes.set_xlabel("facility (mean fraction of the part's points)")
        axes.set_ylabel("discrimination (item-rest)")
        axes.set_title("Each part: how easy, and how well it separates the class")
        if shown:
            axes.legend(loc="lower left")
        return _png(axes)


def _reteach_chart(summary: ClassSummary) -> str:
    """The reteach list's first ten misconceptions as bars of students x points lost."""
    first = list(reversed(summary.reteach[:10]))
    with _chart(10, max(2.5, 0.35 * len(first) + 1)) as axes:
        axes.barh([item.code for item in first], [item.weight for item in first],
                  color="#c0504d")
        axes.set_xlabel("students affected x points lost")
        axes.set_title("What to reteach first")
        return _png(axes)


def _totals_chart(summary: ClassSummary) -> str:
    totals = [g.score for g in summary.grades.values()]
    top = max((g.max_score for g in summary.grades.values()), default=100.0)
    with _chart(10, 3) as axes:
        axes.hist(totals, bins=20, range=(0, top), color="#4a7ebb", edgecolor="white")
        axes.set_xlabel(f"total points (of {top:g}; written answers awaiting a TA count 0)")
        axes.set_ylabel("students")
        axes.set_title("Totals")
        return _png(axes)
