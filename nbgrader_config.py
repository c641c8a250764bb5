"""nbgrader configuration for the calcrl course (read by `nbgrader ...` run in this folder)."""
from pathlib import Path

import nbgrader
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, GetGrades,
                                    IgnorePattern, LimitOutput, SaveAutoGrades)

import calcrl_checks
from calcrl_checks.engine import GradeInSandbox, require_sandbox
from calcrl_checks.instructor.manual_grades import journal_manual_grades
from calcrl_checks.preprocessors import (QuietClearHiddenTests, QuietClearMarkScheme,
                                         RenderMathOffline, RubricInPlace, RubricsNeedNoGrade,
                                         ShowOnlyCheckMessages, TidyFeedback, VerdictsAsText)

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "calcrl"
c.CourseDirectory.assignment_id = ""

# Student code never runs where a grade is computed: GradeInSandbox takes nbgrader's Execute
# step, runs the student's cells in a sandbox (bubblewrap) and the hidden tests here, on answers
# that cross as plain data. Grading stops before any work when this machine cannot sandbox.
c.Autograde.pre_convert_hook = require_sandbox

# Student code gets 30 s per cell: far above what a correct answer needs (checks budget
# themselves at 4 s), short enough that an infinite loop cannot stall a class. Each notebook's
# processes share 2 GiB of memory and 64 processes; a notebook may run 10 minutes in all.
c.GradeInSandbox.timeout = 30
c.GradeInSandbox.notebook_timeout = 600
c.GradeInSandbox.memory_mb = 2048
c.GradeInSandbox.processes = 64

# nbgrader scores a test cell 0 for any stderr output. Warnings and other stderr noise must
# never zero a correct answer, so stderr streams are dropped before grades are saved.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"(?s)."

# A student who deletes a test cell does not escape it: nbgrader puts it back and scores it.
c.OverwriteCells.add_missing_cells = True

# A TA rubric lives in a 0-point task cell; it must not leave submissions waiting for a grade.
# In the autograded notebook TAs grade, it becomes plain text just above the written answer
# (no gradable panel of its own).
c.Autograde.autograde_preprocessors = [
    GradeInSandbox, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    RubricsNeedNoGrade, AssignLatePenalties, CheckCellMetadata, RubricInPlace,
]

# Feedback shows the check's message only: no hidden tests, no rubric, no traceback through
# hidden test code; the lesson's math is rendered to MathML so the page reads fine offline.
# Each student also gets feedback/<student>/<assignment>/index.html: the total, every part,
# lost points.
c.GenerateFeedback.preprocessors = [
    GetGrades, QuietClearHiddenTests, QuietClearMarkScheme, ShowOnlyCheckMessages,
    RenderMathOffline, CSSHTMLHeaderPreprocessor, TidyFeedback,
]
# nbgrader's feedback template, with calcrl_checks/templates/feedback/ found first: it drops
# MathJax from a CDN (the math is already MathML) and gives the page a Content-Security-Policy
# that allows no script at all.
c.HTMLExporter.extra_template_basedirs = [
    str(Path(calcrl_checks.__file__).parent / "templates"),
    str(Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"),
]
# Everything a student hands in is inert on the pages TAs and students open: the formgrader
# (nbgrader's HTMLExporter reads this file too) and the feedback pages. nbconvert's sanitizing
# drops JavaScript and widget outputs and cleans HTML outputs; its clean_html filter and the
# markdown filter become calcrl's bleach allow-list (calcrl_checks/safe_html.py), because
# nbgrader's own templates render markdown cells and TA comments without nbconvert's cleaning.
c.HTMLExporter.sanitize_html = True
# A TA reads each check's verdict in its own words, once, not as a "[df: wrong]" tag box.
c.HTMLExporter.preprocessors = [VerdictsAsText]
c.HTMLExporter.filters = {
    "clean_html": "calcrl_checks.safe_html.clean_html",
    "markdown2html": "calcrl_checks.safe_html.markdown2html",
}
c.GenerateFeedback.post_convert_hook = (
    "calcrl_checks.instructor.feedback_index.index_after_feedback")
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                            ".calcrl-graded"]

# A TA's scores and comments cannot be recomputed from the submissions: every one given in this
# course's gradebook (in the formgrader or anywhere this file is read) is also appended to
# .calcrl-manual/grades.jsonl, and `calcrl autograde` puts back any the gradebook has lost.
journal_manual_grades(c, __file__)
