"""The `calcrl` command: a thin layer over nbgrader for grading a class and seeing how it went.

    calcrl autograde ASSIGNMENT [--jobs N | --scheduler tcp://HOST:PORT] [--student GLOB]
                                [--force] [--timeout SECONDS] [--unsandboxed]
    calcrl feedback ASSIGNMENT
    calcrl report ASSIGNMENT
    calcrl export canvas ASSIGNMENT [--canvas-export FILE] [--per-notebook] [--out FILE]
    calcrl export csv ASSIGNMENT --id-column NAME --score-column NAME [--out FILE]
    calcrl backup
    calcrl restore BACKUP
    calcrl demo
    calcrl sandbox-check
    calcrl specs [--write | --check]
    calcrl student-package [--out DIR]

Run it in the course folder (the one with nbgrader_config.py), or pass --course PATH (before
or after the subcommand). `calcrl COMMAND --help` ends with an example.
Plain `nbgrader ...` commands keep working on the same folder. Exit status: 0 done, 1 some
submission failed or had an unreadable notebook, 2 refused before any work (the message says
why), 75 another calcrl command is writing to this course, 130 interrupted.

Imports inside functions: each command loads only what it uses, so `calcrl --help` and a
refusal stay instant.
"""
from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from calcrl_checks.display.names import terminal_text
from calcrl_checks.instructor.grading.autograde import STUDENT_SECONDS, autograde_class
from calcrl_checks.instructor.grading.course import Course
from calcrl_checks.instructor.grading.startup import skip_unused_imports
from calcrl_checks.instructor.command.tables import summary_table


#: Write failures that are the machine's, not a bug: said in words, never a traceback.
_CANNOT_WRITE = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES)
#: Commands that write to the course folder: one at a time per course (``lock.py``), with
#: ``specs --write``.
WRITING = ("autograde", "feedback", "report", "export", "demo", "backup", "restore")


def main(argv: Sequence[str] | None = None) -> int:
    skip_unused_imports()
    # nbgrader runs helper commands (alembic) by name: this environment's come first.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    parser = _parser()
    options = parser.parse_args(argv)
    course = Course(Path(options.course).resolve())
    needs_course = options.command not in ("demo", "sandbox-check", "specs", "student-package")
    if needs_course and not (course.root / "nbgrader_config.py").exists():
        parser.error(f"{course.root} has no nbgrader_config.py; run calcrl in the course folder "
                     "or pass --course")
    try:
        if not _writes(options):
            return options.run(course, options)
        from calcrl_checks.instructor.grading.lock import CourseBusy, course_lock

        try:
            with course_lock(course.root, " ".join(filter(None, (options.command, getattr(
                    options, "assignment", None))))):
                return options.run(course, options)
        except CourseBusy as busy:
            print(f"calcrl: {busy}", file=sys.stderr)
            return 75  # EX_TEMPFAIL: try again later
    except OSError as error:
        if error.errno not in _CANNOT_WRITE:
            raise
        print(terminal_text(f"calcrl: {options.command} could not write "
                            f"{error.filename or 'into the course'} ({error.strerror}). Free "
                            "space there (or make it writable) and run the same command again; "
                            "nothing already written was lost."), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # Autograde stops its own graders and reports what it graded (exit 130 as well); a
        # Ctrl-C anywhere else (pre-flight, feedback, report) ends here, without a traceback.
        print(f"calcrl: {options.command} interrupted; run the same command again to finish.",
              file=sys.stderr)
        return 130


def _writes(options: argparse.Namespace) -> bool:
    """Whether the command writes into the course (and so holds the course lock)."""
    return options.command in WRITING or (options.command == "specs" and options.write)


#: One worked example per subcommand, shown at the end of its --help.
EXAMPLES = {
    "autograde": "calcrl autograde calculus --jobs 2\n"
                 "  calcrl autograde calculus --student 'ana*' --force",
    "feedback": "calcrl feedback calculus      (after calcrl autograde calculus)",
    "report": "calcrl report calculus        (writes reports/calculus/)\n"
              "  calcrl report calculus --pseudonymize   (answers.csv without student ids)",
    "export": "calcrl export canvas calculus --canvas-export ~/Downloads/grades.csv\n"
              "  calcrl export csv calculus --id-column username --score-column calculus",
    "backup": "calcrl backup",
    "restore": "calcrl restore .calcrl-backups/auto-gradebook-20261207T080000Z.db",
    "demo": "calcrl demo                  (in the calcrl repository, as make demo does)",
    "sandbox-check": "calcrl sandbox-check --course ~/course",
    "specs": "calcrl specs --check\n  calcrl specs --write",
    "student-package": "calcrl student-package --out dist",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="calcrl", description=__doc__.split("\n\n")[0])
    parser.add_argument("--course", default=".", help="course folder (default: current folder)")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        """A subcommand with its summary, its example, and --course accepted after it too."""
        sub = commands.add_parser(name, help=summary, description=summary,
                                  epilog=f"example:\n  {EXAMPLES[name]}",
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        # SUPPRESS: given before the subcommand, --course is not reset by the subcommand's.
        sub.add_argument("--course", default=argparse.SUPPRESS,
                         help="course folder (default: current folder)")
        return sub

    grade = command("autograde", "autograde every submission, in parallel")
    grade.add_argument("assignment")
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                       help="students graded at once (default: number of cores)")
    grade.add_argument("--student", default="*", help="only students matching this glob")
    grade.add_argument("--force", action="store_true",
                       help="grade again even when a submission has not changed")
    grade.add_argument("--timeout", type=float, default=STUDENT_SECONDS,
                       help=f"seconds allowed per student (default {STUDENT_SECONDS})")
    grade.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="grade on the workers of this Dask scheduler (default: a local "
                            "pool of --jobs warm graders, no service needed)")
    grade.add_argument("--timings", metavar="FILE",
                       help="also write each student's grading time, time inside cells and "
                            "peak memory to FILE (JSON), for benchmarks")
    grade.add_argument("--unsandboxed", action="store_true",
                       help="run student code WITHOUT the sandbox (unsafe: student code can "
                            "then read the course and change grades)")
    grade.set_defaults(run=_autograde)

    feedback = command("feedback", "write feedback HTML for every graded student, into "
                       "feedback/")
    feedback.add_argument("assignment")
    feedback.set_defaults(run=_feedback)

    report = command("report", "write the grades CSV and a class report (HTML and text): "
                     "scores, and which mistakes the class made on each part")
    report.add_argument("assignment")
    report.add_argument("--pseudonymize", action="store_true",
                        help="write answers.csv with pseudonyms in place of student ids")
    report.set_defaults(run=_report)

    export = command("export", "write the current grades as an LMS imports them: Canvas's "
                     "gradebook CSV (matched to the course's Canvas export), or a CSV with the "
                     "column names you choose; a score that is not final stays blank")
    export.add_argument("format", choices=("canvas", "csv"))
    export.add_argument("assignment")
    export.add_argument("--canvas-export", metavar="FILE", type=Path,
                        help="the course's gradebook as Canvas exports it (Grades, Export): "
                             "students are matched to its rows and its assignment column "
                             "is reused")
    export.add_argument("--per-notebook", action="store_true",
                        help="one column per notebook instead of the assignment's total")
    export.add_argument("--id-column", help="csv: the header of the student id column")
    export.add_argument("--score-column", help="csv: the header of the score column")
    export.add_argument("--out", metavar="FILE", type=Path,
                        help="where to write (default: reports/ASSIGNMENT/canvas.csv or "
                             "grades-lms.csv)")
    export.set_defaults(run=_export)

    backup = command("backup", "copy the gradebook into .calcrl-backups/ (autograde also "
                     "does, before it writes)")
    backup.set_defaults(run=_backup)

    restore = command("restore", "put a gradebook copy back, then the TA grades given since "
                      "(the current gradebook is moved aside)")
    restore.add_argument("backup", help="a copy in .calcrl-backups/ (or any nbgrader gradebook)")
    restore.set_defaults(run=_restore)

    demo = command("demo", "run the whole instructor pipeline (generate, autograde, feedback, "
                   "report) on the bundled demo class; its earlier outputs are replaced")
    demo.set_defaults(run=_demo)

    sandbox = command("sandbox-check", "check that student code is sandboxed on this machine")
    sandbox.set_defaults(run=_sandbox_check)

    specs = command("specs", "write what the question specs give (hidden tests, points, "
                    "README table, release), or check it")
    mode = specs.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true",
                      help="write source/ and README.md from the specs, then regenerate release/")
    mode.add_argument("--check", action="store_true",
                      help="say what differs from the specs (exit status 1 if anything does)")
    specs.set_defaults(run=_specs)

    student = command("student-package", "build the wheel students install: calcrl_checks "
                      "without the instructor's specs and commands")
    student.add_argument("--out", default="dist", help="folder to write the wheel to (dist)")
    student.set_defaults(run=_student_package)
    return parser


def _autograde(course: Course, options: argparse.Namespace) -> int:
    from calcrl_checks.engine.bubblewrap import UNSANDBOXED_VARIABLE, SandboxUnavailable
    from calcrl_checks.instructor.grading.autograde import (AutogradeError, RunIncomplete,
        RunInterrupted)

    if options.jobs < 1:
        print("calcrl: --jobs must be at least 1", file=sys.stderr)
        return 2
    if options.unsandboxed:
        os.environ[UNSANDBOXED_VARIABLE] = "1"
        print("calcrl: WARNING: grading without a sandbox (--unsandboxed). Student code can read "
              "the course folder and change grades on this run.", file=sys.stderr)
    try:
        outcomes = autograde_class(course, options.assignment, options.jobs, options.student,
                                   options.force, options.timeout,
                                   scheduler=options.scheduler)
    except (SandboxUnavailable, AutogradeError) as error:
        print(terminal_text(str(error)), file=sys.stderr)
        return 2
    except RunIncomplete as incomplete:
        print(terminal_text(summary_table(course, options.assignment, incomplete.outcomes)))
        print(terminal_text(f"calcrl: grading finished, but {incomplete.reason}."),
              file=sys.stderr)
        return 1
    except RunInterrupted as stop:
        print(terminal_text(summary_table(course, options.assignment, stop.outcomes)))
        graded = sum(o.status == "graded" for o in stop.outcomes)
        print(f"Interrupted: {graded} graded in this run, "
              f"{sum(o.status == 'not graded' for o in stop.outcomes)} not graded (their "
              "earlier grades, if any, are kept). Run the same command again to finish.",
              file=sys.stderr)
        return 130
    if not outcomes:
        print(f"No submissions of '{options.assignment}' match '{options.student}' in "
              f"{course.root / 'submitted'}.")
        return 1
    print(terminal_text(summary_table(course, options.assignment, outcomes)))
    if options.timings:
        Path(options.timings).write_text(json.dumps(
            {o.student: {"status": o.status, **o.timing} for o in outcomes}, indent=1))
    return 1 if any(o.failed for o in outcomes) else 0


def _feedback(course: Course, options: argparse.Namespace) -> int:
    from calcrl_checks.instructor.results.feedback import FeedbackError, generate_feedback

    try:
        feedback = generate_feedback(course, options.assignment)
    except FeedbackError as error:
        print(terminal_text(str(error)), file=sys.stderr)
        return 1
    pages = feedback.pages
    print(f"Feedback: {len(pages)} pages for {len({p.parent.parent.name for p in pages})} "
          f"students in {course.root / 'feedback'}")
    if feedback.not_graded:
        print(terminal_text(f"calcrl: warning: no feedback for {len(feedback.not_graded)} "
                            f"submitted student(s) not graded yet: "
                            f"{', '.join(feedback.not_graded)}; run `calcrl autograde "
                            f"{options.assignment}` to grade them"), file=sys.stderr)
    return 0


def _report(course: Course, options: argparse.Namespace) -> int:
    from calcrl_checks.instructor.results.grades import class_grades, pending_warning
    from calcrl_checks.instructor.results.report import ReportError, build_report, text_summary

    waiting = pending_warning(class_grades(course, options.assignment))
    if waiting:
        print(f"calcrl: warning: {waiting}", file=sys.stderr)
    try:
        summary, csv, page = build_report(course, options.assignment, options.pseudonymize)
    except ReportError as error:
        print(terminal_text(str(error)), file=sys.stderr)
        return 1
    print(terminal_text(text_summary(summary)))
    pseudonyms = " (pseudonymized)" if options.pseudonymize else ""
    print(f"Grades CSV: {csv}\nClass report: {page}\n"
          f"Every graded answer: {csv.with_name('answers.csv')}{pseudonyms}")
    return 0


def _export(course: Course, options: argparse.Namespace) -> int:
    from calcrl_checks.instructor.results.lms import ExportError, export_canvas, export_plain

    folder = course.root / "reports" / options.assignment
    try:
        if options.format == "canvas":
            if options.id_column or options.score_column:
                raise ExportError("--id-column and --score-column are for `calcrl export csv`")
            done = export_canvas(course, options.assignment,
                                 options.out or folder / "canvas.csv", options.canvas_export,
                                 options.per_notebook)
        else:
            if options.canvas_export or options.per_notebook:
                raise ExportError("--canvas-export and --per-notebook are for `calcrl export "
                                  "canvas`")
            if not (options.id_column and options.score_column):
                raise ExportError("`calcrl export csv` needs --id-column and --score-column "
                                  "(say, --id-column username --score-column calculus)")
            done = export_plain(course, options.assignment,
                                options.out or folder / "grades-lms.csv", options.id_column,
                                options.score_column)
    except ExportError as error:
        print(f"calcrl export: {terminal_text(str(error))}", file=sys.stderr)
        return 2
    print(f"Wrote {done.path}: {done.written} students, column(s) "
          f"{terminal_text(', '.join(done.columns))}.")
    if options.format == "canvas" and not options.canvas_export:
        print("No --canvas-export given: each row carries the nbgrader id as SIS Login ID, "
              "which Canvas matches only if your logins are those ids.")
    for student, why in done.blank.items():
        print(f"  left blank: {terminal_text(student)} ({terminal_text(why)})")
    for student, rows in done.ambiguous.items():
        print(f"  ambiguous, left out: {terminal_text(student)} matches "
              f"{len(rows)} Canvas rows or shares one ("
              f"{terminal_text(', '.join(r.student for r in rows))})")
    for student in done.unmatched:
        print(f"  not in the Canvas export, left out: {terminal_text(student)}")
    return 1 if done.ambiguous or done.unmatched else 0


def _backup(course: Course, options: argparse.Namespace) -> int:
    from calcrl_checks.instructor.grading.backups import BackupError, backup_gradebook

    try:
        copy = backup_gradebook(course)
    except BackupError as error:
        print(terminal_text(f"calcrl: {error}"), file=sys.stderr)
        return 1
    print(f"Gradebook copied to {copy} ({copy.stat().st_size} bytes). Keep it, and "
          ".calcrl-manual/ (every TA grade), somewhere other than this machine too.")
    return 0


def _restore(course: Course, options: argparse.Namespace) -> int:
    from calcrl_checks.instructor.grading.backups import BackupError, restore_gradebook

    try:
        done = restore_gradebook(course, Path(options.backup).resolve())
    except BackupError as error:
        print(terminal_text(f"calcrl: {error}"), file=sys.stderr)
        return 1
    if done.moved_aside:
        print(f"The gradebook that was there is kept as {done.moved_aside}.")
    print(f"Restored {options.backup} as {done.gradebook}.")
    print(f"TA grades and comments given after that copy, restored from the journal: "
          f"{sum(done.ta_grades.values())}" + "".join(
              f"\n  {name}: {count}" for name, count in sorted(done.ta_grades.items())))
    print("Then run `calcrl autograde ASSIGNMENT --force`: the copy's automatic grades may be "
          "older than the graded notebooks (TA grades are kept through --force).")
    return 0


def _sandbox_check(course: Course, options: argparse.Namespace) -> int:
    from calcrl_checks.engine.bubblewrap import SandboxUnavailable
    from calcrl_checks.engine.probe import check_sandbox

    try:
        results = check_sandbox(course.root)
    except SandboxUnavailable as error:
        print(terminal_text(str(error)), file=sys.stderr)
        return 1
    for result in results:
        print(f"[{'ok' if result.passed else 'FAILED'}] {result.name}: {result.detail}")
    failed = [r for r in results if not r.passed]
    print("The sandbox holds on this machine." if not failed else
          f"{len(failed)} check(s) failed: do not grade untrusted submissions here.")
    return 1 if failed else 0


def _specs(course: Course, options: argparse.Namespace) -> int:
    from calcrl_checks.instructor.authoring.generate import problems, write

    if not (course.root / "source").is_dir():
        print(f"calcrl: {course.root} has no source/ folder", file=sys.stderr)
        return 2
    if options.write:
        for path in write(course.root):
            print(f"wrote {path.relative_to(course.root)}")
        print(f"release/ regenerated in {course.root}")
        return 0
    found = problems(course.root)
    for problem in found:
        print(problem)
    print("Everything the specs derive is written." if not found else
          f"{len(found)} difference(s): run `calcrl specs --write`.")
    return 1 if found else 0


def _student_package(course: Course, options: argparse.Namespace) -> int:
    from calcrl_checks.instructor.authoring.student_package import PackageError, build_student_wheel

    try:
        wheel = build_student_wheel(Path(options.out).resolve())
    except PackageError as error:
        print(f"calcrl: {error}", file=sys.stderr)
        return 1
    print(f"Student package: {wheel}\nStudents install it with "
          f"`pip install -c constraints.txt {wheel.name}` (no specs or solutions inside).")
    return 0


def _demo(course: Course, options: argparse.Namespace) -> int:
    from calcrl_checks.instructor.demo.pipeline import run_demo

    return run_demo(course)


if __name__ == "__main__":
    sys.exit(main())
