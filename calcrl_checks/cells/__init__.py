"""What notebook cells import: the visible checks that help with an answer's form
(``form.py``), the formative checks that give an honest signal before submitting
(``formative.py``), what chart cells draw an answer with (``charts.py``), the wording of
a check run before its answer (``undefined_answers.py``) and what hidden test cells call to
turn a verdict into nbgrader points (``notebook.py``). Released notebooks reach the first two
as ``from calcrl_checks import form``; that name is published (see :mod:`calcrl_checks`).

May import: the checks, :mod:`calcrl_checks.api`, the pipeline, the expression language and the
outcome.
"""
