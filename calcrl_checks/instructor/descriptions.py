"""What each verdict code means, in plain words, for the class report.

One table, one place: a code missing here is shown as its words ("wrong_fixed_point" reads
"wrong fixed point"), so a new code never breaks the report.
"""
from __future__ import annotations

DESCRIPTIONS: dict[str, str] = {
    # outcomes that are not mistakes
    "correct": "correct",
    "not_answered": "not answered (the answer cell still holds its stub)",
    "internal_error": "the checker itself failed: regrade by hand",
    "unreadable": "the answer could not be read back from the student's notebook",
    "no_verdict": "no check result (the cell did not run to its end)",
    "visible_check_failed": "the visible check failed before the value was graded",
    "error": "the answer raised an error",
    # general
    "wrong": "wrong value, no known mistake matched",
    "wrong_type": "wrong kind of answer (e.g. a list where an expression was asked)",
    "wrong_shape": "wrong shape of array",
    "not_finite": "NaN or infinity in the answer",
    "parse_error": "typed answer could not be read",
    "unsafe_input": "typed answer used something not allowed (diff, attributes, ...)",
    "raised": "the student's function raised an error",
    "timeout": "the answer took too long to check",
    "unknown_symbol": "a symbol the question does not define",
    "wrong_variable": "differentiated with respect to the wrong variable",
    "unsubstituted": "an intermediate variable left in the answer",
    "inputs_mutated": "the function changed its input in place",
    "inconsistent": "a value that disagrees with the student's own function",
    # calculus
    "sign_flip": "sign flipped",
    "constant_factor": "off by a constant factor",
    "additive_constant": "off by an added constant",
    "swapped_components": "gradient components swapped",
    "missing_inner_derivative": "chain rule: inner derivative missing",
    "product_rule": "product rule not applied fully",
    "exponent_not_lowered": "power rule: exponent not lowered",
    "exponent_lowered_twice": "power rule: exponent lowered twice",
    "constant_differentiated": "a constant term differentiated to non-zero",
    "other_variable_differentiated": "partial derivative: the other variable treated as varying",
    "outer_not_inner": "chain rule: outer derivative only",
    "inner_only": "chain rule: inner derivative only",
    "wrong_substitution": "chain rule: wrong substitution back into x",
    "gave_dy_dx": "gave dy/dx where another derivative was asked",
    "value_not_slope": "gave the function's value instead of its slope",
    "gradient_not_value": "gave the gradient instead of the value",
    "missing_plus_one": "product rule's +1 forgotten (entropy gradient)",
    "plus_one_sign": "sign of the +1 term wrong",
    "log_base": "logarithm in the wrong base",
    # numerical estimates
    "rounded_to_zero": "rounded a small value to zero",
    "edges_left_out": "left the grid's edges out",
    "missing_spacing": "np.gradient without the grid spacing",
    "mean_not_max": "an average where the largest value was asked",
    "step_too_large": "finite-difference step too large",
    # RL
    "full_gradient": "TD: differentiated through the target (residual gradient)",
    "gamma_dropped": "TD: discount gamma dropped",
    "normaliser_sign": "softmax: sign of the normaliser term",
    "normaliser_forgotten": "softmax: normaliser term forgotten",
    "missing_one_hot": "softmax: one-hot term missing",
    "second_component_sign": "softmax: sign of the second component",
    "wrong_action": "gradient for the wrong action",
    "ignores_action": "the action argument is ignored",
    "max_instead_of_min": "PPO: max where the clipped objective takes the min",
    "clip_without_min": "PPO: clipped without the min (wrong for A < 0)",
    "not_clipped": "PPO: ratio not clipped",
    "wrong_clip_end": "PPO: clipped at the wrong end",
    "pieces_swapped": "PPO: the gradient's pieces swapped",
    "gradient_where_clipped": "PPO: gradient not zero where clipped",
    "huber_discontinuous": "Huber loss not continuous at kappa",
    "return_decreased": "learning made the expected return worse",
    "return_unchanged": "learning did not change the expected return",
    "too_little_gain": "learning improved the return too little",
    "moved_away": "learning moved away from the true values",
    "wrong_fixed_point": "learning settled at the wrong values",
    # autograd
    "not_leaf": "autograd: x is not a leaf tensor",
    "no_graph": "autograd: no graph (computed without requires_grad)",
    "not_connected": "autograd: y is not computed from x",
    "no_backward": "autograd: backward() not called",
    "grad_accumulated_twice": "autograd: gradient accumulated twice",
    "returned_tensor": "autograd: returned a tensor instead of a float",
    "hard_coded": "autograd: gradient hard-coded",
    "ignores_x0": "autograd: the point x0 is ignored",
    "returned_value": "autograd: returned f(x0) instead of the derivative",
    "no_autograd": "autograd: derivative not computed with autograd",
}


def describe(code: str) -> str:
    """Plain words for a verdict code.

    >>> describe("missing_inner_derivative")
    'chain rule: inner derivative missing'
    >>> describe("some_new_code")
    'some new code'
    """
    return DESCRIPTIONS.get(code, code.replace("_", " "))
