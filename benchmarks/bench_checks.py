"""Print the checker's import time and compare() latency over a corpus.

Targets (issue #2): import <= 0.5 s without torch; compare median <= 50 ms, p95 <= 1 s,
none above 5 s. Run with `make bench` (or .venv/bin/python benchmarks/bench_checks.py).
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time

IMPORT_PROBE = ("import sys, time; t = time.perf_counter(); import calcrl_checks; "
                "print(time.perf_counter() - t, 'torch' in sys.modules)")


def import_time(repeats: int = 5) -> tuple[float, bool]:
    """Median wall time of `import calcrl_checks` in a fresh interpreter; did torch load?"""
    times, torch_loaded = [], False
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", IMPORT_PROBE], capture_output=True,
                             text=True, check=True).stdout.split()
        times.append(float(out[0]))
        torch_loaded |= out[1] == "True"
    return statistics.median(times), torch_loaded


def corpus():
    import numpy as np
    import sympy as sp

    from calcrl_checks import Choice, Vector

    x, y, w1, w2, r, A, eps = sp.symbols("x y w1 w2 r A eps")
    t0, t1 = sp.symbols("theta0 theta1")
    sigmoid = sp.exp(x) / (1 + sp.exp(x))
    d_sin = sp.diff(sp.sin(x**2), x)
    chain = sp.diff((2 * x + 1) ** 3, x)
    clip = sp.Min(sp.Max(r, 1 - eps), 1 + eps)
    ppo = sp.Min(r * A, clip * A)
    ppo_domain = {"r": (0.5, 1.6), "A": Choice([-2.0, -0.5, 0.7, 1.5]),
                  "eps": Choice([0.1, 0.2])}

    def loop_forever(value):
        while True:
            pass

    cases = [
        ("sigmoid as text", "e^x/(1+e^x)", sigmoid, {}),
        ("sigmoid via tanh", "tanh(x/2)/2 + 1/2", sigmoid, {}),
        ("sigmoid LaTeX", r"\frac{e^{x}}{1+e^{x}}", sigmoid, {}),
        ("sigmoid 1/(1+e^-x)", "1/(1+exp(-x))", sigmoid, {}),
        ("chain rule", "2x cos(x^2)", d_sin, {}),
        ("missing inner", "cos(x^2)", d_sin, {"of": sp.sin(x**2), "wrt": x}),
        ("factor 1/2", "3(2x+1)^2", chain, {"of": (2 * x + 1) ** 3, "wrt": x}),
        ("expanded cube", "24x^2 + 24x + 6", chain, {}),
        ("sign flip", "-2x cos(x^2)", d_sin, {}),
        ("partial", "6xy + y^3", sp.diff(3 * x**2 * y + x * y**3, x),
         {"of": 3 * x**2 * y + x * y**3, "wrt": x}),
        ("swapped partial", "3x^2 + 3xy^2", sp.diff(3 * x**2 * y + x * y**3, x),
         {"of": 3 * x**2 * y + x * y**3, "wrt": x}),
        ("long cancellation", sp.expand((x - 1) ** 25 + x), (x - 1) ** 25 + x,
         {"domain": {"x": (0.5, 1.5)}}),
        ("relu derivative", "Heaviside(x)", (sp.sign(x) + 1) / 2, {}),
        ("log rule", "2 log(abs(x))", sp.log(x**2), {"domain": {"x": (-3, 3)}}),
        ("numpy sigmoid", lambda v: 1 / (1 + np.exp(-v)), sigmoid,
         {"domain": {"x": (-30, 30)}}),
        ("gradient vector", ["2 w1 + w2", "w1 + 2 w2"],
         [2 * w1 + w2, w1 + 2 * w2], {}),
        ("softmax derived", "1 - pi0", sp.exp(t1) / (sp.exp(t0) + sp.exp(t1)),
         {"derived": {"pi0": sp.exp(t0) / (sp.exp(t0) + sp.exp(t1))},
          "domain": {"theta0": (-2, 2), "theta1": (-2, 2)}}),
        ("PPO objective", lambda r_, a_, e_: np.minimum(r_ * a_, np.clip(r_, 1 - e_, 1 + e_) * a_),
         ppo, {"domain": ppo_domain}),
        ("number", 14, 14, {}),
        ("array", [4.0, 5.0], np.array([4.0, 5.0]), {}),
        ("parse error", "Sin(x)", sp.sin(x), {}),
        ("injection", "__import__('os').system('true')", sp.sin(x), {}),
        ("power tower", "9^9^9^9", sp.sin(x), {}),
        ("deep nesting", "(" * 300 + "x" + ")" * 300, x, {}),
        ("long text", "x+" * 1500 + "x", x, {}),
        ("huge polynomial power", "(x+1)^5000", x, {}),
        ("looping function", loop_forever, sp.sin(x), {}),
        ("vector gradient fn", lambda w: np.array([2 * w[0] + w[1], w[0] + 2 * w[1]]),
         [2 * w1 + w2, w1 + 2 * w2], {"domain": {"w": Vector(2, names=("w1", "w2"))}}),
    ]
    return cases


def latency() -> None:
    from calcrl_checks import compare

    rows = []
    for name, answer, expected, options in corpus():
        started = time.perf_counter()
        verdict = compare(answer, expected, **options)
        rows.append((time.perf_counter() - started, name, verdict.code))
    seconds = sorted(t for t, _, _ in rows)
    p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
    median = statistics.median(seconds) * 1000
    print(f"compare latency over {len(rows)} cases: median {median:.1f} ms, "
          f"p95 {p95 * 1000:.1f} ms, max {seconds[-1] * 1000:.1f} ms, "
          f"above 5 s: {sum(t > 5 for t in seconds)}")
    for elapsed, name, code in sorted(rows, reverse=True):
        print(f"  {elapsed * 1000:8.1f} ms  {code:28s} {name}")


def main() -> None:
    seconds, torch_loaded = import_time()
    print(f"import calcrl_checks: {seconds * 1000:.0f} ms (median of 5), "
          f"torch imported: {torch_loaded}")
    latency()
    print(f"torch imported after the corpus (no torch values in it): {'torch' in sys.modules}")


if __name__ == "__main__":
    main()
