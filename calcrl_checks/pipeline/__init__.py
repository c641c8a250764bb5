"""The checker's pipeline: the stages :func:`calcrl_checks.compare` runs, one file each, in order.

0. ``stage0_options``, ``stage0_domains``, ``stage0_hints``: what the author says (options,
   the domains answers are sampled from, hints), checked and resolved into one ``Setup``.
1. ``stage1_adapt``: what the student handed in, turned into one of a few known kinds.
2. ``stage2_read``: the answer read into a side the checker can evaluate (text is parsed by
   :mod:`calcrl_checks.expressions.parsing`); an answer that cannot be read is refused here.
3. ``stage3_sample``: seeded test points in each argument's domain.
4. ``stage4_evaluate``: both sides evaluated at those points.
5. ``stage5_compare``: the values compared within a tolerance, point by point.
6. ``stage6_prove``: a bounded symbolic proof, only to label a passing answer "proved".
7. ``stage7_diagnose`` and ``stage7_mal_answers``: a wrong answer's mistake named, against the
   mistakes generated from the question's own function.

The driver that runs them and words the verdict is :mod:`calcrl_checks.api`.

May import: :mod:`calcrl_checks.expressions`, :mod:`calcrl_checks.outcome`,
:mod:`calcrl_checks.crossing` (a function answer's types) and itself; never a check.
"""
