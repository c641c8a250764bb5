"""Published name: course configurations name
``calcrl_checks.instructor.feedback_index.index_after_feedback`` as nbgrader's feedback hook
(see ``nbgrader_config.py``), so it stays importable here. The index lives in
:mod:`calcrl_checks.instructor.results.feedback_index`.
"""
from calcrl_checks.instructor.results.feedback_index import index_after_feedback

__all__ = ["index_after_feedback"]
