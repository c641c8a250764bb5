"""Tables printed for instructors: the autograde summary and the student x question scores."""
from __future__ import annotations

from calcrl_checks.instructor.grading.accounts import HAS_GRADE
from calcrl_checks.instructor.grading.autograde import Outcome
from calcrl_checks.instructor.grading.course import Course
from calcrl_checks.instructor.results.grades import class_grades, pending_warning


def summary_table(course: Course, assignment: str, outcomes: list[Outcome]) -> str:
    """Every submission with its score, or the reason it has none."""
    grades = class_grades(course, assignment)
    width = max([len(o.student) for o in outcomes] + [7])
    lines = [f"{'student':<{width}}  {'score':>11}  status", "-" * (width + 40)]
    for outcome in outcomes:
        graded = grades.get(outcome.student)
        score = f"{graded.score:g} / {graded.max_score:g}" if graded and \
            outcome.status in HAS_GRADE else "-"
        note = outcome.status + (f": {outcome.reason}" if outcome.reason else "")
        if graded and graded.pending_points and outcome.status in HAS_GRADE:
            note += f"; {graded.pending_points:g} points await TA grading"
        lines.append(f"{outcome.student:<{width}}  {score:>11}  {note}")
        lines.extend(f"{'':<{width}}  {'':>11}  ! {problem}" for problem in outcome.problems)
        lines.extend(f"{'':<{width}}  {'':>11}  - {note}" for note in outcome.notes)
    failed = sum(o.status == "failed" for o in outcomes)
    not_graded = sum(o.status == "not graded" for o in outcomes)
    flagged = sum(bool(o.problems) for o in outcomes)
    lines.append(f"{len(outcomes)} submissions: {len(outcomes) - failed - not_graded} graded "
                 f"or up to date, {failed} failed, {flagged} with unreadable notebooks"
                 + (f", {not_graded} not graded." if not_graded else "."))
    waiting = pending_warning({o.student: grades[o.student] for o in outcomes
                               if o.student in grades})
    if waiting:
        lines.append(f"Not final: {waiting}")
    return "\n".join(lines)


def score_table(course: Course, assignment: str, students: list[str],
                expected: dict[str, float]) -> str:
    """Students as rows, questions as columns, with the total and the expected total."""
    grades = class_grades(course, assignment)
    notebooks = sorted({n for g in grades.values() for n in g.notebooks})
    header = f"{'student':<12}" + "".join(f"{n.split('_')[0]:>5}" for n in notebooks) + \
        f"{'total':>8}{'expected':>10}"
    lines = [header, "-" * len(header)]
    for student in students:
        graded = grades.get(student)
        cells = "".join(f"{graded.notebooks[n][0]:>5g}" if graded and n in graded.notebooks
                        else f"{'-':>5}" for n in notebooks)
        total = f"{graded.score:>8g}" if graded else f"{'-':>8}"
        lines.append(f"{student:<12}{cells}{total}{expected.get(student, float('nan')):>10g}")
    return "\n".join(lines)
