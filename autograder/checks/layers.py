"""Checks of forward passes, backward passes, softmax and weight initialisation.

Values that need a formula come from ``expectation.expected`` (computed by checks/math.py in the
instructor's kit, recorded in the student copy); hidden checks sit in instructor-only regions,
which the student copy leaves out (``autograder/distribute.py``).
"""
import numpy as np

from .expectation import expected
from .base import Check, Failure, Trial, expect_close, expect_finite, expect_shape, relative_error, rng_for

#: float64 throughout: the student's result and ours differ only by summation order (~1e-15).
VALUE_RTOL = 1e-9
#: gradient-check tier for smooth functions (central differences in float64, h = 1e-6).
GRADIENT_RTOL = 1e-7
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
                                  "work on new arrays (x = x - ... or np.copy) instead of modifying the caller's")
    return verify


# --------------------------------------------------------------------------- single layer

def single_forpass_cases():
    cases = []
    for m, n, _ in SIZES:
        rng = rng_for("single.forpass", m, n)
        cases.append({"x": rng.normal(size=(m, n)), "w": rng.normal(size=(n, 1)), "b": np.array(rng.normal())})
    return cases


def single_backprop_cases():
    cases = []
    for m, n, _ in SIZES:
        rng = rng_for("single.backprop", m, n)
        cases.append({"x": rng.normal(size=(m, n)), "err": rng.normal(size=(m, 1)),
                      "w": rng.normal(size=(n, 1)), "b": np.array(0.3)})
    return cases


def verify_single_forpass(cases, outputs):
    for case, out in zip(cases, outputs):
        z = expected("single_layer_forward", x=case["x"], w=case["w"], b=case["b"])
        expect_close("z", out["z"], z, VALUE_RTOL, where(case))


def verify_single_backprop_shapes(cases, outputs):
    for case, out in zip(cases, outputs):
        expect_shape("w_grad", out["w_grad"], case["w"].shape, where=where(case))
        expect_shape("b_grad", out["b_grad"], (), (1,), (1, 1), where=where(case))


def verify_single_backprop_gradient(cases, outputs):
    _gradient_check(cases, outputs, "single_layer_numerical_gradients", ("w", "b"))


### BEGIN INSTRUCTOR ONLY
def verify_single_backprop_values(cases, outputs):
    for case, out in zip(cases, outputs):
        m = len(case["x"])
        expect_close("w_grad", out["w_grad"], case["x"].T @ case["err"] / m, VALUE_RTOL, where(case), m)
        expect_close("b_grad", out["b_grad"], np.sum(case["err"]) / m, VALUE_RTOL, where(case), m,
                     shapes=((), (1,), (1, 1)))
### END INSTRUCTOR ONLY


def _gradient_check(cases, outputs, numerical, names):
    """Compare backprop's gradients with numerical gradients of Σ err ⊙ z(θ) / m (the values of
    ``numerical``, a function of checks/math.py, on the case's x, err and parameters)."""
    worst = (0.0, None)
    for case, out in zip(cases, outputs):
        params = {name: np.asarray(case[name], dtype=float) for name in names}
        numeric = expected(numerical, x=case["x"], err=case["err"], **params)
        for name in names:
            got = out[f"{name}_grad"]
            expect_shape(f"{name}_grad", got, *_accepted_shapes(params[name]), where=where(case))
            expect_finite(f"{name}_grad", got, where(case))
            got = np.asarray(got, dtype=float).reshape(params[name].shape)
            error = relative_error(got, numeric[name])
            if error > worst[0]:
                index = np.unravel_index(int(np.argmax(np.abs(got - numeric[name]))), got.shape) if got.shape else ()
                worst = (error, (name, case, index, got, numeric[name]))
    error, detail = worst
    if error > GRADIENT_RTOL:
        name, case, index, got, numeric = detail
        m = len(case["x"])
        from .base import diagnose
        raise Failure(
            f"{name}_grad disagrees with the numerical gradient{where(case)}: relative error {error:.2e} "
            f"(pass at ≤ {GRADIENT_RTOL:.0e}); worst entry {name}[{', '.join(str(int(i)) for i in index)}]: "
            f"numerical {numeric[index]:.6g}, yours {got[index]:.6g}",
            diagnose(got, numeric, m) or _hidden_layer_hint(name),
            artifacts={"worst_parameter": name, "relative_error": error})


def _hidden_layer_hint(name):
    if name in ("w1", "b1"):
        return ("the error reaching the hidden layer is err·w2ᵀ ⊙ a1 ⊙ (1 − a1): "
                "check the product with w2ᵀ and the sigmoid derivative a1(1 − a1)")
    return None


def _accepted_shapes(param):
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
            expect_shape(f"{name}_grad", out[f"{name}_grad"], *_accepted_shapes(case[name]), where=where(case))


def verify_two_layer_gradient(cases, outputs):
    # backprop uses the a1 we stored (computed from the same weights), so the linear functional
    # Σ err ⊙ z2(θ) / m has exactly backprop's gradients.
    _gradient_check(cases, outputs, "two_layer_numerical_gradients", ("w1", "b1", "w2", "b2"))


### BEGIN INSTRUCTOR ONLY
def verify_two_layer_values(cases, outputs):
    for case, out in zip(cases, outputs):
        m = len(case["x"])
        err, a1, w2 = case["err"], case["a1"], case["w2"]
        hidden = (err @ w2.T) * a1 * (1 - a1)
        formulas = {"w2": a1.T @ err / m, "b2": err.sum(axis=0) / m if case["b2"].ndim else err.sum() / m,
                    "w1": case["x"].T @ hidden / m, "b1": hidden.sum(axis=0) / m}
        for name in ("w2", "b2", "w1", "b1"):
            expect_close(f"{name}_grad", out[f"{name}_grad"], formulas[name], VALUE_RTOL, where(case), m,
                         shapes=_accepted_shapes(case[name]))
### END INSTRUCTOR ONLY


# --------------------------------------------------------------------------- softmax

def softmax_cases():
    rng = rng_for("softmax")
    return [
        {"z": rng.normal(size=(1, 3))},
        {"z": rng.normal(size=(7, 10)) * 3},
        {"z": np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -999.0], [800.0, 800.0, 800.0]])},
        {"z": rng.normal(size=(5, 4)) * 50 - 700},
    ]


def verify_softmax_values(cases, outputs):
    for case, out in zip(cases, outputs):
        label = f" (z of shape {case['z'].shape})"
        expect_shape("softmax(z)", out["a"], case["z"].shape, where=label)
        a = np.asarray(out["a"], dtype=float)
        expect_finite("softmax(z)", a, label)
        if np.allclose(a.sum(axis=0), 1) and not np.allclose(a.sum(axis=1), 1):
            raise Failure(f"softmax(z){label}: the columns sum to 1, the rows do not",
                          "normalise each row (axis=1): each sample's class probabilities sum to 1")
        expect_close("softmax(z)", a, expected("softmax", z=case["z"]), 1e-9, label)


def verify_softmax_stable(cases, outputs):
    """Large logits (±1000) must give finite rows that sum to 1."""
    for case, out in zip(cases, outputs):
        if np.max(np.abs(case["z"])) < 500:
            continue
        a = np.asarray(out["a"], dtype=float)
        label = f" for logits as large as {np.max(np.abs(case['z'])):.0f}"
        expect_shape("softmax(z)", a, case["z"].shape, where=label)
        if not np.all(np.isfinite(a)) or not np.allclose(a.sum(axis=1), 1, atol=1e-9):
            raise Failure(f"softmax(z){label} is not finite or not normalised",
                          "subtract each row's maximum before np.exp: softmax(z) = softmax(z − max z)")


# --------------------------------------------------------------------------- initialisation

def init_cases(tag, n_classes=None):
    def make():
        sizes = ((30, 10), (400, 60)) if n_classes is None else ((30, 10), (400, 60))
        cases = []
        for n, units in sizes:
            case = {"n_features": np.array(n), "units": np.array(units), "seed": np.array(7)}
            if n_classes:
                case["n_classes"] = np.array(n_classes)
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
        label = f" (n_features={int(case['n_features'])}, units={int(case['units'])})"
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
                raise Failure(f"self.{name} is the same after a different np.random.seed: it is not random")


def init_distribution(make_dist, description):
    """verify: biases start at zero and every weight matrix follows ``make_dist(fan_in, fan_out)``
    (described by ``description(fan_in, fan_out, dist)``)."""
    ks = distribution_check(make_dist, description)

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
                from scipy import stats  # imported when needed: ~1 s that most runs do not pay
                p = stats.kstest(sample, dist.cdf).pvalue
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
    from scipy import stats
    return stats.norm(0, 1)


def glorot_uniform(fan_in, fan_out):
    limit = float(expected("glorot_uniform_limit", fan_in=fan_in, fan_out=fan_out))
    from scipy import stats
    return stats.uniform(-limit, 2 * limit)


# --------------------------------------------------------------------------- cross-entropy step

def training_cases():
    cases = []
    for m, n, units in SIZES[:3]:
        rng = rng_for("training", m, n, units)
        k = 4
        labels = rng.integers(0, k, size=m)
        cases.append({"x": rng.normal(size=(m, n)), "y": np.eye(k)[labels], "units": np.array(units),
                      "w1": rng.normal(size=(n, units)), "b1": rng.normal(size=units) * 0.1,
                      "w2": rng.normal(size=(units, k)), "b2": rng.normal(size=k) * 0.1,
                      "learning_rate": np.array(1e-3)})
    return cases


def verify_training_step(cases, outputs):
    """One call of training(x, y) moves the weights by −lr·∇(mean cross-entropy); the gradient
    is taken numerically from the loss itself (tolerance 1e-6: the step is exact, the numerical
    gradient carries ~1e-9 of error, relative to lr-scaled values)."""
    for case, out in zip(cases, outputs):
        names = ("w1", "b1", "w2", "b2")
        lr = float(case["learning_rate"])
        m = len(case["x"])
        numerical = expected("cross_entropy_numerical_gradients", x=case["x"], y=case["y"],
                             **{name: case[name] for name in names})
        for name in names:
            expect_shape(f"self.{name} after training", out[name], case[name].shape, where=where(case))
            expect_finite(f"self.{name} after training", out[name], where(case))
            step = (case[name] - np.asarray(out[name], dtype=float)) / lr
            numeric = numerical[name]
            error = relative_error(step, numeric)
            if error > 1e-6:
                from .base import diagnose
                hint = diagnose(step, numeric, m)
                if hint is None and relative_error(step, np.zeros_like(step)) < 1e-12:
                    hint = "the weights did not move: compute err and pass it to backprop"
                raise Failure(
                    f"after one training step, self.{name} did not move along −lr·∇L of the mean "
                    f"cross-entropy{where(case)} (relative error {error:.2e})",
                    hint or "for softmax with cross-entropy, dL/dz = a − y: no second softmax, no extra division")


# --------------------------------------------------------------------------- the list

#: checks whose property only counts once the exercise computes the right thing
PROPERTY_CHECKS = ("inputs_untouched",)
VALUE_CHECKS = ("values", "gradient")


def _exercise_checks(exercise, prefix, trial, specs, **common):
    values = tuple(f"{prefix}.{name}" for name, *_ in specs if name in VALUE_CHECKS)
    return [Check(f"{prefix}.{name}", exercise, points, text, trial, verify, hidden=hidden,
                  after=values if name in PROPERTY_CHECKS else (), **common)
            for name, points, text, verify, hidden in specs]


single_forpass = Trial("single_layer.forpass", single_forpass_cases)
single_backprop = Trial("single_layer.backprop", single_backprop_cases)
dual_forpass = Trial("dual_layer.forpass", two_layer_cases("dual.forpass", backprop=False))
dual_backprop = Trial("dual_layer.backprop", two_layer_cases("dual.backprop"))
multi_forpass = Trial("multiclass.forpass", two_layer_cases("multi.forpass", n_classes=3, backprop=False))
multi_backprop = Trial("multiclass.backprop", two_layer_cases("multi.backprop", n_classes=3))
softmax = Trial("multiclass.softmax", softmax_cases)
training = Trial("multiclass.training", training_cases)

CHECKS = [
    *_exercise_checks("SingleLayer.forpass", "single_layer.forpass", single_forpass, [
        ("values", 3, "z = x·w + b for m = 1…64 samples", verify_single_forpass, False),
        ("inputs_untouched", 1, "x is not modified", untouched("x"), False),
    ]),
    *_exercise_checks("SingleLayer.backprop", "single_layer.backprop", single_backprop, [
        ("shapes", 1, "w_grad has w's shape, b_grad is one number", verify_single_backprop_shapes, False),
        ("gradient", 2, "gradients agree with numerical gradients", verify_single_backprop_gradient, False),
        ### BEGIN INSTRUCTOR ONLY
        ("values", 1, "w_grad = xᵀ·err/m, b_grad = Σerr/m", verify_single_backprop_values, True),
        ### END INSTRUCTOR ONLY
        ("inputs_untouched", 1, "x and err are not modified", untouched("x", "err"), False),
    ]),
    *_exercise_checks("DualLayer.forpass", "dual_layer.forpass", dual_forpass, [
        ("values", 3, "z2 and self.a1 of the two-layer forward pass", verify_two_layer_forpass, False),
        ("inputs_untouched", 1, "x is not modified", untouched("x"), False),
    ]),
    *_exercise_checks("DualLayer.backprop", "dual_layer.backprop", dual_backprop, [
        ("shapes", 1, "each gradient has its parameter's shape", verify_two_layer_shapes, False),
        ("gradient", 3, "gradients agree with numerical gradients", verify_two_layer_gradient, False),
        ### BEGIN INSTRUCTOR ONLY
        ("values", 1, "gradients equal the backpropagation formulas", verify_two_layer_values, True),
        ### END INSTRUCTOR ONLY
        ("inputs_untouched", 1, "x and err are not modified", untouched("x", "err"), False),
    ]),
    *_exercise_checks("DualLayer.init_weights", "dual_layer.init_weights",
                      Trial("dual_layer.DualLayer.init_weights", init_cases("dual.init")), [
        ("shapes", 1, "w1 (n, units), b1 (units,), w2 (units, 1), b2 scalar", verify_init_shapes, False),
        ("values", 1, "ones for weights, zeros for biases", verify_init_ones, False),
    ]),
    *_exercise_checks("RandomInitNetwork.init_weights", "random_init.init_weights",
                      Trial("dual_layer.RandomInitNetwork.init_weights", init_cases("random.init")), [
        ("shapes", 1, "w1 (n, units), b1 (units,), w2 (units, 1), b2 scalar", verify_init_shapes, False),
        ("distribution", 1, "weights ~ N(0, 1), biases 0",
         init_distribution(standard_normal, lambda i, o, dist: "N(0, 1)"), False),
        ("seeded", 1, "reproducible under np.random.seed", verify_seeded, False),
    ]),
    *_exercise_checks("XavierInitNetwork.init_weights", "xavier_init.init_weights",
                      Trial("dual_layer.XavierInitNetwork.init_weights", init_cases("xavier.init")), [
        ("shapes", 1, "w1 (n, units), b1 (units,), w2 (units, 1), b2 scalar", verify_init_shapes, False),
        ("distribution", 2, "weights ~ U(±sqrt(6/(fan_in+fan_out))), biases 0",
         init_distribution(glorot_uniform, lambda i, o, dist: f"U(±{dist.support()[1]:.3g}) = U(±sqrt(6/({i}+{o})))"),
         False),
        ("seeded", 1, "reproducible under np.random.seed", verify_seeded, False),
    ]),
    *_exercise_checks("MultiClassNetwork.softmax", "multiclass.softmax", softmax, [
        ("values", 2, "row-wise softmax", verify_softmax_values, False),
        ("stable", 1, "finite and normalised for logits of ±1000", verify_softmax_stable, False),
        ("inputs_untouched", 1, "z is not modified", untouched("z"), False),
    ]),
    *_exercise_checks("MultiClassNetwork.init_weights", "multiclass.init_weights",
                      Trial("multiclass.MultiClassNetwork.init_weights", init_cases("multi.init", n_classes=10)), [
        ("shapes", 1, "w1 (n, units), b1 (units,), w2 (units, k), b2 (k,)", verify_init_shapes, False),
        ("distribution", 1, "weights ~ N(0, 1), biases 0",
         init_distribution(standard_normal, lambda i, o, dist: "N(0, 1)"), False),
        ("seeded", 1, "reproducible under np.random.seed", verify_seeded, False),
    ]),
    *_exercise_checks("MultiClassNetwork.forpass", "multiclass.forpass", multi_forpass, [
        ("values", 3, "z2 (m, k) and self.a1 of the forward pass", verify_two_layer_forpass, False),
        ("inputs_untouched", 1, "x is not modified", untouched("x"), False),
    ]),
    *_exercise_checks("MultiClassNetwork.backprop", "multiclass.backprop", multi_backprop, [
        ("shapes", 1, "each gradient has its parameter's shape", verify_two_layer_shapes, False),
        ("gradient", 3, "gradients agree with numerical gradients", verify_two_layer_gradient, False),
        ### BEGIN INSTRUCTOR ONLY
        ("values", 1, "gradients equal the backpropagation formulas", verify_two_layer_values, True),
        ### END INSTRUCTOR ONLY
        ("inputs_untouched", 1, "x and err are not modified", untouched("x", "err"), False),
    ]),
    *_exercise_checks("MultiClassNetwork.training", "multiclass.cross_entropy_gradient", training, [
        ("step", 3, "one training step follows −lr·∇ of the mean cross-entropy", verify_training_step, False),
    ], depends_on=("MultiClassNetwork.softmax", "MultiClassNetwork.forpass", "MultiClassNetwork.backprop",
                   "penalty_grad")),
]
