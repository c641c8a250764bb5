"""The expression language: the one table of functions an answer may use (``functions.py``),
the parser that reads answer text and LaTeX without eval (``parsing/``), and the evaluators
that compute an expression at points: high precision with mpmath (``evaluate.py``) and float64
torch for autograd (``torch_eval.py``).

May import: itself and :mod:`calcrl_checks.outcome` (a parse error is an outcome).
"""
