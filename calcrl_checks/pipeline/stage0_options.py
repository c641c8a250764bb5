"""The options of one comparison: what an author may say (:class:`Options`, checked when it
is made) and the same resolved against the expected answer (:class:`Setup`).

>>> Options(rtol=-1)
Traceback (most recent call last):
...
calcrl_checks.outcome.errors.AuthorError: rtol must be a non-negative number
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, get_args

import sympy as sp

from calcrl_checks.outcome.errors import AuthorError
from calcrl_checks.pipeline.stage0_hints import Hint, as_hints
from calcrl_checks.pipeline.stage0_domains import Interval, normalize_domain, symbol_names
from calcrl_checks.pipeline.stage3_sample import DEFAULT_POINTS, check_seed
from calcrl_checks.pipeline.stage4_evaluate import CallWith

#: Interval used for a symbol the author gave no domain for.
DEFAULT_INTERVAL = Interval(-3.0, 3.0)


@dataclass(frozen=True)
class Options:
    """What a question's author may say about one comparison, checked when it is made: every
    option :func:`compare` and :func:`check` take, in one place.

    >>> Options(samples=0)
    Traceback (most recent call last):
    ...
    calcrl_checks.outcome.errors.AuthorError: samples must be at least 1
    >>> Options(domain={"x": (-1, 1)}, of="sin(x)", wrt="x").samples
    40
    """

    domain: Mapping[str, Any] | None = None
    rtol: float | None = None
    atol: float | None = None
    hints: Iterable[Any] = ()
    seed: int | None = None
    #: The function being differentiated and the variable, so that slips can be recognised.
    of: Any = None
    wrt: Any = None
    #: Quantities written through the symbols (softmax probabilities through theta).
    derived: Mapping[str, Any] | None = None
    #: Helper symbols a student should write out (u = 1 + x^2), with what they stand for.
    unsubstituted: Mapping[str, Any] | None = None
    samples: int = DEFAULT_POINTS
    #: Partial credit per diagnosis code.
    scores: Mapping[str, float] | None = None
    what: str = "answer"
    vectorized: bool | None = None
    call_with: CallWith = "numpy"
    #: For an update rule: the name of the parameter it updates (the step is compared).
    increment_of: str | None = None
    forbid_mutation: bool = True
    regimes: Mapping[str, Any] | None = None
    #: The question and part ids the sampling seed comes from.
    question: str | None = None
    part: str | None = None
    prove: bool = True
    #: Accept numerical estimates (see :mod:`calcrl_checks.pipeline.stage5_compare`).
    estimate: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.samples, int) or self.samples < 1:
            raise AuthorError("samples must be at least 1")
        if self.call_with not in get_args(CallWith):  # authors' options are not type-checked
            raise AuthorError("call_with is 'numpy' or 'torch'")
        for name, value in (("rtol", self.rtol), ("atol", self.atol)):
            if value is not None and not (isinstance(value, (int, float)) and value >= 0):
                raise AuthorError(f"{name} must be a non-negative number")
        if not isinstance(self.what, str):
            raise AuthorError("what names the answer in messages: a string")

    @classmethod
    def of_keywords(cls, keywords: Mapping[str, Any]) -> Options:
        """Options from keyword arguments; a misspelt one is the author's error, named.

        >>> Options.of_keywords({"sample": 10})
        Traceback (most recent call last):
        ...
        calcrl_checks.outcome.errors.AuthorError: unknown option 'sample' (did you mean 'samples'?)
        """
        known = [f.name for f in fields(cls)]
        for name in keywords:
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                raise AuthorError(f"unknown option {name!r}" + (
                    f" (did you mean {close[0]!r}?)" if close else ""))
        return cls(**keywords)


@dataclass
class Setup:
    """The options resolved against the expected answer: the domain normalised (with default
    intervals for symbols the author left out), expressions sympified, hints and the seed."""

    domain: dict[str, Any]
    rtol: float | None = None
    atol: float | None = None
    hints: list[Hint] = field(default_factory=list)
    seed: int = 0
    samples: int = DEFAULT_POINTS
    of: sp.Expr | None = None
    wrt: sp.Symbol | None = None
    derived: dict[str, sp.Expr] = field(default_factory=dict)
    unsubstituted: dict[str, sp.Expr] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    what: str = "answer"
    vectorized: bool | None = None
    call_with: CallWith = "numpy"
    increment_of: str | None = None
    forbid_mutation: bool = True
    regimes: dict[str, sp.Basic] = field(default_factory=dict)
    prove: bool = True
    estimate: bool = False

    @property
    def names(self) -> list[str]:
        return symbol_names(self.domain) + list(self.derived)

    @classmethod
    def resolve(cls, expected: Any, options: Options) -> Setup:
        spec = normalize_domain(options.domain)
        derived = {str(k): sp.sympify(v) for k, v in (options.derived or {}).items()}
        if options.domain is None:
            for symbol in sorted(_free_symbols(expected) | _free_symbols(options.of),
                                 key=lambda s: s.name):
                if symbol.name not in derived:
                    spec[symbol.name] = DEFAULT_INTERVAL
        seed = check_seed(options.seed, options.question, options.part, _stable_text(expected),
                          sorted(spec))
        wrt = sp.Symbol(options.wrt) if isinstance(options.wrt, str) else options.wrt
        return cls(domain=spec, rtol=options.rtol, atol=options.atol,
                   hints=as_hints(options.hints), seed=int(seed), samples=options.samples,
                   of=sp.sympify(options.of) if options.of is not None else None, wrt=wrt,
                   derived=derived,
                   unsubstituted={str(k): sp.sympify(v)
                                  for k, v in (options.unsubstituted or {}).items()},
                   scores=dict(options.scores or {}), what=options.what,
                   vectorized=options.vectorized, call_with=options.call_with,
                   increment_of=options.increment_of, forbid_mutation=options.forbid_mutation,
                   regimes={str(k): v for k, v in (options.regimes or {}).items()},
                   prove=options.prove, estimate=bool(options.estimate))


def _stable_text(value: Any) -> str:
    """Text that identifies an expected value the same way in every process (no addresses)."""
    if isinstance(value, sp.Basic):
        text: str = sp.srepr(value)  # sympy is untyped: srepr is a str
        return text
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_stable_text(v) for v in value) + "]"
    if callable(value):
        return getattr(value, "__qualname__", type(value).__name__)
    return repr(value)[:200]


def _free_symbols(value: Any) -> set[sp.Symbol]:
    if isinstance(value, sp.Basic):
        return set(value.free_symbols)
    if isinstance(value, (list, tuple)):
        return set().union(*(_free_symbols(v) for v in value)) if value else set()
    return set()
