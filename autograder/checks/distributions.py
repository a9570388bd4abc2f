"""The two distributions the initialisation checks compare weights with, and the one-sample
Kolmogorov–Smirnov test they use: small, exact formulas in NumPy, so that grading never imports
``scipy.stats`` (about half a second of the grader's CPU per submission).

A distribution offers what the checks and their pictures use: ``cdf``, ``pdf``, ``ppf``, ``std``
and ``support``, with the meaning of scipy.stats's frozen distributions of the same name
(tests/test_distributions.py compares them with scipy.stats).
"""
import math

import numpy as np


class Normal:
    """N(mean, std²): pdf(x) = exp(−z²/2) / (std·sqrt(2π)), cdf(x) = (1 + erf(z/√2)) / 2,
    z = (x − mean) / std."""

    def __init__(self, mean=0.0, std=1.0):
        self.mean, self.sd = float(mean), float(std)

    def cdf(self, x):
        z = (np.asarray(x, dtype=float) - self.mean) / (self.sd * math.sqrt(2.0))
        return 0.5 * (1.0 + _erf(z))

    def pdf(self, x):
        z = (np.asarray(x, dtype=float) - self.mean) / self.sd
        return np.exp(-0.5 * z * z) / (self.sd * math.sqrt(2.0 * math.pi))

    def ppf(self, q):
        """The quantile: the x with cdf(x) = q (0 < q < 1), by bisection to machine precision."""
        lo, hi = self.mean - 40 * self.sd, self.mean + 40 * self.sd
        for _ in range(200):
            mid = (lo + hi) / 2
            if mid in (lo, hi):
                break
            lo, hi = (mid, hi) if float(self.cdf(mid)) < q else (lo, mid)
        return (lo + hi) / 2

    def std(self):
        return self.sd

    def support(self):
        return (-math.inf, math.inf)


class Uniform:
    """U(low, low + width): pdf = 1/width inside, cdf = (x − low)/width clipped to [0, 1]."""

    def __init__(self, low, width):
        self.low, self.width = float(low), float(width)

    def cdf(self, x):
        return np.clip((np.asarray(x, dtype=float) - self.low) / self.width, 0.0, 1.0)

    def pdf(self, x):
        x = np.asarray(x, dtype=float)
        return np.where((x >= self.low) & (x <= self.low + self.width), 1.0 / self.width, 0.0)

    def ppf(self, q):
        return self.low + float(q) * self.width

    def std(self):
        return self.width / math.sqrt(12.0)

    def support(self):
        return (self.low, self.low + self.width)


def ks_statistic(sample, cdf):
    """D = sup |F_n(x) − F(x)| of ``sample`` (1-D) against the continuous ``cdf``: with the sorted
    sample x_(1..n) and F_i = F(x_(i)), D = max_i max(i/n − F_i, F_i − (i−1)/n)."""
    x = np.sort(np.asarray(sample, dtype=float).ravel())
    n = x.size
    f = np.asarray(cdf(x), dtype=float)
    i = np.arange(1, n + 1)
    return float(max(np.max(i / n - f), np.max(f - (i - 1) / n)))


def ks_pvalue(sample, cdf):
    """The two-sided p-value of the one-sample Kolmogorov–Smirnov test of ``sample`` against
    ``cdf``: Kolmogorov's limit distribution P(D > d) ≈ Q(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}
    with Stephens's finite-sample correction λ = (√n + 0.12 + 0.11/√n)·d. Within a few per cent
    of the exact p-value from n = 50 on (tests/test_distributions.py): the checks compare it with
    1e-4, which a correct sampler misses with that probability and a wrong one by orders of
    magnitude."""
    n = np.asarray(sample).size
    d = ks_statistic(sample, cdf)
    root = math.sqrt(n)
    return kolmogorov_survival((root + 0.12 + 0.11 / root) * d)


def kolmogorov_survival(lam):
    """Q(λ) = 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²λ²), in [0, 1]; 1 for λ ≤ 0.3 (where the series
    converges slowly and Q > 0.9999)."""
    if lam <= 0.3:
        return 1.0
    total = 0.0
    for k in range(1, 101):
        term = math.exp(-2.0 * k * k * lam * lam)
        total += term if k % 2 else -term
        if term < 1e-17:
            break
    return min(1.0, max(0.0, 2.0 * total))


_ERF = np.frompyfunc(math.erf, 1, 1)


def _erf(z):
    """math.erf element-wise (NumPy has no erf): float64 array of the shape of ``z``."""
    return np.asarray(_ERF(z), dtype=float)
