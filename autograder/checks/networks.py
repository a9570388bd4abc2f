"""What the network exercises share: input cases of one- and two-layer networks, gradient checks
against numerical gradients, weight-initialisation checks, and the way an exercise's checks are
declared. The modules named after the course's modules (single_layer.py, dual_layer.py,
multiclass.py) build their checks from these.

Values that need a formula come from ``expectation.expected`` (computed by checks/math.py in the
instructor's kit, recorded in the student copy).
"""
import numpy as np

from .base import (Check, Failure, diagnose, expect_close, expect_finite, expect_shape, relative_error, rng_for,
                   with_figures)
from .distributions import Normal, Uniform, ks_pvalue
from .expectation import expected
from .figures import gradient_figures, weights_figures

#: float64 throughout: the student's result and ours differ only by summation order (~1e-15).
VALUE_RTOL = 1e-9


#: gradient-check tier for smooth functions (central differences in float64, h = 1e-6).
GRADIENT_RTOL = 1e-7

#: the tier for results returned in float32. Computing in float32 is not wrong mathematically (the
#: course computes in float64, but a cast to float32 is a choice, not a mistake), so a float32
#: result is held to float32 rounding: eps = 1.2e-7 per operation, accumulated over sums of up
#: to 64 samples (≤ 64·eps/2 ≈ 4e-6 relative to the largest entry in the worst case; a float32
#: backprop is seen at 1.5e-7). Every real backprop mistake (a factor, a sign, a missing term) is
#: ≥ 1e-2 away. A float64 result is held to the float64 tiers, and one that is right only to
#: float32 precision is told to compute in float64.
FLOAT32_RTOL = 1e-5


def precision_rtol(array, rtol):
    """``rtol`` for a float64 (or integer) result; at least FLOAT32_RTOL for a float32 one."""
    dtype = np.asarray(array).dtype
    return max(rtol, FLOAT32_RTOL) if dtype.kind == "f" and dtype.itemsize == 4 else rtol


def precision_hint(array, error):
    """A hint when a float64 result is right only to float32 precision (or the result is float16)."""
    dtype = np.asarray(array).dtype
    if dtype.kind == "f" and dtype.itemsize < 4:
        return f"the gradients came back as {dtype}: compute in float64 (float32 at least)"
    if error <= FLOAT32_RTOL:
        return ("right only to float32 precision: something is computed in float32 (an astype(np.float32), "
                "a float32 array): compute in float64")
    return None


SIZES = ((1, 3, 4), (5, 1, 2), (17, 8, 6), (64, 30, 10))  # (m, n, units) — m = 1 included


def where(case):
    if "x" not in case:  # softmax cases hold only z
        return f" (z of shape {case['z'].shape})" if "z" in case else ""
    return f" (m={len(case['x'])}, n={case['x'].shape[1]})"


def untouched(*names):
    """verify: the inputs came back unchanged."""
    def verify(cases, outputs):
        for case, out in zip(cases, outputs):
            for name in names:
                if not np.array_equal(out[f"{name}_after"], case[name]):
                    raise Failure(f"your function changed its input {name}{where(case)}",
                                  "do not modify the caller's arrays in place: work on new arrays (x = x - ... "
                                  "or np.copy) instead")
    return verify



# --------------------------------------------------------------------------- gradients


def gradient_check(cases, outputs, numerical, names):
    """Compare backprop's gradients with numerical gradients of Σ err ⊙ z(θ) / m (the values of
    ``numerical``, a function of checks/math.py, on the case's x, err and parameters), to
    GRADIENT_RTOL for float64 results, FLOAT32_RTOL for float32 ones (:func:`precision_rtol`)."""
    worst = (0.0, None)  # (error / its tolerance, detail)
    for case, out in zip(cases, outputs):
        params = {name: np.asarray(case[name], dtype=float) for name in names}
        numeric = expected(numerical, x=case["x"], err=case["err"], **params)
        for name in names:
            got = out[f"{name}_grad"]
            expect_shape(f"{name}_grad", got, *accepted_shapes(params[name]), where=where(case))
            expect_finite(f"{name}_grad", got, where(case))
            tolerance = precision_rtol(got, GRADIENT_RTOL)
            dtype = np.asarray(got).dtype
            got = np.asarray(got, dtype=float).reshape(params[name].shape)
            error = relative_error(got, numeric[name])
            if error / tolerance > worst[0]:
                index = np.unravel_index(int(np.argmax(np.abs(got - numeric[name]))), got.shape) if got.shape else ()
                worst = (error / tolerance, (name, case, index, got, numeric[name], error, tolerance, dtype))
    ratio, detail = worst
    if ratio > 1:
        name, case, index, got, numeric, error, tolerance, dtype = detail
        raise Failure(
            f"{name}_grad ({dtype}) disagrees with the numerical gradient{where(case)}: relative error {error:.2e} "
            f"(pass at ≤ {tolerance:.0e}); worst entry {name}[{', '.join(str(int(i)) for i in index)}]: "
            f"numerical {numeric[index]:.12g}, yours {got[index]:.12g}",
            diagnose(got, numeric, len(case["x"]), case_sizes(case)) or precision_hint(np.empty(0, dtype), error)
            or _hidden_layer_hint(name),
            artifacts={"worst_parameter": name, "relative_error": error})
    verify_stateless(cases, outputs, names)


def case_sizes(case):
    """The sizes a backprop case shows besides m, by what they count (for ``diagnose``)."""
    sizes = {"the number of features n = x.shape[1]": case["x"].shape[1]}
    if "w1" in case:
        sizes["the number of hidden units"] = np.shape(case["w1"])[1]
    if np.ndim(case["err"]) == 2 and np.shape(case["err"])[1] > 1:
        sizes["the number of classes"] = np.shape(case["err"])[1]
    return sizes


def verify_stateless(cases, outputs, names):
    """backprop leaves self.a1 as forpass stored it (exactly) and a second call on the same
    network with the same inputs returns the same gradients (to VALUE_RTOL: the same arithmetic
    twice; anything kept from the first call shows up as a difference)."""
    for case, out in zip(cases, outputs):
        if "a1" in case and "a1_after" in out and not (
                np.shape(out["a1_after"]) == np.shape(case["a1"]) and np.array_equal(out["a1_after"], case["a1"])):
            raise Failure(f"backprop changed self.a1{where(case)}: a second backprop after the same forpass "
                          "would start from other activations",
                          "derivative = self.a1 is not a copy: compute self.a1 * (1 - self.a1) as a new array "
                          "(no *= on self.a1)")
        for name in names:
            first, again = out[f"{name}_grad"], out.get(f"again_{name}_grad")
            if again is None:
                continue
            if np.shape(first) != np.shape(again) or relative_error(first, again) > VALUE_RTOL:
                raise Failure(f"{name}_grad differs between two backprop calls on the same network with the same "
                              f"x and err{where(case)}: state kept between calls",
                              "compute the gradients from this call's x and err only: no running total in self, "
                              "nothing computed in place in the network's arrays")


def _hidden_layer_hint(name):
    if name in ("w1", "b1"):
        return ("the error reaching the hidden layer is err·w2ᵀ ⊙ a1 ⊙ (1 − a1): "
                "check the product with w2ᵀ and the sigmoid derivative a1(1 − a1)")
    return None


def accepted_shapes(param):
    shape = np.shape(param)
    if shape == ():
        return ((), (1,), (1, 1))
    return (shape,)



# --------------------------------------------------------------------------- two layers


def two_layer_cases(tag, n_classes=None, backprop=True):
    """Cases of a two-layer network. Backprop cases also hold err and the a1 that backprop reads
    from self.a1; forpass cases hold neither, so a forpass that does not set self.a1 is seen."""
    def make():
        cases = []
        for m, n, units in SIZES:
            rng = rng_for(tag, m, n, units)
            k = n_classes or 1
            case = {"x": rng.normal(size=(m, n)), "units": np.array(units),
                    "w1": rng.normal(size=(n, units)), "b1": rng.normal(size=units),
                    "w2": rng.normal(size=(units, k)),
                    "b2": rng.normal(size=k) if n_classes else np.array(rng.normal())}
            if backprop:
                z2, a1 = two_layer_forward_for(case)
                case["a1"] = a1
                case["err"] = rng.normal(size=z2.shape)
            cases.append(case)
        return cases
    return make


def two_layer_forward_for(case):
    """(z2, a1) of the case's two-layer network."""
    return expected("two_layer_forward", x=case["x"], w1=case["w1"], b1=case["b1"], w2=case["w2"], b2=case["b2"])


def verify_two_layer_forpass(cases, outputs):
    for case, out in zip(cases, outputs):
        z2, a1 = two_layer_forward_for(case)
        if "a1" not in out:
            raise Failure(f"forpass did not keep the hidden activation in self.a1{where(case)}",
                          "store sigmoid(x·w1 + b1) in self.a1: backprop needs it")
        expect_close("self.a1", out["a1"], a1, VALUE_RTOL, where(case))
        expect_close("z2", out["z"], z2, VALUE_RTOL, where(case))


def verify_two_layer_shapes(cases, outputs):
    for case, out in zip(cases, outputs):
        for name in ("w1", "b1", "w2", "b2"):
            expect_shape(f"{name}_grad", out[f"{name}_grad"], *accepted_shapes(case[name]), where=where(case))


@with_figures(gradient_figures("two_layer_numerical_gradients", ("w1", "b1", "w2", "b2"), lambda case: where(case)))
def verify_two_layer_gradient(cases, outputs):
    # backprop uses the a1 we stored (computed from the same weights), so the linear functional
    # Σ err ⊙ z2(θ) / m has exactly backprop's gradients.
    gradient_check(cases, outputs, "two_layer_numerical_gradients", ("w1", "b1", "w2", "b2"))



# --------------------------------------------------------------------------- initialisation


#: (n_features, units) of the init cases: square-ish, wide and narrow layers
INIT_SIZES = ((30, 10), (400, 60), (50, 25))


def init_cases(tag, n_classes=None):
    """Cases of init_weights: ``n_classes`` (a tuple, for the multi-class network) gives each
    size its own number of classes, so code that ignores the argument (a fixed 10) is seen."""
    def make():
        cases = []
        for i, (n, units) in enumerate(INIT_SIZES):
            case = {"n_features": np.array(n), "units": np.array(units), "seed": np.array(7)}
            if n_classes:
                case["n_classes"] = np.array(n_classes[i % len(n_classes)])
            cases.append(case)
        return cases
    return make


def expected_init_shapes(case):
    n, units = int(case["n_features"]), int(case["units"])
    k = int(case["n_classes"]) if "n_classes" in case else None
    return {"w1": ((n, units),), "b1": ((units,),),
            "w2": ((units, k),) if k else ((units, 1),),
            "b2": ((k,),) if k else ((), (1,))}


def verify_init_shapes(cases, outputs):
    for case, out in zip(cases, outputs):
        label = f" (n_features={int(case['n_features'])}, units={int(case['units'])}" + (
            f", n_classes={int(case['n_classes'])})" if "n_classes" in case else ")")
        for name, shapes in expected_init_shapes(case).items():
            if f"first_{name}" not in out:
                raise Failure(f"self.{name} was not set by init_weights{label}")
            expect_shape(f"self.{name}", out[f"first_{name}"], *shapes, where=label)
            expect_finite(f"self.{name}", out[f"first_{name}"], label)


def verify_init_ones(cases, outputs):
    for case, out in zip(cases, outputs):
        for name, fill in (("w1", 1), ("b1", 0), ("w2", 1), ("b2", 0)):
            if not np.all(np.asarray(out[f"first_{name}"]) == fill):
                raise Failure(f"self.{name} should be all {fill}s (the course's fixed start)",
                              "np.ones for the weights, np.zeros (or 0) for the biases")


def verify_biases_zero(cases, outputs):
    for case, out in zip(cases, outputs):
        for name in ("b1", "b2"):
            if np.any(np.asarray(out[f"first_{name}"]) != 0):
                raise Failure(f"self.{name} should start at zero")


def verify_seeded(cases, outputs):
    """Same np.random seed → same weights; another seed → other weights."""
    for case, out in zip(cases, outputs):
        for name in ("w1", "w2"):
            if not np.array_equal(out[f"first_{name}"], out[f"again_{name}"]):
                raise Failure(f"self.{name} differs between two runs after the same np.random.seed",
                              "draw with np.random (np.random.normal / np.random.uniform) so seeding makes runs reproducible")
            if np.array_equal(out[f"first_{name}"], out[f"other_{name}"]):
                raise Failure(f"self.{name} is the same after a different np.random.seed: it is not random",
                              "do not call np.random.seed inside init_weights: the caller seeds, your code only draws")


def init_distribution(make_dist, description):
    """verify: biases start at zero and every weight matrix follows ``make_dist(fan_in, fan_out)``
    (described by ``description(fan_in, fan_out, dist)``)."""
    ks = distribution_check(make_dist, description)

    @with_figures(weights_figures(make_dist))
    def verify(cases, outputs):
        verify_biases_zero(cases, outputs)
        ks(cases, outputs)
    return verify


def distribution_check(make_dist, description):
    """Kolmogorov–Smirnov test of every weight matrix against its distribution, at p ≥ 1e-4.

    With the fixed seed the outcome is deterministic; a correct sampler fails with probability
    1e-4 per matrix only over the choice of seed, which we never change silently.
    """
    def verify(cases, outputs):
        for case, out in zip(cases, outputs):
            n, units = int(case["n_features"]), int(case["units"])
            k = int(case["n_classes"]) if "n_classes" in case else 1
            for name, fan_in, fan_out in (("w1", n, units), ("w2", units, k)):
                sample = np.asarray(out[f"first_{name}"], dtype=float).ravel()
                expect_finite(f"self.{name}", sample)
                if sample.size < 50:
                    continue
                dist = make_dist(fan_in, fan_out)
                p = ks_pvalue(sample, dist.cdf)
                if not p >= 1e-4:
                    raise Failure(
                        f"self.{name} ({fan_in}×{fan_out}) does not look like {description(fan_in, fan_out, dist)}: "
                        f"sample mean {sample.mean():.3g}, std {sample.std():.3g}, range [{sample.min():.3g}, "
                        f"{sample.max():.3g}] (expected std {dist.std():.3g}; KS p = {p:.1e})",
                        _init_hint(sample, dist))
    return verify


def _init_hint(sample, dist):
    lo, hi = dist.support()
    if np.isfinite(hi) and np.max(np.abs(sample)) > hi * 1.0001:
        return "values fall outside ±limit: glorot_uniform draws from a uniform U(−limit, limit), limit = sqrt(6 / (fan_in + fan_out))"
    if np.isfinite(hi):
        return "limit = sqrt(6 / (fan_in + fan_out)), with fan_in and fan_out the sizes of this layer"
    return "np.random.normal(0, 1, shape): mean 0, standard deviation 1"


def standard_normal(fan_in, fan_out):
    """N(0, 1), whatever the layer's size."""
    return Normal(0.0, 1.0)


def glorot_uniform(fan_in, fan_out):
    """U(−limit, limit), limit = sqrt(6 / (fan_in + fan_out)) (computed by the reference's math)."""
    limit = float(expected("glorot_uniform_limit", fan_in=fan_in, fan_out=fan_out))
    return Uniform(-limit, 2 * limit)



# --------------------------------------------------------------------------- declaring checks


#: checks whose property only counts once the exercise computes the right thing
PROPERTY_CHECKS = ("inputs_untouched",)


VALUE_CHECKS = ("values", "gradient")


def exercise_checks(exercise, prefix, trial, specs, hidden=False, **common):
    """The checks of one exercise on one trial, from ``(name, points, description, verify)``
    specs: ids ``prefix.name``; property checks (``inputs_untouched``) count once the exercise's
    value checks of the same list pass."""
    values = tuple(f"{prefix}.{name}" for name, *_ in specs if name in VALUE_CHECKS)
    return [Check(f"{prefix}.{name}", exercise, points, text, trial, verify, hidden=hidden,
                  after=values if name in PROPERTY_CHECKS else (), **common)
            for name, points, text, verify in specs]


def pass_checks(cls, prefix, forpass, backprop, forward, shapes, verify_forward, verify_shapes, verify_gradient,
                gradient_points=3):
    """The checks of a network class's forward pass (values 3, inputs untouched 1) and backward
    pass (shapes 1, gradient ``gradient_points``, inputs untouched 1), ``forward`` and
    ``shapes`` describing what the values and shapes checks want."""
    return [
        *exercise_checks(f"{cls}.forpass", f"{prefix}.forpass", forpass, [
            ("values", 3, forward, verify_forward),
            ("inputs_untouched", 1, "x is not modified", untouched("x")),
        ]),
        *exercise_checks(f"{cls}.backprop", f"{prefix}.backprop", backprop, [
            ("shapes", 1, shapes, verify_shapes),
            ("gradient", gradient_points, "gradients agree with numerical gradients", verify_gradient),
            ("inputs_untouched", 1, "x and err are not modified", untouched("x", "err")),
        ]),
    ]
