"""The `calcrl` command: a thin layer over nbgrader for grading a class and seeing how it went.

    calcrl autograde ASSIGNMENT [--jobs N] [--student GLOB] [--force] [--timeout SECONDS]
    calcrl feedback ASSIGNMENT
    calcrl report ASSIGNMENT
    calcrl demo

Run it in the course folder (the one with nbgrader_config.py), or pass --course PATH.
Plain `nbgrader ...` commands keep working on the same folder.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .autograde import STUDENT_SECONDS, Outcome, autograde_class
from .course import Course, nbgrader_command
from .grades import class_grades


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    options = parser.parse_args(argv)
    course = Course(Path(options.course).resolve())
    if options.command != "demo" and not (course.root / "nbgrader_config.py").exists():
        parser.error(f"{course.root} has no nbgrader_config.py; run calcrl in the course folder "
                     "or pass --course")
    return options.run(course, options)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="calcrl", description=__doc__.split("\n\n")[0])
    parser.add_argument("--course", default=".", help="course folder (default: current folder)")
    commands = parser.add_subparsers(dest="command", required=True)

    grade = commands.add_parser("autograde", help="autograde every submission, in parallel")
    grade.add_argument("assignment")
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                       help="students graded at once (default: number of cores)")
    grade.add_argument("--student", default="*", help="only students matching this glob")
    grade.add_argument("--force", action="store_true",
                       help="grade again even when a submission has not changed")
    grade.add_argument("--timeout", type=float, default=STUDENT_SECONDS,
                       help=f"seconds allowed per student (default {STUDENT_SECONDS})")
    grade.set_defaults(run=_autograde)

    feedback = commands.add_parser("feedback", help="feedback HTML for every graded student")
    feedback.add_argument("assignment")
    feedback.set_defaults(run=_feedback)

    report = commands.add_parser("report", help="grades CSV and a class report (HTML + text)")
    report.add_argument("assignment")
    report.set_defaults(run=_report)

    demo = commands.add_parser("demo", help="run the whole pipeline on the bundled demo class")
    demo.set_defaults(run=_demo)
    return parser


def _autograde(course: Course, options: argparse.Namespace) -> int:
    if options.jobs < 1:
        print("calcrl: --jobs must be at least 1", file=sys.stderr)
        return 2
    outcomes = autograde_class(course, options.assignment, options.jobs, options.student,
                               options.force, options.timeout)
    if not outcomes:
        print(f"No submissions of '{options.assignment}' match '{options.student}' in "
              f"{course.root / 'submitted'}.")
        return 1
    print(summary_table(course, options.assignment, outcomes))
    return 1 if any(o.failed for o in outcomes) else 0


def summary_table(course: Course, assignment: str, outcomes: list[Outcome]) -> str:
    """Every submission with its score, or the reason it has none."""
    grades = class_grades(course, assignment)
    width = max([len(o.student) for o in outcomes] + [7])
    lines = [f"{'student':<{width}}  {'score':>11}  status", "-" * (width + 40)]
    for outcome in outcomes:
        graded = grades.get(outcome.student)
        score = f"{graded.score:g} / {graded.max_score:g}" if graded and \
            outcome.status != "failed" else "-"
        note = outcome.status + (f": {outcome.reason}" if outcome.reason else "")
        lines.append(f"{outcome.student:<{width}}  {score:>11}  {note}")
        lines.extend(f"{'':<{width}}  {'':>11}  ! {problem}" for problem in outcome.problems)
        lines.extend(f"{'':<{width}}  {'':>11}  - {note}" for note in outcome.notes)
    failed = sum(o.status == "failed" for o in outcomes)
    flagged = sum(bool(o.problems) for o in outcomes)
    lines.append(f"{len(outcomes)} submissions: {len(outcomes) - failed} graded or up to date, "
                 f"{failed} failed, {flagged} with unreadable notebooks.")
    return "\n".join(lines)


def _feedback(course: Course, options: argparse.Namespace) -> int:
    finished = nbgrader_command(course, "generate_feedback", options.assignment, "--force")
    if finished.returncode != 0 or finished.timed_out:
        print(finished.output[-4000:], file=sys.stderr)
        return 1
    folder = course.root / "feedback"
    pages = sorted(folder.glob(f"*/{options.assignment}/*.html"))
    print(f"Feedback: {len(pages)} pages for "
          f"{len({p.parent.parent.name for p in pages})} students in {folder}")
    return 0


def _report(course: Course, options: argparse.Namespace) -> int:
    from .report import summarize, text_summary, write_html

    target = course.root / "reports" / options.assignment
    target.mkdir(parents=True, exist_ok=True)
    csv = target / "grades.csv"
    finished = nbgrader_command(course, "export", "--to", str(csv))
    if finished.returncode != 0 or finished.timed_out:
        print(finished.output[-4000:], file=sys.stderr)
        return 1
    summary = summarize(course, options.assignment)
    page = write_html(summary, target / "report.html")
    print(text_summary(summary))
    print(f"Grades CSV: {csv}\nClass report: {page}")
    return 0


def _demo(course: Course, options: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(course)


if __name__ == "__main__":
    sys.exit(main())
