"""The initialisation checks' distributions and Kolmogorov–Smirnov test (autograder/checks/
distributions.py) against scipy.stats, the well-kept implementation they stand in for (the
grader does not import scipy.stats: it costs about half a second per submission)."""
import numpy as np
import pytest
from scipy import stats

from autograder.checks.distributions import Normal, Uniform, kolmogorov_survival, ks_pvalue, ks_statistic

PAIRS = [(Normal(0, 1), stats.norm(0, 1)), (Normal(0.5, 2.0), stats.norm(0.5, 2.0)),
         (Uniform(-0.3, 0.6), stats.uniform(-0.3, 0.6))]


@pytest.mark.parametrize("ours, theirs", PAIRS)
def test_distributions_agree_with_scipy(ours, theirs):
    x = np.linspace(-4, 4, 101)
    # float64 formulas on both sides: agreement to rounding (erf and exp are correctly rounded
    # to ~1 ulp; 1e-12 leaves room for the different order of operations)
    np.testing.assert_allclose(ours.cdf(x), theirs.cdf(x), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ours.pdf(x), theirs.pdf(x), rtol=1e-12, atol=1e-15)
    assert ours.std() == pytest.approx(theirs.std(), rel=1e-12)
    assert ours.support() == pytest.approx(theirs.support())
    for q in (0.0005, 0.1, 0.5, 0.9995):
        assert ours.ppf(q) == pytest.approx(theirs.ppf(q), rel=1e-9, abs=1e-12)


def test_ks_statistic_is_scipys():
    rng = np.random.default_rng(0)
    for n in (50, 400, 5000):
        sample = rng.normal(0.1, 1.0, n)
        assert ks_statistic(sample, Normal().cdf) == pytest.approx(stats.kstest(sample, "norm").statistic,
                                                                   rel=1e-12)


def test_ks_pvalue_is_close_to_scipys_exact_one():
    """Over samples from right and wrong samplers of the sizes the checks use (n ≥ 50): the
    p-value within 20 % of scipy's (exact or its own asymptotics) wherever scipy's is above
    1e-8, and the same decision at the checks' level 1e-4 outside a ±25 % band around it."""
    rng = np.random.default_rng(1)
    compared = 0
    for n in (50, 100, 300, 1000, 3000, 10000, 78400):
        for shift in (0.0, 0.02, 0.05, 0.1, 0.2, 0.5):
            for ours, theirs, draw in ((Normal(), stats.norm(), lambda: rng.normal(shift, 1.0, n)),
                                       (Uniform(-1, 2), stats.uniform(-1, 2),
                                        lambda: rng.uniform(-1 + shift, 1 + shift, n))):
                sample = draw()
                p, exact = ks_pvalue(sample, ours.cdf), stats.kstest(sample, theirs.cdf).pvalue
                if exact > 1e-8:
                    assert abs(p - exact) <= 0.2 * exact, (n, shift, p, exact)
                    compared += 1
                if not 0.75e-4 < exact < 1.25e-4:
                    assert (p >= 1e-4) == (exact >= 1e-4), (n, shift, p, exact)
    assert compared > 30


def test_kolmogorov_survival_limits():
    assert kolmogorov_survival(0.0) == 1.0 and kolmogorov_survival(0.3) == 1.0
    assert kolmogorov_survival(3.0) < 1e-7
    # Kolmogorov's distribution: P(K > 1.358) = 0.05, the textbook 5 % critical value
    assert kolmogorov_survival(1.3581) == pytest.approx(0.05, rel=1e-3)
    assert kolmogorov_survival(1.0) == pytest.approx(stats.kstwobign.sf(1.0), rel=1e-12)
