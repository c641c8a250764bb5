"""How often calcrl's checker agrees with other checkers' own answer-equivalence test cases.

The cases live in ``benchmarks/external_cases/cases.json`` (where they come from and how they
were chosen: ``benchmarks/external_cases/README.md``). For each case the expected text is read
with :func:`calcrl_checks.parse` and the answer text is compared with :func:`calcrl_checks.compare`;
calcrl *agrees* when ``verdict.passed`` equals the source's verdict. A refusal or an exception
counts as a disagreement. This is a benchmark, not a test: it always exits 0.

Domains: a variable gets the case's own ``domain`` entry when the source states an assumption
(STACK's ``assume(a>0)``, SymPy's positive symbol); otherwise ``(-3, 3)``, unless the expected
expression takes non-real values somewhere in that box (a log, square root or fractional power
of a variable) and only real ones on ``(0.2, 3)``, in which case the variables without an entry
get ``(0.2, 3)``.

Run from the repository root: ``.venv/bin/python benchmarks/bench_external_cases.py``.
"""
from __future__ import annotations

import json
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

CASES = Path(__file__).resolve().parent / "external_cases" / "cases.json"
WIDE, POSITIVE = (-3.0, 3.0), (0.2, 3.0)


def real_on_box(expected: Any, names: list[str], box: tuple[float, float],
                points: int = 64) -> bool:
    """Does ``expected`` take only real values (where finite) on ``box`` for every variable?"""
    import numpy as np
    import sympy as sp

    symbols = [sp.Symbol(n) for n in names]
    rng = np.random.default_rng(12345)
    grid = [rng.uniform(*box, points).astype(complex) for _ in names]
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            values = np.asarray(sp.lambdify(symbols, expected, "numpy")(*grid), dtype=complex)
    except Exception:  # cannot evaluate numerically here: keep the wide default
        return True
    values = np.broadcast_to(values, (points,))
    finite = np.isfinite(values)
    scale = np.maximum(1.0, np.abs(values.real[finite]))
    return not bool(np.any(np.abs(values.imag[finite]) > 1e-9 * scale))


def domain_for(case: dict[str, Any], expected: Any) -> dict[str, tuple[float, float]] | None:
    names = case["variables"]
    if not names:
        return None
    given = {k: tuple(v) for k, v in case.get("domain", {}).items()}
    # The positive box only where it helps: an expected answer with no real value there
    # either (log(-V/(3C)) for positive V and C) keeps the wide box, where it has some.
    fallback = POSITIVE if not real_on_box(expected, names, WIDE) \
        and real_on_box(expected, names, POSITIVE) else WIDE
    return {n: given.get(n, fallback) for n in names}


def run_case(case: dict[str, Any]) -> dict[str, Any]:
    from calcrl_checks import compare, parse

    row: dict[str, Any] = {"case": case, "domain": None}
    started = time.perf_counter()
    try:
        expected = parse(case["expected"], case["variables"])
    except Exception as error:  # the expected text itself cannot be read by calcrl
        row.update(agrees=False, code=f"expected unreadable: {type(error).__name__}",
                   message=str(error).splitlines()[0] if str(error) else "", passed=None)
        row["seconds"] = time.perf_counter() - started
        return row
    domain = domain_for(case, expected)
    row["domain"] = domain
    try:
        verdict = compare(case["answer"], expected, domain=domain)
        message = verdict.message.splitlines()[0] if verdict.message else ""
        row.update(agrees=verdict.passed == case["equivalent"], code=verdict.code,
                   message=message, passed=verdict.passed)
    except Exception as error:
        row.update(agrees=False, code=f"exception: {type(error).__name__}",
                   message=(str(error).splitlines() or [""])[0], passed=None)
    row["seconds"] = time.perf_counter() - started
    return row


def repository(source: str) -> str:
    return source.split(":", 1)[0]


def short(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def main() -> int:
    cases = json.loads(CASES.read_text())
    started = time.perf_counter()
    rows = [run_case(case) for case in cases]
    elapsed = time.perf_counter() - started

    total = len(rows)
    agree = sum(r["agrees"] for r in rows)
    print(f"external answer-equivalence cases: {total}  "
          f"(from {CASES.relative_to(CASES.parents[2])})")
    print(f"calcrl agrees on {agree}/{total} = {100 * agree / total:.1f}%   "
          f"(total {elapsed:.1f} s, slowest case {max(r['seconds'] for r in rows):.2f} s)")

    by_repo: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_repo[repository(r["case"]["source"])].append(r)
    print("\nby source repository:")
    for repo, group in sorted(by_repo.items(), key=lambda kv: -len(kv[1])):
        ok = sum(r["agrees"] for r in group)
        eq = [r for r in group if r["case"]["equivalent"]]
        ne = [r for r in group if not r["case"]["equivalent"]]
        print(f"  {repo:28} {ok:4}/{len(group):<4} = {100 * ok / len(group):5.1f}%   "
              f"(equivalent {sum(r['agrees'] for r in eq)}/{len(eq)}, "
              f"not equivalent {sum(r['agrees'] for r in ne)}/{len(ne)})")

    bad = [r for r in rows if not r["agrees"]]
    print(f"\ndisagreements: {len(bad)}")
    if bad:
        header = (f"{'#':>3}  {'answer':34}  {'expected':30}  {'source says':12}  "
                  f"{'calcrl code':22}  {'domain':11}  first line of message / source")
        print(header)
        print("-" * len(header))
        for i, r in enumerate(bad, 1):
            c = r["case"]
            says = "equivalent" if c["equivalent"] else "different"
            spans = {f"{lo:g}..{hi:g}" for lo, hi in (r["domain"] or {}).values()}
            dom = ",".join(sorted(spans))
            print(f"{i:>3}  {short(c['answer'], 34):34}  {short(c['expected'], 30):30}  {says:12}  "
                  f"{short(r['code'], 22):22}  {short(dom, 11):11}  {short(r['message'], 90)}")
            print(f"{'':>5}source: {c['source']}")
            if c.get("note"):
                print(f"{'':>5}note: {short(c['note'], 160)}")
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # a benchmark reports, it never fails the build
        print(f"benchmark could not run: {type(error).__name__}: {error}", file=sys.stderr)
    sys.exit(0)
