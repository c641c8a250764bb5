"""nbgrader configuration for the calcrl course (read by `nbgrader ...` run in this folder)."""
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests,
                                    ClearMarkScheme, GetGrades, IgnorePattern, LimitOutput,
                                    SaveAutoGrades)

from calcrl_checks.engine import GradeInSandbox, require_sandbox
from calcrl_checks.preprocessors import (RenderMathOffline, RubricsNeedNoGrade,
                                         ShowOnlyCheckMessages)

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
c.Autograde.autograde_preprocessors = [
    GradeInSandbox, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    RubricsNeedNoGrade, AssignLatePenalties, CheckCellMetadata,
]

# Feedback shows the check's message only: no hidden tests, no rubric, no traceback through
# hidden test code; math is rendered to MathML so the page reads fine offline.
c.GenerateFeedback.preprocessors = [
    GetGrades, ClearHiddenTests, ClearMarkScheme, ShowOnlyCheckMessages, RenderMathOffline,
    CSSHTMLHeaderPreprocessor,
]
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                            ".calcrl-graded"]
