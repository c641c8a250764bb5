"""`calcrl demo`: the instructor pipeline end to end on the bundled demo class.

From a clean state: generate the release, write the demo class's submissions, autograde them
in parallel, generate feedback, write the class report, export the grades for Canvas (matched
to a Canvas export of the demo course), and print a student x score table with where every
file is. Running it twice gives the same result.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from calcrl_checks.instructor.grading.autograde import autograde_class
from calcrl_checks.instructor.grading.course import Course, nbgrader_command, remove_tree
from calcrl_checks.instructor.demo.class_submissions import (ASSIGNMENT, NAMES, DemoStudent,
    demo_students, expected_scores, register_names, write_submissions)
from calcrl_checks.instructor.results.feedback import generate_feedback
from calcrl_checks.instructor.results.lms import export_canvas
from calcrl_checks.instructor.results.report import build_report, text_summary
from calcrl_checks.instructor.command.tables import score_table, summary_table

#: What the demo creates (and so removes first); source/ and release/ are the course's own.
#: The demo class's TA journal goes with its gradebook: a TA grade tried on one demo run must
#: not come back into the next one's fresh gradebook.
_DEMO_OUTPUTS = ("submitted", "autograded", "feedback", "reports", "gradebook.db",
                 ".calcrl-manual")


def run_demo(course: Course) -> int:
    root = course.root
    if not (root / "source" / ASSIGNMENT).is_dir():
        print(f"calcrl demo: no source/{ASSIGNMENT} in {root}; run it in the calcrl repository",
              file=sys.stderr)
        return 2
    for name in _DEMO_OUTPUTS:
        path = root / name
        if path.is_dir():
            for child in path.iterdir():
                if child.name == "README.md":  # the repository's note on what the folder is
                    continue
                if child.is_dir():
                    remove_tree(child)
                else:
                    child.unlink()
        elif path.exists():
            path.unlink()
    _step("Generating the student version (nbgrader generate_assignment)")
    generated = nbgrader_command(course, "generate_assignment", ASSIGNMENT, "--force")
    if generated.returncode != 0:
        print(generated.output[-4000:], file=sys.stderr)
        return 1
    students = demo_students()
    write_submissions(root, students)
    _step(f"Wrote {len(students)} demo submissions: " +
          ", ".join(f"{s.name} ({s.about})" for s in students))
    _step(f"Autograding with {os.cpu_count() or 1} parallel jobs")
    outcomes = autograde_class(course, ASSIGNMENT)
    register_names(course, students)
    print(summary_table(course, ASSIGNMENT, outcomes))
    _step("Generating feedback")
    generate_feedback(course, ASSIGNMENT)
    _step("Writing the class report")
    summary, _, page = build_report(course, ASSIGNMENT)
    print(text_summary(summary))
    print()
    print(score_table(course, ASSIGNMENT, [s.name for s in students],
                      expected_scores(root, students)))
    _step("Exporting grades for Canvas (against the demo course's Canvas export)")
    roster = _canvas_export(root, students)
    exported = export_canvas(course, ASSIGNMENT, root / "reports" / ASSIGNMENT / "canvas.csv",
                             roster)
    print(f"{exported.written} students matched; {len(exported.blank)} left blank while "
          "written answers wait for a TA or grading failed")
    print(f"""
Where everything is (in {root}):
  release/{ASSIGNMENT}/          the student version, generated from source/{ASSIGNMENT}/
  submitted/<student>/{ASSIGNMENT}/   the demo class's submissions
  autograded/<student>/{ASSIGNMENT}/  graded notebooks (what TAs open in the formgrader)
  feedback/<student>/{ASSIGNMENT}/    feedback pages students receive
  gradebook.db                  nbgrader's SQLite gradebook
  reports/{ASSIGNMENT}/grades.csv     grades exported by nbgrader
  reports/{ASSIGNMENT}/items.csv      item statistics per part
  reports/{ASSIGNMENT}/answers.csv    every graded answer, its code and score
  reports/{ASSIGNMENT}/canvas.csv     the grades as Canvas's gradebook import takes them
  {page.relative_to(root)}   class report with charts""")
    return 0


def _canvas_export(root: Path, students: list[DemoStudent]) -> Path:
    """What Canvas's gradebook export of the demo course would hold: the demo students with
    Canvas and SIS ids, logins equal to their nbgrader ids, and the assignment's column."""
    lines = ["Student,ID,SIS User ID,SIS Login ID,Section,calculus (4521)",
             "    Points Possible,,,,,100"]
    for number, student in enumerate(sorted(students, key=lambda s: s.name)):
        first, last = NAMES.get(student.name, ("Demo", student.name))
        lines.append(f'"{last}, {first}",{1001 + number},S{1001 + number},{student.name},'
                     "Demo section,")
    path = root / "reports" / ASSIGNMENT / "canvas-export-demo.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _step(text: str) -> None:
    print(f"\n== {text}", flush=True)
