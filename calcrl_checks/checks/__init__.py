"""The checks built on the pipeline: derivatives and gradients of a known function
(``calculus.py``), RL update rules and gradients against autograd (``rl.py``), answers built
with PyTorch autograd (``autograd.py``), seeded environments a student's rule must learn in
(``scenarios.py``) and values defined from another answer (``consistency.py``).

May import: :mod:`calcrl_checks.api`, the pipeline, the expression language, the outcome and
:mod:`calcrl_checks.crossing`; never the engine or the instructor's side.
"""
