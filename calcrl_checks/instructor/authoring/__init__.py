"""Authoring the course: one spec per question (``specs/``, where every expected answer, hint
and mistake is written once), what derives from them (``generate.py``: hidden tests, points,
the README table), the catalogue of mistakes as wrong answer cells (``mistakes.py``) and the
package students install, without this folder's parent (``student_package.py``).

May import: the package's public names, the checks, the cells' modules, the pipeline, what
crosses the sandbox boundary, the outcome and the hidden-test markers (``engine/hidden.py``).
"""
